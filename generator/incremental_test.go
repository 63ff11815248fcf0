package generator

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/site"
)

// TestIncrementalBuilds changes a repository step by step and builds it
// each time twice: with the caches of the earlier builds (which keep or
// copy unchanged report pages) and from nothing. The two sites must be
// the same, file for file, and the cached build must reuse pages.
func TestIncrementalBuilds(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := fixture(t)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ana", "GIT_AUTHOR_EMAIL=ana@example.com", "GIT_COMMITTER_NAME=Ana",
			"GIT_COMMITTER_EMAIL=ana@example.com", "GIT_AUTHOR_DATE=2025-10-10T10:00:00Z", "GIT_COMMITTER_DATE=2025-10-10T10:00:00Z")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-qm", "reports")
	reports := filepath.Join(root, "docs/incident-reports/2025")
	// Files last changed an hour ago are taken as they were by their size
	// and time, as files edited for a step are not.
	hourAgo := time.Now().Add(-time.Hour)
	files, _ := filepath.Glob(filepath.Join(reports, "*"))
	for _, f := range files {
		if err := os.Chtimes(f, hourAgo, hourAgo); err != nil {
			t.Fatal(err)
		}
	}
	edit := func(name, old, new string) {
		t.Helper()
		p := filepath.Join(reports, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s does not contain %q", name, old)
		}
		if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	now := time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)
	build := func(cacheDir, out string) *Result {
		t.Helper()
		s, err := config.Load(root, "")
		if err != nil {
			t.Fatal(err)
		}
		res, err := Build(context.Background(), Config{Site: s, Out: out, Now: now, CacheDir: cacheDir, KeepGoing: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	build(cache, out)
	steps := []struct {
		name   string
		change func()
		reuse  bool // some report page is kept or copied
	}{
		{"nothing", func() {}, true},
		{"nothing again", func() {}, true},
		{"title of a related report", func() {
			edit("INC-2025-09-30-002-tours-lock.md", "title: Tours table locked by a migration", "title: Tours table locked")
		}, true},
		{"commit", func() { git("commit", "-qam", "shorter title") }, true},
		{"attachment removed", func() { os.Remove(filepath.Join(reports, "rollback.sql")) }, true},
		{"attachment back", func() { os.WriteFile(filepath.Join(reports, "rollback.sql"), []byte("select 2;\n"), 0o644) }, true},
		{"linked report renamed", func() {
			os.Rename(filepath.Join(reports, "INC-2025-09-30-002-tours-lock.md"), filepath.Join(reports, "tours.md"))
		}, true},
		{"action item closed", func() {
			edit("INC-2025-10-08-001-booking-outage.md", "status: open", "status: done")
			git("add", "-A")
			git("commit", "-qm", "close an item")
		}, true},
		{"report text", func() {
			edit("INC-2025-10-08-001-booking-outage.md", "A migration added", "A careless migration added")
		}, true},
		{"action item owner", func() {
			edit("INC-2025-10-08-001-booking-outage.md", "owner: ", "owner: Zoë ")
		}, true},
		{"services", func() {
			edit("INC-2025-10-08-001-booking-outage.md", "services: [booking-api, admin-dashboard]", "services: [booking-api, Admin Dashboard, payments]")
		}, true},
		{"tag removed", func() {
			edit("INC-2025-10-08-001-booking-outage.md", "tags: [database, migration]", "tags: [database]")
		}, true},
		{"a year more", func() {
			// every list names the years, also those whose reports did not change
			b, err := os.ReadFile(filepath.Join(reports, "tours.md"))
			if err != nil {
				t.Fatal(err)
			}
			b = bytes.Replace(b, []byte("started: 2025-09-30 09:00"), []byte("started: 2023-09-30 09:00"), 1)
			b = bytes.Replace(b, []byte("id: INC-2025-09-30-002"), []byte("id: INC-2023-09-30-001"), 1)
			os.MkdirAll(filepath.Join(reports, "../2023"), 0o755)
			if err := os.WriteFile(filepath.Join(reports, "../2023/INC-2023-09-30-001.md"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"a severity changed", func() { edit("tours.md", "severity: P2", "severity: SEV-X") }, true},
		{"another day", func() { now = now.AddDate(0, 0, 40) }, false},
		{"same day again", func() {}, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.change()
			res := build(cache, out)
			fresh := filepath.Join(t.TempDir(), "site")
			want := build("-", fresh)
			if diff := cmp.Diff(want.Diagnostics, res.Diagnostics); diff != "" {
				t.Errorf("diagnostics differ (-fresh +cached):\n%s", diff)
			}
			sameTree(t, fresh, out)
			reused := strings.Contains(res.Timings(), "unchanged")
			if reused != st.reuse {
				t.Errorf("pages reused: %v, want %v (%s)", reused, st.reuse, res.Timings())
			}
		})
	}
}

// sameTree compares two sites file by file, manifests aside (they name
// the build that wrote them).
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	files := func(dir string) map[string][]byte {
		m := map[string][]byte{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == site.Manifest {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			m[filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	w, g := files(want), files(got)
	for name, b := range w {
		gb, ok := g[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if !bytes.Equal(b, gb) {
			t.Errorf("%s differs (-fresh +cached):\n%s", name, cmp.Diff(string(b), string(gb)))
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s should not be there", name)
		}
	}
}

// TestPreview: the page Preview renders for an edited report is the page
// the full build then writes, and the build after a preview still
// equals one from nothing.
func TestPreview(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := fixture(t)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"-c", "user.name=Ana", "-c", "user.email=a@example.com", "commit", "-qm", "reports"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Site: s, Out: filepath.Join(t.TempDir(), "site"), Now: time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC), CacheDir: t.TempDir()}
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "docs/incident-reports/2025/INC-2025-10-08-001-booking-outage.md")
	b, _ := os.ReadFile(file)
	b = bytes.Replace(b, []byte("A migration added"), []byte("A careless migration added"), 1)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	pages, ok, err := Preview(context.Background(), res.Snapshot, []string{file})
	if err != nil || !ok || len(pages) != 1 {
		t.Fatalf("preview: %v, %v, %d pages", err, ok, len(pages))
	}
	page := filepath.Join(cfg.Out, "incidents/INC-2025-10-08-001/index.html")
	shown, _ := os.ReadFile(page)
	if !bytes.Equal(shown, pages[0].HTML) || !bytes.Contains(shown, []byte("A careless migration")) {
		t.Fatal("the preview is not in the site")
	}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	built, _ := os.ReadFile(page)
	if diff := cmp.Diff(string(built), string(pages[0].HTML)); diff != "" {
		t.Errorf("preview differs from the full build (-build +preview):\n%s", diff)
	}
	fresh := cfg
	fresh.Out, fresh.CacheDir = filepath.Join(t.TempDir(), "site"), "-"
	if _, err := Build(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	sameTree(t, fresh.Out, cfg.Out)

	// A new report needs the full build.
	other := filepath.Join(root, "docs/incident-reports/2025/new.md")
	os.WriteFile(other, []byte("---\nid: INC-2025-11-01-001\ntitle: New\n---\n"), 0o644)
	if _, ok, _ := Preview(context.Background(), res.Snapshot, []string{other}); ok {
		t.Error("previewed a report the build has not seen")
	}
}
