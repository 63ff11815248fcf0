package generator

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
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
			if err := writeShard(&buf, "key", map[string]cached{name: {R: snapshot(r)}}); err != nil {
				t.Fatal(err)
			}
			back := readShard(buf.Bytes(), "key")
			if len(back) != 1 {
				t.Fatalf("read back %d reports, want 1", len(back))
			}
			got := back[name].R
			if diff := cmp.Diff(r, got, cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })); diff != "" {
				t.Errorf("round trip changed the report (-parsed +cached):\n%s", diff)
			}
		})
	}
}

// TestParseCacheShards: a shard saved for another key, cut short,
// damaged, or holding other than it says is left out whole, so that its
// reports are parsed again.
func TestParseCacheShards(t *testing.T) {
	r, err := report.Parse("a.md", []byte("---\nid: INC-1\ntitle: One\n---\nBody.\n"), report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs := map[string]cached{}
	for i := range 131 {
		rs[fmt.Sprintf("docs/r%d.md", i)] = cached{R: snapshot(r), Stat: fileStat{Size: int64(i), MTime: -1, Ino: 7}, Read: 42}
	}
	var buf bytes.Buffer
	if err := writeShard(&buf, "key", rs); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	// resum gives b a right checksum again after a change.
	resum := func(b []byte) []byte {
		b = slices.Clone(b[:len(b)-4])
		return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	}
	flipped := slices.Clone(full)
	flipped[len(flipped)/2] ^= 1
	keyAt := len(parsedMagic) + 1 + len("key") // the count of reports
	more := slices.Clone(full)
	more[keyAt]++
	for _, tc := range []struct {
		name string
		data []byte
		key  string
		want int
	}{
		{"whole", full, "key", len(rs)},
		{"other key", full, "other", 0},
		{"cut short", full[:len(full)-40], "key", 0},
		{"cut short, summed", resum(full[:len(full)-40]), "key", 0},
		{"a bit flipped", flipped, "key", 0},
		{"one report more said than held", resum(more), "key", 0},
		{"empty", nil, "key", 0},
		{"magic only", []byte(parsedMagic), "key", 0},
		{"not a shard", []byte("reports"), "key", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readShard(tc.data, tc.key)
			if len(got) != tc.want {
				t.Errorf("read %d reports, want %d", len(got), tc.want)
			}
			if tc.want > 0 {
				if diff := cmp.Diff(rs, got, cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })); diff != "" {
					t.Errorf("read back differs (-saved +read):\n%s", diff)
				}
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
		rs[fmt.Sprintf("docs/incident-reports/%d/r%d.md", 2016+i%10, i)] = cached{R: snapshot(parsed[i%len(parsed)])}
	}
	var dirty [parsedShards]bool
	for i := range dirty {
		dirty[i] = true
	}
	dir := b.TempDir()
	// Saved once here too, so that load can run alone (-bench ParseCache/load).
	saveParsed(dir, "key", rs, &dirty)
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
