package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPartsRoundTrip(t *testing.T) {
	shard := func(reports, search, both int) partsShard {
		s := partsShard{Reports: map[string]*reportPart{}, Search: map[string]*searchPart{}}
		for i := range reports + both {
			u := fmt.Sprintf("reports/r%d/", i)
			s.Reports[u] = &reportPart{Key: [32]byte{byte(i)}, Data: []byte(u)}
		}
		for i := reports; i < reports+both+search; i++ {
			u := fmt.Sprintf("reports/r%d/", i)
			s.Search[u] = &searchPart{Key: [32]byte{byte(i)}, Doc: []byte("doc " + u), Words: []byte("words")}
		}
		return s
	}
	for _, tc := range []struct {
		name                  string
		reports, search, both int
	}{
		{"empty", 0, 0, 0},
		{"both", 0, 0, 3},
		{"reports only", 5, 0, 0},
		{"search only", 0, 5, 0},
		{"mixed", 2, 3, 4},
		{"several runs", 70, 65, partsRun*3 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := shard(tc.reports, tc.search, tc.both)
			var b bytes.Buffer
			if err := writeParts(&b, "prog", in); err != nil {
				t.Fatal(err)
			}
			out, ok := readParts(bytes.NewReader(b.Bytes()), "prog")
			if !ok {
				t.Fatal("readParts: not ok")
			}
			if diff := cmp.Diff(in, out, cmp.AllowUnexported(reportPart{}, searchPart{})); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			if _, ok := readParts(bytes.NewReader(b.Bytes()), "other"); ok {
				t.Error("another program's shard was read")
			}
			if b.Len() > 0 && tc.reports+tc.search+tc.both > 0 {
				if _, ok := readParts(bytes.NewReader(b.Bytes()[:b.Len()-1]), "prog"); ok {
					t.Error("a truncated shard was read")
				}
			}
		})
	}
}

func TestLoadPageCacheRemovesOldParts(t *testing.T) {
	dir := t.TempDir()
	parts := filepath.Join(dir, "parts")
	c := &PageCache{parts: parts}
	for i := range partShards {
		if err := os.WriteFile(c.oldPartsFile(i), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	LoadPageCache(filepath.Join(dir, "pages.gob"), parts, "prog", &Site{}, &Site{})
	if left, _ := filepath.Glob(parts + ".v1-*"); len(left) > 0 {
		t.Errorf("old shards left: %v", left)
	}
}
