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
