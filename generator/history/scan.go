package history

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// facts is what one commit says about the files below the watched
// directories. Everything in it follows from the commit id alone (the id
// fixes the tree and the parents), which is why it can be cached by id and
// never goes stale.
type facts struct {
	commitInfo
	// covered lists the directories (repository-relative, "" = all) whose
	// changes against the first parent are in changes.
	covered []string
	changes []change
	// renames maps a path added by this commit to the path it was renamed
	// from, or to "" when it has no rename source; filled in on demand.
	renames map[string]string
}

func (f *facts) covers(dir string) bool {
	for _, c := range f.covered {
		if within(dir, c) {
			return true
		}
	}
	return false
}

// within says whether p is dir or below it ("" contains everything).
func within(p, dir string) bool {
	return dir == "" || p == dir || strings.HasPrefix(p, dir) && p[len(dir)] == '/'
}

// node is a commit during one scan.
type node struct {
	hash    plumbing.Hash
	f       *facts
	seq     int    // order in which the walk first met it (git's tie-break)
	seen    bool   // queued
	persist bool   // facts may be cached (not a shallow boundary)
	changed bool   // facts learnt or extended by this scan
	orig    *facts // a shallow boundary's own facts, which are what is cached
	commit  *Commit
}

// saved returns the facts to write to the cache.
func (n *node) saved() *facts {
	if n.orig != nil {
		return n.orig
	}
	return n.f
}

// fileState follows one report back through history.
type fileState struct {
	name    string // the repository path being followed at this point of the walk
	history []*node
	blobs   []plumbing.Hash // the file's content after each commit of history; zero for a deletion
}

// scanner walks the history once and follows every report at the same time.
type scanner struct {
	ctx     context.Context
	st      *store   // the processing goroutine's
	walkSt  *store   // the walking goroutine's: commits
	workers int      // goroutines diffing commits
	dir     string   // reports dir, repository-relative ("" = the whole repository)
	watch   []string // directories whose changes each commit must provide
	nodes   map[plumbing.Hash]*node
	order   []*node    // nodes in the order the walk met them
	slab    []node     // nodes are allocated in blocks
	cache   *cacheFile // nil without a cache
	shallow map[plumbing.Hash]bool
	tracked map[string][]*fileState

	computed      int  // commits read from the object database (not the cache)
	reachedCached int  // commits found in the cache
	dirty         bool // some node changed: the cache needs writing (set by processing)

	// deletions of the commit being processed, for rename detection
	delsOf *node
	dels   []change
	simSrc map[plumbing.Hash]*simSource
	// incomplete is set when a rename decision lacked a blob
	incomplete bool

	warned   map[string]bool
	warnings []string
}

type simSource struct {
	size  int
	spans []spanCount
	err   error
}

func newScanner(ctx context.Context, db *objectDB, dir string) *scanner {
	return &scanner{
		ctx:     ctx,
		st:      newStore(db, objectCacheBytes),
		walkSt:  newStore(db, objectCacheBytes/4),
		workers: min(runtime.GOMAXPROCS(0), maxDiffers),
		dir:     dir,
		watch:   []string{dir},
		nodes:   make(map[plumbing.Hash]*node),
		tracked: make(map[string][]*fileState),
		warned:  make(map[string]bool),
	}
}

func (s *scanner) warn(key, msg string) {
	if !s.warned[key] {
		s.warned[key] = true
		s.warnings = append(s.warnings, msg)
	}
}

// track starts following a file that is at repoPath in HEAD.
func (s *scanner) track(repoPath string) *fileState {
	f := &fileState{name: repoPath}
	s.tracked[repoPath] = append(s.tracked[repoPath], f)
	return f
}

// load returns the node of commit h, from the cache when it is there and
// from the object database otherwise.
func (s *scanner) load(h plumbing.Hash) (*node, error) {
	if n := s.nodes[h]; n != nil {
		return n, nil
	}
	var f *facts
	if s.cache != nil {
		f = s.cache.facts[h]
	}
	changed := f == nil
	if f != nil {
		s.reachedCached++
	} else {
		typ, data, err := s.walkSt.read(h, false)
		if err != nil {
			return nil, err
		}
		if typ != objCommit {
			return nil, fmt.Errorf("object %s is not a commit", h)
		}
		ci, ok := parseCommit(data)
		if !ok {
			return nil, fmt.Errorf("commit %s has no tree", h)
		}
		f = &facts{commitInfo: ci}
		s.computed++
	}
	if len(s.slab) == 0 {
		s.slab = make([]node, 1024)
	}
	n := &s.slab[0]
	s.slab = s.slab[1:]
	*n = node{hash: h, f: f, persist: true, changed: changed}
	s.order = append(s.order, n)
	if s.shallow[h] {
		// The walk treats a shallow boundary as a root, as git does; what it
		// learns there is not true of the commit, so it is not cached.
		n.orig = f
		n.f = &facts{commitInfo: f.commitInfo}
		n.f.parents = nil
		n.persist = false
	}
	s.nodes[h] = n
	return n, nil
}

// walk visits every commit reachable from head in the order `git log`
// does without --topo-order: newest committer date first, ties in the
// order the commits were reached. The order matters because, like git,
// a report's followed name changes at the commit that renamed it, and
// commits visited after that point are matched against the old name.
//
// Three kinds of goroutine share the work. One walks the commits and
// hands them on in batches; s.workers diff each commit of a batch with
// its parent below the reports dir, each with its own store, which is
// most of the work of a cold scan; and the calling goroutine applies the
// batches in order to the reports they touch.
func (s *scanner) walk(head plumbing.Hash) error {
	ctx, cancel := context.WithCancel(s.ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	ordered := make(chan *batch, 2*s.workers+2)
	work := make(chan *batch, 2*s.workers+2)
	var walkErr error // read once ordered is closed
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ordered)
		defer close(work)
		walkErr = s.walkCommits(ctx, head, func(b *batch) bool {
			select {
			case work <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case ordered <- b:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	for range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := newRecyclingStore(s.st.db, differCacheBytes, s.workers)
			for b := range work {
				b.err = s.coverBatch(ctx, st, b)
				close(b.done)
			}
		}()
	}
	for b := range ordered {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b.err != nil {
			return b.err
		}
		for _, c := range b.commits {
			if c.n.changed {
				s.dirty = true
			}
			if err := s.process(c.n, c.parent); err != nil {
				return err
			}
		}
	}
	return walkErr
}

// differCacheBytes is the initial object cache of each goroutine diffing
// commits; a variable for tests.
var differCacheBytes int64 = objectCacheBytes

// maxDiffers bounds the goroutines diffing commits, each with its own
// object cache: with more, the walk rather than the diffing sets the pace.
const maxDiffers = 4

// A batch is a run of non-merge commits in walk order.
type batch struct {
	commits []step
	err     error         // of diffing
	done    chan struct{} // closed once diffed
}

type step struct{ n, parent *node }

// batchSize balances handing work to the diffing goroutines early against
// each of them rebuilding the same delta chains: a batch's versions of a
// directory are mostly built from each other.
const batchSize = 2048

// walkCommits walks the commits from head, passing them to emit in
// batches. It stops early when emit returns false (the scan is being
// abandoned) or a commit cannot be read, and says why.
func (s *scanner) walkCommits(ctx context.Context, head plumbing.Hash, emit func(*batch) bool) error {
	b := &batch{done: make(chan struct{})}
	flush := func() bool {
		ok := emit(b)
		b = &batch{done: make(chan struct{})}
		return ok
	}
	hn, err := s.load(head)
	if err != nil {
		return err
	}
	seq := 0
	hn.seen, hn.seq = true, seq
	q := &queue{hn}
	for pops := 0; q.Len() > 0; pops++ {
		n := heap.Pop(q).(*node)
		if pops&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var parent *node
		for i, ph := range n.f.parents {
			pn, err := s.load(ph)
			if err != nil {
				return fmt.Errorf("parent of %s: %w", n.hash, err)
			}
			if i == 0 {
				parent = pn
			}
			if !pn.seen {
				seq++
				pn.seen, pn.seq = true, seq
				heap.Push(q, pn)
			}
		}
		// git log --follow shows no merge commits: it diffs a merge against
		// none of its parents, and reaches the changes made on each side
		// through the commits of that side.
		if len(n.f.parents) > 1 {
			continue
		}
		b.commits = append(b.commits, step{n, parent})
		if len(b.commits) == batchSize && !flush() {
			return ctx.Err()
		}
	}
	if len(b.commits) > 0 && !flush() {
		return ctx.Err()
	}
	return nil
}

// coverBatch makes every commit of b list its changes below the reports
// dir, reading objects through st.
func (s *scanner) coverBatch(ctx context.Context, st *store, b *batch) error {
	for i, c := range b.commits {
		if i&63 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		err := s.coverDir(st, c.n, c.parent, s.dir)
		st.release() // the changes hold no slice of a tree
		if err != nil {
			return err
		}
	}
	return nil
}

// process applies one non-merge commit to the reports it touches.
func (s *scanner) process(n, parent *node) error {
	if err := s.cover(n, parent); err != nil {
		return err
	}
	type hit struct {
		ch    *change
		files []*fileState
	}
	var hits []hit
	for i := range n.f.changes {
		ch := &n.f.changes[i]
		if fl := s.tracked[ch.path]; len(fl) > 0 {
			hits = append(hits, hit{ch, fl})
		}
	}
	if len(hits) == 0 {
		return nil
	}
	// Record first, switch names after: a rename's old path is among this
	// commit's changes too, and must not be matched twice.
	for _, h := range hits {
		blob := h.ch.hash
		if h.ch.kind == 'D' {
			blob = plumbing.ZeroHash
		}
		for _, f := range h.files {
			f.history = append(f.history, n)
			f.blobs = append(f.blobs, blob)
		}
	}
	for _, h := range hits {
		if h.ch.kind != 'A' {
			continue
		}
		src, err := s.renameSource(n, parent, h.ch)
		if err != nil {
			return err
		}
		if src == "" {
			continue // a new file, or re-added: keep following the same path
		}
		delete(s.tracked, h.ch.path)
		for _, f := range h.files {
			f.name = src
		}
		s.tracked[src] = append(s.tracked[src], h.files...)
		if !s.watched(src) {
			s.watch = append(s.watch, dirOf(src))
		}
	}
	return nil
}

func (s *scanner) watched(p string) bool {
	for _, w := range s.watch {
		if within(p, w) {
			return true
		}
	}
	return false
}

func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

// cover makes n's facts list the changes below every watched directory.
func (s *scanner) cover(n, parent *node) error {
	for _, w := range s.watch {
		if err := s.coverDir(s.st, n, parent, w); err != nil {
			return err
		}
		if n.changed {
			s.dirty = true
		}
	}
	return nil
}

// coverDir adds to n's facts its changes below dir, unless they are there.
func (s *scanner) coverDir(st *store, n, parent *node, dir string) error {
	if n.f.covers(dir) {
		return nil
	}
	b, err := st.treeAt(n.f.tree, dir)
	var a plumbing.Hash
	if err == nil && parent != nil {
		a, err = st.treeAt(parent.f.tree, dir)
	}
	if err != nil {
		return fmt.Errorf("commit %s: %w", n.hash, err)
	}
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	before := len(n.f.changes)
	n.f.changes, err = st.diffTrees(a, b, prefix, diffAll, nil, n.f.changes)
	if err != nil {
		return fmt.Errorf("commit %s: %w", n.hash, err)
	}
	if before > 0 {
		n.f.changes = dedupe(n.f.changes)
	}
	n.f.covered = append(n.f.covered, dir)
	if n.persist {
		n.changed = true
	}
	return nil
}

// dedupe drops repeated paths, which appear when a newly watched directory
// contains one that was already covered.
func dedupe(cs []change) []change {
	slices.SortStableFunc(cs, func(a, b change) int { return strings.Compare(a.path, b.path) })
	return slices.CompactFunc(cs, func(a, b change) bool { return a.path == b.path })
}

// renameSource decides where the file added at ch.path in n came from, the
// way `git log --follow` does: a file deleted by the same commit, anywhere
// in the repository, with the same content, else the most similar one
// scoring at least 50%. See similarity.go for the score.
func (s *scanner) renameSource(n, parent *node, ch *change) (string, error) {
	if src, ok := n.f.renames[ch.path]; ok {
		return src, nil
	}
	src := ""
	if parent != nil {
		if s.delsOf != n {
			// Deletions below the covered directories are already in the
			// commit's changes; diff only the rest of the tree.
			var dels []change
			skip := make([]string, 0, len(n.f.covered))
			for _, c := range n.f.covered {
				if c == "" {
					skip = nil
					break
				}
				skip = append(skip, c+"/")
			}
			if len(skip) > 0 || len(n.f.covered) == 0 {
				var err error
				dels, err = s.st.diffTrees(parent.f.tree, n.f.tree, "", diffDeletions, skip, nil)
				if err != nil {
					return "", fmt.Errorf("commit %s: %w", n.hash, err)
				}
			}
			for _, c := range n.f.changes {
				if c.kind == 'D' {
					dels = append(dels, c)
				}
			}
			s.delsOf, s.dels, s.simSrc = n, dels, nil
		}
		s.incomplete = false
		var err error
		if src, err = s.pickSource(ch); err != nil {
			return "", err
		}
		if s.incomplete {
			return src, nil // decided without some contents: not worth keeping
		}
	}
	if n.f.renames == nil {
		n.f.renames = make(map[string]string)
	}
	n.f.renames[ch.path] = src
	if n.persist {
		n.changed, s.dirty = true, true
	}
	return src, nil
}

func (s *scanner) pickSource(ch *change) (string, error) {
	base := path.Base(ch.path)
	better := func(cand, best string) bool {
		cb, bb := path.Base(cand) == base, path.Base(best) == base
		if cb != bb {
			return cb
		}
		return cand < best
	}
	// Exact renames first: git prefers them to any similar file.
	best := ""
	for _, d := range s.dels {
		if d.hash != ch.hash {
			continue
		}
		if (d.mode&modeTypeMask != modeFile || ch.mode&modeTypeMask != modeFile) && d.mode != ch.mode {
			continue
		}
		if best == "" || better(d.path, best) {
			best = d.path
		}
	}
	if best != "" || ch.mode&modeTypeMask != modeFile {
		return best, nil
	}
	var dst *simSource
	bestScore := -1
	for _, d := range s.dels {
		if d.mode&modeTypeMask != modeFile {
			continue
		}
		if dst == nil {
			if dst = s.simSource(ch.hash, true); dst.err != nil {
				return "", s.blobError(dst.err)
			}
		}
		// Sizes alone rule most candidates out, without reading them.
		src := s.simSource(d.hash, false)
		if src.err == nil && sizeMayMatch(src.size, dst.size) {
			src = s.simSource(d.hash, true)
		} else if src.err == nil {
			continue
		}
		if src.err != nil {
			if err := s.blobError(src.err); err != nil {
				return "", err
			}
			continue
		}
		score := similarity(src.size, dst.size, src.spans, dst.spans)
		if score < minimumScore {
			continue
		}
		if score > bestScore || score == bestScore && better(d.path, best) {
			best, bestScore = d.path, score
		}
	}
	return best, nil
}

// blobError turns a missing blob (a partial clone) into a warning: the
// file is then followed as if it had no rename source.
func (s *scanner) blobError(err error) error {
	if errors.Is(err, errMissing) {
		s.incomplete = true
		s.warn("blob", "some file contents are missing from the repository (a partial clone?); reports renamed with edits may show a shorter history")
		return nil
	}
	return err
}

// simSource returns what rename detection knows of blob h: its size, and
// with spans set its span counts, read once per commit.
func (s *scanner) simSource(h plumbing.Hash, spansToo bool) *simSource {
	if s.simSrc == nil {
		s.simSrc = make(map[plumbing.Hash]*simSource)
	}
	src := s.simSrc[h]
	if src == nil {
		src = &simSource{}
		sz, err := s.st.size(h)
		src.size, src.err = int(sz), err
		s.simSrc[h] = src
	}
	if !spansToo || src.err != nil || src.spans != nil {
		return src
	}
	typ, data, err := s.st.read(h, false)
	switch {
	case err != nil:
		src.err = err
	case typ != objBlob:
		src.err = fmt.Errorf("object %s is not a blob", h)
	default:
		src.size, src.spans = len(data), spans(data) // never nil once read
	}
	return src
}

// queue orders nodes like git's date-ordered commit list.
type queue []*node

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].f.when != q[j].f.when {
		return q[i].f.when > q[j].f.when
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*node)) }
func (q *queue) Pop() any {
	old := *q
	n := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return n
}
