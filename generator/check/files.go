package check

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// fileKind is what a path is, as far as publishing goes.
type fileKind uint8

const (
	kindMissing fileKind = iota
	kindLink             // a symbolic link: never followed
	kindDir
	kindFile
	kindOther // a device, socket or pipe
)

// statCache remembers one Lstat per path. Reports share folders and link
// the same files, so most lookups after the first are a map read; Lstat,
// not Stat, so a symbolic link is seen as one and never followed out of
// the repository.
type statCache struct {
	m     sync.Map // absolute path → fileKind
	found sync.Map // slash path below root → lookupResult
}

type lookupResult struct {
	kind fileKind
	at   string
}

func (c *statCache) kind(abs string) fileKind {
	if v, ok := c.m.Load(abs); ok {
		return v.(fileKind)
	}
	k := kindMissing
	if st, err := os.Lstat(abs); err == nil {
		switch m := st.Mode(); {
		case m&fs.ModeSymlink != 0:
			k = kindLink
		case m.IsDir():
			k = kindDir
		case m.IsRegular():
			k = kindFile
		default:
			k = kindOther
		}
	}
	c.m.Store(abs, k)
	return k
}

// lookup walks rel (a clean slash path below root) one component at a
// time, so a symbolic link anywhere on the way is found, not only at the
// end. It returns the kind of the target, or of the component where the
// walk stopped, and that component's slash path.
func (c *statCache) lookup(root, rel string) (fileKind, string) {
	if v, ok := c.found.Load(rel); ok {
		r := v.(lookupResult)
		return r.kind, r.at
	}
	k, at := c.walk(root, rel)
	c.found.Store(rel, lookupResult{k, at})
	return k, at
}

func (c *statCache) walk(root, rel string) (fileKind, string) {
	p := root
	done := 0
	for {
		i := strings.IndexByte(rel[done:], '/')
		last := i < 0
		end := len(rel)
		if !last {
			end = done + i
		}
		p = filepath.Join(p, rel[done:end])
		k := c.kind(p)
		switch {
		case k == kindMissing, k == kindLink:
			return k, rel[:end]
		case last:
			return k, rel
		case k != kindDir:
			return kindMissing, rel[:end] // a file used as a folder
		}
		done = end + 1
	}
}
