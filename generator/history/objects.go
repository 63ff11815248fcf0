package history

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/klauspost/compress/zlib"
)

// Why this package reads packs itself: go-git's packfile reader puts every
// object it rebuilds from a delta into its object cache, and the cache keys
// objects by id, so it recomputes the SHA-1 (with collision detection) of
// every rebuilt object; on a 46,000-commit history that alone costs longer
// than `git log` takes for the whole job. Here objects are found through
// the pack index, inflated and patched directly, and cached by pack offset,
// which needs no hashing. go-git still opens the repository, resolves
// references, reads the index and the shallow list, and serves every object
// that is not in a readable pack (loose objects, alternates, old index
// formats), so nothing is lost when the fast path does not apply.

// errMissing reports an object the repository does not have (a partial or
// damaged clone).
var errMissing = errors.New("object missing")

// maxCacheBytes is the most the object cache grows to (see lru). The
// goroutines diffing commits share it (see newRecyclingStore), so that with
// the garbage collector's headroom a scan stays well under 500 MB.
const maxCacheBytes = 128 << 20

// maxObjectSize bounds a single object read into memory: reports and trees
// are small, and a corrupt header must not allocate the machine away.
const maxObjectSize = 1 << 30

// maxDeflateRatio is the most bytes deflate writes for each byte it
// reads: a match of 258 bytes in under two bits, once its codes are
// paid for (zlib's technical details give 1032 to 1).
const maxDeflateRatio = 1032

// objectDB is a repository's object database: the packs read directly,
// and go-git's storage for everything else.
type objectDB struct {
	packs    []*packFile
	fallback storer.EncodedObjectStorer
	// fbMu serialises fallback reads: packs are read-only and shared by
	// stores on several goroutines, go-git's storer is not promised to be.
	fbMu sync.Mutex
}

func (db *objectDB) close() error {
	var err error
	for _, p := range db.packs {
		if cerr := p.close(); err == nil {
			err = cerr
		}
	}
	db.packs = nil
	return err
}

// store reads objects, with its own inflater and cache of rebuilt objects;
// it is used by one goroutine.
type store struct {
	db    *objectDB
	cache *lru
	fl    inflater // for mapped packs
	zr    io.ReadCloser
	br    bytes.Reader
	bufr  *bufio.Reader
	depth int // nesting of reads through bases in other packs
	// indexes holds the entry indexes of the large trees diffed last.
	indexes map[plumbing.Hash]entryIndex
	dirs    map[dirKey]plumbing.Hash // treeAt's last answers
	// In a recycling store, objects the cache lets go are kept in retired
	// until the owner says no slice it was given is in use (release),
	// and are then used again for objects of about their size. A cold
	// scan rebuilds every version of each year's folder, and without
	// this those copies are most of what a build allocates.
	retired, spare           [][]byte
	retiredBytes, spareBytes int
}

const (
	// maxSpare bounds the buffers a recycling store holds; the oldest
	// give way, so the sizes kept follow the walk.
	maxSpare = 64
	// maxRecycledBytes bounds the bytes a recycling store holds in
	// retired buffers, and again in spare ones: a diff that lets go of
	// more leaves the rest to the garbage collector.
	maxRecycledBytes = 16 << 20
	// minRecycled is the smallest buffer worth keeping.
	minRecycled = 4 << 10
)

// alloc returns a slice of n bytes, not zeroed when it is recycled: the
// smallest spare buffer that holds n bytes and is at most twice that.
func (s *store) alloc(n int) []byte {
	best := -1
	for i, b := range s.spare {
		if c := cap(b); c >= n && c <= 2*n && (best < 0 || c < cap(s.spare[best])) {
			best = i
		}
	}
	if best < 0 {
		return make([]byte, n)
	}
	b := s.spare[best]
	s.spare = slices.Delete(s.spare, best, best+1)
	s.spareBytes -= cap(b)
	return b[:n]
}

// retire keeps b, which the cache let go, for reuse after release.
func (s *store) retire(b []byte) {
	if cap(b) >= minRecycled && s.retiredBytes+cap(b) <= maxRecycledBytes {
		s.retired = append(s.retired, b)
		s.retiredBytes += cap(b)
	}
}

// release tells a recycling store that the slices it returned so far are
// no longer used.
func (s *store) release() {
	for _, b := range s.retired {
		for len(s.spare) > 0 && (len(s.spare) == maxSpare || s.spareBytes+cap(b) > maxRecycledBytes) {
			s.spareBytes -= cap(s.spare[0])
			s.spare = slices.Delete(s.spare, 0, 1)
		}
		s.spare = append(s.spare, b)
		s.spareBytes += cap(b)
	}
	clear(s.retired)
	s.retired = s.retired[:0]
	s.retiredBytes = 0
}

func newStore(db *objectDB, cacheBytes int64) *store {
	return &store{db: db, cache: newLRU(cacheBytes, maxCacheBytes)}
}

// newRecyclingStore returns a store whose owner calls release, one of n
// sharing maxCacheBytes.
func newRecyclingStore(db *objectDB, cacheBytes int64, n int) *store {
	limit := maxCacheBytes / int64(max(n, 1))
	s := &store{db: db, cache: newLRU(min(cacheBytes, limit), limit)}
	s.cache.retire = s.retire
	return s
}

// read returns the type and content of object h. The content may be shared
// with the cache and must not be modified. keep says whether the object is
// worth caching; delta bases are always cached because the next object in
// a history walk is usually built from the same base.
func (s *store) read(h plumbing.Hash, keep bool) (int, []byte, error) {
	typ, data, _, err := s.readKeyed(h, keep)
	return typ, data.bytes(), err
}

// noKey is the key of an object that is not read from a pack.
var noKey = lruKey{pack: -1}

// readKeyed is read, also returning where the object is in the packs.
func (s *store) readKeyed(h plumbing.Hash, keep bool) (int, content, lruKey, error) {
	for i, p := range s.db.packs {
		if off, ok := p.find(h); ok {
			typ, data, err := s.readPacked(i, off, keep)
			if err != nil {
				return 0, content{}, noKey, fmt.Errorf("read object %s: %w", h, err)
			}
			return typ, data, lruKey{int32(i), off}, nil
		}
	}
	typ, data, err := s.readFallback(h)
	return typ, flat(data), noKey, err
}

// sameEnds returns how many bytes at the start and at the end objects a
// and b are known to share because one was rebuilt as a delta of the
// other (0, 0 when neither was).
func (s *store) sameEnds(a, b lruKey) (prefix, suffix int) {
	if a == noKey || b == noKey {
		return 0, 0
	}
	if e := s.cache.m[b]; e != nil && e.from.ok && e.from.base == a {
		return e.from.prefix, e.from.suffix
	}
	if e := s.cache.m[a]; e != nil && e.from.ok && e.from.base == b {
		return e.from.prefix, e.from.suffix
	}
	return 0, 0
}

func (s *store) readFallback(h plumbing.Hash) (int, []byte, error) {
	if s.db.fallback == nil {
		return 0, nil, fmt.Errorf("read object %s: %w", h, errMissing)
	}
	s.db.fbMu.Lock()
	defer s.db.fbMu.Unlock()
	o, err := s.db.fallback.EncodedObject(plumbing.AnyObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return 0, nil, fmt.Errorf("read object %s: %w", h, errMissing)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read object %s: %w", h, err)
	}
	if o.Size() > maxObjectSize {
		return 0, nil, fmt.Errorf("read object %s: object of %d bytes is too large", h, o.Size())
	}
	r, err := o.Reader()
	if err != nil {
		return 0, nil, fmt.Errorf("read object %s: %w", h, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxObjectSize))
	if err != nil {
		return 0, nil, fmt.Errorf("read object %s: %w", h, err)
	}
	return int(o.Type()), data, nil
}

type deltaLink struct {
	off   int64
	delta []byte
}

// readPacked rebuilds the object at off in pack pi, following its delta
// chain down to a cached or whole object and patching back up. Large
// trees come back as ropes.
func (s *store) readPacked(pi int, off int64, keep bool) (int, content, error) {
	p := s.db.packs[pi]
	var linkBuf [16]deltaLink
	chain := linkBuf[:0]
	cur := off
	var typ int
	var data content
	for {
		if e := s.cache.get(lruKey{int32(pi), cur}); e != nil {
			typ, data = int(e.typ), e.data
			break
		}
		h, err := p.header(cur)
		if err != nil {
			return 0, content{}, err
		}
		body, err := s.inflate(p, h.dataOff, h.size)
		if err != nil {
			return 0, content{}, err
		}
		if h.typ != objOfsDelta && h.typ != objRefDelta {
			typ, data = h.typ, flat(body)
			if keep || len(chain) > 0 {
				s.cache.put(lruKey{int32(pi), cur}, int8(typ), data, deltaOf{})
			}
			break
		}
		chain = append(chain, deltaLink{cur, body})
		if len(chain) > 100000 {
			return 0, content{}, errors.New("delta chain too long")
		}
		if h.typ == objOfsDelta {
			cur = h.baseOff
			continue
		}
		if bo, ok := p.find(h.baseRef); ok {
			cur = bo
			continue
		}
		// A base in another pack or loose: rare outside thin packs.
		if s.depth > 64 {
			return 0, content{}, errors.New("delta bases refer to each other")
		}
		s.depth++
		var b []byte
		typ, b, err = s.read(h.baseRef, true)
		s.depth--
		if err != nil {
			return 0, content{}, err
		}
		data = flat(b)
		cur = -1 // the base is not in this pack
		break
	}
	for i := len(chain) - 1; i >= 0; i-- {
		base := lruKey{int32(pi), cur}
		if cur < 0 {
			base = noKey
		}
		var err error
		var ends deltaOf
		// Only a base this store caches is known not to be written again
		// while a rope points into it (see lruEntry.shared).
		ropeFrom := 0
		if typ == objTree && base != noKey {
			ropeFrom = ropeMin
		}
		data, ends, err = patchDelta(data, chain[i].delta, s.alloc, ropeFrom)
		if err != nil {
			return 0, content{}, err
		}
		if data.rope != nil {
			if e := s.cache.m[base]; e != nil {
				e.shared = true
			}
		}
		ends.base, ends.ok = base, base != noKey
		if i > 0 || keep {
			s.cache.put(lruKey{int32(pi), chain[i].off}, int8(typ), data, ends)
		}
		cur = chain[i].off
	}
	return typ, data, nil
}

// inflate decompresses the zlib stream at off, which must hold exactly
// size bytes.
func (s *store) inflate(p *packFile, off, size int64) ([]byte, error) {
	if size < 0 || size > maxObjectSize {
		return nil, fmt.Errorf("object of %d bytes is too large", size)
	}
	// A header that claims more than the bytes left in the pack could
	// inflate to is refused before its buffer is made.
	end := p.size
	if p.data != nil {
		end = int64(len(p.data))
	}
	if left := end - off; left >= 0 && size > maxDeflateRatio*(left+1) {
		return nil, fmt.Errorf("object of %d bytes cannot come from the %d bytes left in its pack", size, left)
	}
	if p.data != nil {
		if off > int64(len(p.data)) {
			return nil, errors.New("pack offset out of range")
		}
		out := s.alloc(int(size))
		if err := s.fl.inflate(p.data[off:], out); err != nil {
			return nil, fmt.Errorf("inflate: %w", err)
		}
		return out, nil
	}
	if err := s.resetInflater(p, off); err != nil {
		return nil, err
	}
	out := s.alloc(int(size))
	if _, err := io.ReadFull(s.zr, out); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	// Reading past the end checks the stream's checksum and its length.
	var one [1]byte
	if n, err := s.zr.Read(one[:]); n != 0 || (err != io.EOF && err != nil) {
		return nil, errors.New("inflate: object larger than its header says")
	}
	return out, nil
}

// resetInflater points the store's zlib reader at the stream at off.
func (s *store) resetInflater(p *packFile, off int64) error {
	var src io.Reader
	if p.data != nil {
		if off > int64(len(p.data)) {
			return errors.New("pack offset out of range")
		}
		s.br.Reset(p.data[off:])
		src = &s.br
	} else {
		sec := io.NewSectionReader(p.file, off, p.size-off)
		if s.bufr == nil {
			s.bufr = bufio.NewReaderSize(sec, 16<<10)
		} else {
			s.bufr.Reset(sec)
		}
		src = s.bufr
	}
	if s.zr == nil {
		zr, err := zlib.NewReader(src)
		if err != nil {
			return fmt.Errorf("inflate: %w", err)
		}
		s.zr = zr
	} else if err := s.zr.(zlib.Resetter).Reset(src, nil); err != nil {
		return fmt.Errorf("inflate: %w", err)
	}
	return nil
}

// size returns the size of object h without rebuilding it, so that rename
// detection can rule out a large deleted file before reading it.
func (s *store) size(h plumbing.Hash) (int64, error) {
	for _, p := range s.db.packs {
		off, ok := p.find(h)
		if !ok {
			continue
		}
		eh, err := p.header(off)
		if err != nil {
			return 0, fmt.Errorf("read object %s: %w", h, err)
		}
		if eh.typ != objOfsDelta && eh.typ != objRefDelta {
			return eh.size, nil
		}
		// A delta starts with the sizes of its base and of its result.
		if err := s.resetInflater(p, eh.dataOff); err != nil {
			return 0, err
		}
		var buf [20]byte
		n, err := io.ReadFull(s.zr, buf[:min(len(buf), int(eh.size))])
		if err != nil && n == 0 {
			return 0, fmt.Errorf("read object %s: %w", h, err)
		}
		_, rest, ok := uvarintLE(buf[:n])
		if !ok {
			return 0, fmt.Errorf("read object %s: corrupt delta", h)
		}
		v, _, ok := uvarintLE(rest)
		if !ok {
			return 0, fmt.Errorf("read object %s: corrupt delta", h)
		}
		return int64(v), nil
	}
	if s.db.fallback == nil {
		return 0, fmt.Errorf("read object %s: %w", h, errMissing)
	}
	s.db.fbMu.Lock()
	n, err := s.db.fallback.EncodedObjectSize(h)
	s.db.fbMu.Unlock()
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return 0, fmt.Errorf("read object %s: %w", h, errMissing)
	}
	if err != nil {
		return 0, fmt.Errorf("read object %s: %w", h, err)
	}
	return n, nil
}

// lru caches rebuilt objects by pack position, bounded by total bytes.
// It starts small, because a large cache costs more in garbage collection
// than it saves, and grows to hold a whole delta chain (git's default
// depth is 50) of the largest object seen, up to hardLimit.
type lru struct {
	max, size int64
	hardLimit int64
	retire    func([]byte) // given what is evicted, when set
	m         map[lruKey]*lruEntry
	root      lruEntry // sentinel of a circular list, most recent first
}

type lruKey struct {
	pack int32
	off  int64
}

type lruEntry struct {
	key  lruKey
	typ  int8
	data content
	from deltaOf
	// shared is set once a rope points into data, which is then never
	// retired for reuse.
	shared     bool
	prev, next *lruEntry
}

func newLRU(size, hardLimit int64) *lru {
	c := &lru{max: size, hardLimit: max(size, hardLimit), m: make(map[lruKey]*lruEntry, 1024)}
	c.root.prev, c.root.next = &c.root, &c.root
	return c
}

func (c *lru) get(k lruKey) *lruEntry {
	e := c.m[k]
	if e == nil {
		return nil
	}
	c.unlink(e)
	c.pushFront(e)
	return e
}

// put caches data as object k, which was rebuilt from another as from says.
func (c *lru) put(k lruKey, typ int8, data content, from deltaOf) {
	n := charge(data)
	if want := n * 64; want > c.max && c.max < c.hardLimit {
		c.max = min(want, c.hardLimit)
	}
	if n > c.max/4 {
		return // one object must not flush the cache
	}
	if e := c.m[k]; e != nil {
		c.unlink(e)
		c.pushFront(e)
		return
	}
	e := &lruEntry{key: k, typ: typ, data: data, from: from}
	c.m[k] = e
	c.pushFront(e)
	c.size += n
	for c.size > c.max && c.root.prev != &c.root {
		old := c.root.prev
		c.unlink(old)
		delete(c.m, old.key)
		c.size -= charge(old.data)
		if c.retire != nil && old.data.rope == nil && !old.shared {
			c.retire(old.data.flat)
		}
	}
}

func (c *lru) unlink(e *lruEntry) {
	e.prev.next = e.next
	e.next.prev = e.prev
}

func (c *lru) pushFront(e *lruEntry) {
	e.prev = &c.root
	e.next = c.root.next
	c.root.next.prev = e
	c.root.next = e
}

// charge is what the cache counts for data. A rope is counted at its full
// size: it may be all that keeps the objects it points into alive.
func charge(data content) int64 {
	if data.rope != nil {
		return int64(data.rope.size) + 32*int64(len(data.rope.pieces)) + 64
	}
	return int64(cap(data.flat)) + 64 // a recycled buffer may be larger than its object
}
