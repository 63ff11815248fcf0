package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// packFile is one pack of the object database together with its version 2
// .idx file. The pack is memory-mapped where the platform allows it and is
// otherwise read with ReadAt; either way it is only ever read, so one
// packFile is safe to share between goroutines.
type packFile struct {
	data   []byte   // the whole pack when memory-mapped, else nil
	file   *os.File // the open pack
	size   int64
	unmap  func() error
	fanout [256]uint32
	// fan16 is fanout by the ids' first two bytes (fan16[k] ids sort
	// before prefix k), for packs with over wideFanout objects; nil
	// otherwise.
	fan16 []uint32
	names []byte // sorted object ids, 20 bytes each
	off32 []byte // 4-byte offsets, parallel to names
	off64 []byte // 8-byte offsets for packs over 2 GiB
}

// mmapPacks can be turned off by tests to exercise the ReadAt path that
// platforms without mmap use.
var mmapPacks = true

// openPacks opens every pack in objectsDir/pack whose index this reader
// understands. Packs it cannot read are skipped: their objects are still
// found through go-git's own (slower) storage.
func openPacks(objectsDir string) ([]*packFile, error) {
	dir := filepath.Join(objectsDir, "pack")
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("list packs: %w", err)
	}
	var packs []*packFile
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "pack-") || !strings.HasSuffix(name, ".idx") {
			continue
		}
		base := strings.TrimSuffix(name, ".idx")
		p, err := openPack(filepath.Join(dir, base))
		if err != nil {
			continue // read through go-git instead
		}
		packs = append(packs, p)
	}
	return packs, nil
}

func openPack(base string) (*packFile, error) {
	idx, err := os.ReadFile(base + ".idx")
	if err != nil {
		return nil, err
	}
	p := &packFile{}
	if err := p.parseIndex(idx); err != nil {
		return nil, fmt.Errorf("%s.idx: %w", base, err)
	}
	f, err := os.Open(base + ".pack")
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p.file = f
	p.size = st.Size()
	if mmapPacks {
		if data, unmap, err := mapFile(f, p.size); err == nil {
			p.data, p.unmap = data, unmap
		}
	}
	return p, nil
}

func (p *packFile) close() error {
	var err error
	if p.unmap != nil {
		err = p.unmap()
		p.unmap, p.data = nil, nil
	}
	if p.file != nil {
		if cerr := p.file.Close(); err == nil {
			err = cerr
		}
		p.file = nil
	}
	return err
}

// parseIndex reads a version 2 pack index (the only version git has
// written since 1.5.2).
func (p *packFile) parseIndex(b []byte) error {
	const header = 8 + 256*4
	if len(b) < header+40 || !bytes.Equal(b[:4], []byte{0xff, 't', 'O', 'c'}) ||
		binary.BigEndian.Uint32(b[4:8]) != 2 {
		return errors.New("unsupported pack index version")
	}
	prev := uint32(0)
	for i := range p.fanout {
		v := binary.BigEndian.Uint32(b[8+4*i:])
		if v < prev {
			return errors.New("corrupt pack index fan-out")
		}
		p.fanout[i], prev = v, v
	}
	n := int(p.fanout[255])
	rest := b[header:]
	if len(rest) < n*28+40 {
		return errors.New("truncated pack index")
	}
	p.names = rest[:n*20]
	p.off32 = rest[n*24 : n*28] // skip the CRC32 table
	p.off64 = rest[n*28 : len(rest)-40]
	if n > wideFanout {
		p.fan16 = fanout16(p.names)
	}
	return nil
}

// wideFanout is the number of objects above which a pack gets fan16: at
// 30,000 reports (800,000 objects) git's fan-out leaves 3,000 ids to
// search, 60 KB of the index, where fan16 leaves a dozen, a few cache
// lines. It costs 256 KB and one pass over the sorted ids.
const wideFanout = 1 << 17

// fanout16 counts sorted 20-byte ids by their first two bytes.
func fanout16(names []byte) []uint32 {
	f := make([]uint32, 1<<16+1)
	for i := 0; i+20 <= len(names); i += 20 {
		f[int(names[i])<<8|int(names[i+1])+1]++
	}
	for k := 1; k < len(f); k++ {
		f[k] += f[k-1]
	}
	return f
}

// find returns the offset of object h in the pack.
//
// Object ids are evenly spread, so where h falls between the ids at the
// ends of the range to search says about where it is: a few such guesses
// find it where halving the range takes a dozen steps, each a cache miss
// in the index of a large repository. The guesses are few, then the
// range is halved, so ids that are not spread evenly cost no more than
// halving does.
func (p *packFile) find(h plumbing.Hash) (int64, bool) {
	key := binary.BigEndian.Uint64(h[1:9])
	kl, kh := uint64(0), uint64(math.MaxUint64) // bound the keys in [lo, hi)
	var lo, hi int
	if p.fan16 != nil {
		k := int(h[0])<<8 | int(h[1])
		lo, hi = int(p.fan16[k]), int(p.fan16[k+1])
		kl = uint64(h[1]) << 56
		kh = kl | (1<<56 - 1)
	} else {
		if h[0] > 0 {
			lo = int(p.fanout[h[0]-1])
		}
		hi = int(p.fanout[h[0]])
	}
	if hi > len(p.names)/20 || lo > hi {
		return 0, false
	}
	for guess := 0; lo < hi; guess++ {
		m := int(uint(lo+hi) >> 1)
		if guess < 3 && hi-lo > 4 {
			step := (kh-kl)/uint64(hi-lo) + 1
			m = lo + int(min((key-kl)/step, uint64(hi-lo-1)))
		}
		name := p.names[m*20 : m*20+20]
		c := bytes.Compare(name, h[:])
		switch {
		case c == 0:
			o := binary.BigEndian.Uint32(p.off32[m*4:])
			if o&0x80000000 == 0 {
				return int64(o), true
			}
			i := int(o & 0x7fffffff)
			if (i+1)*8 > len(p.off64) {
				return 0, false
			}
			return int64(binary.BigEndian.Uint64(p.off64[i*8:])), true
		case c < 0:
			lo, kl = m+1, max(kl, binary.BigEndian.Uint64(name[1:9]))
		default:
			hi, kh = m, min(kh, binary.BigEndian.Uint64(name[1:9]))
		}
	}
	return 0, false
}

// Object types as stored in a pack entry header.
const (
	objCommit   = 1
	objTree     = 2
	objBlob     = 3
	objTag      = 4
	objOfsDelta = 6
	objRefDelta = 7
)

// entryHeader is the decoded header of one pack entry.
type entryHeader struct {
	typ     int
	size    int64         // inflated size of the entry (of the delta for deltas)
	baseOff int64         // objOfsDelta: offset of the base
	baseRef plumbing.Hash // objRefDelta: id of the base
	dataOff int64         // where the zlib stream starts
}

// header decodes the entry header at off.
func (p *packFile) header(off int64) (entryHeader, error) {
	var buf [32]byte
	var b []byte
	if p.data != nil {
		if off < 0 || off >= int64(len(p.data)) {
			return entryHeader{}, errors.New("pack offset out of range")
		}
		b = p.data[off:min(off+32, int64(len(p.data)))]
	} else {
		n, err := p.file.ReadAt(buf[:], off)
		if n == 0 && err != nil {
			return entryHeader{}, err
		}
		b = buf[:n]
	}
	var h entryHeader
	i := 0
	if len(b) == 0 {
		return h, io.ErrUnexpectedEOF
	}
	c := b[0]
	i++
	h.typ = int(c>>4) & 7
	h.size = int64(c & 15)
	shift := uint(4)
	for c&0x80 != 0 {
		if i >= len(b) || shift > 56 {
			return h, errors.New("corrupt pack entry header")
		}
		c = b[i]
		i++
		h.size |= int64(c&0x7f) << shift
		shift += 7
	}
	switch h.typ {
	case objOfsDelta:
		if i >= len(b) {
			return h, io.ErrUnexpectedEOF
		}
		c = b[i]
		i++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if i >= len(b) || rel > 1<<55 {
				return h, errors.New("corrupt delta offset")
			}
			c = b[i]
			i++
			rel = ((rel + 1) << 7) | int64(c&0x7f)
		}
		h.baseOff = off - rel
		if h.baseOff < 0 || rel == 0 {
			return h, errors.New("corrupt delta offset")
		}
	case objRefDelta:
		if i+20 > len(b) {
			return h, io.ErrUnexpectedEOF
		}
		copy(h.baseRef[:], b[i:i+20])
		i += 20
	case objCommit, objTree, objBlob, objTag:
	default:
		return h, fmt.Errorf("unknown pack entry type %d", h.typ)
	}
	h.dataOff = off + int64(i)
	return h, nil
}

// deltaOf says what an object rebuilt from a delta shares with its base:
// the delta's first copies put the base's first prefix bytes at the same
// place, and its last copies end the object with the base's last suffix
// bytes. Two versions of a large folder usually differ in one entry, and
// their delta says where without comparing them.
type deltaOf struct {
	base           lruKey
	prefix, suffix int
	ok             bool // base is known
}

// patchDelta applies a git delta to base. The result is a rope (see
// content) when ropeFrom is positive and it has at least ropeFrom bytes
// and half as many as base (a rope keeps its base in memory, and the
// cache counts only the rope's own size), and is otherwise flat, in a
// slice from alloc.
func patchDelta(base content, delta []byte, alloc func(int) []byte, ropeFrom int) (content, deltaOf, error) {
	var ends deltaOf
	baseLen := base.len()
	srcSize, delta, ok := uvarintLE(delta)
	if !ok || srcSize != uint64(baseLen) {
		return content{}, ends, errors.New("delta base size mismatch")
	}
	dstSize, delta, ok := uvarintLE(delta)
	if !ok || dstSize > maxObjectSize {
		return content{}, ends, errors.New("corrupt delta")
	}
	var out []byte
	var rb *ropeBuilder
	if ropeFrom > 0 && dstSize >= uint64(ropeFrom) && dstSize >= uint64(baseLen/2) {
		rb = &ropeBuilder{}
	} else {
		out = alloc(int(dstSize))
	}
	o := 0
	atStart := true // every command so far copied the base in place
	for len(delta) > 0 {
		cmd := delta[0]
		delta = delta[1:]
		switch {
		case cmd&0x80 != 0:
			var off, size uint64
			for i := uint(0); i < 4; i++ {
				if cmd&(1<<i) != 0 {
					if len(delta) == 0 {
						return content{}, ends, errors.New("corrupt delta")
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if cmd&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return content{}, ends, errors.New("corrupt delta")
					}
					size |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if size == 0 {
				size = 0x10000
			}
			if off+size > uint64(baseLen) || uint64(o)+size > dstSize {
				return content{}, ends, errors.New("delta copy out of range")
			}
			atStart = atStart && off == uint64(o)
			if atStart {
				ends.prefix = o + int(size)
			}
			// A copy that starts as far from the base's end as from the
			// object's continues the run that ends both, or starts one.
			if uint64(baseLen)-off == dstSize-uint64(o) {
				ends.suffix += int(size)
			} else {
				ends.suffix = 0
			}
			if rb != nil {
				rb.addRange(base, int(off), int(size))
			} else {
				copyRange(out[o:o+int(size)], base, int(off))
			}
			o += int(size)
		case cmd != 0:
			n := int(cmd)
			if n > len(delta) || uint64(o+n) > dstSize {
				return content{}, ends, errors.New("delta insert out of range")
			}
			atStart = false
			ends.suffix = 0
			if rb != nil {
				rb.add(delta[:n:n])
			} else {
				copy(out[o:], delta[:n])
			}
			o += n
			delta = delta[n:]
		default:
			return content{}, ends, errors.New("reserved delta command")
		}
	}
	if uint64(o) != dstSize {
		return content{}, ends, errors.New("delta result size mismatch")
	}
	if rb == nil {
		return flat(out), ends, nil
	}
	if len(rb.r.pieces) > maxPieces {
		out = alloc(o)
		copyRange(out, content{rope: &rb.r}, 0)
		return flat(out), ends, nil
	}
	return content{rope: &rb.r}, ends, nil
}

// uvarintLE decodes the little-endian base-128 sizes at the start of a delta.
func uvarintLE(b []byte) (uint64, []byte, bool) {
	var v uint64
	var shift uint
	for i, c := range b {
		if shift > 63 {
			return 0, nil, false
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, b[i+1:], true
		}
		shift += 7
	}
	return 0, nil, false
}
