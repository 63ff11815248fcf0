package site

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

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

	mu   sync.Mutex
	next map[string]*pageRecord

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

type pageFile struct {
	Version int
	Last    int
	Pages   map[string]*pageRecord
}

const pageCacheVersion = 1

// LoadPageCache reads the records file (an empty cache when there is
// none) for a build that renders into staged and replaces published.
func LoadPageCache(file, program string, staged, published *Site) *PageCache {
	c := &PageCache{Program: program, Staged: staged, Published: published, next: map[string]*pageRecord{}}
	var pf pageFile
	if f, err := os.Open(file); err == nil {
		if gob.NewDecoder(f).Decode(&pf) == nil && pf.Version == pageCacheVersion {
			c.last, c.old = pf.Last, pf.Pages
		}
		f.Close()
	}
	c.Build = max(c.last, staged.Build, published.Build) + 1
	return c
}

// Save writes this build's records atomically; call it once the site is
// published.
func (c *PageCache) Save(file string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return replace.File(file, func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(pageFile{Version: pageCacheVersion, Last: c.Build, Pages: c.next})
	})
}

func (c *PageCache) enabled() bool { return c != nil && c.Program != "" }

// siteKey digests what every report page depends on besides its report.
//
// The default layouts show of the site only what the key holds; with a
// theme's own (stock false), which may show any of it, the build time to
// the second and the years are in it too.
func (c *PageCache) siteKey(in Input, today time.Time, years []int, stock bool) [32]byte {
	h := sha256.New()
	str := func(s string) { writeStr(h, s) }
	str(c.Program)
	str("report-page/1")
	cfg, _ := json.Marshal(in.Config)
	h.Write(cfg)
	str(Day(today))
	str(Day(in.Now))
	if in.Public {
		str("public")
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
		str(n)
		str(string(b))
	}
	if !stock {
		str(in.Now.Format(time.RFC3339Nano))
		for _, y := range years {
			writeInt(h, int64(y))
		}
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// pageKey digests what one report page shows beyond its file's bytes.
func pageKey(site [32]byte, e *Entry) [32]byte {
	h := sha256.New()
	h.Write(site[:])
	h.Write(e.Sum[:])
	str := func(s string) { writeStr(h, s) }
	tm := func(t time.Time) {
		_, off := t.Zone()
		writeInt(h, t.UnixNano())
		writeInt(h, int64(off))
	}
	str(e.URL)
	str(e.Path) // the edit link and diagnostics name the file
	if g := e.Git; g != nil {
		str("git")
		tm(g.Created)
		tm(g.Updated)
		writeInt(h, int64(g.Revisions))
		for _, a := range g.Authors {
			str(a)
		}
		str("")
		for _, b := range []bool{g.Uncommitted, g.Modified, g.Shallow} {
			if b {
				str("1")
			} else {
				str("0")
			}
		}
		for _, r := range g.History {
			str(r.Commit)
			tm(r.Date)
			str(r.Author)
			str(r.Subject)
		}
	}
	str("closed")
	for _, a := range e.ActionItems {
		tm(a.Closed)
	}
	str("diagnostics")
	for _, d := range e.Diagnostics {
		str(d.Path)
		writeInt(h, int64(d.Line))
		str(d.Severity)
		str(d.Rule)
		str(d.Message)
	}
	for _, ls := range [][]Link{e.RelatedLinks, e.ReferredBy} {
		str("links")
		for _, l := range ls {
			str(l.Title)
			str(l.URL)
			if l.Missing {
				str("missing")
			}
		}
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// actionsDigest digests what the action-item pages and exports show
// beyond the site: every item, with its report's ID, title, page and
// the dates its days to close count from.
func actionsDigest(site [32]byte, entries []*Entry) [32]byte {
	h := sha256.New()
	h.Write(site[:])
	str := func(s string) { writeStr(h, s) }
	tm := func(t time.Time) {
		_, off := t.Zone()
		writeInt(h, t.UnixNano())
		writeInt(h, int64(off))
	}
	for _, e := range entries {
		if len(e.ActionItems) == 0 {
			continue
		}
		str(e.ID)
		str(e.URL)
		str(e.Title)
		tm(e.Started)
		tm(e.Resolved)
		writeInt(h, int64(len(e.ActionItems)))
		for _, a := range e.ActionItems {
			for _, s := range []string{a.Title, a.Owner, a.Status, a.Priority, a.Link} {
				str(s)
			}
			tm(a.Due)
			tm(a.Closed)
		}
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// fileKey is the key of one file made from a digest of its inputs.
func fileKey(inputs [32]byte, rel, extra string) [32]byte {
	h := sha256.New()
	h.Write(inputs[:])
	writeStr(h, rel)
	writeStr(h, extra)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

func writeStr(h hash.Hash, s string) {
	writeInt(h, int64(len(s)))
	h.Write([]byte(s))
}

func writeInt(h hash.Hash, n int64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
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
	switch c.place(w, files, old.Since) {
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

// place keeps files in the folder rendered into, or copies them from
// the published site, when one of them holds them as a build wrote them
// from inputs unchanged since build since.
func (c *PageCache) place(w *writer, files []string, since int) placed {
	// A folder holds the files as recorded when the build that wrote it
	// lies between the first with these inputs and the last recorded.
	holds := func(s *Site) bool {
		if s == nil || s.Build < since || s.Build > c.last {
			return false
		}
		for _, f := range files {
			if !s.Files[f] {
				return false
			}
		}
		return true
	}
	switch {
	case holds(c.Staged):
		for _, f := range files {
			if _, err := os.Lstat(filepath.Join(c.Staged.Dir, filepath.FromSlash(f))); err != nil {
				return missing
			}
		}
		for _, f := range files {
			w.done(f)
		}
		return kept
	case holds(c.Published):
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(c.Published.Dir, filepath.FromSlash(f)))
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
	if old != nil && old.Key == key && c.place(w, []string{rel}, old.Since) != missing {
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
