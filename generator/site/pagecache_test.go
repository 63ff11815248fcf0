package site

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testShard is a parts shard of reports pages with a report part only,
// search with a search part only, and both with both.
func testShard(reports, search, both int) partsShard {
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

func TestPartsRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		reports, search, both int
	}{
		{"empty", 0, 0, 0},
		{"both", 0, 0, 3},
		{"reports only", 5, 0, 0},
		{"search only", 0, 5, 0},
		{"mixed", 2, 3, 4},
		{"many", 70, 65, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := testShard(tc.reports, tc.search, tc.both)
			var b bytes.Buffer
			if err := writeParts(&b, "prog", in); err != nil {
				t.Fatal(err)
			}
			out, ok := readParts(b.Bytes(), "prog")
			if !ok {
				t.Fatal("readParts: not ok")
			}
			if diff := cmp.Diff(in, out, cmp.AllowUnexported(reportPart{}, searchPart{})); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			if _, ok := readParts(b.Bytes(), "other"); ok {
				t.Error("another program's shard was read")
			}
			if b.Len() > 0 && tc.reports+tc.search+tc.both > 0 {
				if _, ok := readParts(b.Bytes()[:b.Len()-1], "prog"); ok {
					t.Error("a truncated shard was read")
				}
				bad := bytes.Clone(b.Bytes())
				bad[len(bad)/2] ^= 1
				if _, ok := readParts(bad, "prog"); ok {
					t.Error("a damaged shard was read")
				}
			}
		})
	}
}

// TestReadPartsCut: a shard cut short anywhere, with a checksum that
// fits what is left (as a file written by a build that stopped, then
// summed, would have), is refused, never a panic.
func TestReadPartsCut(t *testing.T) {
	var b bytes.Buffer
	if err := writeParts(&b, "prog", testShard(2, 2, 2)); err != nil {
		t.Fatal(err)
	}
	body := b.Bytes()[len(partsMagic) : b.Len()-4]
	for n := range len(body) {
		cut := append([]byte(partsMagic), body[:n]...)
		cut = binary.LittleEndian.AppendUint32(cut, crc32.ChecksumIEEE(cut))
		if _, ok := readParts(cut, "prog"); ok {
			t.Errorf("a shard cut after %d of %d bytes was read", n, len(body))
		}
	}
}

func TestLoadPageCacheRemovesOldParts(t *testing.T) {
	dir := t.TempDir()
	parts := filepath.Join(dir, "parts")
	c := &PageCache{parts: parts}
	for i := range partShards {
		for _, old := range c.oldPartsFiles(i) {
			if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	LoadPageCache(filepath.Join(dir, "pages.gob"), parts, "prog", &Site{}, &Site{})
	if left, _ := filepath.Glob(parts + ".v[12]-*"); len(left) > 0 {
		t.Errorf("old shards left: %v", left)
	}
}

// FuzzReadParts: a parts shard of any bytes is read or refused without a
// panic, and one that is read writes back to the same parts.
func FuzzReadParts(f *testing.F) {
	var b bytes.Buffer
	if err := writeParts(&b, "prog", partsShard{Reports: map[string]*reportPart{"r/": {Data: []byte("x")}},
		Search: map[string]*searchPart{"r/": {Doc: []byte("d")}, "s/": {Words: []byte("w")}}}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(partsMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, ok := readParts(data, "prog")
		if !ok {
			return
		}
		var again bytes.Buffer
		if err := writeParts(&again, "prog", s); err != nil {
			t.Fatal(err)
		}
		s2, ok := readParts(again.Bytes(), "prog")
		if !ok {
			t.Fatal("a shard written from read parts is refused")
		}
		if diff := cmp.Diff(s, s2); diff != "" {
			t.Fatalf("parts changed on the way back (-first +second):\n%s", diff)
		}
	})
}
