package generator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/htmlcheck"
)

// FuzzBuild runs the whole pipeline on one report: whatever the file
// holds, the build succeeds with --keep-going, and no page can run
// script.
func FuzzBuild(f *testing.F) {
	for _, name := range []string{
		"testdata/fixture/docs/incident-reports/2025/INC-2025-10-08-001-booking-outage.md",
		"testdata/fixture/docs/incident-reports/2025/INC-2025-09-30-002-tours-lock.md",
		"report/testdata/template/filled.md",
	} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("---\ntitle: '<script>x</script>'\nservices: ['\"><img src=x onerror=y>']\naction_items: [{title: x, owner: '<b>', link: 'javascript:x'}]\n---\n[a](javascript:x)"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "docs", "incident-reports", "2025")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "INC-2025-01-01-001.md"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := config.Default(root)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Build(context.Background(), Config{Site: s, Now: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), NoHistory: true, KeepGoing: true, Workers: 1, CacheDir: "-"})
		if err != nil {
			t.Fatalf("build failed: %v", err)
		}
		err = filepath.WalkDir(filepath.Join(root, "public"), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
				return err
			}
			fh, err := os.Open(p)
			if err != nil {
				return err
			}
			defer fh.Close()
			if err := htmlcheck.Check(fh); err != nil {
				return errors.Join(errors.New(p), err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
