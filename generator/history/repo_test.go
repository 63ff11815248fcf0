package history

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/google/go-cmp/cmp"
)

func TestShallowClone(t *testing.T) {
	needTools(t, "git")
	b := newBuilder(t)
	b.write(a24, report("a", 30))
	b.commit("add a")
	b.write(a24, editLines(b.read(a24), 2))
	b.commit("edit a")
	b.write(b24, report("b", 30))
	b.commit("add b")

	clone := filepath.Join(t.TempDir(), "clone")
	gitRun(t, t.TempDir(), "clone", "-q", "--depth", "1", "file://"+b.dir, clone)
	res, err := Scan(context.Background(), Options{Root: clone, Dir: reportsDir})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Shallow {
		t.Fatal("Shallow = false for a --depth 1 clone")
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "fetch-depth: 0") {
		t.Errorf("warnings %q do not say fetch-depth: 0", res.Warnings)
	}
	// Like git, the shallow boundary is a root: every report looks new.
	for _, key := range []string{a24, b24} {
		f := res.Files[key]
		if f == nil || f.Revisions != 1 || f.History[0].Subject != "add b" {
			t.Errorf("%s: %+v, want one revision, the boundary commit", key, f)
		}
	}

	// Unshallowing gives the full history, even with a cache written while shallow.
	cache := t.TempDir()
	if _, err := Scan(context.Background(), Options{Root: clone, Dir: reportsDir, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	gitRun(t, clone, "fetch", "-q", "--unshallow")
	res, err = Scan(context.Background(), Options{Root: clone, Dir: reportsDir, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if res.Shallow || len(res.Warnings) != 0 {
		t.Errorf("after unshallow: Shallow=%v warnings=%q", res.Shallow, res.Warnings)
	}
	if f := res.Files[a24]; f.Revisions != 2 {
		t.Errorf("after unshallow: %s has %d revisions, want 2", a24, f.Revisions)
	}
}

func TestNotRepo(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{a24, "docs/incident-reports/2025/x.md", "docs/incident-reports/notes.txt"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte("# x\n"), 0o644)
	}
	res, err := Scan(context.Background(), Options{Root: dir, Dir: reportsDir})
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotRepo || res.Head != "" || len(res.Warnings) != 1 {
		t.Errorf("NotRepo=%v Head=%q Warnings=%q", res.NotRepo, res.Head, res.Warnings)
	}
	if len(res.Files) != 2 {
		t.Errorf("got %d files, want the 2 .md files", len(res.Files))
	}
	for key, f := range res.Files {
		if !f.Uncommitted || f.Revisions != 0 || !f.Created.IsZero() || f.Path != key {
			t.Errorf("%s: %+v", key, f)
		}
	}
}

func TestEmptyAndMissing(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string)
		files    int
		warnings int
	}{
		{
			name: "repository without commits",
			setup: func(t *testing.T, dir string) {
				if _, err := git.PlainInit(dir, false); err != nil {
					t.Fatal(err)
				}
				os.MkdirAll(filepath.Join(dir, reportsDir), 0o755)
				os.WriteFile(filepath.Join(dir, reportsDir, "a.md"), []byte("x"), 0o644)
			},
			files: 1, warnings: 1,
		},
		{
			name: "no reports dir",
			setup: func(t *testing.T, dir string) {
				if _, err := git.PlainInit(dir, false); err != nil {
					t.Fatal(err)
				}
			},
			files: 0, warnings: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			res, err := Scan(context.Background(), Options{Root: dir, Dir: reportsDir})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Files) != tt.files || len(res.Warnings) != tt.warnings || res.NotRepo {
				t.Errorf("files=%d warnings=%q NotRepo=%v", len(res.Files), res.Warnings, res.NotRepo)
			}
			for key, f := range res.Files {
				if !f.Uncommitted {
					t.Errorf("%s: not uncommitted", key)
				}
			}
		})
	}
}

func TestLinkedWorktreeAndCancel(t *testing.T) {
	needTools(t, "git")
	b := newBuilder(t)
	b.write(a24, report("a", 30))
	b.commit("add a")
	b.write(a24, editLines(b.read(a24), 2))
	b.commit("edit a")
	gitRun(t, b.dir, "gc", "-q") // exercise the pack reader
	linked := filepath.Join(t.TempDir(), "linked")
	gitRun(t, b.dir, "worktree", "add", "-q", linked)
	res, err := Scan(context.Background(), Options{Root: linked, Dir: reportsDir})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Files[a24]; f == nil || f.Revisions != 2 {
		t.Errorf("linked work tree: %+v", f)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, Options{Root: b.dir, Dir: reportsDir}); err == nil {
		t.Error("cancelled scan succeeded")
	}
}

// TestObjectReaders checks the pack reader against go-git's loose object
// reading, and the mapped pack reader against the ReadAt one.
func TestObjectReaders(t *testing.T) {
	needTools(t, "git")
	repo, _ := makeCorpus(t, t.TempDir(), "--reports", "60", "--seed", "7", "--renames", "0.3")
	// mkcorpus writes one fast-import pack; unpack it into loose objects.
	loose := filepath.Join(t.TempDir(), "loose")
	gitRun(t, t.TempDir(), "init", "-q", loose)
	packs, _ := filepath.Glob(filepath.Join(repo, ".git", "objects", "pack", "*.pack"))
	for _, p := range packs {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("git", "-C", loose, "unpack-objects", "-q")
		cmd.Stdin = f
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("unpack: %v\n%s", err, out)
		}
		f.Close()
	}
	head := strings.TrimSpace(gitRun(t, repo, "rev-parse", "HEAD"))
	gitRun(t, loose, "update-ref", "HEAD", head)
	gitRun(t, loose, "checkout", "-q", "-f", "HEAD")

	want, err := Scan(context.Background(), Options{Root: repo, Dir: reportsDir})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Files) == 0 {
		t.Fatal("no files")
	}
	// The same repository read three ways: mapped packs (want), loose
	// objects through go-git, and packs read with ReadAt.
	ways := []struct {
		name string
		root string
		mmap bool
	}{
		{"loose objects", loose, true},
		{"packs without mmap", repo, false},
	}
	for _, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			mmapPacks = w.mmap
			defer func() { mmapPacks = true }()
			got, err := Scan(context.Background(), Options{Root: w.root, Dir: reportsDir})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Files, got.Files); diff != "" {
				t.Errorf("differs from mapped packs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDirForms checks the ways Root and Dir can name the reports dir.
func TestDirForms(t *testing.T) {
	b := newBuilder(t)
	b.write(a24, report("a", 30))
	b.write(".hidden/reports/x.md", report("x", 30))
	b.commit("add a and x")
	tests := []struct {
		name, root, dir, key, path string
	}{
		{"dir below root", "", reportsDir, a24, a24},
		{"dir is root", reportsDir, ".", "2024/a.md", a24},
		{"empty dir", reportsDir, "", "2024/a.md", a24},
		{"absolute dir", "", filepath.Join(b.dir, reportsDir), a24, a24},
		{"hidden dir", "", ".hidden/reports", ".hidden/reports/x.md", ".hidden/reports/x.md"},
		{"root below the repository", "docs", "incident-reports/2024", "incident-reports/2024/a.md", a24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Scan(context.Background(), Options{Root: filepath.Join(b.dir, tt.root), Dir: tt.dir})
			if err != nil {
				t.Fatal(err)
			}
			f := res.Files[tt.key]
			if len(res.Files) != 1 || f == nil || f.Path != tt.path || f.Revisions != 1 {
				t.Errorf("files %v, want %s with Path %s", keys(res.Files), tt.key, tt.path)
			}
		})
	}
	if _, err := Scan(context.Background(), Options{Root: b.dir, Dir: "../elsewhere"}); err == nil {
		t.Error("a reports dir outside the repository was accepted")
	}
	if _, err := Scan(context.Background(), Options{Root: filepath.Join(b.dir, "missing"), Dir: reportsDir}); err == nil {
		t.Error("a missing root was accepted")
	}
}

func keys(m map[string]*File) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
