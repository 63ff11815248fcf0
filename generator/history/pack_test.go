package history

import (
	"bytes"
	"encoding/binary"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// deltaBuilder writes git delta instructions.
type deltaBuilder struct{ b []byte }

func uvarintLEAppend(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func newDelta(src, dst int) *deltaBuilder {
	d := &deltaBuilder{}
	d.b = uvarintLEAppend(d.b, uint64(src))
	d.b = uvarintLEAppend(d.b, uint64(dst))
	return d
}

func (d *deltaBuilder) copy(off, size int) {
	cmd := byte(0x80)
	var args []byte
	for i := range 4 {
		if v := byte(off >> (8 * i)); v != 0 {
			cmd |= 1 << i
			args = append(args, v)
		}
	}
	if size == 0x10000 {
		size = 0
	}
	for i := range 3 {
		if v := byte(size >> (8 * i)); v != 0 {
			cmd |= 0x10 << i
			args = append(args, v)
		}
	}
	d.b = append(append(d.b, cmd), args...)
}

func (d *deltaBuilder) insert(p []byte) {
	for len(p) > 0 {
		n := min(len(p), 127)
		d.b = append(append(d.b, byte(n)), p[:n]...)
		p = p[n:]
	}
}

// splitRope returns b as a rope of random runs, or flat when it is empty.
func splitRope(b []byte, rng *rand.Rand) content {
	if len(b) == 0 {
		return flat(b)
	}
	var rb ropeBuilder
	for len(b) > 0 {
		n := 1 + rng.IntN(min(len(b), 40))
		// Copies of the runs, so that they are never joined in memory.
		rb.add(bytes.Clone(b[:n]))
		b = b[n:]
	}
	return content{rope: &rb.r}
}

// patchAll applies delta to base as flat bytes, and as a rope both over
// base and over base split in random runs, and checks that all three
// agree on the result and on its shared ends.
func patchAll(t testing.TB, base, delta []byte, rng *rand.Rand) ([]byte, deltaOf, error) {
	t.Helper()
	alloc := func(n int) []byte { return make([]byte, n) }
	want, wantEnds, err := patchDelta(flat(base), delta, alloc, 0)
	if want.rope != nil {
		t.Fatal("a rope when none was asked for")
	}
	for _, b := range []content{flat(base), splitRope(base, rng)} {
		for _, from := range []int{0, 1} {
			got, ends, gotErr := patchDelta(b, delta, alloc, from)
			if (gotErr == nil) != (err == nil) {
				t.Fatalf("rope from %d: error %v, flat error %v", from, gotErr, err)
			}
			if err != nil {
				continue
			}
			if got.len() != want.len() || !bytes.Equal(got.bytes(), want.flat) {
				t.Fatalf("rope from %d: got %q, want %q", from, got.bytes(), want.flat)
			}
			asked := from > 0 && want.len() > 0 && want.len() >= len(base)/2
			if asked && got.rope == nil && len(want.flat) < maxPieces {
				t.Fatalf("flat result of %d bytes when a rope was asked for", want.len())
			}
			if !asked && got.rope != nil {
				t.Fatalf("a rope of %d bytes from a base of %d when none was asked for", want.len(), len(base))
			}
			if ends != wantEnds {
				t.Fatalf("rope from %d: ends %+v, want %+v", from, ends, wantEnds)
			}
			if got.rope != nil {
				checkRope(t, got.rope)
			}
		}
	}
	return want.flat, wantEnds, err
}

// checkRope checks that a rope's runs are in order and not empty.
func checkRope(t testing.TB, r *rope) {
	t.Helper()
	at := 0
	for _, p := range r.pieces {
		if p.at != at || len(p.b) == 0 {
			t.Fatalf("run at %d of %d bytes after %d bytes", p.at, len(p.b), at)
		}
		at += len(p.b)
	}
	if at != r.size {
		t.Fatalf("runs of %d bytes in a rope of %d", at, r.size)
	}
}

// checkEnds checks what patchDelta says the result shares with its base.
func checkEnds(t testing.TB, base, out []byte, ends deltaOf) {
	t.Helper()
	if ends.prefix < 0 || ends.prefix > min(len(base), len(out)) || ends.suffix < 0 || ends.suffix > min(len(base), len(out)) {
		t.Fatalf("ends %+v out of range for %d and %d bytes", ends, len(base), len(out))
	}
	if !bytes.Equal(out[:ends.prefix], base[:ends.prefix]) {
		t.Fatalf("first %d bytes differ", ends.prefix)
	}
	if !bytes.Equal(out[len(out)-ends.suffix:], base[len(base)-ends.suffix:]) {
		t.Fatalf("last %d bytes differ", ends.suffix)
	}
}

func TestPatchDeltaEnds(t *testing.T) {
	base := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	tests := []struct {
		name           string
		build          func(d *deltaBuilder)
		out            string
		prefix, suffix int
	}{
		{"one entry changed", func(d *deltaBuilder) {
			d.copy(0, 10)
			d.insert([]byte("ABC"))
			d.copy(13, 23)
		}, "0123456789ABCdefghijklmnopqrstuvwxyz", 10, 23},
		{"insertion", func(d *deltaBuilder) {
			d.copy(0, 5)
			d.insert([]byte("++"))
			d.copy(5, 31)
		}, "01234++56789abcdefghijklmnopqrstuvwxyz", 5, 31},
		{"copies in pieces", func(d *deltaBuilder) {
			d.copy(0, 3)
			d.copy(3, 4)
			d.insert([]byte("-"))
			d.copy(8, 20)
			d.copy(28, 8)
		}, "0123456-89abcdefghijklmnopqrstuvwxyz", 7, 28},
		{"moved, not in place", func(d *deltaBuilder) {
			d.copy(1, 10)
			d.copy(0, 1)
		}, "123456789a0", 0, 0},
		{"whole copy", func(d *deltaBuilder) {
			d.copy(0, 36)
		}, string(base), 36, 36},
		{"ends with an insert", func(d *deltaBuilder) {
			d.copy(0, 30)
			d.insert([]byte("uvwxyz"))
		}, string(base), 30, 0},
		{"tail copied from elsewhere", func(d *deltaBuilder) {
			d.insert([]byte("X"))
			d.copy(30, 6)
			d.copy(20, 6)
		}, "Xuvwxyzklmnop", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDelta(len(base), len(tc.out))
			tc.build(d)
			out, ends, err := patchAll(t, base, d.b, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.out {
				t.Fatalf("got %q, want %q", out, tc.out)
			}
			if ends.prefix != tc.prefix || ends.suffix != tc.suffix {
				t.Errorf("prefix %d suffix %d, want %d and %d", ends.prefix, ends.suffix, tc.prefix, tc.suffix)
			}
			checkEnds(t, base, out, ends)
		})
	}
}

// TestPatchDeltaEndsRandom checks the shared ends of random deltas.
func TestPatchDeltaEndsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		base := make([]byte, 1+rng.IntN(300))
		for i := range base {
			base[i] = byte('a' + rng.IntN(3))
		}
		var out []byte
		var ops []func(d *deltaBuilder)
		for range rng.IntN(6) {
			if rng.IntN(3) == 0 {
				p := []byte{byte('a' + rng.IntN(3))}
				out = append(out, p...)
				ops = append(ops, func(d *deltaBuilder) { d.insert(p) })
				continue
			}
			off := rng.IntN(len(base))
			if rng.IntN(2) == 0 {
				off = min(len(out), len(base)-1) // in place, often
			}
			size := 1 + rng.IntN(len(base)-off)
			out = append(out, base[off:off+size]...)
			ops = append(ops, func(d *deltaBuilder) { d.copy(off, size) })
		}
		d := newDelta(len(base), len(out))
		for _, op := range ops {
			op(d)
		}
		got, ends, err := patchAll(t, base, d.b, rng)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, out) {
			t.Fatalf("patched %q, want %q", got, out)
		}
		checkEnds(t, base, got, ends)
	}
}

// FuzzPatchDelta applies arbitrary deltas: no panic, and whatever is
// claimed about the shared ends holds.
func FuzzPatchDelta(f *testing.F) {
	d := newDelta(10, 12)
	d.copy(0, 4)
	d.insert([]byte("xy"))
	d.copy(4, 6)
	f.Add([]byte("0123456789"), d.b)
	f.Add([]byte(""), []byte{0, 0})
	f.Add([]byte("abc"), []byte{3, 3, 0x90, 3})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		if _, rest, ok := uvarintLE(delta); ok {
			if n, _, ok := uvarintLE(rest); ok && n > 1<<20 {
				return // too large for a test
			}
		}
		out, ends, err := patchAll(t, base, delta, rand.New(rand.NewPCG(uint64(len(base)), uint64(len(delta)))))
		if err != nil {
			return
		}
		checkEnds(t, base, out, ends)
	})
}

// TestFind looks up every id of indexes whose ids are evenly spread,
// bunched together, or all but equal, and ids that are not there.
func TestFind(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct {
		name string
		id   func(i int) plumbing.Hash
	}{
		{"random", func(int) plumbing.Hash {
			var h plumbing.Hash
			for k := range h {
				h[k] = byte(rng.IntN(256))
			}
			return h
		}},
		{"bunched", func(i int) plumbing.Hash {
			var h plumbing.Hash
			h[0] = byte(rng.IntN(3))
			h[1] = byte(rng.IntN(2) * 255)
			binary.BigEndian.PutUint32(h[16:], uint32(rng.IntN(1<<20)))
			return h
		}},
		{"same prefix", func(i int) plumbing.Hash {
			var h plumbing.Hash
			h[0] = 7
			binary.BigEndian.PutUint32(h[16:], uint32(i*3))
			return h
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := map[plumbing.Hash]int64{}
			for i := range 20000 {
				set[tc.id(i)] = int64(i)
			}
			ids := slices.SortedFunc(maps.Keys(set), func(a, b plumbing.Hash) int { return bytes.Compare(a[:], b[:]) })
			p := &packFile{off32: make([]byte, 4*len(ids))}
			for i, h := range ids {
				p.names = append(p.names, h[:]...)
				binary.BigEndian.PutUint32(p.off32[4*i:], uint32(set[h]))
				p.fanout[h[0]]++
			}
			for i := 1; i < 256; i++ {
				p.fanout[i] += p.fanout[i-1]
			}
			// Both fan-outs: git's, and fan16, which large packs get.
			for _, wide := range []bool{false, true} {
				p.fan16 = nil
				if wide {
					p.fan16 = fanout16(p.names)
				}
				for _, h := range ids {
					if off, ok := p.find(h); !ok || off != set[h] {
						t.Fatalf("wide %v: find %s = %d, %v; want %d", wide, h, off, ok, set[h])
					}
				}
				for k := range 20000 {
					h := tc.id(0)
					if k%2 == 0 {
						h[19] ^= 1
					} else {
						h[1] ^= byte(k) // other two-byte prefixes, empty ones among them
					}
					if _, there := set[h]; there {
						continue
					}
					if off, ok := p.find(h); ok {
						t.Fatalf("wide %v: find %s = %d for an id that is not there", wide, h, off)
					}
				}
			}
		})
	}
}
