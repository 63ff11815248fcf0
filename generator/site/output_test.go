package site

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestMkdirReplacesLinkConcurrently: goroutines of two writers (as
// MakeFolders and Render are) meeting a link where a folder goes all
// end up writing into one folder of the site's own, none fails, and
// nothing goes where the link pointed.
func TestMkdirReplacesLinkConcurrently(t *testing.T) {
	for round := range 100 {
		dir, outside := t.TempDir(), t.TempDir()
		if err := os.Symlink(outside, filepath.Join(dir, "incidents")); err != nil {
			t.Skip("no symbolic links here:", err)
		}
		writers := []*writer{{dir: dir, dirs: &Folders{}}, {dir: dir, dirs: &Folders{}}}
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() {
				w := writers[i%2]
				if err := w.file(fmt.Sprintf("incidents/r%d/index.html", i), []byte("page")); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
		if ents, _ := os.ReadDir(outside); len(ents) > 0 {
			t.Fatalf("round %d: %d entries written through the link", round, len(ents))
		}
		for i := range 16 {
			if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("incidents/r%d/index.html", i))); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

// TestFilesKnowsFolders: the listing of a staged folder takes its real
// folders as known, so the build writes into them without looking
// again, but never a link to a folder, whether it leads out of the site
// or not: a file written through it would land where the link points.
func TestFilesKnowsFolders(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	for _, f := range []string{"index.html", "incidents/a/index.html", "incidents/a/logs/x.txt", "assets/site.css"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, "incidents", "out")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.Symlink(filepath.Join(dir, "assets"), filepath.Join(dir, "inside")); err != nil {
		t.Fatal(err)
	}
	known := &Folders{}
	files, err := Files(dir+string(filepath.Separator), known)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"assets/site.css", "incidents/a/index.html", "incidents/a/logs/x.txt", "incidents/out", "index.html", "inside"}
	if fmt.Sprint(files) != fmt.Sprint(want) {
		t.Errorf("Files = %v, want %v", files, want)
	}
	got := map[string]any{}
	known.known.Range(func(k, v any) bool { got[k.(string)] = v; return true })
	wantDirs := map[string]any{}
	for _, d := range []string{"assets", "incidents", "incidents/a", "incidents/a/logs"} {
		wantDirs[filepath.Join(dir, filepath.FromSlash(d))] = false // there before, not made
	}
	if fmt.Sprint(got) != fmt.Sprint(wantDirs) {
		t.Errorf("known folders = %v, want %v", got, wantDirs)
	}
	// Written through the listing's knowledge, a file under the link
	// still replaces the link with a folder of the site's own.
	w := &writer{dir: filepath.Clean(dir), dirs: known}
	if err := w.file("incidents/out/index.html", []byte("page")); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) > 0 {
		t.Errorf("%d entries written through the link", len(ents))
	}
}
