package generator

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// TestReadFile checks that a report is read whole, and a file past
// report.MaxSize only as far as Parse needs to refuse it.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		size int
		want int
	}{
		{"empty", 0, 0},
		{"small", 5000, 5000},
		{"a read's worth", 512, 512},
		{"largest", report.MaxSize, report.MaxSize},
		{"too large", report.MaxSize + 4096, report.MaxSize + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz\n"), tc.size/27+1)[:tc.size]
			p := filepath.Join(dir, tc.name+".md")
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readFile(p, tc.name+".md")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want || !bytes.Equal(got, data[:tc.want]) {
				t.Fatalf("read %d bytes, want the first %d of %d", len(got), tc.want, tc.size)
			}
			if tc.size > 0 && tc.size <= report.MaxSize && cap(got) > tc.size+1 {
				t.Errorf("buffer of %d bytes for a %d-byte file", cap(got), tc.size)
			}
		})
	}
	if _, err := readFile(filepath.Join(dir, "missing.md"), "missing.md"); err == nil {
		t.Error("a missing file was read")
	}
}
