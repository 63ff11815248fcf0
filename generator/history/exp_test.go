package history

import (
	"io"
	"os"
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

func TestExp(t *testing.T) {
	root := os.Getenv("EXP_REPO")
	if root == "" {
		t.Skip()
	}
	fs := osfs.New(root + "/.git")
	st := filesystem.NewStorageWithOptions(fs, cache.NewObjectLRU(256<<20), filesystem.Options{KeepDescriptors: true, ExclusiveAccess: true})
	repo, err := git.Open(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := repo.Head()
	t0 := time.Now()
	h := head.Hash()
	n := 0
	var trees []plumbing.Hash
	for {
		c, err := object.GetCommit(st, h)
		if err != nil {
			t.Fatal(err)
		}
		n++
		trees = append(trees, c.TreeHash)
		if len(c.ParentHashes) == 0 {
			break
		}
		h = c.ParentHashes[0]
	}
	t.Logf("commits %d in %v", n, time.Since(t0))
	t1 := time.Now()
	var bytesRead int64
	buf := make([]byte, 0, 1<<20)
	get := func(h plumbing.Hash) []byte {
		o, err := st.EncodedObject(plumbing.TreeObject, h)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := o.Reader()
		buf = buf[:0]
		b, _ := io.ReadAll(r)
		r.Close()
		bytesRead += int64(len(b))
		return b
	}
	find := func(tree []byte, name string) plumbing.Hash {
		for len(tree) > 0 {
			sp := 0
			for tree[sp] != ' ' {
				sp++
			}
			nul := sp
			for tree[nul] != 0 {
				nul++
			}
			var hh plumbing.Hash
			copy(hh[:], tree[nul+1:nul+21])
			if string(tree[sp+1:nul]) == name {
				return hh
			}
			tree = tree[nul+21:]
		}
		return plumbing.ZeroHash
	}
	ntrees := 0
	seen := map[plumbing.Hash]bool{}
	for _, th := range trees {
		rt := get(th)
		d := find(rt, "docs")
		if d.IsZero() || seen[d] {
			continue
		}
		seen[d] = true
		ir := find(get(d), "incident-reports")
		if ir.IsZero() {
			continue
		}
		irt := get(ir)
		for len(irt) > 0 {
			sp := 0
			for irt[sp] != ' ' {
				sp++
			}
			nul := sp
			for irt[nul] != 0 {
				nul++
			}
			var hh plumbing.Hash
			copy(hh[:], irt[nul+1:nul+21])
			if !seen[hh] {
				seen[hh] = true
				get(hh)
				ntrees++
			}
			irt = irt[nul+21:]
		}
	}
	t.Logf("year trees %d bytes %d in %v", ntrees, bytesRead, time.Since(t1))
}
