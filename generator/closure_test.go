package generator

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// TestCloseDates commits a report three times and checks when each
// action item is found closed: by title, by position after a rename of
// the item, and again from the cache alone.
func TestCloseDates(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	git := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ana", "GIT_AUTHOR_EMAIL=ana@example.com", "GIT_COMMITTER_NAME=Ana",
			"GIT_COMMITTER_EMAIL=ana@example.com", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	file := filepath.Join(root, "docs/incident-reports/INC-2025-01-01-001.md")
	write := func(a, b, c string) {
		t.Helper()
		body := "---\ntitle: T\nseverity: P2\nstarted: 2025-01-01 10:00\naction_items:\n" +
			"  - title: Alerting\n    status: " + a + "\n" +
			"  - title: " + b + "\n    status: " + c + "\n---\n"
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("2025-01-02T10:00:00Z", "init", "-q", "-b", "main")
	write("open", "Runbook", "open")
	git("2025-01-02T10:00:00Z", "add", ".")
	git("2025-01-02T10:00:00Z", "commit", "-q", "-m", "add")
	write("done", "Runbook", "in-progress")
	git("2025-01-05T10:00:00Z", "commit", "-q", "-am", "close alerting")
	write("done", "Runbook for migrations", "done")
	git("2025-01-09T10:00:00Z", "commit", "-q", "-am", "close the runbook, renamed")

	cache := t.TempDir()
	for _, run := range []string{"read", "cached"} {
		t.Run(run, func(t *testing.T) {
			s, err := config.Load(root, "")
			if err != nil {
				t.Fatal(err)
			}
			set, err := Load(context.Background(), Config{Site: s, CacheDir: cache, Now: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			items := set.Reports[0].ActionItems
			want := []string{"2025-01-05", "2025-01-09"}
			for i, w := range want {
				if got := items[i].Closed.UTC().Format("2006-01-02"); got != w {
					t.Errorf("item %d (%s) closed %s, want %s", i, items[i].Title, got, w)
				}
			}
			if _, err := os.Stat(filepath.Join(cache, statesFile)); err != nil {
				t.Errorf("no cache: %v", err)
			}
		})
	}

	// Versions no history holds any more leave the cache once they are
	// a quarter of it.
	states := loadStates(cache)
	kept := len(states)
	for _, b := range []string{"0123", "4567", "89ab"} {
		states[b] = []report.ActionState{{Title: "gone", Status: "done"}}
	}
	saveStates(cache, states)
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), Config{Site: s, CacheDir: cache, Now: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	states = loadStates(cache)
	if len(states) != kept || states["0123"] != nil {
		t.Errorf("cache of %d versions after the build, want the %d it needs", len(states), kept)
	}
}

// TestStatesFile: the action states cache reads back as written, a
// damaged one reads as empty, and the old gob file is removed.
func TestStatesFile(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "action-states.v1.gob")
	if err := os.WriteFile(old, []byte("gob"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string][]report.ActionState{
		"0123": {{Title: "Add an alert", Status: "done"}, {Title: "", Status: "wont-do"}},
		"4567": {},
		"89ab": {{Title: "Zoë's \x00 item", Status: "open"}},
	}
	saveStates(dir, want)
	if _, err := os.Stat(old); err == nil {
		t.Error("the old file is still there")
	}
	got := loadStates(dir)
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	p := filepath.Join(dir, statesFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := loadStates(dir); len(got) != 0 {
		t.Errorf("a damaged file gave %d versions", len(got))
	}
}
