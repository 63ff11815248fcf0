// Package site turns loaded reports into the pages, assets and data files
// of the static site: page data, theme loading (embedded fs.FS,
// overridable), rendering in parallel and the atomic write of the output.
package site

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/export"
	"github.com/hindsight-docs/hindsight/generator/markdown"
	"github.com/hindsight-docs/hindsight/generator/metrics"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// Input is everything rendering needs.
type Input struct {
	Config  *config.Site
	Reports []*report.Report // what the site publishes (internal ones already removed for --public)
	Now     time.Time
	Public  bool
	Theme   fs.FS // layouts/ and static/
	Workers int
	// Pages lets the build reuse report pages of earlier builds; nil
	// renders every page.
	Pages *PageCache
	// Folders are the folders of dir known already (see MakeFolders);
	// nil knows none.
	Folders *Folders
	// Withheld is the files, as slash paths relative to the repository
	// root, that no report's page may publish beside it: those of the
	// reports a public build leaves out (see Withheld).
	Withheld map[string]bool

	templatesOnly bool // execute every page from its template (tests)
	noDashboards  bool // leave out the dashboards, to measure what they cost
}

// Output is what rendering produced.
type Output struct {
	Pages       int
	Diagnostics []report.Diagnostic
	// Written is every file of the site (slash paths), for Publish.
	Written map[string]bool
	// Kept and Copied count the report pages reused from the folder
	// rendered into and from the published site.
	Kept, Copied int
}

// Render writes the whole site into dir, which must exist; files of an
// earlier build there are overwritten, and Publish removes the rest.
func Render(ctx context.Context, in Input, dir string) (*Output, error) {
	if in.Workers <= 0 {
		in.Workers = runtime.GOMAXPROCS(0)
	}
	tpl, entries, info, err := prepare(in, nil)
	if err != nil {
		return nil, err
	}
	loc, today := in.Config.Location, info.Today
	folders := in.Folders
	if folders == nil {
		folders = &Folders{}
	}
	w := &writer{dir: filepath.Clean(dir), dirs: folders}
	cache := in.Pages
	// The page keys and the dashboards' groups are independent: worked
	// out side by side, they hold up every task a little less.
	var setup sync.WaitGroup
	var siteKey [32]byte
	if cache.enabled() {
		siteKey = cache.siteKey(in, today, info.Years, tpl.stockTheme())
		setup.Go(func() { keyEntries(siteKey, entries, in.Workers) })
	}
	// The dashboards group the entries once; their pages only read
	// these groups.
	board, services, tags := &ActionBoard{}, &ScopeIndex{Kind: "service"}, &ScopeIndex{Kind: "tag"}
	if !in.noDashboards {
		setup.Go(func() { board = newActionBoard(entries, info.Severities) })
		setup.Go(func() { services, tags = newScopes(entries, info.Severities) })
	}
	out := &Output{}
	var diagMu sync.Mutex
	addDiag := func(d report.Diagnostic) {
		diagMu.Lock()
		out.Diagnostics = append(out.Diagnostics, d)
		diagMu.Unlock()
	}
	page := func(kind, folder, title, nav string) *Page {
		return &Page{Site: info, Root: rootOf(folder), Path: folder, Kind: kind, Title: title, Nav: nav}
	}
	links := newLinker(in.Config.Root, entries, in.Withheld, in.Public)
	setup.Wait()
	mopt := metrics.Options{Today: today, Location: loc, Severities: info.Severities, DeadlineHours: info.DeadlineHours}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(in.Workers)
	// The action-item pages and exports show the items alone, with their
	// reports' IDs, titles and pages: an earlier build's are kept while
	// those are unchanged (say, a commit edits a report's text).
	actionsKey := sync.OnceValue(func() [32]byte { return actionsDigest(siteKey, entries) })
	unchanged := func(rel, extra string) bool {
		return cache.enabled() && cache.reuseFile(w, rel, fileKey(actionsKey(), rel, extra))
	}
	// A page listing reports is kept while they and the site are
	// unchanged: a commit changes the lists of its report's year,
	// services and tags, not every list.
	keptList := func(rel string, es []*Entry) bool {
		if !cache.enabled() {
			return false
		}
		key, ok := listKey(siteKey, info, rel, es)
		if !ok || !cache.reuseFile(w, rel, key) {
			return false
		}
		w.pages.Add(1)
		return true
	}
	// The site's data files, one task each, go first, so they do not
	// finish last. The search index, like every page, comes from the
	// entries alone, so a public build indexes no internal report.
	g.Go(func() error {
		return w.stream("data/search.json", func(o io.Writer) error { return searchJSON(o, entries, cache.searchPart) })
	})
	g.Go(func() error {
		return w.stream("data/reports.json", func(o io.Writer) error { return reportsJSON(o, entries, in.Now, cache.reportPart) })
	})
	if !in.noDashboards {
		// The action exports, three tasks: each file is tens of megabytes
		// on a large site, so they go with the data files, before the
		// many small tasks that then fill both cores to the end.
		actions := sync.OnceValue(func() []export.Action { return export.Actions(reports(entries), info.Today, URL) })
		// The exports carry the build time.
		stamp := in.Now.Format(time.RFC3339Nano)
		for _, f := range []struct {
			rel   string
			write func(io.Writer) error
		}{
			{"data/actions.json", func(o io.Writer) error { return export.ActionsJSON(o, in.Now, actions()) }},
			{"data/actions.csv", func(o io.Writer) error { return export.ActionsCSV(o, actions()) }},
			{"data/actions.ics", func(o io.Writer) error {
				return export.ActionsICS(o, info.Title, in.Now, in.Config.BaseURL, actions())
			}},
		} {
			g.Go(func() error {
				if unchanged(f.rel, stamp) {
					return nil
				}
				return w.stream(f.rel, f.write)
			})
		}
	}
	// The biggest dashboard pages go first, so they do not finish last.
	if !in.noDashboards {
		g.Go(func() error {
			if unchanged("actions/index.html", "") {
				w.pages.Add(1)
				return nil
			}
			p := page("actions", "actions/", "Action items", "actions")
			p.Board = board
			return w.page(tpl, p)
		})
		g.Go(func() error {
			p := page("metrics", "metrics/", "Metrics", "metrics")
			p.Metrics = newMetricsPage(entries, services, mopt, info.Currency)
			return w.page(tpl, p)
		})
	}
	g.Go(func() error {
		p := page("home", "", info.Title, "home")
		p.Home = newHome(entries, mopt)
		return w.page(tpl, p)
	})
	g.Go(func() error {
		if keptList("incidents/index.html", entries) {
			return nil
		}
		p := page("incidents", "incidents/", "All incidents", "incidents")
		p.List = &List{Entries: entries}
		return w.page(tpl, p)
	})
	for _, y := range info.Years {
		g.Go(func() error {
			var es []*Entry
			for _, e := range entries {
				if e.Year() == y {
					es = append(es, e)
				}
			}
			folder := "incidents/" + strconv.Itoa(y) + "/"
			if keptList(folder+"index.html", es) {
				return nil
			}
			p := page("incidents", folder, "Incidents in "+strconv.Itoa(y), "incidents")
			p.List = &List{Year: y, Entries: es}
			return w.page(tpl, p)
		})
	}
	if !in.noDashboards {
		for _, o := range board.Owners {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				if unchanged(o.URL+"index.html", "") {
					w.pages.Add(1)
					return nil
				}
				p := page("actions", o.URL, o.Name()+" · Action items", "actions")
				p.Board = board.forOwner(o)
				return w.page(tpl, p)
			})
		}
		for _, idx := range []*ScopeIndex{services, tags} {
			g.Go(func() error {
				title, folder := "Services", "services/"
				if idx.Kind == "tag" {
					title, folder = "Tags", "tags/"
				}
				p := page("scopes", folder, title, "services")
				p.Scopes = idx
				return w.page(tpl, p)
			})
			for _, sc := range idx.Scopes {
				g.Go(func() error {
					if err := gctx.Err(); err != nil {
						return err
					}
					if keptList(sc.URL+"index.html", sc.Entries) {
						return nil
					}
					// a copy: the index page reads the shared scope meanwhile
					c := *sc
					c.KPIs = metrics.KPIs(reports(sc.Entries), mopt)
					p := page("scope", sc.URL, sc.Name(), "services")
					p.Scope = &c
					return w.page(tpl, p)
				})
			}
		}
	}
	g.Go(func() error {
		// 404.html is served at any depth, so its links are absolute
		// when a base URL is known; otherwise they are relative to the
		// root, which is right for the pages hosts serve it for most.
		p := page("404", "", "Page not found", "")
		if base := in.Config.BaseURL; base != "" {
			// Hosts serve 404.html at any depth: with a known base, its
			// links start from the base's path on the same host, so the
			// page never loads anything from another host.
			if u, err := url.Parse(base); err == nil {
				p.Root = "/" + strings.Trim(u.Path, "/") + "/"
				if p.Root == "//" {
					p.Root = "/"
				}
			}
		}
		var buf bytes.Buffer
		if err := tpl.Execute(&buf, "404", p); err != nil {
			return fmt.Errorf("render 404.html: %w", err)
		}
		w.pages.Add(1)
		return w.file("404.html", buf.Bytes())
	})
	g.Go(func() error { return w.static(in.Theme) })
	// The search page lists every report for readers without JavaScript.
	g.Go(func() error {
		if keptList("search/index.html", entries) {
			return nil
		}
		p := page("search", "search/", "Search", "search")
		p.List = &List{Entries: entries}
		return w.page(tpl, p)
	})
	g.Go(func() error { return w.exports(entries, info, in, board, services, tags) })
	// Report pages: the bulk of the work, one small task each, last, so
	// that they fill both cores to the end while the lists and
	// dashboards, some of them tens of megabytes, are written first.
	for _, e := range entries {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			diag, seen := addDiag, func(string, string, bool) {}
			var rec *pageRecord
			if cache.cached(e) {
				if cache.reuse(w, links, e, e.key, addDiag) {
					return nil
				}
				rec = cache.record(e.URL, e.key)
				diag = func(d report.Diagnostic) { rec.Diags = append(rec.Diags, d); addDiag(d) }
				seen = func(dest, out string, broken bool) { rec.Links = append(rec.Links, linkDep{dest, out, broken}) }
			}
			p := page("report", e.URL, e.ID+": "+e.Title, "incidents")
			p.Report = e
			resolver, copies := links.forReport(e, diag, seen)
			doc, err := markdown.Render(e.Body, markdown.Options{Links: resolver, DropTitle: true, Reserved: pageIDs})
			if err != nil {
				return fmt.Errorf("%s: render markdown: %w", e.Path, err)
			}
			p.Doc = doc
			if err := w.page(tpl, p); err != nil {
				return err
			}
			complete := true
			for _, c := range copies() {
				if err := w.copyFile(c.src, path.Join(e.URL, c.dst)); err != nil {
					diag(report.Diagnostic{Path: e.Path, Line: 1, Severity: "warning", Rule: "attachment", Message: err.Error()})
					complete = false
				} else if rec != nil && !rec.copied(c.src, c.dst) {
					complete = false
				}
			}
			// A page whose files could not all be copied is rendered
			// again next time, which tries them again.
			if rec != nil && complete {
				cache.store(e.URL, rec)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out.Pages = int(w.pages.Load())
	out.Written = w.files()
	out.Kept, out.Copied = cache.reused()
	return out, nil
}

// prepare loads the theme and computes the entries and site facts of
// in, for Render and RenderReports.
func prepare(in Input, only map[string]bool) (*Templates, []*Entry, *Info, error) {
	var tpl *Templates
	funcs := Funcs(in.Config.Currency)
	funcs["incidentRow"] = func(root string, e *Entry) (template.HTML, error) { return incidentRow(tpl, root, e) }
	funcs["incidentRows"] = func(root string, es []*Entry) (template.HTML, error) { return incidentRows(tpl, root, es) }
	tpl, err := loadTemplates(in.Theme, funcs, !in.templatesOnly)
	if err != nil {
		return nil, nil, nil, err
	}
	rs := append([]*report.Report(nil), in.Reports...)
	report.Sort(rs)
	today := in.Now.In(in.Config.Location)
	entries := someEntries(rs, in.Config, today, in.Public, only, in.Workers)
	if len(in.Withheld) > 0 {
		// Listed only when copied: see linker.attachment.
		for _, e := range entries {
			kept := e.Attachments[:0]
			for _, a := range e.Attachments {
				if !in.Withheld[path.Join(path.Dir(e.Report.Path), path.Clean(a.Title))] {
					kept = append(kept, a)
				}
			}
			e.Attachments = kept
		}
	}
	info := &Info{
		Title:         in.Config.Title,
		Description:   in.Config.Description,
		BaseURL:       strings.TrimRight(in.Config.BaseURL, "/"),
		RepoURL:       in.Config.RepoURL,
		Branch:        in.Config.Branch,
		Currency:      in.Config.Currency,
		Severities:    in.Config.Severities,
		DeadlineHours: in.Config.ReportDeadlineHours,
		Generated:     in.Now,
		Today:         today,
		Public:        in.Public,
		Years:         years(entries),
	}
	return tpl, entries, info, nil
}

// sharedRoot is the depth of the pages that share incident rows: the year
// lists and the service and tag pages, which list every report several
// times over.
const sharedRoot = "../../"

// incidentRow renders a report's row of an incidents table: once per
// report for the pages at sharedRoot, afresh for the others.
func incidentRow(tpl *Templates, root string, e *Entry) (template.HTML, error) {
	render := func() (template.HTML, error) {
		var b strings.Builder
		if err := tpl.Partial(&b, "incident-row.html", map[string]any{"E": e, "Root": root}); err != nil {
			return "", err
		}
		// The partial is an html/template: its output is escaped.
		return template.HTML(b.String()), nil
	}
	if tpl.native(nativeRowFiles) {
		render = func() (template.HTML, error) {
			// escaped as html/template escapes (native.go)
			return template.HTML(incidentRowHTML(root, e)), nil
		}
	}
	if root != sharedRoot {
		return render()
	}
	e.row.once.Do(func() { e.row.html, e.row.err = render() })
	return e.row.html, e.row.err
}

// incidentRows is incidentRow for a run of entries from entryChunks, each
// row followed by a line break: one template call per run instead of
// several per row, which on the lists of a large site (every report on
// the incidents and search pages, its year's, and several times over on
// the service and tag pages) were most of their cost.
func incidentRows(tpl *Templates, root string, es []*Entry) (template.HTML, error) {
	var b strings.Builder
	for _, e := range es {
		row, err := incidentRow(tpl, root, e)
		if err != nil {
			return "", err
		}
		if b.Len() == 0 {
			b.Grow(len(es) * (len(row) + 3))
		}
		b.WriteString(string(row))
		b.WriteString("\n  ")
	}
	// Each row is escaped (incidentRow).
	return template.HTML(b.String()), nil
}

// exports writes the feed and the sitemap.
func (w *writer) exports(entries []*Entry, info *Info, in Input, board *ActionBoard, services, tags *ScopeIndex) error {

	feed := make([]export.FeedEntry, 0, min(len(entries), 50))
	for _, e := range entries[:min(len(entries), 50)] {
		fe := export.FeedEntry{ID: e.ID, Title: e.Title, URL: e.URL, Category: append([]string{e.Severity}, e.Services...)}
		fe.Summary = summary(e)
		if e.Git != nil {
			fe.Published, fe.Updated, fe.Authors = e.Git.Created, e.Git.Updated, e.Git.Authors
		}
		if fe.Published.IsZero() {
			fe.Published = e.Started
		}
		feed = append(feed, fe)
	}
	b, err := export.Atom(info.Title, in.Config.BaseURL, in.Now, feed)
	if err != nil {
		return err
	}
	if err := w.file("feed.xml", b); err != nil {
		return err
	}

	urls := []export.SitemapURL{{Path: ""}, {Path: "incidents/"}, {Path: "search/"}}
	for _, y := range info.Years {
		urls = append(urls, export.SitemapURL{Path: "incidents/" + strconv.Itoa(y) + "/"})
	}
	urls = append(urls, export.SitemapURL{Path: "actions/"}, export.SitemapURL{Path: "metrics/"},
		export.SitemapURL{Path: "services/"}, export.SitemapURL{Path: "tags/"})
	for _, o := range board.Owners {
		urls = append(urls, export.SitemapURL{Path: o.URL})
	}
	for _, idx := range []*ScopeIndex{services, tags} {
		for _, sc := range idx.Scopes {
			urls = append(urls, export.SitemapURL{Path: sc.URL})
		}
	}
	for _, e := range entries {
		u := export.SitemapURL{Path: e.URL}
		if e.Git != nil {
			u.LastMod = e.Git.Updated
		}
		urls = append(urls, u)
	}
	if b, err = export.Sitemap(in.Config.BaseURL, urls); err != nil {
		return err
	}
	return w.file("sitemap.xml", b)
}

// summary is a report's one-line description for feeds.
func summary(e *Entry) string {
	parts := []string{e.Severity}
	if e.TTR != "" {
		parts = append(parts, "resolved in "+e.TTR)
	}
	if len(e.Services) > 0 {
		parts = append(parts, strings.Join(e.Services, ", "))
	}
	if e.Actions.Total > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d action items done", e.Actions.Done, e.Actions.Total))
	}
	return strings.Join(parts, " · ")
}

// jsonTime is an RFC 3339 time or null.
type jsonTime time.Time

// encode writes t as MarshalJSON does.
func (t jsonTime) encode(j *export.JSON) {
	if time.Time(t).IsZero() {
		j.Null()
	} else {
		j.String(time.Time(t).Format(time.RFC3339))
	}
}

func (t jsonTime) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(time.Time(t).Format(time.RFC3339))
}

type jsonReport struct {
	ID          string              `json:"id"`
	Title       string              `json:"title"`
	Path        string              `json:"path"`
	URL         string              `json:"url"`
	Severity    string              `json:"severity"`
	Status      string              `json:"status"`
	Visibility  string              `json:"visibility"`
	Started     jsonTime            `json:"started"`
	Detected    jsonTime            `json:"detected"`
	Resolved    jsonTime            `json:"resolved"`
	TTD         *int64              `json:"time_to_detect_minutes"`
	TTR         *int64              `json:"time_to_resolve_minutes"`
	Services    []string            `json:"services"`
	Tags        []string            `json:"tags"`
	Actions     jsonActions         `json:"action_items"`
	Timeline    int                 `json:"timeline_events"`
	Git         *jsonGit            `json:"git"`
	Delay       *float64            `json:"report_delay_hours"`
	OnTime      *bool               `json:"report_on_time"`
	Diagnostics []report.Diagnostic `json:"diagnostics"`
}

type jsonActions struct {
	Total   int `json:"total"`
	Open    int `json:"open"`
	Done    int `json:"done"`
	Overdue int `json:"overdue"`
}

type jsonGit struct {
	Created     jsonTime      `json:"created"`
	Updated     jsonTime      `json:"updated"`
	Revisions   int           `json:"revisions"`
	Authors     []string      `json:"authors"`
	Uncommitted bool          `json:"uncommitted"`
	Shallow     bool          `json:"shallow,omitempty"`
	History     []jsonHistory `json:"history"`
}

type jsonHistory struct {
	Commit  string   `json:"commit"`
	Date    jsonTime `json:"date"`
	Author  string   `json:"author"`
	Subject string   `json:"subject"`
}

func minutes(d time.Duration, ok bool) *int64 {
	if !ok {
		return nil
	}
	m := int64(d.Round(time.Minute) / time.Minute)
	return &m
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ReportsJSON writes data/reports.json, with the names DESIGN.md fixes,
// to w.
func ReportsJSON(w io.Writer, entries []*Entry, in Input) error {
	return reportsJSON(w, entries, in.Now, reportEntry)
}

// reportsJSON is ReportsJSON with each report's entry from part: the file
// is written as encoding/json would indent it whole, one entry at a
// time, so that a build can keep the entries of unchanged reports.
func reportsJSON(w io.Writer, entries []*Entry, now time.Time, part func(*Entry) ([]byte, error)) error {
	gen, err := json.Marshal(jsonTime(now))
	if err != nil {
		return fmt.Errorf("data/reports.json: %w", err)
	}
	err = export.Listing(w, gen, "reports", len(entries), func(i int) ([]byte, error) { return part(entries[i]) })
	if err != nil {
		return fmt.Errorf("data/reports.json: %w", err)
	}
	return nil
}

// reportEntry is e's entry in data/reports.json, indented as it sits
// there.
func reportEntry(e *Entry) ([]byte, error) {
	j := entryJSON.Get().(*export.JSON)
	defer entryJSON.Put(j)
	j.Reset()
	r := newJSONReport(e)
	r.encode(j)
	if err := j.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", e.Path, err)
	}
	// Kept until data/reports.json is written: a copy without the
	// buffer's spare room.
	return bytes.Clone(j.B), nil
}

// entryJSON are reportEntry's buffers, used again from report to report.
var entryJSON = sync.Pool{New: func() any { return export.NewJSON("  ", 4096) }}

// encode writes r as json.MarshalIndent writes it (TestReportsJSONPiecewise).
func (r *jsonReport) encode(j *export.JSON) {
	j.Open('{')
	j.Pair("id", r.ID)
	j.Pair("title", r.Title)
	j.Pair("path", r.Path)
	j.Pair("url", r.URL)
	j.Pair("severity", r.Severity)
	j.Pair("status", r.Status)
	j.Pair("visibility", r.Visibility)
	j.Key("started")
	r.Started.encode(j)
	j.Key("detected")
	r.Detected.encode(j)
	j.Key("resolved")
	r.Resolved.encode(j)
	for _, m := range []struct {
		key string
		n   *int64
	}{{"time_to_detect_minutes", r.TTD}, {"time_to_resolve_minutes", r.TTR}} {
		j.Key(m.key)
		if m.n == nil {
			j.Null()
		} else {
			j.Int(*m.n)
		}
	}
	j.Key("services")
	j.Strings(r.Services)
	j.Key("tags")
	j.Strings(r.Tags)
	j.Key("action_items")
	j.Open('{')
	for _, c := range []struct {
		key string
		n   int
	}{{"total", r.Actions.Total}, {"open", r.Actions.Open}, {"done", r.Actions.Done}, {"overdue", r.Actions.Overdue}} {
		j.Key(c.key)
		j.Int(int64(c.n))
	}
	j.Close('}')
	j.Key("timeline_events")
	j.Int(int64(r.Timeline))
	j.Key("git")
	if g := r.Git; g == nil {
		j.Null()
	} else {
		j.Open('{')
		j.Key("created")
		g.Created.encode(j)
		j.Key("updated")
		g.Updated.encode(j)
		j.Key("revisions")
		j.Int(int64(g.Revisions))
		j.Key("authors")
		j.Strings(g.Authors)
		j.Key("uncommitted")
		j.Bool(g.Uncommitted)
		if g.Shallow {
			j.Key("shallow")
			j.Bool(true)
		}
		j.Key("history")
		j.Open('[')
		for _, h := range g.History {
			j.Elem()
			j.Open('{')
			j.Pair("commit", h.Commit)
			j.Key("date")
			h.Date.encode(j)
			j.Pair("author", h.Author)
			j.Pair("subject", h.Subject)
			j.Close('}')
		}
		j.Close(']')
		j.Close('}')
	}
	j.Key("report_delay_hours")
	if r.Delay == nil {
		j.Null()
	} else {
		j.Float(*r.Delay)
	}
	j.Key("report_on_time")
	if r.OnTime == nil {
		j.Null()
	} else {
		j.Bool(*r.OnTime)
	}
	j.Key("diagnostics")
	j.Open('[')
	for _, d := range r.Diagnostics {
		j.Elem()
		j.Open('{')
		j.Key("line")
		j.Int(int64(d.Line))
		if d.Col != 0 {
			j.Key("col")
			j.Int(int64(d.Col))
		}
		j.Pair("severity", d.Severity)
		j.Pair("rule", d.Rule)
		j.Pair("message", d.Message)
		j.Close('}')
	}
	j.Close(']')
	j.Close('}')
}

func newJSONReport(e *Entry) jsonReport {
	j := jsonReport{
		ID: e.ID, Title: e.Title, Path: e.Path, URL: e.URL,
		Severity: e.Severity, Status: e.Status, Visibility: e.Visibility,
		Started: jsonTime(e.Started), Detected: jsonTime(e.Detected), Resolved: jsonTime(e.Resolved),
		TTD: minutes(e.TimeToDetect()), TTR: minutes(e.TimeToResolve()),
		Services: orEmpty(e.Services), Tags: orEmpty(e.Tags),
		Actions:     jsonActions{Total: e.Actions.Total, Open: e.Actions.Unresolved(), Done: e.Actions.Done, Overdue: e.Actions.Overdue},
		Timeline:    len(e.Timeline),
		Diagnostics: e.Diagnostics,
	}
	if j.Diagnostics == nil {
		j.Diagnostics = []report.Diagnostic{}
	}
	if g := e.Git; g != nil {
		jg := &jsonGit{Created: jsonTime(g.Created), Updated: jsonTime(g.Updated), Revisions: g.Revisions,
			Authors: orEmpty(g.Authors), Uncommitted: g.Uncommitted, Shallow: g.Shallow, History: []jsonHistory{}}
		for _, h := range g.History {
			jg.History = append(jg.History, jsonHistory{Commit: h.Commit, Date: jsonTime(h.Date), Author: h.Author, Subject: h.Subject})
		}
		j.Git = jg
	}
	if e.HasDelay {
		d := float64(int(e.DelayHours*10+0.5)) / 10
		if e.DelayHours < 0 {
			d = float64(int(e.DelayHours*10-0.5)) / 10
		}
		ot := e.OnTime
		j.Delay, j.OnTime = &d, &ot
	}
	return j
}
