package history

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/hindsight-docs/hindsight/generator/replace"
)

// The cache stores, per commit id, the facts a scan learnt about that
// commit: its date, author, subject, parents, tree, the changes below the
// directories that were watched, and the rename decisions made for it.
// A commit id fixes all of those, so an entry can never be stale: a
// rewritten history simply has ids the cache does not know, and those
// commits are read again.
//
// A scan that learnt something appends one segment with the commits it
// read or extended; a later segment's entry replaces an earlier one's.
// When the cache holds commits the scan did not reach (history was
// rewritten, or a branch switched) or has many segments, it is rewritten as
// one segment of just the reachable commits, so it does not grow without
// bound. Either way the new file is written beside the old one and renamed
// over it, so readers see the old file or the new one, never a mix.
//
// Format (integers are varints unless noted):
//
//	magic "hindsight history cache\n", version
//	segments, each: length, body, CRC-32 (IEEE, 4 bytes big-endian) of body
//	body: string table (count, then length-prefixed strings), then
//	  commits: count, then per commit
//	    id[20] tree[20] nparents parent[20]... when tz author(string#) subject(inline)
//	    ncovered dir(string#)... nchanges (path# kind mode id[20])...
//	    nrenames (dest# src#+1, 0 = no source)...
//
// Version 2: names and subjects are stored as redacted (redact.go). A
// version 1 cache may hold e-mail addresses that the scan now removes, so
// it is not read but replaced. The file keeps its name for that reason:
// under a new name the old file, addresses and all, would stay behind.
// Version 3: the same, as addresses with dotless domains, address
// literals and full stops of other scripts are redacted too.
const (
	cacheName        = "history-v1.cache"
	cacheMagic       = "hindsight history cache\n"
	cacheVersion     = 3
	maxCacheSegments = 16
)

var errBadCache = errors.New("unreadable history cache")

// cacheFile is a loaded cache.
type cacheFile struct {
	facts    map[plumbing.Hash]*facts
	raw      []byte // the file as read, kept to append to
	segments int
}

// loadCache reads the cache in dir. Any problem means an empty cache: the
// scan then reads the commits from the repository, which is always right.
func loadCache(dir string) *cacheFile {
	if dir == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(dir, cacheName))
	if err != nil {
		return nil
	}
	c, err := decodeCache(b)
	if err != nil {
		return nil
	}
	return c
}

func decodeCache(b []byte) (*cacheFile, error) {
	if len(b) < len(cacheMagic) || string(b[:len(cacheMagic)]) != cacheMagic {
		return nil, errBadCache
	}
	r := &cacheReader{b: b[len(cacheMagic):]}
	if r.uvarint() != cacheVersion {
		return nil, errBadCache
	}
	c := &cacheFile{facts: make(map[plumbing.Hash]*facts), raw: b}
	for len(r.b) > 0 && r.err == nil {
		n := r.uvarint()
		if r.err != nil || n > uint64(len(r.b)) || uint64(len(r.b))-n < 4 {
			return nil, errBadCache
		}
		body := r.b[:n]
		if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(r.b[n:]) {
			return nil, errBadCache
		}
		r.b = r.b[n+4:]
		if err := decodeSegment(body, c.facts); err != nil {
			return nil, err
		}
		c.segments++
	}
	if r.err != nil || c.segments == 0 {
		return nil, errBadCache
	}
	return c, nil
}

func decodeSegment(body []byte, m map[plumbing.Hash]*facts) error {
	// All strings are substrings of one copy of the segment, and the
	// records share a few large allocations: a cache of 50,000 commits
	// decodes in a few milliseconds instead of making 200,000 small objects.
	text := string(body)
	r := &cacheReader{b: body}
	str := func() string {
		n := r.uvarint()
		if n > uint64(len(r.b)) {
			r.fail()
			return ""
		}
		at := len(text) - len(r.b)
		r.b = r.b[n:]
		return text[at : at+int(n)]
	}
	nstr := r.count(1)
	strs := make([]string, nstr)
	for i := range strs {
		strs[i] = str()
	}
	ref := func() string {
		i := r.uvarint()
		if i >= uint64(len(strs)) {
			r.fail()
			return ""
		}
		return strs[i]
	}
	n := r.count(48)
	all := make([]facts, n)
	var hashes []plumbing.Hash
	var changes []change
	coverLists := map[string][]string{}
	for k := range n {
		if r.err != nil {
			break
		}
		id := r.hash()
		f := &all[k]
		f.tree = r.hash()
		if np := r.count(20); np > 0 {
			if len(hashes) < np {
				hashes = make([]plumbing.Hash, max(np, 4096))
			}
			f.parents, hashes = hashes[:np:np], hashes[np:]
			for i := range f.parents {
				f.parents[i] = r.hash()
			}
		}
		f.when = r.varint()
		f.tz = int16(r.varint())
		f.author = ref()
		f.subject = str()
		if nc := r.count(1); nc == 1 {
			// Nearly every commit covers the same one directory: share the list.
			d := ref()
			if coverLists[d] == nil {
				coverLists[d] = []string{d}
			}
			f.covered = coverLists[d][:1:1]
		} else if nc > 1 {
			f.covered = make([]string, nc)
			for i := range f.covered {
				f.covered[i] = ref()
			}
		}
		if nch := r.count(23); nch > 0 {
			if len(changes) < nch {
				changes = make([]change, max(nch, 1024))
			}
			f.changes, changes = changes[:nch:nch], changes[nch:]
			for i := range f.changes {
				c := &f.changes[i]
				c.path = ref()
				c.kind = r.byte()
				c.mode = uint32(r.uvarint())
				c.hash = r.hash()
			}
		}
		if nr := r.count(2); nr > 0 {
			f.renames = make(map[string]string, nr)
			for range nr {
				dest := ref()
				src := ""
				if i := r.uvarint(); i > 0 {
					if i-1 >= uint64(len(strs)) {
						r.fail()
						break
					}
					src = strs[i-1]
				}
				f.renames[dest] = src
			}
		}
		m[id] = f
	}
	if r.err != nil || len(r.b) != 0 {
		return errBadCache
	}
	return nil
}

// saveCache writes what the scan learnt to dir: appended to old as a new
// segment when that is enough, else as a fresh file of every reached
// commit. nodes are in walk order, which the file keeps so that the next
// walk reads its records in memory order.
func saveCache(dir string, old *cacheFile, nodes []*node, reachedCached int) error {
	var out []byte
	if old != nil && reachedCached == len(old.facts) && old.segments < maxCacheSegments {
		var changed []*node
		for _, n := range nodes {
			if n.changed {
				changed = append(changed, n)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		out = appendSegment(slices.Clip(old.raw), changed)
	} else {
		out = []byte(cacheMagic)
		out = binary.AppendUvarint(out, cacheVersion)
		out = appendSegment(out, nodes)
	}

	return replace.Bytes(filepath.Join(dir, cacheName), out)
}

// appendSegment appends one length-prefixed, checksummed segment holding
// the facts of nodes.
func appendSegment(out []byte, nodes []*node) []byte {
	var strs []string
	idx := make(map[string]uint64)
	intern := func(s string) {
		if _, ok := idx[s]; !ok {
			idx[s] = uint64(len(strs))
			strs = append(strs, s)
		}
	}
	size := 0
	for _, n := range nodes {
		f := n.saved()
		intern(f.author)
		for _, c := range f.covered {
			intern(c)
		}
		for _, c := range f.changes {
			intern(c.path)
		}
		for d, s := range f.renames {
			intern(d)
			intern(s)
		}
		size += 64 + 20*len(f.parents) + len(f.subject) + 26*len(f.changes)
	}
	for _, s := range strs {
		size += len(s) + 2
	}
	w := &cacheWriter{b: make([]byte, 0, size)}
	w.uvarint(uint64(len(strs)))
	for _, s := range strs {
		w.str(s)
	}
	w.uvarint(uint64(len(nodes)))
	for _, n := range nodes {
		f := n.saved()
		w.b = append(w.b, n.hash[:]...)
		w.b = append(w.b, f.tree[:]...)
		w.uvarint(uint64(len(f.parents)))
		for _, p := range f.parents {
			w.b = append(w.b, p[:]...)
		}
		w.varint(f.when)
		w.varint(int64(f.tz))
		w.uvarint(idx[f.author])
		w.str(f.subject)
		w.uvarint(uint64(len(f.covered)))
		for _, c := range f.covered {
			w.uvarint(idx[c])
		}
		w.uvarint(uint64(len(f.changes)))
		for _, c := range f.changes {
			w.uvarint(idx[c.path])
			w.b = append(w.b, c.kind)
			w.uvarint(uint64(c.mode))
			w.b = append(w.b, c.hash[:]...)
		}
		w.uvarint(uint64(len(f.renames)))
		for d, s := range f.renames {
			w.uvarint(idx[d])
			if s == "" {
				w.uvarint(0)
			} else {
				w.uvarint(idx[s] + 1)
			}
		}
	}
	out = binary.AppendUvarint(out, uint64(len(w.b)))
	out = append(out, w.b...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(w.b))
}

type cacheWriter struct{ b []byte }

func (w *cacheWriter) uvarint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *cacheWriter) varint(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *cacheWriter) str(s string) {
	w.uvarint(uint64(len(s)))
	w.b = append(w.b, s...)
}

// cacheReader decodes with a sticky error, so a truncated or corrupt file
// is rejected without a check after every field.
type cacheReader struct {
	b   []byte
	err error
}

func (r *cacheReader) fail() { r.err, r.b = errBadCache, nil }

func (r *cacheReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *cacheReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length whose items take at least minSize bytes each, and
// rejects lengths the remaining input cannot hold.
func (r *cacheReader) count(minSize int) int {
	v := r.uvarint()
	if v > uint64(len(r.b)/minSize) {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *cacheReader) byte() byte {
	if len(r.b) < 1 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *cacheReader) hash() plumbing.Hash {
	var h plumbing.Hash
	if len(r.b) < len(h) {
		r.fail()
		return h
	}
	copy(h[:], r.b)
	r.b = r.b[len(h):]
	return h
}
