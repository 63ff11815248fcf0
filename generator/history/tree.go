package history

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

const (
	modeTypeMask = 0o170000
	modeTree     = 0o040000
	modeFile     = 0o100000
	modeSymlink  = 0o120000
)

func isTree(mode uint32) bool { return mode&modeTypeMask == modeTree }

// isBlob says whether an entry is content git's diff follows: regular
// files and symbolic links (gitlinks, i.e. submodules, are not).
func isBlob(mode uint32) bool {
	t := mode & modeTypeMask
	return t == modeFile || t == modeSymlink
}

// treeEntry is one entry of a raw tree object; name aliases the tree.
type treeEntry struct {
	mode uint32
	name []byte
	hash plumbing.Hash
}

var errBadTree = errors.New("malformed tree object")

// nextEntry parses the entry at the start of b ("<octal mode> <name>\0<20-byte id>")
// and returns it with its length.
func nextEntry(b []byte) (treeEntry, int, error) {
	var e treeEntry
	i := 0
	for i < len(b) && b[i] != ' ' {
		c := b[i]
		if c < '0' || c > '7' || i > 6 {
			return e, 0, errBadTree
		}
		e.mode = e.mode<<3 | uint32(c-'0')
		i++
	}
	if i == 0 || i >= len(b) {
		return e, 0, errBadTree
	}
	nul := bytes.IndexByte(b[i+1:], 0)
	if nul <= 0 {
		return e, 0, errBadTree
	}
	end := i + 1 + nul
	if end+21 > len(b) {
		return e, 0, errBadTree
	}
	e.name = b[i+1 : end]
	copy(e.hash[:], b[end+1:end+21])
	return e, end + 21, nil
}

// compareEntries orders entries the way git sorts trees: by name, with a
// directory compared as if its name ended in "/".
func compareEntries(a, b treeEntry) int {
	n := min(len(a.name), len(b.name))
	if c := bytes.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	var ca, cb byte
	if len(a.name) > n {
		ca = a.name[n]
	} else if isTree(a.mode) {
		ca = '/'
	}
	if len(b.name) > n {
		cb = b.name[n]
	} else if isTree(b.mode) {
		cb = '/'
	}
	return int(ca) - int(cb)
}

// loadTree returns the raw content of tree h; the zero id is the empty tree.
func (s *store) loadTree(h plumbing.Hash) ([]byte, error) {
	t, _, err := s.loadTreeKeyed(h)
	return t.bytes(), err
}

// loadTreeKeyed is loadTree, as flat content or a rope, also returning
// where the tree is in the packs.
func (s *store) loadTreeKeyed(h plumbing.Hash) (content, lruKey, error) {
	if h.IsZero() {
		return content{}, noKey, nil
	}
	typ, data, key, err := s.readKeyed(h, true)
	if err != nil {
		return content{}, noKey, err
	}
	if typ != objTree {
		return content{}, noKey, fmt.Errorf("object %s is not a tree", h)
	}
	return data, key, nil
}

// lookup returns the entry called name in a raw tree.
func lookup(tree content, name string) (treeEntry, bool, error) {
	r := entryReader{c: tree}
	for pos := 0; pos < tree.len(); {
		e, n, err := r.at(pos)
		if err != nil {
			return e, false, err
		}
		if string(e.name) == name {
			return e, true, nil
		}
		pos += n
	}
	return treeEntry{}, false, nil
}

// treeAt returns the id of the tree at dir ("" = root itself) below root,
// or the zero id when there is no such directory. The answer is
// remembered: a walk asks it for each commit twice, as the commit and as
// its child's parent.
func (s *store) treeAt(root plumbing.Hash, dir string) (plumbing.Hash, error) {
	if dir == "" || root.IsZero() {
		return root, nil
	}
	k := dirKey{root, dir}
	if h, ok := s.dirs[k]; ok {
		return h, nil
	}
	h, err := s.findDir(root, dir)
	if err == nil {
		if s.dirs == nil || len(s.dirs) >= maxDirs {
			s.dirs = make(map[dirKey]plumbing.Hash)
		}
		s.dirs[k] = h
	}
	return h, err
}

// dirKey is a question treeAt answered.
type dirKey struct {
	root plumbing.Hash
	dir  string
}

// maxDirs bounds the answers a store remembers; a walk needs the last.
const maxDirs = 4096

// findDir is treeAt without remembering.
func (s *store) findDir(root plumbing.Hash, dir string) (plumbing.Hash, error) {
	cur := root
	for dir != "" && !cur.IsZero() {
		name, rest, _ := strings.Cut(dir, "/")
		dir = rest
		t, _, err := s.loadTreeKeyed(cur)
		if err != nil {
			return cur, err
		}
		e, ok, err := lookup(t, name)
		if err != nil {
			return cur, fmt.Errorf("tree %s: %w", cur, err)
		}
		if !ok || !isTree(e.mode) {
			return plumbing.ZeroHash, nil
		}
		cur = e.hash
	}
	return cur, nil
}

// change is one blob that differs between a commit and its parent.
type change struct {
	path string
	kind byte   // 'A' added, 'M' modified, 'D' deleted
	mode uint32 // of the blob after the commit (A, M) or before it (D)
	hash plumbing.Hash
}

type diffMode int

const (
	diffAll       diffMode = iota // additions, modifications and deletions
	diffDeletions                 // only what the newer tree no longer has
)

// diffTrees appends to out the blobs that differ between trees a (older)
// and b (newer) below prefix, which is "" or ends in "/", leaving out the
// directories listed in skip (each ending in "/"). Subtrees with
// equal ids are skipped without being read, and so are the runs of
// identical entries at the start and end of two versions of a large
// directory, which is what makes a directory of thousands of reports cheap
// to diff when one of them changed.
func (s *store) diffTrees(a, b plumbing.Hash, prefix string, mode diffMode, skip []string, out []change) ([]change, error) {
	if a == b {
		return out, nil
	}
	ta, ka, err := s.loadTreeKeyed(a)
	if err != nil {
		return out, err
	}
	tb, kb, err := s.loadTreeKeyed(b)
	if err != nil {
		return out, err
	}
	// Bytes the delta between the two says they share need no comparing.
	samePrefix, sameSuffix := s.sameEnds(ka, kb)
	return s.diffContents(a, b, ta, tb, samePrefix, sameSuffix, prefix, mode, skip, out)
}

// diffContents is diffTrees for trees a and b read as ta and tb, which
// share at least samePrefix bytes at the start and sameSuffix at the end.
func (s *store) diffContents(a, b plumbing.Hash, ta, tb content, samePrefix, sameSuffix int, prefix string, mode diffMode, skip []string, out []change) ([]change, error) {
	var err error
	la, lb := ta.len(), tb.len()
	// Large trees keep an index of entry offsets (see entryIndex), so that
	// finding where the shared run of entries ends costs a few steps
	// rather than a walk from the first entry.
	var known entryIndex // of whichever tree has one
	var learn *indexBuilder
	if la >= indexMin && lb >= indexMin {
		ia, ib := s.index(a), s.index(b)
		switch {
		case ib != nil:
			known = ib
			if ia == nil {
				learn = &indexBuilder{from: ib, older: true, h: a, t: ta}
			}
		case ia != nil:
			known = ia
			learn = &indexBuilder{from: ia, h: b, t: tb}
		default:
			if known, err = buildIndex(tb); err != nil {
				return out, fmt.Errorf("tree %s: %w", b, err)
			}
			s.keepIndex(b, tb, known)
			learn = &indexBuilder{from: known, older: true, h: a, t: ta}
		}
	}
	i, j := 0, 0
	if la > 0 && lb > 0 {
		d := min(samePrefix, la, lb)
		d += commonPrefixFrom(ta, tb, d)
		i, err = entriesUpTo(ta, known.floor(d), d)
		if err != nil {
			return out, fmt.Errorf("tree %s: %w", a, err)
		}
		j = i
	}
	learn.start(i)
	suffix := min(sameSuffix, la-i, lb-j)
	suffix += commonSuffixBefore(ta, la-suffix, tb, lb-suffix, min(la-i, lb-j)-suffix)
	readA, readB := entryReader{c: ta}, entryReader{c: tb}
	for {
		ra, rb := la-i, lb-j
		if ra == rb && ra <= suffix {
			// The rest is byte-for-byte the same.
			if learn != nil {
				s.keepIndex(learn.h, learn.t, learn.finish(i, j))
			}
			return out, nil
		}
		learn.add(i, j)
		var ea, eb treeEntry
		var na, nb int
		if ra > 0 {
			if ea, na, err = readA.at(i); err != nil {
				return out, fmt.Errorf("tree %s: %w", a, err)
			}
		}
		if rb > 0 {
			if eb, nb, err = readB.at(j); err != nil {
				return out, fmt.Errorf("tree %s: %w", b, err)
			}
		}
		c := 0
		switch {
		case ra == 0:
			c = 1
		case rb == 0:
			c = -1
		default:
			c = compareEntries(ea, eb)
		}
		switch {
		case c < 0:
			if !skipped(ea, prefix, skip) {
				out, err = s.emitAll(ea, prefix, 'D', out)
			}
			i += na
		case c > 0:
			if mode == diffAll && !skipped(eb, prefix, skip) {
				out, err = s.emitAll(eb, prefix, 'A', out)
			}
			j += nb
		default:
			i += na
			j += nb
			if ea.hash == eb.hash && ea.mode == eb.mode {
				continue
			}
			switch {
			case isTree(ea.mode) && isTree(eb.mode):
				if !skipped(ea, prefix, skip) {
					out, err = s.diffTrees(ea.hash, eb.hash, prefix+string(ea.name)+"/", mode, skip, out)
				}
			case isBlob(ea.mode) && isBlob(eb.mode):
				if mode == diffAll {
					out = append(out, change{path: prefix + string(eb.name), kind: 'M', mode: eb.mode, hash: eb.hash})
				}
			default: // a blob became a submodule or back
				out, err = s.emitAll(ea, prefix, 'D', out)
				if err == nil && mode == diffAll {
					out, err = s.emitAll(eb, prefix, 'A', out)
				}
			}
		}
		if err != nil {
			return out, err
		}
	}
}

// skipped says whether e is a directory listed in skip.
func skipped(e treeEntry, prefix string, skip []string) bool {
	if !isTree(e.mode) {
		return false
	}
	for _, d := range skip {
		if len(d) == len(prefix)+len(e.name)+1 && strings.HasPrefix(d, prefix) &&
			d[len(prefix):len(d)-1] == string(e.name) {
			return true
		}
	}
	return false
}

// emitAll appends e, or every blob below it when it is a tree, as kind.
func (s *store) emitAll(e treeEntry, prefix string, kind byte, out []change) ([]change, error) {
	switch {
	case isBlob(e.mode):
		return append(out, change{path: prefix + string(e.name), kind: kind, mode: e.mode, hash: e.hash}), nil
	case !isTree(e.mode):
		return out, nil
	}
	t, err := s.loadTree(e.hash)
	if err != nil {
		return out, err
	}
	sub := prefix + string(e.name) + "/"
	for len(t) > 0 {
		ce, n, err := nextEntry(t)
		if err != nil {
			return out, fmt.Errorf("tree %s: %w", e.hash, err)
		}
		if out, err = s.emitAll(ce, sub, kind, out); err != nil {
			return out, err
		}
		t = t[n:]
	}
	return out, nil
}

// entriesUpTo steps through the entries of raw tree t from start, which
// begins one, and returns where the last entry ending at or before d ends.
func entriesUpTo(t content, start, d int) (int, error) {
	pos := start
	for pos < d {
		nul := t.indexByte(pos, 0)
		if nul < 0 {
			return 0, errBadTree
		}
		end := nul + 21
		if end > d {
			break
		}
		pos = end
	}
	return pos, nil
}

// An entryIndex lists offsets at which entries of one raw tree begin, in
// increasing order from 0, about indexGap bytes apart. A history walk
// diffs each version of a large directory against the next, and the two
// versions share all but a few entries, so the index of one gives the
// index of the other from the entries the diff passed through: what
// comes before them is the same, what comes after is shifted by the
// difference in length. Each version is then indexed in time that does
// not grow with its size.
type entryIndex []int32

const (
	indexGap = 2048
	// indexMin is the size from which trees are indexed; smaller ones are
	// walked from the start.
	indexMin = 16 << 10
	// maxIndexes bounds the indexes a store keeps; a walk needs the
	// last few.
	maxIndexes = 1024
)

// buildIndex indexes t by walking it.
func buildIndex(t content) (entryIndex, error) {
	var idx entryIndex
	last := -indexGap
	for pos := 0; pos < t.len(); {
		if pos-last >= indexGap {
			idx = append(idx, int32(pos))
			last = pos
		}
		nul := t.indexByte(pos, 0)
		if nul < 0 || nul+21 > t.len() {
			return nil, errBadTree
		}
		pos = nul + 21
	}
	return idx, nil
}

// floor returns the last indexed offset at or before d (0 without an index).
func (x entryIndex) floor(d int) int {
	k, _ := slices.BinarySearch(x, int32(d)+1)
	if k == 0 {
		return 0
	}
	return int(x[k-1])
}

// indexBuilder makes the index of tree h, with content t, one side of a
// diff (the older when older is set), from the index of the other side.
// Its methods take the diff's offsets in the older tree (i) and the newer
// (j); a nil builder does nothing.
type indexBuilder struct {
	from  entryIndex
	older bool
	h     plumbing.Hash
	t     content
	head  int     // entries before head are shared
	mid   []int32 // offsets the diff passed, in the tree being indexed
}

// sides returns the offsets in the tree being indexed and in the other.
func (ib *indexBuilder) sides(i, j int) (int, int) {
	if ib.older {
		return i, j
	}
	return j, i
}

func (ib *indexBuilder) start(head int) {
	if ib != nil {
		ib.head = head
	}
}

func (ib *indexBuilder) add(i, j int) {
	if ib == nil {
		return
	}
	pos, _ := ib.sides(i, j)
	if len(ib.mid) == 0 || pos-int(ib.mid[len(ib.mid)-1]) >= indexGap {
		ib.mid = append(ib.mid, int32(pos))
	}
}

// finish returns the index, given that from offset i in the older tree
// and j in the newer the two trees are the same.
func (ib *indexBuilder) finish(i, j int) entryIndex {
	at, fromAt := ib.sides(i, j)
	k, _ := slices.BinarySearch(ib.from, int32(ib.head))
	idx := make(entryIndex, 0, len(ib.from)+len(ib.mid)+1)
	idx = append(idx, ib.from[:k]...) // all before head
	idx = append(idx, int32(ib.head))
	for _, p := range ib.mid {
		if p > idx[len(idx)-1] {
			idx = append(idx, p)
		}
	}
	if int32(at) > idx[len(idx)-1] {
		idx = append(idx, int32(at))
	}
	shift := int32(at - fromAt)
	l, _ := slices.BinarySearch(ib.from, int32(fromAt)+1)
	for _, p := range ib.from[l:] {
		idx = append(idx, p+shift)
	}
	return idx
}

// index returns the entry index kept for tree h, or nil.
func (s *store) index(h plumbing.Hash) entryIndex { return s.indexes[h] }

// keepIndex keeps x as the index of tree h, whose content is t. An index
// made from another gains an offset or two, so one that has grown to
// twice what t needs is made again.
func (s *store) keepIndex(h plumbing.Hash, t content, x entryIndex) {
	for len(x) > 0 && int(x[len(x)-1]) >= t.len() {
		x = x[:len(x)-1] // the end, where the two trees' same tails begin
	}
	if len(x) > 2*(t.len()/indexGap+4) {
		var err error
		if x, err = buildIndex(t); err != nil {
			return
		}
	}
	if s.indexes == nil || len(s.indexes) >= maxIndexes {
		s.indexes = make(map[plumbing.Hash]entryIndex)
	}
	s.indexes[h] = x
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	// Comparing blocks as strings uses the runtime's vectorised memequal.
	for i+64 <= n && string(a[i:i+64]) == string(b[i:i+64]) {
		i += 64
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+64 <= n && string(a[len(a)-i-64:len(a)-i]) == string(b[len(b)-i-64:len(b)-i]) {
		i += 64
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}
