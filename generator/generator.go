// Package generator builds a hindsight site: it loads the reports of a
// repository, enriches them with git history, checks them, renders the
// pages and writes the output folder atomically.
package generator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/sync/errgroup"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/history"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/generator/site"
	"github.com/hindsight-docs/hindsight/themes"
)

// Config is one build's settings: the site config plus what the command
// line adds.
type Config struct {
	Site      *config.Site
	Out       string    // output folder; "" means Site.Output under Site.Root
	Now       time.Time // "today"; zero means the current time
	Public    bool      // leave out internal reports everywhere
	KeepGoing bool      // publish reports with invalid YAML instead of failing
	Force     bool      // replace an output folder holding foreign files
	Workers   int       // parallelism; 0 means GOMAXPROCS
	NoHistory bool      // skip reading git history
	// CacheDir keeps the history cache between builds; "" picks a folder
	// under the user's cache directory, "-" disables the cache.
	CacheDir string
	Theme    fs.FS // nil: the embedded theme overlaid with the site's theme folder
}

// Result tells what a build did.
type Result struct {
	Reports     int
	Pages       int
	Warnings    int
	Errors      int
	Out         string
	Elapsed     time.Duration
	Diagnostics []report.Diagnostic
	// Phases is where the time went, in order: for --timings and for
	// telling which part of a slow build to look at.
	Phases []Phase
	// Snapshot is what the site was rendered from, for Preview.
	Snapshot *Snapshot
}

// Phase is one step of a build and how long it took.
type Phase struct {
	Name    string
	Elapsed time.Duration
}

// Timings is the phases on one line: "parse 1.2s · history 0.8s · ...".
func (r *Result) Timings() string {
	parts := make([]string, len(r.Phases))
	for i, p := range r.Phases {
		parts[i] = p.Name + " " + round(p.Elapsed).String()
	}
	return strings.Join(parts, " · ")
}

// Summary is the line that ends every build.
func (r *Result) Summary() string {
	warn := "warnings"
	if r.Warnings == 1 {
		warn = "warning"
	}
	rep := "reports"
	if r.Reports == 1 {
		rep = "report"
	}
	counts := fmt.Sprintf("%d %s", r.Warnings, warn)
	if r.Errors == 1 {
		counts = "1 error, " + counts
	} else if r.Errors > 1 {
		counts = fmt.Sprintf("%d errors, %s", r.Errors, counts)
	}
	return fmt.Sprintf("built %d %s, %d pages (%s) in %s → %s", r.Reports, rep, r.Pages, counts, round(r.Elapsed), r.Out)
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}

// BuildError is a build that failed because of its input: it carries
// every error diagnostic.
type BuildError struct {
	Diagnostics []report.Diagnostic
}

func (e *BuildError) Error() string {
	var b strings.Builder
	for i, d := range e.Diagnostics {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s:%d: %s", d.Path, d.Line, d.Message)
	}
	return b.String()
}

func (c *Config) workers() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (c *Config) now() time.Time {
	if c.Now.IsZero() {
		return time.Now()
	}
	return c.Now
}

// OutDir is the absolute output folder.
func (c *Config) OutDir() string {
	out := c.Out
	if out == "" {
		out = filepath.Join(c.Site.Root, c.Site.Output)
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return out
	}
	return abs
}

// ThemeFS is the theme the build renders with.
func (c *Config) ThemeFS() fs.FS {
	if c.Theme != nil {
		return c.Theme
	}
	dir, withStatic := c.Site.ThemeDir()
	if dir == "" {
		return themes.Default()
	}
	top := site.DirFS(dir)
	if !withStatic {
		top = onlyLayouts{top}
	}
	return site.Overlay(top, themes.Default())
}

// onlyLayouts hides everything but layouts/ of a folder.
type onlyLayouts struct{ fs.FS }

func (o onlyLayouts) Open(name string) (fs.File, error) {
	if name != "layouts" && !strings.HasPrefix(name, "layouts/") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.FS.Open(name)
}

// Set is the loaded reports of a repository with their diagnostics.
type Set struct {
	Reports     []*report.Report
	Diagnostics []report.Diagnostic // problems not tied to one report's parse
	Errors      []report.Diagnostic // invalid files
	Phases      []Phase             // parse and history run at the same time
}

// Load finds, reads and parses every report below reports_dir in
// parallel. Files that cannot be parsed are errors in the set; with
// keepGoing they are still published with what is known.
func Load(ctx context.Context, cfg Config) (*Set, error) {
	set, saved, err := load(ctx, cfg, nil)
	saved()
	return set, err
}

// load is Load; saved waits until the parse cache is written, which
// goes on while a build renders. parsed, when not nil, is called with
// the reports as soon as they are parsed, while history may still be
// being read.
func load(ctx context.Context, cfg Config, parsed func([]*report.Report)) (set *Set, saved func(), err error) {
	saved = func() {}
	root := cfg.Site.Root
	dir := cfg.Site.ReportsPath()
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, saved, fmt.Errorf("reports folder %s: not found (set reports_dir in %s)", cfg.Site.ReportsDir, config.FileName)
	}
	set = &Set{}
	cacheDir := cfg.cacheDir()
	if cacheDir != "" {
		go program() // the caches' key, worked out while the folder is listed
	}
	var paths []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			set.Errors = append(set.Errors, report.Diagnostic{Path: rel, Severity: "error", Rule: "unreadable", Message: err.Error()})
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.EqualFold(filepath.Ext(name), ".md") || strings.HasPrefix(name, ".") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			set.Diagnostics = append(set.Diagnostics, report.Diagnostic{Path: rel, Line: 1, Severity: "warning", Rule: "symlink",
				Message: "symbolic link not followed; the report is not published"})
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if strings.EqualFold(name, "README.md") || strings.EqualFold(name, "index.md") || strings.EqualFold(name, "_index.md") {
			return nil // folder documentation, not a report
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return nil, saved, fmt.Errorf("reports folder: %w", err)
	}
	sort.Strings(paths)
	opt := parseOptions(cfg)
	// History is read while the reports are parsed: the two are
	// independent and each takes a good share of a cold build.
	var hist *history.Result
	var histErr error
	var histTime time.Duration
	histDone := make(chan struct{})
	start := time.Now()
	if cfg.NoHistory {
		close(histDone)
	} else {
		go func() {
			defer close(histDone)
			hist, histErr = history.Scan(ctx, history.Options{Root: root, Dir: cfg.Site.ReportsDir, CacheDir: cacheDir})
			histTime = time.Since(start)
		}()
	}

	// Reports whose bytes an earlier build parsed come from the cache.
	key := ""
	if cacheDir != "" {
		key = parseKey(cfg)
	}
	// Decoded while the files are read.
	priorCh := make(chan map[string]cached, 1)
	go func() { priorCh <- loadParsed(cacheDir, key) }()
	prior := sync.OnceValue(func() map[string]cached { return <-priorCh })
	// So are the action items of the report versions read before, for
	// the closing dates.
	statesCh := make(chan map[string][]report.ActionState, 1)
	if !cfg.NoHistory {
		go func() { statesCh <- loadStates(cacheDir) }()
	}
	// A file whose size and modification time are what they were, and
	// which was last modified well before the build that read it, is
	// not read again (git decides what to look at the same way).
	started := time.Now().UnixNano()
	stats := make([]fileStat, len(paths))
	unread := make([]bool, len(paths)) // taken from the cache by stat data
	reports := make([]*report.Report, len(paths))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cfg.workers())
	for i, p := range paths {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if st, err := os.Lstat(p); err == nil {
				stats[i] = statOf(st)
				if c, ok := prior()[rel]; ok && c.R != nil && c.Stat == stats[i] && max(c.Stat.MTime, c.Stat.CTime) < c.Read-int64(2*time.Second) {
					unread[i] = true
					reports[i] = c.R
					return nil
				}
			}
			data, err := readFile(p, rel)
			var r *report.Report
			if err == nil {
				sum := sha256.Sum256(data)
				if c, ok := prior()[rel]; ok && c.R != nil && c.R.Sum == sum {
					reports[i] = c.R
					return nil
				}
				r, err = report.Parse(rel, data, opt)
				if r != nil {
					r.Sum = sum
				}
			}
			if err != nil {
				var fe *report.FileError
				if !errors.As(err, &fe) {
					return err
				}
				if !cfg.KeepGoing {
					mu.Lock()
					set.Errors = append(set.Errors, report.Diagnostic{Path: fe.Path, Line: fe.Line, Severity: "error", Rule: "invalid-file", Message: fe.Msg})
					mu.Unlock()
					return nil
				}
				// Published as internal: what it says about its own
				// visibility could not be read.
				data, _ := os.ReadFile(p)
				r = report.Fallback(rel, data, fe)
			}
			reports[i] = r
			return nil
		})
	}
	err = g.Wait()
	set.Phases = append(set.Phases, Phase{"parse", time.Since(start)})
	if err != nil {
		<-histDone
		return nil, saved, err
	}
	for _, r := range reports {
		if r != nil {
			set.Reports = append(set.Reports, r)
		}
	}
	if parsed != nil {
		parsed(set.Reports)
	}
	if cacheDir != "" && key != "" {
		saved = saveChanged(cacheDir, key, reports, unread, stats, started, prior())
	}
	// The parse cache is saved while history is still being read: on a
	// cold build that is a core's work to do while waiting.
	<-histDone
	if !cfg.NoHistory {
		set.Phases = append(set.Phases, Phase{"history", histTime})
	}
	if histErr != nil {
		// A repository hindsight cannot read still builds, without dates.
		set.Diagnostics = append(set.Diagnostics, report.Diagnostic{Path: cfg.Site.ReportsDir, Severity: "warning", Rule: "history", Message: histErr.Error()})
	} else if hist != nil {
		attach(set, hist, cfg.Site.ReportsDir, cfg.Public)
		if !hist.NotRepo && hist.Head != "" {
			start := time.Now()
			defer func() { set.Phases = append(set.Phases, Phase{"closing dates", time.Since(start)}) }()
			statesSaved, err := closeDates(ctx, root, cacheDir, func() map[string][]report.ActionState { return <-statesCh }, set.Reports, opt, cfg.workers())
			parseSaved := saved
			saved = func() { parseSaved(); statesSaved() }
			if err != nil {
				// Closure dates are a nicety: the site builds without them.
				set.Diagnostics = append(set.Diagnostics, report.Diagnostic{Path: cfg.Site.ReportsDir, Severity: "warning", Rule: "history",
					Message: "action item closing dates unavailable: " + err.Error()})
			}
		}
	}
	sortDiags(set.Errors)
	crossCheck(set, cfg.Public)
	return set, saved, nil
}

// saveChanged starts writing the parse cache's shards that changed and
// returns a function that waits until they are written. A shard is
// written again when a report of it was read (even unchanged, it has
// new times to record) or when it gained or lost reports. What is saved
// is a copy of each report as parsed, taken before history and the
// cross-checks add to it.
func saveChanged(dir, key string, reports []*report.Report, unread []bool, stats []fileStat, started int64, prior map[string]cached) func() {
	var dirty [parsedShards]bool
	var counts [parsedShards]int
	shard := make([]int, len(reports))
	for i, r := range reports {
		if r == nil || r.Sum == ([32]byte{}) {
			continue
		}
		shard[i] = shardOf(r.Path)
		counts[shard[i]]++
		dirty[shard[i]] = dirty[shard[i]] || !unread[i]
	}
	for rel := range prior {
		counts[shardOf(rel)]--
	}
	changed := false
	for s := range dirty {
		dirty[s] = dirty[s] || counts[s] != 0
		changed = changed || dirty[s]
	}
	if !changed {
		return func() {}
	}
	keep := map[string]cached{}
	for i, r := range reports {
		if r != nil && r.Sum != ([32]byte{}) && dirty[shard[i]] {
			c := cached{R: snapshot(r)}
			c.Stat, c.Read = stats[i], started
			keep[r.Path] = c
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		saveParsed(dir, key, keep, &dirty)
	}()
	return func() { <-done }
}

// parseOptions is how cfg's reports are parsed.
func parseOptions(cfg Config) report.Options {
	return report.Options{
		Zones:             report.Zones{Location: cfg.Site.Location, Offsets: cfg.Site.Offsets, Ambiguous: config.Ambiguous},
		Severities:        cfg.Site.Severities,
		DefaultVisibility: cfg.Site.DefaultVisibility,
	}
}

// attach copies what history knows into each report.
func attach(set *Set, h *history.Result, dir string, public bool) {
	for _, w := range h.Warnings {
		set.Diagnostics = append(set.Diagnostics, report.Diagnostic{Path: dir, Severity: "warning", Rule: "history", Message: w})
	}
	// A commit that also changed an internal report may say what that
	// report is about in its subject, and so may one that names an
	// internal report's ID ("Link INC-2025-03-02-001 from here"); a
	// public build shows the commit on the public report's page without
	// it.
	var withheld, internalIDs map[string]bool
	if public {
		withheld, internalIDs = map[string]bool{}, map[string]bool{}
		for _, r := range set.Reports {
			if !r.Internal() {
				continue
			}
			if r.ID != "" {
				internalIDs[strings.ToLower(r.ID)] = true
			}
			if f, ok := h.Files[r.Path]; ok {
				for _, c := range f.History {
					withheld[c.Hash] = true
				}
			}
		}
	}
	for _, r := range set.Reports {
		f, ok := h.Files[r.Path]
		if !ok {
			continue
		}
		g := &report.Git{
			Created: f.Created, Updated: f.Updated, Revisions: f.Revisions,
			Authors: f.Authors, Uncommitted: f.Uncommitted, Modified: f.Modified, Shallow: h.Shallow,
		}
		g.History = make([]report.Revision, len(f.History))
		for i, c := range f.History {
			g.History[i] = report.Revision{Commit: c.Hash, Date: c.Date, Author: c.Author, Subject: c.Subject, Blob: c.Blob}
			if withheld[c.Hash] || len(internalIDs) > 0 && namesAny(c.Subject, internalIDs) {
				g.History[i].Subject = withheldSubject
			}
		}
		r.Git = g
	}
}

// namesAny says whether text holds one of ids (lower case) as a word of
// its own: letters, digits, "-", "_" and "." make up a word, as they
// make up IDs.
func namesAny(text string, ids map[string]bool) bool {
	word := func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.')
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), word) {
		if ids[w] || ids[strings.TrimRight(w, ".")] {
			return true
		}
	}
	return false
}

// withheldSubject stands for the subject of a commit a public build may
// not show.
const withheldSubject = "(commit message not published)"

// pageFile is the page cache's records of the output folder, one file
// per folder; "" without a cache.
func (c *Config) pageFile() string {
	dir := c.cacheDir()
	if dir == "" || program() == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(c.OutDir()))
	return filepath.Join(dir, "pages-"+hex.EncodeToString(sum[:8])+".v1.gob")
}

// pageFileAge is how long the page records of an output folder no build
// writes to are kept.
const pageFileAge = 30 * 24 * time.Hour

// prunePageFiles removes, beside keep, the page records of output folders
// (and of other hindsight versions) that no build has written for
// pageFileAge: every output folder ever built has a file, and a folder
// built once, say with --out for a look, would otherwise keep its file
// for ever. A folder built again after that renders all its pages once.
func prunePageFiles(keep string, now time.Time) {
	old, _ := filepath.Glob(filepath.Join(filepath.Dir(keep), "pages-*.gob"))
	for _, f := range old {
		if f == keep {
			continue
		}
		if st, err := os.Lstat(f); err == nil && st.Mode().IsRegular() && now.Sub(st.ModTime()) > pageFileAge {
			os.Remove(f)
		}
	}
}

// ForgetPages deletes the page cache's records of cfg's output folder,
// for an output folder that goes away with its user (serve's).
func ForgetPages(cfg Config) {
	if f := cfg.pageFile(); f != "" {
		os.Remove(f)
	}
}

// cacheDir is where the history cache lives: per repository under the
// user's cache directory, outside both the repository and the output.
func (c *Config) cacheDir() string {
	switch c.CacheDir {
	case "-":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		sum := sha256.Sum256([]byte(c.Site.Root))
		return filepath.Join(base, "hindsight", hex.EncodeToString(sum[:8]))
	}
	return c.CacheDir
}

func readFile(abs, rel string) ([]byte, error) {
	f, err := os.Open(abs)
	if err != nil {
		return nil, &report.FileError{Path: rel, Line: 1, Msg: "cannot read: " + errors.Unwrap(err).Error()}
	}
	defer f.Close()
	// Sized from the file, as os.ReadFile does: io.ReadAll grows its
	// buffer from 512 bytes, twice the file's size in garbage per report.
	size := 512
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		size = int(min(st.Size(), report.MaxSize)) + 1
	}
	data := make([]byte, 0, size)
	for len(data) <= report.MaxSize { // report.Parse refuses more by its size
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew: let append pick the room
		}
		n, err := f.Read(data[len(data):min(cap(data), report.MaxSize+1)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &report.FileError{Path: rel, Line: 1, Msg: "cannot read: " + err.Error()}
		}
	}
	return data, nil
}

// crossCheck finds problems that need all reports: duplicate IDs. A
// public build is judged as if internal reports were not there: its
// pages must not even say that one shares an ID, let alone name its file.
func crossCheck(set *Set, public bool) {
	first := map[string]*report.Report{}
	for _, r := range set.Reports {
		if public && r.Internal() {
			continue
		}
		if o, dup := first[r.ID]; dup {
			r.Diagnostics = append(r.Diagnostics, report.Diagnostic{Path: r.Path, Line: line(r, "id"), Severity: "error", Rule: "id-unique",
				Message: fmt.Sprintf("id %s is also used by %s", r.ID, o.Path)})
			continue
		}
		first[r.ID] = r
	}
}

func line(r *report.Report, key string) int {
	if l, ok := r.Lines[key]; ok {
		return l
	}
	return 1
}

func sortDiags(ds []report.Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].Path != ds[j].Path {
			return ds[i].Path < ds[j].Path
		}
		return ds[i].Line < ds[j].Line
	})
}

// Build loads, enriches, renders and publishes the site.
func Build(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	out := cfg.OutDir()
	res := &Result{Out: out}
	if err := site.Guard(out, cfg.Site.Root, cfg.Site.ReportsPath(), cfg.Force); err != nil {
		return nil, err
	}
	// The site is staged before the reports are read, so that the
	// reports' page folders are made while the git history is.
	unlock, err := site.Lock(out)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Asked only when the output folder is missing: the page file's name
	// waits for the program's hash.
	known := func(s *site.Site) bool { f := cfg.pageFile(); return f != "" && site.Recorded(f, s) }
	staged, err := site.Stage(out, known)
	if err != nil {
		return nil, err
	}
	tmp := staged.Dir
	published := site.ReadSite(out)
	var pageFile string
	// Once the reports are parsed, while history and closing dates are
	// still being worked out, often on one core: the reports' folders are
	// made, the staged folder's files listed for Publish, and the page
	// cache read.
	var folders, early sync.WaitGroup
	made := &site.Folders{}
	var before []string
	var listErr error
	var pages *site.PageCache
	set, saved, err := load(ctx, cfg, func(rs []*report.Report) {
		var pub []*report.Report
		for _, r := range rs {
			if !cfg.Public || !r.Internal() {
				pub = append(pub, r)
			}
		}
		// The folders are made once listed: most are there already.
		listed := make(chan struct{})
		early.Go(func() { defer close(listed); before, listErr = site.Files(tmp, made) })
		folders.Go(func() { <-listed; site.MakeFolders(tmp, pub, made) })
		early.Go(func() {
			if pageFile = cfg.pageFile(); pageFile == "" {
				return
			}
			parts := filepath.Join(cfg.cacheDir(), "parts")
			if cfg.Public {
				parts += "-public"
			}
			pages = site.LoadPageCache(pageFile, parts, program(), staged, published)
		})
	})
	defer saved()
	fail := func(err error) (*Result, error) {
		folders.Wait()
		early.Wait()
		site.PruneFolders(tmp)
		site.Discard(tmp, out)
		return nil, err
	}
	if err != nil {
		return fail(err)
	}
	if len(set.Errors) > 0 && !cfg.KeepGoing {
		return fail(&BuildError{Diagnostics: set.Errors})
	}
	now := cfg.now()
	in := site.Input{
		Config:  cfg.Site,
		Now:     now,
		Public:  cfg.Public,
		Theme:   cfg.ThemeFS(),
		Workers: cfg.workers(),
		Folders: made,
	}
	var left []*report.Report
	for _, r := range set.Reports {
		if cfg.Public && r.Internal() {
			left = append(left, r)
			continue
		}
		in.Reports = append(in.Reports, r)
	}
	in.Withheld = site.Withheld(cfg.Site.Root, left)
	res.Phases = set.Phases
	phase := func(name string, since time.Time) { res.Phases = append(res.Phases, Phase{name, time.Since(since)}) }
	t := time.Now()
	// The listing must be whole before anything is written into tmp. It
	// and the page cache are read while history is; should they take
	// longer, the wait is a phase of its own rather than part of render.
	early.Wait()
	if time.Since(t) >= 10*time.Millisecond {
		phase("listing and page cache", t)
		t = time.Now()
	}
	if listErr != nil {
		return fail(listErr)
	}
	build := max(staged.Build, published.Build) + 1
	if pages != nil {
		in.Pages = pages
		build = in.Pages.Build
	}
	o, err := site.Render(ctx, in, tmp)
	folders.Wait()
	if err != nil {
		return fail(err)
	}
	name := "render"
	if o.Kept+o.Copied > 0 {
		name = fmt.Sprintf("render (%d report pages unchanged, %d of them copied)", o.Kept+o.Copied, o.Copied)
	}
	phase(name, t)
	t = time.Now()
	savedParts := in.Pages.SaveParts()
	if err := site.Publish(tmp, out, build, o.Written, before); err != nil {
		savedParts()
		return fail(err)
	}
	if pageFile != "" {
		// Only a published site's records are saved: a later build
		// trusts them for the folders this one leaves.
		_ = in.Pages.Save(pageFile, out)
		prunePageFiles(pageFile, time.Now())
	}
	savedParts()
	phase("publish", t)
	diags := append([]report.Diagnostic(nil), set.Errors...)
	diags = append(diags, set.Diagnostics...)
	for _, r := range in.Reports {
		diags = append(diags, r.Diagnostics...)
	}
	diags = append(diags, o.Diagnostics...)
	sortDiags(diags)
	for _, d := range diags {
		if d.Severity == "error" {
			res.Errors++
		} else {
			res.Warnings++
		}
	}
	res.Diagnostics = diags
	in.Pages = nil
	res.Snapshot = &Snapshot{in: in, opt: parseOptions(cfg), root: cfg.Site.Root, out: out}
	res.Reports = len(in.Reports)
	res.Pages = o.Pages
	res.Elapsed = time.Since(start)
	return res, nil
}
