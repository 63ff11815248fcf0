package history

import (
	"bytes"
	"sort"
)

// content is the bytes of an object: flat, or as a rope when the object is
// a large tree rebuilt from a delta.
//
// A history walk rebuilds every version of each year's folder of reports,
// and each version differs from the one it is rebuilt from by an entry or
// two. Copying every version costs the folder's size times the number of
// commits, which grows with the square of the number of reports; a rope
// costs what its delta changed.
type content struct {
	flat []byte
	rope *rope // when set, flat is nil
}

// A rope is an object's content as the runs of other objects' content and
// of deltas that make it up, in order. The memory it points into is never
// written again (see lruEntry.shared).
type rope struct {
	size   int
	pieces []piece
}

// piece is the run b of a rope, at offset at of its object.
type piece struct {
	at int
	b  []byte
}

const (
	// ropeMin is the size from which a tree rebuilt from a delta is kept
	// as a rope; smaller ones are cheaper to copy.
	ropeMin = indexMin
	// maxPieces bounds a rope's pieces, which grow by a few with every
	// delta of a chain: a rope with more is copied into one flat run.
	maxPieces = 128
	// entryWindow is how many bytes are first looked at for one tree
	// entry; longer names are read again with more.
	entryWindow = 512
)

func flat(b []byte) content { return content{flat: b} }

func (c content) len() int {
	if c.rope != nil {
		return c.rope.size
	}
	return len(c.flat)
}

// bytes returns the content as one slice, copying a rope.
func (c content) bytes() []byte {
	if c.rope == nil {
		return c.flat
	}
	out := make([]byte, 0, c.rope.size)
	for _, p := range c.rope.pieces {
		out = append(out, p.b...)
	}
	return out
}

// piece returns the index of the piece holding offset pos, which is
// below r.size.
func (r *rope) piece(pos int) int {
	return sort.Search(len(r.pieces), func(i int) bool { return r.pieces[i].at > pos }) - 1
}

// chunk returns the bytes from pos to the end of the run that holds it
// (nil at the end).
func (c content) chunk(pos int) []byte {
	if c.rope == nil {
		return c.flat[pos:]
	}
	if pos >= c.rope.size {
		return nil
	}
	p := c.rope.pieces[c.rope.piece(pos)]
	return p.b[pos-p.at:]
}

// chunkBefore returns the bytes before end back to the start of the run
// that holds end-1 (nil at 0).
func (c content) chunkBefore(end int) []byte {
	if c.rope == nil {
		return c.flat[:end]
	}
	if end <= 0 {
		return nil
	}
	p := c.rope.pieces[c.rope.piece(end-1)]
	return p.b[:end-p.at]
}

// window returns the content from pos on, at least n bytes of it where
// there are that many: part of a run when one holds them, else a copy in
// *buf.
func (c content) window(pos, n int, buf *[]byte) []byte {
	if c.rope == nil {
		return c.flat[pos:]
	}
	if ch := c.chunk(pos); len(ch) >= n {
		return ch
	}
	n = min(n, c.rope.size-pos)
	w := (*buf)[:0]
	for len(w) < n {
		ch := c.chunk(pos + len(w))
		w = append(w, ch[:min(len(ch), n-len(w))]...)
	}
	*buf = w
	return w
}

// indexByte returns the offset of the first b at or after pos, or -1.
func (c content) indexByte(pos int, b byte) int {
	for pos < c.len() {
		ch := c.chunk(pos)
		if k := bytes.IndexByte(ch, b); k >= 0 {
			return pos + k
		}
		pos += len(ch)
	}
	return -1
}

// ropeBuilder appends runs to a rope being built.
type ropeBuilder struct{ r rope }

// add appends b, joining it to the last run when it continues it in memory,
// as the copies of a delta over one flat base do.
func (rb *ropeBuilder) add(b []byte) {
	if len(b) == 0 {
		return
	}
	r := &rb.r
	if k := len(r.pieces) - 1; k >= 0 {
		last := r.pieces[k].b
		if n := len(last); cap(last) > n && &last[:n+1][n] == &b[0] && cap(last)-n >= len(b) {
			r.pieces[k].b = last[:n+len(b)]
			r.size += len(b)
			return
		}
	}
	r.pieces = append(r.pieces, piece{at: r.size, b: b})
	r.size += len(b)
}

// addRange appends bytes [off, off+n) of c.
func (rb *ropeBuilder) addRange(c content, off, n int) {
	for n > 0 {
		ch := c.chunk(off)
		ch = ch[:min(len(ch), n)]
		rb.add(ch)
		off += len(ch)
		n -= len(ch)
	}
}

// copyRange copies bytes [off, off+len(dst)) of c into dst.
func copyRange(dst []byte, c content, off int) {
	for len(dst) > 0 {
		k := copy(dst, c.chunk(off))
		dst = dst[k:]
		off += k
	}
}

// same says whether a and b, of equal length, are the same memory, and so
// the same bytes without comparing them: two versions of a folder rebuilt
// from one base share most of their runs.
func same(a, b []byte) bool {
	return len(a) > 0 && &a[0] == &b[0]
}

// commonPrefixFrom returns how many bytes a and b have in common from
// offset d on.
func commonPrefixFrom(a, b content, d int) int {
	if a.rope == nil && b.rope == nil {
		return commonPrefix(a.flat[d:], b.flat[d:])
	}
	n := 0
	for {
		ca, cb := a.chunk(d+n), b.chunk(d+n)
		k := min(len(ca), len(cb))
		if k == 0 {
			return n
		}
		m := k
		if !same(ca[:k], cb[:k]) {
			m = commonPrefix(ca[:k], cb[:k])
		}
		n += m
		if m < k {
			return n
		}
	}
}

// commonSuffixBefore returns how many bytes, at most limit, a and b have
// in common going back from offsets ea and eb.
func commonSuffixBefore(a content, ea int, b content, eb int, limit int) int {
	if a.rope == nil && b.rope == nil {
		return commonSuffix(a.flat[ea-limit:ea], b.flat[eb-limit:eb])
	}
	n := 0
	for n < limit {
		ca, cb := a.chunkBefore(ea-n), b.chunkBefore(eb-n)
		k := min(len(ca), len(cb), limit-n)
		if k == 0 {
			return n
		}
		ca, cb = ca[len(ca)-k:], cb[len(cb)-k:]
		m := k
		if !same(ca, cb) {
			m = commonSuffix(ca, cb)
		}
		n += m
		if m < k {
			return n
		}
	}
	return n
}

// entryReader parses the entries of a tree's content at given offsets.
type entryReader struct {
	c   content
	buf []byte
}

// at parses the entry at offset pos; its name is valid until the next call.
func (r *entryReader) at(pos int) (treeEntry, int, error) {
	if r.c.rope == nil {
		return nextEntry(r.c.flat[pos:])
	}
	for n := entryWindow; ; n *= 2 {
		w := r.c.window(pos, n, &r.buf)
		e, k, err := nextEntry(w)
		if err == nil || pos+len(w) >= r.c.len() {
			return e, k, err
		}
	}
}
