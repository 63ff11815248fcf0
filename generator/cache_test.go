package generator

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// TestParseCacheRoundTrip: a report read back from the parse cache must
// be the report parsed, down to a "false" and an empty meeting.
func TestParseCacheRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../docs/incident-reports/*/*.md")
	more, _ := filepath.Glob("testdata/fixture/docs/incident-reports/*/*.md")
	files = append(files, more...)
	srcs := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[f] = b
	}
	srcs["zeros.md"] = []byte("---\nid: INC-1\ntitle: Zeros\nstarted: 2025-01-01T00:00:00Z\nimpact:\n  users: 0\n  revenue: 0\n  data_loss: false\n  data_exposure: false\n" +
		"security:\n  incident: false\n  pii: false\n  payment_data: false\n  regulatory_notification: false\nmeeting: {}\nservices: []\ntags: []\naction_items: []\ntimeline: []\n---\nBody.\n")
	if len(srcs) < 5 {
		t.Fatalf("only %d reports", len(srcs))
	}
	for name, b := range srcs {
		t.Run(name, func(t *testing.T) {
			r, err := report.Parse(name, b, report.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(map[string]cached{name: pack(snapshot(r))}); err != nil {
				t.Fatal(err)
			}
			var back map[string]cached
			if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
				t.Fatal(err)
			}
			got := back[name].unpack()
			if diff := cmp.Diff(r, got, cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })); diff != "" {
				t.Errorf("round trip changed the report (-parsed +cached):\n%s", diff)
			}
		})
	}
}

// TestPrunePageFiles keeps the page records being written and those of
// output folders built lately, and removes the rest.
func TestPrunePageFiles(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	files := []struct {
		name string
		age  time.Duration
		kept bool
	}{
		{"pages-aaaa.v1.gob", 400 * 24 * time.Hour, true}, // the one this build wrote
		{"pages-bbbb.v1.gob", 29 * 24 * time.Hour, true},
		{"pages-cccc.v1.gob", 31 * 24 * time.Hour, false},
		{"pages-dddd.v0.gob", 90 * 24 * time.Hour, false}, // an older version's
		{"history.gob", 400 * 24 * time.Hour, true},       // not page records
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-f.age), now.Add(-f.age)); err != nil {
			t.Fatal(err)
		}
	}
	prunePageFiles(filepath.Join(dir, files[0].name), now)
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if kept := err == nil; kept != f.kept {
			t.Errorf("%s: kept %v, want %v", f.name, kept, f.kept)
		}
	}
}
