package history

import (
	"encoding/binary"
	"errors"
	"hash/adler32"
	"math/bits"
	"sync"
)

// Why a decoder of our own: compress/flate and klauspost's copy of it
// decode behind an io.Reader, through a 32 KB window that every byte is
// written to and then copied out of, and refill their bit buffer a byte
// at a time. A cold scan inflates every whole version of each year's
// folder, 150 KB apiece at 30,000 reports and growing with the reports per
// year, and in that decoder inflating was the largest part of the scan.
// The objects sit whole in the mapped pack and the entry header gives
// their size, so here a stream decodes straight into a buffer of that
// size: the bit buffer is refilled eight bytes at a time, a match copies
// within the output, and one refill covers a whole length and distance
// pair. The packs of any platform without mmap still go through
// klauspost's reader.
//
// It accepts what compress/flate accepts: complete Huffman codes, the one
// code of one bit zlib writes, or no distance code at all for a block
// without matches; no preset dictionary.

var (
	errInflateCorrupt = errors.New("corrupt deflate stream")
	errInflateEOF     = errors.New("unexpected end of deflate stream")
	errInflateLong    = errors.New("object larger than its header says")
	errInflateShort   = errors.New("object smaller than its header says")
	errInflateSum     = errors.New("zlib checksum mismatch")
)

const (
	litRoot  = 10 // bits the literal/length table looks up at once
	distRoot = 8  // and the distance table
	clRoot   = 7  // code length codes are at most 7 bits: one level

	maxLitSyms  = 286
	maxDistSyms = 30
)

// A table entry is sym<<16 | n for a code of n bits, or, in the root
// table, off<<16 | subBits<<8 | linkFlag | root for the codes longer than
// the root that start with its bits: they are at off, indexed by the next
// subBits bits. Bits that start no code read as symbol noCode, which
// every table's decoder rejects, of no bits.
const (
	linkFlag = 0x20
	noCode   = 300 << 16
)

type huffTable struct {
	root    uint
	entries []uint32
}

// build makes the table for a canonical code of the given lengths,
// looking up at most root bits at once; it returns false for a code
// compress/flate rejects.
func (t *huffTable) build(lens []uint8, root uint) bool {
	var count [16]int
	maxLen := 0
	for _, l := range lens {
		count[l]++
		maxLen = max(maxLen, int(l))
	}
	count[0] = 0
	// A short code gets a table no larger than its longest code needs:
	// most objects are small, and filling the table is then most of
	// decoding them.
	root = min(root, uint(maxLen))
	t.root = root
	size := 1 << root
	var next [16]int
	code := 0
	for l := 1; l <= maxLen; l++ {
		code <<= 1
		next[l] = code
		code += count[l]
	}
	if maxLen == 0 || code != 1<<maxLen {
		if maxLen != 0 && !(code == 1 && maxLen == 1) {
			return false
		}
		// An empty code, or one code of one bit: what is not filled in
		// below must read as no code.
		t.entries = grow(t.entries, size)
		for i := range t.entries {
			t.entries[i] = noCode
		}
	}
	if maxLen <= int(root) {
		t.entries = grow(t.entries, size)
		for sym, l := range lens {
			if l == 0 {
				continue
			}
			r := reverse(next[l], int(l))
			next[l]++
			e := uint32(sym)<<16 | uint32(l)
			for i := r; i < size; i += 1 << l {
				t.entries[i] = e
			}
		}
		return true
	}
	// Canonical codes put the longer codes last, so the root prefixes
	// of the codes longer than the root are the last ones, from first.
	first := 0
	for l := int(root) + 1; l <= maxLen; l++ {
		if count[l] > 0 {
			first = next[l] >> (l - int(root))
			break
		}
	}
	subBits := uint(maxLen) - root
	t.entries = grow(t.entries, size+(size-first)<<subBits)
	for p := first; p < size; p++ {
		off := size + (p-first)<<subBits
		t.entries[reverse(p, int(root))] = uint32(off)<<16 | uint32(subBits)<<8 | linkFlag | uint32(root)
	}
	for sym, l := range lens {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		e := uint32(sym)<<16 | uint32(l)
		if int(l) <= int(root) {
			for i := reverse(c, int(l)); i < size; i += 1 << l {
				t.entries[i] = e
			}
			continue
		}
		rest := int(l) - int(root)
		off := size + (c>>rest-first)<<subBits
		for j := reverse(c&(1<<rest-1), rest); j < 1<<subBits; j += 1 << rest {
			t.entries[off+j] = e
		}
	}
	return true
}

func grow(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n)
	}
	return s[:n]
}

func reverse(c, n int) int {
	return int(bits.Reverse16(uint16(c)) >> (16 - n))
}

var (
	lenBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
		35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
		3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
		257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
		7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// fixedTables are the codes of RFC 1951 3.2.6, built once.
var fixedTables = sync.OnceValues(func() (*huffTable, *huffTable) {
	var lens [288]uint8
	for i := range lens {
		switch {
		case i < 144:
			lens[i] = 8
		case i < 256:
			lens[i] = 9
		case i < 280:
			lens[i] = 7
		default:
			lens[i] = 8
		}
	}
	var d [32]uint8
	for i := range d {
		d[i] = 5
	}
	lit, dist := new(huffTable), new(huffTable)
	lit.build(lens[:], litRoot)
	dist.build(d[:], distRoot)
	return lit, dist
})

// inflater decodes zlib streams; it keeps its tables from one stream to
// the next and is used by one goroutine.
type inflater struct {
	lit, dist, cl huffTable
	lens          [maxLitSyms + maxDistSyms]uint8
}

// bitReader reads a deflate stream's bits, least significant first. The
// bits of b above nb may hold the stream's next bits, never other ones.
type bitReader struct {
	in  []byte
	pos int // next byte of in to load; past len(in) once zeros were read
	b   uint64
	nb  uint
}

// refill makes nb at least 56.
func (r *bitReader) refill() bool {
	if r.pos+8 <= len(r.in) {
		r.b |= binary.LittleEndian.Uint64(r.in[r.pos:]) << r.nb
		r.pos += int(63-r.nb) >> 3
		r.nb |= 56
		return true
	}
	// The stream's last bytes, then zeros: a valid stream never uses
	// them (the end checks that), and a few suffice for any one code.
	r.b &= 1<<r.nb - 1
	for r.nb < 56 {
		if r.pos < len(r.in) {
			r.b |= uint64(r.in[r.pos]) << r.nb
		}
		r.pos++
		r.nb += 8
	}
	return r.pos <= len(r.in)+16
}

// byteAlign drops the bits up to the next byte boundary and gives back
// the whole bytes loaded but not read: pos is then the next byte.
func (r *bitReader) byteAlign() {
	r.nb &^= 7
	r.pos -= int(r.nb >> 3)
	r.b, r.nb = 0, 0
}

// inflate decodes the zlib stream at the start of in into out, which
// must be exactly as long as the stream's data.
func (z *inflater) inflate(in, out []byte) error {
	if len(in) < 2 {
		return errInflateEOF
	}
	cmf, flg := in[0], in[1]
	if cmf&0x0f != 8 || cmf>>4 > 7 || (uint(cmf)<<8|uint(flg))%31 != 0 {
		return errors.New("invalid zlib header")
	}
	if flg&0x20 != 0 {
		return errors.New("zlib stream needs a preset dictionary")
	}
	r := bitReader{in: in, pos: 2}
	o := 0
	for {
		if !r.refill() {
			return errInflateEOF
		}
		final := r.b & 1
		typ := r.b >> 1 & 3
		r.b >>= 3
		r.nb -= 3
		var err error
		switch typ {
		case 0:
			o, err = stored(&r, out, o)
		case 1:
			lit, dist := fixedTables()
			o, err = decodeBlock(&r, lit, dist, out, o)
		case 2:
			if err = z.readCodes(&r); err == nil {
				o, err = decodeBlock(&r, &z.lit, &z.dist, out, o)
			}
		default:
			err = errInflateCorrupt
		}
		if err != nil {
			return err
		}
		if final != 0 {
			break
		}
	}
	r.byteAlign()
	if r.pos+4 > len(in) {
		return errInflateEOF
	}
	if o != len(out) {
		return errInflateShort
	}
	if binary.BigEndian.Uint32(in[r.pos:]) != adler32.Checksum(out) {
		return errInflateSum
	}
	return nil
}

func stored(r *bitReader, out []byte, o int) (int, error) {
	r.byteAlign()
	in := r.in
	if r.pos+4 > len(in) {
		return o, errInflateEOF
	}
	n := int(binary.LittleEndian.Uint16(in[r.pos:]))
	if uint16(n) != ^binary.LittleEndian.Uint16(in[r.pos+2:]) {
		return o, errInflateCorrupt
	}
	r.pos += 4
	if r.pos+n > len(in) {
		return o, errInflateEOF
	}
	if n > len(out)-o {
		return o, errInflateLong
	}
	o += copy(out[o:], in[r.pos:r.pos+n])
	r.pos += n
	return o, nil
}

// readCodes reads a dynamic block's codes into z.lit and z.dist.
func (z *inflater) readCodes(r *bitReader) error {
	if !r.refill() {
		return errInflateEOF
	}
	nlit := int(r.b&31) + 257
	ndist := int(r.b>>5&31) + 1
	ncl := int(r.b>>10&15) + 4
	r.b >>= 14
	r.nb -= 14
	if nlit > maxLitSyms || ndist > maxDistSyms {
		return errInflateCorrupt
	}
	var cl [19]uint8
	for i := range ncl {
		if r.nb < 3 && !r.refill() {
			return errInflateEOF
		}
		cl[clOrder[i]] = uint8(r.b & 7)
		r.b >>= 3
		r.nb -= 3
	}
	if !z.cl.build(cl[:], clRoot) {
		return errInflateCorrupt
	}
	n := nlit + ndist
	lens := z.lens[:n]
	for i := 0; i < n; {
		if r.nb < 14 && !r.refill() {
			return errInflateEOF
		}
		e := z.cl.entries[r.b&(1<<z.cl.root-1)]
		r.b >>= e & 31
		r.nb -= uint(e & 31)
		sym := e >> 16
		if sym > 18 {
			return errInflateCorrupt
		}
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var val uint8
		switch sym {
		case 16:
			if i == 0 {
				return errInflateCorrupt
			}
			val, rep = lens[i-1], 3+int(r.b&3)
			r.b >>= 2
			r.nb -= 2
		case 17:
			rep = 3 + int(r.b&7)
			r.b >>= 3
			r.nb -= 3
		default:
			rep = 11 + int(r.b&127)
			r.b >>= 7
			r.nb -= 7
		}
		if i+rep > n {
			return errInflateCorrupt
		}
		for range rep {
			lens[i] = val
			i++
		}
	}
	if lens[256] == 0 {
		return errInflateCorrupt // no end of block
	}
	if !z.lit.build(lens[:nlit], litRoot) || !z.dist.build(lens[nlit:], distRoot) {
		return errInflateCorrupt
	}
	return nil
}

// sub is where the link entry e sends the bits b.
func sub(e uint32, b uint64) uint64 {
	return uint64(e>>16) + b>>(e&31)&(1<<(e>>8&31)-1)
}

// decodeBlock decodes one block's symbols into out from o on. The bit
// reader's fields live in locals here, where the compiler keeps them in
// registers.
func decodeBlock(r *bitReader, lit, dist *huffTable, out []byte, o int) (int, error) {
	lt, lmask := lit.entries, uint64(1)<<lit.root-1
	dt, dmask := dist.entries, uint64(1)<<dist.root-1
	in, pos, b, nb := r.in, r.pos, r.b, r.nb
	var err error
loop:
	for {
		// A literal/length code, its extra bits, a distance code and its
		// extra bits take at most 15+5+15+13 = 48 bits.
		if nb < 48 {
			if pos+8 <= len(in) {
				b |= binary.LittleEndian.Uint64(in[pos:]) << nb
				pos += int(63-nb) >> 3
				nb |= 56
			} else {
				r.pos, r.b, r.nb = pos, b, nb
				ok := r.refill()
				pos, b, nb = r.pos, r.b, r.nb
				if !ok {
					err = errInflateEOF
					break
				}
			}
		}
		e := lt[b&lmask]
		if e&linkFlag != 0 {
			e = lt[sub(e, b)]
		}
		b >>= e & 31
		nb -= uint(e & 31)
		sym := e >> 16
		// Literals come in runs (the ids in a tree): while 48 bits are
		// left, the next code fits, and whatever follows it if it is a
		// length (at most 15+33).
		for sym < 256 {
			if o >= len(out) {
				err = errInflateLong
				break loop
			}
			out[o] = byte(sym)
			o++
			if nb < 48 {
				continue loop
			}
			e = lt[b&lmask]
			if e&linkFlag != 0 {
				e = lt[sub(e, b)]
			}
			b >>= e & 31
			nb -= uint(e & 31)
			sym = e >> 16
		}
		if sym == 256 {
			break
		}
		sym -= 257
		if sym >= 29 {
			err = errInflateCorrupt
			break
		}
		x := lenExtra[sym]
		length := int(lenBase[sym]) + int(b&(1<<x-1))
		b >>= x
		nb -= uint(x)
		e = dt[b&dmask]
		if e&linkFlag != 0 {
			e = dt[sub(e, b)]
		}
		b >>= e & 31
		nb -= uint(e & 31)
		ds := e >> 16
		if ds >= 30 {
			err = errInflateCorrupt
			break
		}
		x = distExtra[ds]
		d := int(distBase[ds]) + int(b&(1<<x-1))
		b >>= x
		nb -= uint(x)
		if d > o {
			err = errInflateCorrupt
			break
		}
		if length > len(out)-o {
			err = errInflateLong
			break
		}
		switch {
		case d >= 8 && length+8 <= len(out)-o:
			// Eight bytes at a time, each read from bytes already
			// written; up to seven past the match, which later symbols
			// write over (a stream that ends sooner is an error).
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[o+i:], binary.LittleEndian.Uint64(out[o-d+i:]))
			}
		case d >= length:
			copy(out[o:o+length], out[o-d:])
		default:
			for i := range length {
				out[o+i] = out[o+i-d]
			}
		}
		o += length
	}
	r.pos, r.b, r.nb = pos, b, nb
	return o, err
}
