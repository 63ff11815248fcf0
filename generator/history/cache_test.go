package history

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
)

// scanBoth scans with the cache and without it and requires equal answers;
// it returns the cached scan.
func scanBoth(t *testing.T, root, cacheDir string) *Result {
	t.Helper()
	cached, err := Scan(context.Background(), Options{Root: root, Dir: reportsDir, CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	cold, err := Scan(context.Background(), Options{Root: root, Dir: reportsDir})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cold.Files, cached.Files); diff != "" {
		t.Fatalf("cached scan differs from a cold one (-cold +cached):\n%s", diff)
	}
	if cached.Head != cold.Head {
		t.Fatalf("head %s, want %s", cached.Head, cold.Head)
	}
	return cached
}

func TestCache(t *testing.T) {
	repo, _ := makeCorpus(t, t.TempDir(), "--reports", "80", "--seed", "11", "--renames", "0.3")
	cacheDir := t.TempDir()
	cacheFile := filepath.Join(cacheDir, cacheName)
	total := scanBoth(t, repo, cacheDir).commitsRead
	if total < 100 {
		t.Fatalf("first scan read %d commits, expected the whole history", total)
	}
	if _, err := os.Stat(cacheFile); err != nil {
		t.Fatalf("no cache written: %v", err)
	}

	steps := []struct {
		name  string
		do    func(t *testing.T)
		reads func(n int) bool // acceptable number of commits read
	}{
		{"unchanged", func(*testing.T) {}, func(n int) bool { return n == 0 }},
		{"one new commit", func(t *testing.T) {
			p := filepath.Join(repo, reportsDir, "2030", "new.md")
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte(report("new", 20)), 0o644)
			gitRun(t, repo, "add", "-A")
			gitRun(t, repo, "commit", "-q", "-m", "add new")
		}, func(n int) bool { return n == 1 }},
		{"merged branch", func(t *testing.T) {
			gitRun(t, repo, "checkout", "-q", "-b", "side", "HEAD~5")
			for i := range 2 {
				p := filepath.Join(repo, reportsDir, "2031", fmt.Sprintf("side-%d.md", i))
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, []byte(report(fmt.Sprint("side", i), 20)), 0o644)
				gitRun(t, repo, "add", "-A")
				gitRun(t, repo, "commit", "-q", "-m", fmt.Sprint("side ", i))
			}
			gitRun(t, repo, "checkout", "-q", "main")
			gitRun(t, repo, "merge", "-q", "--no-ff", "-m", "merge side", "side")
		}, func(n int) bool { return n == 3 }},
		{"rename in a new commit", func(t *testing.T) {
			gitRun(t, repo, "mv", filepath.Join(reportsDir, "2030", "new.md"), filepath.Join(reportsDir, "2030", "renamed.md"))
			gitRun(t, repo, "commit", "-q", "-m", "rename new")
		}, func(n int) bool { return n == 1 }},
		{"amended head", func(t *testing.T) {
			gitRun(t, repo, "commit", "-q", "--amend", "-m", "rename new, amended")
		}, func(n int) bool { return n == 1 }},
		{"history rewritten and old objects pruned", func(t *testing.T) {
			// Every commit gets a new id, so the cached HEAD is no ancestor;
			// then the old objects are dropped.
			rewriteHistory(t, repo)
			gitRun(t, repo, "reflog", "expire", "--expire=now", "--all")
			gitRun(t, repo, "gc", "-q", "--prune=now")
		}, func(n int) bool { return n == commitCount(t, repo) }},
		{"cache deleted", func(t *testing.T) {
			os.Remove(cacheFile)
		}, func(n int) bool { return n == commitCount(t, repo) }},
		{"cache corrupt", func(t *testing.T) {
			b, _ := os.ReadFile(cacheFile)
			b[len(b)/2] ^= 0xff
			os.WriteFile(cacheFile, b, 0o644)
		}, func(n int) bool { return n == commitCount(t, repo) }},
		{"cache truncated", func(t *testing.T) {
			b, _ := os.ReadFile(cacheFile)
			os.WriteFile(cacheFile, b[:len(b)/3], 0o644)
		}, func(n int) bool { return n == commitCount(t, repo) }},
		{"reused after recovery", func(*testing.T) {}, func(n int) bool { return n == 0 }},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.do(t)
			res := scanBoth(t, repo, cacheDir)
			if !step.reads(res.commitsRead) {
				t.Errorf("read %d commits from the repository (history has %d)", res.commitsRead, commitCount(t, repo))
			}
		})
	}
}

// TestCacheOtherDir checks that a cache written for one reports dir gives
// right answers for another (the facts say which directories they cover).
func TestCacheOtherDir(t *testing.T) {
	b := newBuilder(t)
	b.write("incidents/x.md", report("x", 30))
	b.write(a24, report("a", 30))
	b.commit("add x and a")
	b.write("incidents/x.md", editLines(b.read("incidents/x.md"), 3))
	b.commit("edit x")
	cacheDir := t.TempDir()
	for _, dir := range []string{reportsDir, "incidents", reportsDir, "incidents"} {
		res, err := Scan(context.Background(), Options{Root: b.dir, Dir: dir, CacheDir: cacheDir})
		if err != nil {
			t.Fatal(err)
		}
		cold, err := Scan(context.Background(), Options{Root: b.dir, Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(cold.Files, res.Files); diff != "" {
			t.Fatalf("dir %s: cached scan differs (-cold +cached):\n%s", dir, diff)
		}
		if len(res.Files) != 1 {
			t.Fatalf("dir %s: %d files", dir, len(res.Files))
		}
	}
}

func TestCacheRoundTrip(t *testing.T) {
	b := newBuilder(t)
	b.write(a24, report("a", 30))
	b.commit("add a")
	b.move(a24, b24)
	b.commit("rename")
	cacheDir := t.TempDir()
	if _, err := Scan(context.Background(), Options{Root: b.dir, Dir: reportsDir, CacheDir: cacheDir}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(cacheDir, cacheName))
	if err != nil {
		t.Fatal(err)
	}
	c, err := decodeCache(data)
	if err != nil {
		t.Fatal(err)
	}
	m := c.facts
	if len(m) != 2 {
		t.Fatalf("cache has %d commits, want 2", len(m))
	}
	f := m[b.commits["rename"]]
	if f == nil || len(f.changes) != 2 || f.renames[b24] != a24 || f.author != "Ben Okafor" || f.subject != "rename" {
		t.Errorf("rename commit facts: %+v", f)
	}
	// Every prefix of a valid file is rejected, never a panic.
	for n := 0; n < len(data); n += 7 {
		if _, err := decodeCache(data[:n]); err == nil {
			t.Fatalf("truncated cache of %d bytes accepted", n)
		}
	}
}

// TestCacheSegments checks that appended segments are compacted.
func TestCacheSegments(t *testing.T) {
	b := newBuilder(t)
	cacheDir := t.TempDir()
	for i := range maxCacheSegments + 4 {
		b.write(a24, report(fmt.Sprint(i), 30))
		b.commit(fmt.Sprintf("edit %d", i))
		res := scanBoth(t, b.dir, cacheDir)
		if res.commitsRead != 1 {
			t.Fatalf("scan %d read %d commits, want 1", i, res.commitsRead)
		}
		data, err := os.ReadFile(filepath.Join(cacheDir, cacheName))
		if err != nil {
			t.Fatal(err)
		}
		c, err := decodeCache(data)
		if err != nil {
			t.Fatal(err)
		}
		if c.segments > maxCacheSegments || len(c.facts) != i+1 {
			t.Fatalf("after %d scans: %d segments, %d commits", i+1, c.segments, len(c.facts))
		}
	}
}

// rewriteHistory recreates every commit reachable from HEAD one second
// later, keeping trees and shape, and moves the current branch to the copy.
func rewriteHistory(t *testing.T, dir string) {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	mapped := map[plumbing.Hash]plumbing.Hash{}
	var rewrite func(h plumbing.Hash) plumbing.Hash
	rewrite = func(h plumbing.Hash) plumbing.Hash {
		if n, ok := mapped[h]; ok {
			return n
		}
		c, err := repo.CommitObject(h)
		if err != nil {
			t.Fatal(err)
		}
		nc := *c
		nc.ParentHashes = nil
		for _, p := range c.ParentHashes {
			nc.ParentHashes = append(nc.ParentHashes, rewrite(p))
		}
		nc.Committer.When = c.Committer.When.Add(time.Second)
		obj := repo.Storer.NewEncodedObject()
		if err := nc.Encode(obj); err != nil {
			t.Fatal(err)
		}
		n, err := repo.Storer.SetEncodedObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		mapped[h] = n
		return n
	}
	// Iterative order (oldest first) keeps the recursion shallow.
	var chain []plumbing.Hash
	for h := head.Hash(); ; {
		chain = append(chain, h)
		c, err := repo.CommitObject(h)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.ParentHashes) == 0 {
			break
		}
		h = c.ParentHashes[0]
	}
	for i := len(chain) - 1; i >= 0; i-- {
		rewrite(chain[i])
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(head.Name(), mapped[head.Hash()])); err != nil {
		t.Fatal(err)
	}
}

func commitCount(t *testing.T, repo string) int {
	t.Helper()
	var n int
	fmt.Sscan(gitRun(t, repo, "rev-list", "--count", "HEAD"), &n)
	return n
}
