package site

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hindsight-docs/hindsight/generator/cachefile"
	"github.com/hindsight-docs/hindsight/generator/replace"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// PageCache lets a build keep the report pages an earlier build wrote
// when nothing they show has changed: each page's record holds a digest
// of its inputs (the report file's bytes, its git facts, closing dates,
// diagnostics, links from and to other reports, and for the whole site
// the program, theme, config and today's date), what its body's links
// resolved to, the files copied beside it, and the build that first
// wrote it so. Every site folder's manifest names the build that wrote
// it, so a build knows which of those files are still as a record says:
// the folder it renders into (the site before the previous one) keeps
// them untouched, the published site lends them, and only the rest are
// rendered.
type PageCache struct {
	// Program identifies the hindsight that renders; "" disables the
	// cache, as does a nil *PageCache.
	Program string
	// Build is this build's number, Staged the folder it renders into
	// and Published the site it replaces (each as its manifest says).
	Build     int
	Staged    *Site
	Published *Site

	last int // the build the records are from
	old  map[string]*pageRecord
	// folders are the manifests the last builds published (see
	// pageFile.Folders).
	folders map[int]int64
	dirs    sync.Map // realDir's answers

	mu   sync.Mutex
	next map[string]*pageRecord

	// Each report's entry in data/reports.json and part of the search
	// index, by page folder, kept while its page key is unchanged. They
	// do not depend on the output folder, so every build of the
	// repository shares them, in partShards files named from parts: a
	// commit rewrites the few holding a report it changed. One task
	// each writes nextReports and nextSearch.
	parts                   string
	oldReports, nextReports map[string]*reportPart
	oldSearch, nextSearch   map[string]*searchPart
	partsDirty              [partShards]atomic.Bool

	kept, copied atomic.Int64 // report pages reused, for Output
}

type pageRecord struct {
	Key    [32]byte
	Since  int // the first build that wrote the page from these inputs
	Links  []linkDep
	Copies []copyDep
	Diags  []report.Diagnostic
}

// linkDep is a link of the body and what it resolved to.
type linkDep struct {
	Dest, Out string
	Broken    bool
}

// copyDep is a file copied beside the page, as it was.
type copyDep struct {
	Dst   string // relative to the page's folder
	Size  int64
	MTime int64
}

// reportPart is a report's entry in data/reports.json.
type reportPart struct {
	Key  [32]byte
	Data []byte
}

type pageFile struct {
	Version int
	Last    int
	Pages   map[string]*pageRecord
	// Folders holds, for the last two builds, the modification time of
	// the manifest each published (Unix nanoseconds). A folder is
	// trusted only while its manifest is that file: one made any other
	// way, say checked out of a repository that holds a folder of that
	// name, tells nothing of what its files hold.
	Folders map[int]int64
}

const pageCacheVersion = 2

// A shard of the reports' parts is a cachefile: the program that wrote
// it, the number of entries, and per entry its page folder, which parts
// it holds (partReport, partSearch) and those parts. Read from a file
// without reflection and without copying the parts out of it, the shards
// of 10,000 reports load in a fraction of the time gob took.
const (
	partsMagic = "hindsight page parts\n"
	partReport = 1
	partSearch = 2
	partShards = 16
)

func (c *PageCache) partsFile(i int) string { return fmt.Sprintf("%s.v3-%02d.bin", c.parts, i) }

// oldPartsFiles are the names of shard i in earlier formats.
func (c *PageCache) oldPartsFiles(i int) []string {
	return []string{fmt.Sprintf("%s.v2-%02d.gob", c.parts, i), fmt.Sprintf("%s.v1-%02d.gob", c.parts, i)}
}

// partsShard is what one shard holds.
type partsShard struct {
	Reports map[string]*reportPart
	Search  map[string]*searchPart
}

// readParts decodes one shard written by writeParts for program; ok is
// false for any other program or a damaged file. The parts share data.
func readParts(data []byte, program string) (s partsShard, ok bool) {
	r, ok := cachefile.Open(data, partsMagic)
	if !ok || r.String() != program {
		return s, false
	}
	n := r.Uvarint()
	if n > uint64(r.Left()) {
		return s, false
	}
	s = partsShard{Reports: make(map[string]*reportPart, n), Search: make(map[string]*searchPart, n)}
	for range n {
		url := r.String()
		has := r.Uvarint()
		if has&partReport != 0 {
			p := &reportPart{Key: [32]byte(r.Fixed(32))}
			p.Data = r.Bytes()
			s.Reports[url] = p
		}
		if has&partSearch != 0 {
			p := &searchPart{Key: [32]byte(r.Fixed(32))}
			p.Doc, p.Words = r.Bytes(), r.Bytes()
			s.Search[url] = p
		}
		if r.Bad || has == 0 || has > partReport|partSearch {
			return partsShard{}, false
		}
	}
	if !r.Done() {
		return partsShard{}, false
	}
	return s, true
}

// writeParts encodes one shard: the parts of every URL in either map.
func writeParts(w io.Writer, program string, s partsShard) error {
	n := len(s.Reports)
	for url := range s.Search {
		if s.Reports[url] == nil {
			n++
		}
	}
	c := cachefile.NewWriter(w, partsMagic)
	c.String(program)
	c.Uvarint(uint64(n))
	entry := func(url string, rp *reportPart, sp *searchPart) {
		c.String(url)
		var has uint64
		if rp != nil {
			has |= partReport
		}
		if sp != nil {
			has |= partSearch
		}
		c.Uvarint(has)
		if rp != nil {
			c.Fixed(rp.Key[:])
			c.Bytes(rp.Data)
		}
		if sp != nil {
			c.Fixed(sp.Key[:])
			c.Bytes(sp.Doc)
			c.Bytes(sp.Words)
		}
	}
	for url, p := range s.Reports {
		entry(url, p, s.Search[url])
	}
	for url, p := range s.Search {
		if s.Reports[url] == nil {
			entry(url, nil, p)
		}
	}
	return c.Close()
}

func partShard(url string) int {
	h := fnv.New32a()
	h.Write([]byte(url))
	return int(h.Sum32() % partShards)
}

// LoadPageCache reads the records file (an empty cache when there is
// none) for a build that renders into staged and replaces published, and
// the reports' parts from the files whose names start with parts ("" keeps
// none; a public build's parts are all other than a full one's, as its
// page keys are).
func LoadPageCache(file, parts, program string, staged, published *Site) *PageCache {
	c := &PageCache{Program: program, Staged: staged, Published: published, next: map[string]*pageRecord{},
		parts: parts, nextReports: map[string]*reportPart{}, nextSearch: map[string]*searchPart{}}
	var wg sync.WaitGroup
	wg.Go(func() {
		if pf, ok := readPageFile(file); ok {
			c.last, c.old, c.folders = pf.Last, pf.Pages, pf.Folders
		}
	})
	var shards [partShards]partsShard
	if parts != "" {
		for i := range shards {
			wg.Go(func() {
				data, err := os.ReadFile(c.partsFile(i))
				if errors.Is(err, fs.ErrNotExist) {
					for _, old := range c.oldPartsFiles(i) {
						os.Remove(old)
					}
				}
				if err != nil {
					return
				}
				if s, ok := readParts(data, program); ok {
					shards[i] = s
				}
			})
		}
	}
	wg.Wait()
	c.oldReports, c.oldSearch = map[string]*reportPart{}, map[string]*searchPart{}
	for _, s := range shards {
		maps.Copy(c.oldReports, s.Reports)
		maps.Copy(c.oldSearch, s.Search)
	}
	c.Build = max(c.last, staged.Build, published.Build) + 1
	return c
}

// Save writes this build's records atomically; call it once the site is
// published in out. SaveParts writes the parts.
func (c *PageCache) Save(file, out string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	// This build's folder, and the one it replaced, which the next
	// build renders into.
	folders := map[int]int64{}
	if t, ok := c.folders[c.last]; ok {
		folders[c.last] = t
	}
	if st, err := os.Stat(filepath.Join(out, Manifest)); err == nil {
		folders[c.Build] = st.ModTime().UnixNano()
	}
	return replace.File(file, func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(pageFile{Version: pageCacheVersion, Last: c.Build, Pages: c.next, Folders: folders})
	})
}

// SaveParts starts writing the shards holding a part this build worked
// out anew, with this build's parts alone, and returns a function that
// waits until they are written. A shard keeps a removed report's parts
// only until it is next written, and every shard is written on the first
// build of a day, when every page key changes. A part is used only for
// inputs that match its key, so the shards can be written while the site
// is published, and stay right whether or not it is: on a large site that
// takes them off the end of the build.
func (c *PageCache) SaveParts() (wait func()) {
	var wg sync.WaitGroup
	if c == nil || c.parts == "" {
		return wg.Wait
	}
	c.mu.Lock()
	var shards [partShards]partsShard
	for i := range shards {
		shards[i] = partsShard{Reports: map[string]*reportPart{}, Search: map[string]*searchPart{}}
	}
	for url, p := range c.nextReports {
		shards[partShard(url)].Reports[url] = p
	}
	for url, p := range c.nextSearch {
		shards[partShard(url)].Search[url] = p
	}
	c.mu.Unlock()
	for i := range shards {
		if !c.partsDirty[i].Load() {
			continue
		}
		wg.Go(func() {
			_ = replace.File(c.partsFile(i), func(w io.Writer) error {
				return writeParts(w, c.Program, shards[i])
			})
		})
	}
	return wg.Wait
}

func (c *PageCache) enabled() bool { return c != nil && c.Program != "" }

// cached says whether e's page and parts are cached: a report whose file
// could not be read has no digest of its bytes to key them by.
func (c *PageCache) cached(e *Entry) bool { return c.enabled() && e.Sum != ([32]byte{}) }

// reportPart is e's entry in data/reports.json, an earlier build's when
// e's page inputs are unchanged: the page shows all the entry does.
func (c *PageCache) reportPart(e *Entry) ([]byte, error) {
	if !c.cached(e) {
		return reportEntry(e)
	}
	p := c.oldReports[e.URL]
	if p == nil || p.Key != e.key {
		b, err := reportEntry(e)
		if err != nil {
			return nil, err
		}
		p = &reportPart{Key: e.key, Data: b}
		c.partsDirty[partShard(e.URL)].Store(true)
	}
	c.nextReports[e.URL] = p
	return p.Data, nil
}

// searchPart is e's part of the search index, an earlier build's when
// e's page inputs are unchanged.
func (c *PageCache) searchPart(e *Entry) (*searchPart, error) {
	if !c.cached(e) {
		return searchEntry(e)
	}
	p := c.oldSearch[e.URL]
	if p == nil || p.Key != e.key {
		var err error
		if p, err = searchEntry(e); err != nil {
			return nil, err
		}
		p.Key = e.key
		c.partsDirty[partShard(e.URL)].Store(true)
	}
	c.nextSearch[e.URL] = p
	return p, nil
}

// keyEntries sets every entry's page key, on every core.
func keyEntries(site [32]byte, entries []*Entry, workers int) {
	var wg sync.WaitGroup
	n := (len(entries) + workers - 1) / workers
	for lo := 0; lo < len(entries); lo += n {
		part := entries[lo:min(lo+n, len(entries))]
		wg.Go(func() {
			for _, e := range part {
				e.key = pageKey(site, e)
			}
		})
	}
	wg.Wait()
}

// siteKey digests what every report page depends on besides its report.
//
// The default layouts show of the site only what the key holds; with a
// theme's own (stock false), which may show any of it, the build time to
// the second and the years are in it too.
func (c *PageCache) siteKey(in Input, today time.Time, years []int, stock bool) [32]byte {
	h := newKeyHash()
	h.str(c.Program)
	h.str("report-page/1")
	cfg, _ := json.Marshal(in.Config)
	h.bytes(cfg)
	h.str(Day(today))
	h.str(Day(in.Now))
	if in.Public {
		h.str("public")
	}
	// The theme's layouts: a page renders through all of them.
	var names []string
	_ = fs.WalkDir(in.Theme, "layouts", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(in.Theme, n)
		h.str(n)
		h.str(string(b))
	}
	if !stock {
		h.str(in.Now.Format(time.RFC3339Nano))
		for _, y := range years {
			h.int(int64(y))
		}
	}
	return h.sum()
}

// pageKey digests what one report page shows beyond its file's bytes.
func pageKey(site [32]byte, e *Entry) [32]byte {
	h := newKeyHash()
	h.bytes(site[:])
	h.bytes(e.Sum[:])
	h.str(e.URL)
	h.str(e.Path) // the edit link and diagnostics name the file
	if g := e.Git; g != nil {
		h.str("git")
		h.time(g.Created)
		h.time(g.Updated)
		h.int(int64(g.Revisions))
		for _, a := range g.Authors {
			h.str(a)
		}
		h.str("")
		for _, b := range []bool{g.Uncommitted, g.Modified, g.Shallow} {
			if b {
				h.str("1")
			} else {
				h.str("0")
			}
		}
		for _, r := range g.History {
			h.str(r.Commit)
			h.time(r.Date)
			h.str(r.Author)
			h.str(r.Subject)
		}
	}
	h.str("closed")
	for _, a := range e.ActionItems {
		h.time(a.Closed)
	}
	h.str("diagnostics")
	for _, d := range e.Diagnostics {
		h.str(d.Path)
		h.int(int64(d.Line))
		h.str(d.Severity)
		h.str(d.Rule)
		h.str(d.Message)
	}
	for _, ls := range [][]Link{e.RelatedLinks, e.ReferredBy} {
		h.str("links")
		for _, l := range ls {
			h.str(l.Title)
			h.str(l.URL)
			if l.Missing {
				h.str("missing")
			}
		}
	}
	return h.sum()
}

// actionsDigest digests what the action-item pages and exports show
// beyond the site: every item, with its report's ID, title, page and
// the dates its days to close count from.
func actionsDigest(site [32]byte, entries []*Entry) [32]byte {
	h := newKeyHash()
	h.bytes(site[:])
	for _, e := range entries {
		if len(e.ActionItems) == 0 {
			continue
		}
		h.str(e.ID)
		h.str(e.URL)
		h.str(e.Title)
		h.time(e.Started)
		h.time(e.Resolved)
		h.int(int64(len(e.ActionItems)))
		for _, a := range e.ActionItems {
			for _, s := range []string{a.Title, a.Owner, a.Status, a.Priority, a.Link} {
				h.str(s)
			}
			h.time(a.Due)
			h.time(a.Closed)
		}
	}
	return h.sum()
}

// listKey is the key of the page rel that lists es (an incidents table,
// say): its rows show nothing beyond their reports' page keys, and the
// page itself the site, the years and the severities its filters
// offer. ok is false when a report has no digest of its file to key
// the list by.
func listKey(site [32]byte, info *Info, rel string, es []*Entry) (key [32]byte, ok bool) {
	h := newKeyHash()
	h.bytes(site[:])
	h.str(rel)
	for _, y := range info.Years {
		h.int(int64(y))
	}
	for _, s := range info.Severities {
		h.str(s)
	}
	h.int(int64(len(es)))
	for _, e := range es {
		if e.Sum == ([32]byte{}) {
			return key, false
		}
		h.bytes(e.key[:])
	}
	return h.sum(), true
}

// fileKey is the key of one file made from a digest of its inputs.
func fileKey(inputs [32]byte, rel, extra string) [32]byte {
	h := newKeyHash()
	h.bytes(inputs[:])
	h.str(rel)
	h.str(extra)
	return h.sum()
}

// keyHash is the SHA-256 of what a key is made of: each string after its
// length, each number in 8 bytes. The pieces are gathered in a buffer and
// hashed a block at a time: written to the hash one by one, each string
// was a copy on the heap and each piece a call through an interface,
// several hundred for a report with a long history, on every build.
type keyHash struct {
	h hash.Hash
	b []byte
}

func newKeyHash() *keyHash { return &keyHash{h: sha256.New(), b: make([]byte, 0, 1024)} }

func (k *keyHash) bytes(p []byte) {
	k.b = append(k.b, p...)
	k.spill()
}

func (k *keyHash) str(s string) {
	k.int(int64(len(s)))
	k.b = append(k.b, s...)
	k.spill()
}

// spill hashes what the buffer holds once it is 32 KB: a key over every
// action item of a site would otherwise be gathered whole.
func (k *keyHash) spill() {
	if len(k.b) >= 32<<10 {
		k.h.Write(k.b)
		k.b = k.b[:0]
	}
}

func (k *keyHash) int(n int64) { k.b = binary.LittleEndian.AppendUint64(k.b, uint64(n)) }

// time adds an instant and its zone's offset.
func (k *keyHash) time(t time.Time) {
	_, off := t.Zone()
	k.int(t.UnixNano())
	k.int(int64(off))
}

func (k *keyHash) sum() (key [32]byte) {
	k.h.Write(k.b)
	k.h.Sum(key[:0])
	return key
}

// reuse keeps or copies e's page and the files beside it when a record
// says an earlier build wrote them from the same inputs; it reports
// whether it did.
func (c *PageCache) reuse(w *writer, l *linker, e *Entry, key [32]byte, diag func(report.Diagnostic)) bool {
	old := c.old[e.URL]
	if old == nil || old.Key != key {
		return false
	}
	for _, d := range old.Links {
		if out, _, broken := l.resolve(e, d.Dest); out != d.Out || broken != d.Broken {
			return false
		}
	}
	recorded := map[string]bool{}
	for _, cp := range old.Copies {
		recorded[cp.Dst] = true
	}
	for _, a := range e.Report.Attachments {
		// an attachment that was missing may be there now
		if c, ok := l.beside(e, a); ok && !recorded[c.dst] {
			return false
		}
	}
	files := []string{e.URL + "index.html"}
	for _, cp := range old.Copies {
		fc, ok := l.beside(e, cp.Dst)
		if !ok {
			return false
		}
		st, err := os.Lstat(fc.src)
		if err != nil || st.Size() != cp.Size || st.ModTime().UnixNano() != cp.MTime {
			return false
		}
		files = append(files, path.Join(e.URL, cp.Dst))
	}
	switch c.place(w, files, old.Since, true) {
	case kept:
		c.kept.Add(1)
	case copied:
		c.copied.Add(1)
	default:
		return false
	}
	for _, d := range old.Diags {
		diag(d)
	}
	c.store(e.URL, old)
	w.pages.Add(1)
	return true
}

type placed int

const (
	missing placed = iota
	kept
	copied
)

// place keeps files in the folder rendered into, or takes them from the
// published site, when one of them holds them as a build wrote them from
// inputs unchanged since build since. Taken with link, they are hard
// links to the published files: right for report pages, which few
// builds write again, and not for the lists and dashboards, which many
// do: a file with two names is written as a new file (see create),
// which costs more than writing over one.
func (c *PageCache) place(w *writer, files []string, since int, link bool) placed {
	// A folder holds the files as recorded when the build that wrote it
	// lies between the first with these inputs and the last recorded.
	holds := func(s *Site) bool {
		if s == nil || s.Build < since || s.Build > c.last || !c.known(s) {
			return false
		}
		for _, f := range files {
			if !s.Files[f] {
				return false
			}
		}
		return true
	}
	// A file is as that build left it while it is a regular file not
	// changed since the folder's manifest was written.
	unchanged := func(s *Site) bool {
		for _, f := range files {
			p := filepath.Join(s.Dir, filepath.FromSlash(f))
			if !w.madeDir(s.Dir, filepath.Dir(p)) && !c.realDir(s.Dir, filepath.Dir(p)) {
				return false
			}
			st, err := os.Lstat(p)
			if err != nil || !st.Mode().IsRegular() || st.ModTime().After(s.Written) {
				return false
			}
		}
		return true
	}
	switch {
	case holds(c.Staged) && unchanged(c.Staged):
		for _, f := range files {
			w.done(f)
		}
		return kept
	case holds(c.Published) && unchanged(c.Published):
		for _, f := range files {
			src := filepath.Join(c.Published.Dir, filepath.FromSlash(f))
			if link {
				if err := w.link(src, f); err != nil {
					return missing
				}
				continue
			}
			b, err := os.ReadFile(src)
			if err != nil {
				return missing
			}
			if err := w.file(f, b); err != nil {
				return missing
			}
		}
		return copied
	}
	return missing
}

// reuseFile keeps or copies the site's file rel (a dashboard page, an
// export) when a record says an earlier build wrote it from key, and
// reports whether it did; otherwise it notes that this build writes it
// from key.
func (c *PageCache) reuseFile(w *writer, rel string, key [32]byte) bool {
	if !c.enabled() {
		return false
	}
	old := c.old[rel]
	if old != nil && old.Key == key && c.place(w, []string{rel}, old.Since, false) != missing {
		c.store(rel, old)
		return true
	}
	c.store(rel, c.record(rel, key))
	return false
}

// record starts the record of the page or file at name (a report page's
// folder, a file's path) being written from key.
func (c *PageCache) record(name string, key [32]byte) *pageRecord {
	r := &pageRecord{Key: key, Since: c.Build}
	if old := c.old[name]; old != nil && old.Key == key {
		r.Since = old.Since
	}
	return r
}

// copied notes a file copied beside a page.
func (r *pageRecord) copied(src, dst string) bool {
	st, err := os.Lstat(src)
	if err != nil {
		return false
	}
	r.Copies = append(r.Copies, copyDep{Dst: dst, Size: st.Size(), MTime: st.ModTime().UnixNano()})
	return true
}

func (c *PageCache) store(url string, r *pageRecord) {
	c.mu.Lock()
	c.next[url] = r
	c.mu.Unlock()
}

// reused counts the report pages kept in place and copied from the
// published site.
func (c *PageCache) reused() (kept, copied int) {
	if c == nil {
		return 0, 0
	}
	return int(c.kept.Load()), int(c.copied.Load())
}

// known says whether s is the folder a recorded build published, with
// the manifest that build wrote (see pageFile.Folders).
func (c *PageCache) known(s *Site) bool { return published(c.folders, s) }

func published(folders map[int]int64, s *Site) bool {
	t, ok := folders[s.Build]
	return ok && !s.Written.IsZero() && s.Written.UnixNano() == t
}

// Recorded says whether the page records in file (see Config's page
// file) hold s as a folder a build published, with the manifest that
// build wrote. Only such a folder is made the site again (see Stage).
func Recorded(file string, s *Site) bool {
	pf, ok := readPageFile(file)
	return ok && published(pf.Folders, s)
}

// readPageFile decodes the records in file; ok is false when there are
// none that this version wrote.
func readPageFile(file string) (pf pageFile, ok bool) {
	f, err := os.Open(file)
	if err != nil {
		return pf, false
	}
	defer f.Close()
	if gob.NewDecoder(bufio.NewReaderSize(f, 1<<16)).Decode(&pf) != nil || pf.Version != pageCacheVersion {
		return pageFile{}, false
	}
	return pf, true
}

// realDir says whether dir, and every folder above it up to root, is a
// folder and not a link: a site folder's files are read through folders
// of its own only, never through a link to somewhere else.
func (c *PageCache) realDir(root, dir string) bool {
	if dir == root {
		return true
	}
	if v, ok := c.dirs.Load(dir); ok {
		return v.(bool)
	}
	ok := within(dir, root) && c.realDir(root, filepath.Dir(dir)) && isDir(dir)
	c.dirs.Store(dir, ok)
	return ok
}
