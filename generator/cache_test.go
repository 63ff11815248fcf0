package generator

import (
	"bytes"
	"encoding/gob"
	"fmt"
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
			if err := writeShard(&buf, "key", map[string]cached{name: pack(snapshot(r))}); err != nil {
				t.Fatal(err)
			}
			back := readShard(&buf, "key")
			if len(back) != 1 {
				t.Fatalf("read back %d reports, want 1", len(back))
			}
			got := back[name].unpack()
			if diff := cmp.Diff(r, got, cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })); diff != "" {
				t.Errorf("round trip changed the report (-parsed +cached):\n%s", diff)
			}
		})
	}
}

// TestParseCacheShards: a shard holds runs of reports in one stream; one
// saved for another key, cut short, or holding other than it says is
// left out whole, so that its reports are parsed again.
func TestParseCacheShards(t *testing.T) {
	r, err := report.Parse("a.md", []byte("---\nid: INC-1\ntitle: One\n---\nBody.\n"), report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs := map[string]cached{}
	for i := range 2*parsedRun + 3 {
		rs[fmt.Sprintf("docs/r%d.md", i)] = pack(snapshot(r))
	}
	var full bytes.Buffer
	if err := writeShard(&full, "key", rs); err != nil {
		t.Fatal(err)
	}
	encodeHead := func(n int) []byte {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(parsedHead{Key: "key", N: n}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	head, more := encodeHead(len(rs)), encodeHead(len(rs)+1)
	if !bytes.HasPrefix(full.Bytes(), head) || len(more) != len(head) {
		t.Fatal("the head is not where the test puts it")
	}
	tail := full.Bytes()[len(head):] // the runs
	for _, tc := range []struct {
		name string
		data []byte
		key  string
		want int
	}{
		{"whole", full.Bytes(), "key", len(rs)},
		{"other key", full.Bytes(), "other", 0},
		{"cut short", full.Bytes()[:full.Len()-40], "key", 0},
		{"head only", head, "key", 0},
		{"one report more said than held", append(append([]byte(nil), more...), tail...), "key", 0},
		{"empty", nil, "key", 0},
		{"not gob", []byte("reports"), "key", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readShard(bytes.NewReader(tc.data), tc.key)
			if len(got) != tc.want {
				t.Errorf("read %d reports, want %d", len(got), tc.want)
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

// BenchmarkParseCache saves and loads a parse cache of 10,000 reports,
// the repository's examples over and over.
func BenchmarkParseCache(b *testing.B) {
	files, _ := filepath.Glob("../docs/incident-reports/*/*.md")
	var parsed []*report.Report
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if r, err := report.Parse(filepath.Base(f), data, report.Options{}); err == nil {
			parsed = append(parsed, r)
		}
	}
	if len(parsed) == 0 {
		b.Fatal("no reports")
	}
	rs := map[string]cached{}
	for i := range 10000 {
		rs[fmt.Sprintf("docs/incident-reports/%d/r%d.md", 2016+i%10, i)] = pack(snapshot(parsed[i%len(parsed)]))
	}
	var dirty [parsedShards]bool
	for i := range dirty {
		dirty[i] = true
	}
	dir := b.TempDir()
	b.Run("save", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			saveParsed(dir, "key", rs, &dirty)
		}
	})
	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if got := loadParsed(dir, "key"); len(got) != len(rs) {
				b.Fatalf("loaded %d reports, want %d", len(got), len(rs))
			}
		}
	})
}
