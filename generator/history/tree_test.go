package history

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/google/go-cmp/cmp"
)

// memTrees stores raw trees in memory for a store to read.
type memTrees struct{ st *memory.Storage }

func (m memTrees) put(t *testing.T, entries map[string]plumbing.Hash) plumbing.Hash {
	t.Helper()
	names := make([]string, 0, len(entries))
	for n := range entries {
		names = append(names, n)
	}
	slices.Sort(names)
	var raw bytes.Buffer
	for _, n := range names {
		h := entries[n]
		fmt.Fprintf(&raw, "100644 %s\x00", n)
		raw.Write(h[:])
	}
	o := m.st.NewEncodedObject()
	o.SetType(plumbing.TreeObject)
	w, _ := o.Writer()
	w.Write(raw.Bytes())
	w.Close()
	h, err := m.st.SetEncodedObject(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// naiveDiff is what diffTrees must find between two flat trees.
func naiveDiff(a, b map[string]plumbing.Hash) []change {
	var out []change
	for n, h := range a {
		if hb, ok := b[n]; !ok {
			out = append(out, change{path: "d/" + n, kind: 'D', mode: 0o100644, hash: h})
		} else if hb != h {
			out = append(out, change{path: "d/" + n, kind: 'M', mode: 0o100644, hash: hb})
		}
	}
	for n, h := range b {
		if _, ok := a[n]; !ok {
			out = append(out, change{path: "d/" + n, kind: 'A', mode: 0o100644, hash: h})
		}
	}
	slices.SortFunc(out, func(x, y change) int { return strings.Compare(x.path, y.path) })
	return out
}

// TestIndexedDiffs diffs a long series of versions of a large directory
// the way a history walk does, newest first, so that every version's
// entry index is made from the next one's, and checks every diff.
func TestIndexedDiffs(t *testing.T) {
	newestFirst := func(n int) []int {
		var o []int
		for k := n - 2; k >= 0; k-- {
			o = append(o, k)
		}
		return o
	}
	for _, tc := range []struct {
		name  string
		order func(n int) []int // pairs to diff: version k against k+1
		// ropes has each version rebuilt as a rope from the one before
		// it in time, as a pack's deltas rebuild them.
		ropes bool
	}{
		{"newest first", newestFirst, false},
		{"oldest first", func(n int) []int {
			var o []int
			for k := 0; k < n-1; k++ {
				o = append(o, k)
			}
			return o
		}, false},
		{"jumping", func(n int) []int {
			o := make([]int, n-1)
			for k := range o {
				o[k] = k
			}
			rand.New(rand.NewPCG(9, 9)).Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
			return o
		}, false},
		{"ropes", newestFirst, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := memTrees{memory.NewStorage()}
			rng := rand.New(rand.NewPCG(1, 2))
			blob := func() plumbing.Hash {
				var h plumbing.Hash
				for i := range h {
					// Zero bytes and digits in ids test that offsets come
					// from whole entries.
					h[i] = []byte{0, ' ', '1', 0xff, byte(rng.IntN(256))}[rng.IntN(5)]
				}
				return h
			}
			name := func() string {
				return fmt.Sprintf("%04d-%02d-x%d y.md", 2000+rng.IntN(30), rng.IntN(13), rng.IntN(1000))
			}
			cur := map[string]plumbing.Hash{}
			for len(cur) < 1500 {
				cur[name()] = blob()
			}
			var versions []map[string]plumbing.Hash
			var ids []plumbing.Hash
			for v := 0; v < 400; v++ {
				versions = append(versions, cur)
				ids = append(ids, m.put(t, cur))
				next := maps.Clone(cur)
				keys := slices.Sorted(maps.Keys(next))
				edits := 1 + rng.IntN(3)
				if v%50 == 49 {
					edits = 300 // a large reorganisation now and then
				}
				for e := 0; e < edits; e++ {
					switch k := keys[rng.IntN(len(keys))]; rng.IntN(4) {
					case 0:
						delete(next, k)
					case 1:
						next[name()] = blob()
					default:
						next[k] = blob()
					}
				}
				if v%97 == 0 {
					// Same content as two versions back: ids repeat.
					if v >= 2 {
						next = versions[v-1]
					}
				}
				cur = next
			}
			st := newStore(&objectDB{fallback: m.st}, objectCacheBytes)
			var ropes []content
			var ends []deltaOf
			if tc.ropes {
				ropes, ends = ropeVersions(t, st, ids, rng)
			}
			for _, k := range tc.order(len(ids)) {
				var got []change
				var err error
				if tc.ropes {
					got, err = st.diffContents(ids[k+1], ids[k], ropes[k+1], ropes[k], ends[k].prefix, ends[k].suffix, "d/", diffAll, nil, nil)
				} else {
					got, err = st.diffTrees(ids[k+1], ids[k], "d/", diffAll, nil, nil)
				}
				if err != nil {
					t.Fatal(err)
				}
				want := naiveDiff(versions[k+1], versions[k])
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(change{})); diff != "" {
					t.Fatalf("version %d against %d (-want +got):\n%s", k, k+1, diff)
				}
			}
			// Every index the store kept matches a walk of its tree.
			if len(st.indexes) == 0 {
				t.Fatal("no trees were indexed")
			}
			for h, x := range st.indexes {
				raw, err := st.loadTree(h)
				if err != nil {
					t.Fatal(err)
				}
				full, err := buildIndex(flat(raw))
				if err != nil {
					t.Fatal(err)
				}
				starts := entryStarts(raw)
				for k, off := range x {
					if _, found := slices.BinarySearch(starts, off); !found {
						t.Fatalf("tree %s: offset %d of %d does not start an entry", h, off, len(raw))
					}
					if k > 0 && off-x[k-1] > indexGap+100 {
						t.Fatalf("tree %s: offsets %d and %d too far apart", h, x[k-1], off)
					}
				}
				if len(x) > 2*(len(raw)/indexGap+4) || len(full) == 0 {
					t.Fatalf("tree %s: index of %d offsets for %d bytes", h, len(x), len(raw))
				}
			}
		})
	}
}

// ropeVersions returns trees ids, oldest last, each newer one rebuilt as
// a rope from the one before it by a delta that copies what the two share
// at either end, in runs of at most 64 KiB as git writes them, and what
// each shares with the older one.
func ropeVersions(t *testing.T, st *store, ids []plumbing.Hash, rng *rand.Rand) ([]content, []deltaOf) {
	t.Helper()
	n := len(ids)
	ropes := make([]content, n)
	ends := make([]deltaOf, n)
	raw, err := st.loadTree(ids[n-1])
	if err != nil {
		t.Fatal(err)
	}
	ropes[n-1] = splitRope(raw, rng)
	alloc := func(n int) []byte { return make([]byte, n) }
	pieces := 0
	for k := n - 2; k >= 0; k-- {
		base := ropes[k+1].bytes()
		next, err := st.loadTree(ids[k])
		if err != nil {
			t.Fatal(err)
		}
		pre := commonPrefix(base, next)
		suf := commonSuffix(base[pre:], next[pre:])
		d := newDelta(len(base), len(next))
		copyRun := func(off, size int) {
			for size > 0 {
				c := min(size, 0x10000)
				d.copy(off, c)
				off += c
				size -= c
			}
		}
		copyRun(0, pre)
		d.insert(next[pre : len(next)-suf])
		copyRun(len(base)-suf, suf)
		ropes[k], ends[k], err = patchDelta(ropes[k+1], d.b, alloc, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ropes[k].bytes(), next) {
			t.Fatalf("version %d rebuilt wrong", k)
		}
		if ropes[k].rope != nil {
			pieces = max(pieces, len(ropes[k].rope.pieces))
		}
	}
	if pieces < 10 {
		t.Fatalf("ropes of at most %d runs", pieces)
	}
	return ropes, ends
}

// entryStarts lists where every entry of a raw tree begins.
func entryStarts(raw []byte) []int32 {
	var out []int32
	for pos := 0; pos < len(raw); {
		out = append(out, int32(pos))
		_, n, err := nextEntry(raw[pos:])
		if err != nil {
			return out
		}
		pos += n
	}
	return out
}
