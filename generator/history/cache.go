package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
)

// The cache stores, per commit id, the facts a scan learnt about that
// commit: its date, author, subject, parents, tree, the changes below the
// directories that were watched, and the rename decisions made for it.
// A commit id fixes all of those, so an entry can never be stale: a
// rewritten history simply has ids the cache does not know, and those
// commits are read again. On save the cache keeps only the commits the
// scan reached from HEAD, so it does not grow with rewritten history.
//
// Format (all integers varint-encoded unless noted):
//
//	magic "hindsight history cache\n", version
//	string table: count, then length-prefixed strings
//	commits: count, then per commit
//	  id[20] tree[20] nparents parent[20]... when tz author(string#) subject(inline)
//	  ncovered dir(string#)... nchanges (path# kind mode id[20])...
//	  nrenames (dest# src#+1, 0 = no source)...
//	CRC-32 (IEEE, 4 bytes big-endian) of everything before it
const (
	cacheName    = "history-v1.cache"
	cacheMagic   = "hindsight history cache\n"
	cacheVersion = 1
)

var errBadCache = errors.New("unreadable history cache")

// loadCache reads the cache in dir. Any problem means an empty cache: the
// scan then reads the commits from the repository, which is always right.
func loadCache(dir string) map[plumbing.Hash]*facts {
	if dir == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(dir, cacheName))
	if err != nil {
		return nil
	}
	m, err := decodeCache(b)
	if err != nil {
		return nil
	}
	return m
}

func decodeCache(b []byte) (map[plumbing.Hash]*facts, error) {
	if len(b) < len(cacheMagic)+5 || string(b[:len(cacheMagic)]) != cacheMagic {
		return nil, errBadCache
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, errBadCache
	}
	r := &cacheReader{b: body[len(cacheMagic):]}
	if r.uvarint() != cacheVersion {
		return nil, errBadCache
	}
	nstr := r.count(1)
	strs := make([]string, nstr)
	for i := range strs {
		strs[i] = r.str()
	}
	str := func() string {
		i := r.uvarint()
		if i >= uint64(len(strs)) {
			r.err = errBadCache
			return ""
		}
		return strs[i]
	}
	n := r.count(48)
	m := make(map[plumbing.Hash]*facts, n)
	for range n {
		if r.err != nil {
			break
		}
		id := r.hash()
		f := &facts{}
		f.tree = r.hash()
		if np := r.count(20); np > 0 {
			f.parents = make([]plumbing.Hash, np)
			for i := range f.parents {
				f.parents[i] = r.hash()
			}
		}
		f.when = r.varint()
		f.tz = int16(r.varint())
		f.author = str()
		f.subject = r.str()
		if nc := r.count(1); nc > 0 {
			f.covered = make([]string, nc)
			for i := range f.covered {
				f.covered[i] = str()
			}
		}
		if nch := r.count(23); nch > 0 {
			f.changes = make([]change, nch)
			for i := range f.changes {
				c := &f.changes[i]
				c.path = str()
				c.kind = r.byte()
				c.mode = uint32(r.uvarint())
				c.hash = r.hash()
			}
		}
		if nr := r.count(2); nr > 0 {
			f.renames = make(map[string]string, nr)
			for range nr {
				dest := str()
				src := ""
				if i := r.uvarint(); i > 0 {
					if i-1 >= uint64(len(strs)) {
						r.err = errBadCache
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
		return nil, errBadCache
	}
	return m, nil
}

// saveCache writes the facts of every persistable node to dir, atomically:
// a reader sees the old file or the new one, never a half-written one.
func saveCache(dir string, nodes map[plumbing.Hash]*node) error {
	var strs []string
	idx := make(map[string]uint64)
	intern := func(s string) {
		if _, ok := idx[s]; !ok {
			idx[s] = uint64(len(strs))
			strs = append(strs, s)
		}
	}
	list := make([]*node, 0, len(nodes))
	for _, n := range nodes {
		f := n.saved()
		list = append(list, n)
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
	}
	w := &cacheWriter{}
	w.b.WriteString(cacheMagic)
	w.uvarint(cacheVersion)
	w.uvarint(uint64(len(strs)))
	for _, s := range strs {
		w.str(s)
	}
	w.uvarint(uint64(len(list)))
	for _, n := range list {
		f := n.saved()
		w.b.Write(n.hash[:])
		w.b.Write(f.tree[:])
		w.uvarint(uint64(len(f.parents)))
		for _, p := range f.parents {
			w.b.Write(p[:])
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
			w.b.WriteByte(c.kind)
			w.uvarint(uint64(c.mode))
			w.b.Write(c.hash[:])
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
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(w.b.Bytes()))
	w.b.Write(sum[:])

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".history-*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(w.b.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, cacheName)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

type cacheWriter struct {
	b   bytes.Buffer
	tmp [binary.MaxVarintLen64]byte
}

func (w *cacheWriter) uvarint(v uint64) { w.b.Write(w.tmp[:binary.PutUvarint(w.tmp[:], v)]) }
func (w *cacheWriter) varint(v int64)   { w.b.Write(w.tmp[:binary.PutVarint(w.tmp[:], v)]) }
func (w *cacheWriter) str(s string) {
	w.uvarint(uint64(len(s)))
	w.b.WriteString(s)
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

func (r *cacheReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
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
