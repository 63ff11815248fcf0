package site

import (
	"html/template"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/markdown"
	"github.com/hindsight-docs/hindsight/generator/metrics"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// Info is what every page knows of the site.
type Info struct {
	Title         string
	Description   string
	BaseURL       string // absolute address of the site, "" when unknown; links never need it
	RepoURL       string
	Branch        string
	Currency      string
	Severities    []string
	DeadlineHours float64
	Generated     time.Time
	Today         time.Time // the build's date in the config timezone
	Public        bool
	Years         []int // years with reports, newest first
}

// Page is the data of one rendered page.
type Page struct {
	Site  *Info
	Root  string // relative path from this page to the site root: "", "../", ...
	Path  string // the page's folder relative to the root: "", "incidents/", ...
	Kind  string
	Title string
	Nav   string // the header entry to mark current

	Home   *Home
	List   *List
	Report *Entry
	Doc    markdown.Doc

	Board   *ActionBoard // actions/ and actions/owners/<slug>/
	Metrics *MetricsPage // metrics/
	Scope   *Scope       // services/<slug>/, tags/<slug>/
	Scopes  *ScopeIndex  // services/, tags/
}

// Entry is a report with everything pages show about it computed once.
type Entry struct {
	*report.Report
	URL     string // relative to the site root: "incidents/ID/"
	Actions metrics.Actions
	Items   []Item

	TTD, TTA, TTM, TTR string // formatted durations, "" when unknown
	TTRMinutes         float64
	HasTTR             bool

	DelayHours float64
	HasDelay   bool
	OnTime     bool
	// Filed says when the report was first committed relative to the
	// resolution: "filed 20 h after resolution — on time" or "filed 79 h
	// after resolution — late by 31 h"; "" when unknown.
	Filed     string
	Revisions []Revision // newest first, with commit links when repo_url is set

	EditURL      string
	RelatedLinks []Link // the reports this one names under related
	ReferredBy   []Link // the reports that name this one
	Approved     int    // reviewers who signed off
	Attachments  []Link
	// ServiceLinks and TagLinks are the report's services and tags with
	// their pages.
	ServiceLinks, TagLinks []Link

	// key digests the inputs of the report's page (pageKey) when the
	// build caches pages.
	key [32]byte

	// row is the report's incidents-table row for the pages at sharedRoot.
	row struct {
		once sync.Once
		html template.HTML
		err  error
	}
}

// Revision is one commit of a report's history as shown.
type Revision struct {
	Commit, Short, Author, Subject, URL string
	Date                                time.Time
}

// Item is an action item as shown. It is flat, with its texts ready, so
// that templates read its fields directly: a dashboard reads them for
// every item of every report, and a field promoted from an embedded
// struct, or a function call, costs a template far more.
type Item struct {
	Title, Owner, Status, Priority, Link string
	Due                                  time.Time // a date; zero when not given
	Closed                               time.Time // when git history shows it closed; zero when unknown
	Action                               *report.ActionItem

	Overdue     bool
	DaysOverdue int
	DueSoon     bool
	DueDay      string // Due as 2006-01-02, "" when none
	StatusLabel string // "open", "in progress", "done", "won't do"
	StatusRank  int    // sorts open, in progress, done, won't do
	OwnerSlug   string // the owner's page is actions/owners/<OwnerSlug>/
	OwnerURL    string // the owner's page, relative to the site root
	PriorityKey string // the priority filter value: its slug, "none"
	SevClass    string // the priority's badge class, "sev-p0"

	// ClosedDay is the date (config timezone) git history shows the item
	// done or won't-do; "" when unknown or still open.
	ClosedDay string
	// CloseDays is whole days from the incident's resolution (its start
	// when unresolved) to the close, as the metrics count it; -1 when
	// unknown.
	CloseDays int
	// OnTime and Late judge the close against the due date when both are
	// known; DaysLate is how late.
	OnTime, Late bool
	DaysLate     int

	// Report is the report the item comes from; ReportID and ReportURL
	// are its ID and page.
	Report    *Entry
	ReportID  string
	ReportURL string
}

// Link is a titled relative URL.
type Link struct {
	Title, URL string
	Missing    bool
}

// Home is the landing page's data: the site's KPIs (the same figures
// as a service or tag page), the latest incidents and the most overdue
// action items.
type Home struct {
	KPIs         metrics.Scope
	Latest       []*Entry
	Overdue      []*Item
	TotalReports int
}

// Period counts incidents in a span by severity.
type Period struct {
	Label      string
	Total      int
	BySeverity []SevCount
}

// SevCount is one severity's count.
type SevCount struct {
	Severity string
	Count    int
}

// List is an incidents table.
type List struct {
	Year    int // 0 for all years
	Entries []*Entry
}

// URL is the page of the report with this ID, relative to the site root.
func URL(id string) string { return "incidents/" + urlSegment(id) + "/" }

// urlSegment makes an ID safe as one path segment.
func urlSegment(id string) string {
	s := markdown.Slug(id)
	if strings.EqualFold(s, id) || s == "" {
		if s == "" {
			return "report"
		}
		return id
	}
	// keep the INC-… case the users know when it is already safe
	safe := true
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			safe = false
			break
		}
	}
	// A folder whose name starts with a dot is hidden, and hosts such
	// as Jekyll's leave it out of the site.
	if safe && !strings.HasPrefix(id, ".") {
		return id
	}
	return s
}

// pageURLs are the page folders of rs (sorted newest first).
func pageURLs(rs []*report.Report) []string {
	out := make([]string, len(rs))
	taken := make(map[string]bool, len(rs))
	for _, r := range rs {
		// The year lists live beside the reports: a report whose ID is a
		// year gets a numbered page rather than the list's.
		if y := r.Year(); y > 0 {
			taken["incidents/"+strconv.Itoa(y)+"/"] = true
		}
	}
	for i, r := range rs {
		u := URL(r.ID)
		// Two reports with one ID (an error check reports) still get a
		// page each, the later in sort order a numbered one, so neither
		// overwrites the other and every build writes the same site.
		for n := 2; taken[u]; n++ {
			u = URL(r.ID + "-" + strconv.Itoa(n))
		}
		taken[u] = true
		out[i] = u
	}
	return out
}

// MakeFolders makes, in the folder dir a build renders into, the page
// folders of the reports rs will publish. A build of a new site spends a
// second or more making ten thousand folders, one at a time, as each
// locks their parent; done while the git history is still being read,
// that costs no time. Failures are left for rendering to meet and
// report. known gathers the folders, for Render to take on.
func MakeFolders(dir string, rs []*report.Report, known *Folders) {
	rs = slices.Clone(rs)
	report.Sort(rs)
	w := &writer{dir: filepath.Clean(dir), dirs: known}
	for _, u := range pageURLs(rs) {
		_ = w.mkdir(filepath.Join(w.dir, filepath.FromSlash(u)))
	}
}

// PruneFolders removes the empty folders below dir, deepest first: a
// build that fails after MakeFolders leaves dir for the next one, which
// may not publish every report this one would have.
func PruneFolders(dir string) {
	var dirs []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i]) // refused unless empty
	}
}

// newEntries computes the entries of rs (sorted newest first).
func newEntries(rs []*report.Report, cfg *config.Site, today time.Time, public bool) []*Entry {
	return someEntries(rs, cfg, today, public, nil, 0)
}

// someEntries is newEntries computing in full only the entries of the
// report paths in only (all when nil); the others get their URL and
// links, which the full ones need.
func someEntries(rs []*report.Report, cfg *config.Site, today time.Time, public bool, only map[string]bool, workers int) []*Entry {
	out := make([]*Entry, len(rs))
	for i, u := range pageURLs(rs) {
		out[i] = &Entry{Report: rs[i], URL: u}
	}
	// On every core, in runs of entries that share strings within the
	// run: on a large site everything else waits for the entries.
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(1, len(out)/256))
	var wg sync.WaitGroup
	for k := range workers {
		run := out[k*len(out)/workers : (k+1)*len(out)/workers]
		wg.Go(func() {
			shared := newInterned()
			for _, e := range run {
				if only == nil || only[e.Report.Path] {
					fillEntry(e, cfg, today, shared)
				}
			}
		})
	}
	wg.Wait()
	byID := make(map[string]*Entry, len(out))
	for _, e := range out {
		if _, dup := byID[e.ID]; !dup {
			byID[e.ID] = e
		}
	}
	for _, e := range out {
		for _, id := range e.Report.Related {
			o, ok := byID[id]
			if !ok && public {
				continue // it may be an internal report: not even its ID is shown
			}
			if !ok {
				e.RelatedLinks = append(e.RelatedLinks, Link{Title: id, Missing: true})
				continue
			}
			e.RelatedLinks = append(e.RelatedLinks, Link{Title: o.ID + " — " + o.Title, URL: o.URL})
			o.ReferredBy = append(o.ReferredBy, Link{Title: e.ID + " — " + e.Title, URL: e.URL})
		}
	}
	return out
}

// fillEntry works out what e shows of its report, with the strings of
// shared.
func fillEntry(e *Entry, cfg *config.Site, today time.Time, shared *interned) {
	r := e.Report
	e.Actions = metrics.CountActions(r.ActionItems, today)
	if len(r.ActionItems) > 0 {
		e.Items = make([]Item, 0, len(r.ActionItems))
	}
	for j := range r.ActionItems {
		e.Items = append(e.Items, shared.item(e, &r.ActionItems[j], today))
	}
	fmtDur := func(d time.Duration, ok bool) string {
		if !ok {
			return ""
		}
		return report.FormatDuration(d)
	}
	e.TTD = fmtDur(r.TimeToDetect())
	e.TTA = fmtDur(r.Duration(r.Acknowledged))
	e.TTM = fmtDur(r.Duration(r.Mitigated))
	if d, ok := r.TimeToResolve(); ok {
		e.TTR, e.TTRMinutes, e.HasTTR = report.FormatDuration(d), d.Minutes(), true
	}
	if h, ok := metrics.Delay(r); ok {
		e.DelayHours, e.HasDelay = h, true
		e.OnTime = h <= cfg.ReportDeadlineHours
		e.Filed = filed(h, cfg.ReportDeadlineHours)
	}
	if r.Git != nil {
		for _, c := range r.Git.History {
			rv := Revision{Commit: c.Commit, Short: c.Commit[:min(len(c.Commit), 7)], Author: c.Author, Subject: c.Subject, Date: c.Date}
			if cfg.RepoURL != "" {
				rv.URL = cfg.RepoURL + "/commit/" + c.Commit
			}
			e.Revisions = append(e.Revisions, rv)
		}
	}
	if cfg.RepoURL != "" {
		e.EditURL = cfg.RepoURL + "/blob/" + cfg.Branch + "/" + r.Path
	}
	for _, rv := range r.Reviewers {
		if !rv.Approved.IsZero() {
			e.Approved++
		}
	}
	for _, a := range r.Attachments {
		// Only what is copied is listed: a refused name (../, a
		// symbolic link, an HTML file) must not reach the page either.
		if c, why := attachmentFile(cfg.Root, r.Path, a); why == "" {
			e.Attachments = append(e.Attachments, Link{Title: a, URL: (&url.URL{Path: c.dst}).String()})
		}
	}
	for _, s := range r.Services {
		if s = strings.TrimSpace(s); s != "" {
			e.ServiceLinks = append(e.ServiceLinks, Link{Title: s, URL: shared.page("service", ServiceURL, s)})
		}
	}
	for _, t := range r.Tags {
		if t = strings.TrimSpace(t); t != "" {
			e.TagLinks = append(e.TagLinks, Link{Title: t, URL: shared.page("tag", TagURL, t)})
		}
	}
}

var statusLabels = map[string]string{"in-progress": "in progress", "wont-do": "won't do"}

var statusRanks = map[string]int{"open": 1, "in-progress": 2, "done": 3, "wont-do": 4}

// interned hands the entries of one run (see someEntries) one string per
// owner, priority, day, service and tag: a large site has a hundred thousand
// action items naming a few owners and priorities and a few thousand
// days, and shared strings leave the collector far fewer objects to
// walk.
type interned struct {
	owners map[string][2]string // owner → slug, page
	sevs   map[string][2]string // priority → filter key, badge class
	days   map[time.Time]string // date → "2006-01-02"
	pages  map[[2]string]string // URL function, name → page
}

func newInterned() *interned {
	return &interned{owners: map[string][2]string{}, sevs: map[string][2]string{}, days: map[time.Time]string{}, pages: map[[2]string]string{}}
}

// page is url(name), for ServiceURL and TagURL, called kind.
func (s *interned) page(kind string, url func(string) string, name string) string {
	k := [2]string{kind, name}
	p, ok := s.pages[k]
	if !ok {
		p = url(name)
		s.pages[k] = p
	}
	return p
}

func (s *interned) owner(name string) (slug, url string) {
	o, ok := s.owners[name]
	if !ok {
		slug := slugOf(name)
		o = [2]string{slug, ownerPage(slug)}
		s.owners[name] = o
	}
	return o[0], o[1]
}

func (s *interned) priority(p string) (key, class string) {
	v, ok := s.sevs[p]
	if !ok {
		v[0] = priorityKey(p)
		if p != "" {
			v[1] = sevClass(p)
		}
		s.sevs[p] = v
	}
	return v[0], v[1]
}

// day is Day(t) for a date at midnight, as items' due and closing dates
// are.
func (s *interned) day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d, ok := s.days[t]
	if !ok {
		d = Day(t)
		s.days[t] = d
	}
	return d
}

// item computes what pages show of action item a of e.
func (s *interned) item(e *Entry, a *report.ActionItem, today time.Time) Item {
	it := Item{
		Title: a.Title, Owner: a.Owner, Status: a.Status, Priority: a.Priority, Link: a.Link, Due: a.Due, Closed: a.Closed, Action: a,
		Overdue: a.Overdue(today), DueDay: s.day(a.Due), StatusLabel: a.Status, StatusRank: statusRanks[a.Status],
		CloseDays: -1, Report: e, ReportID: e.ID, ReportURL: e.URL,
	}
	it.OwnerSlug, it.OwnerURL = s.owner(a.Owner)
	it.PriorityKey, it.SevClass = s.priority(a.Priority)
	if l, ok := statusLabels[a.Status]; ok {
		it.StatusLabel = l
	}
	if it.StatusRank == 0 {
		it.StatusRank = 5
	}
	if it.Overdue {
		it.DaysOverdue = int(day(today).Sub(a.Due).Hours() / 24)
	} else if a.Open() && !a.Due.IsZero() && !a.Due.After(day(today.AddDate(0, 0, 7))) {
		it.DueSoon = true
	}
	if !a.Closed.IsZero() && !a.Open() {
		loc := today.Location()
		it.ClosedDay = s.day(day(a.Closed.In(loc)))
		if d, ok := metrics.DaysToClose(e.Report, a); ok {
			it.CloseDays = int(math.Round(d))
		}
		if on, known := metrics.ClosedOnTime(a, loc); known {
			it.OnTime, it.Late = on, !on
			if !on {
				closed := day(a.Closed.In(loc))
				it.DaysLate = int(math.Round(closed.Sub(day(a.Due)).Hours() / 24))
			}
		}
	}
	return it
}

// filed describes a report delay against the deadline, in hours, or in
// days past three days.
func filed(h, deadline float64) string {
	span := func(h float64) string {
		if h >= 72 {
			return strconv.FormatFloat(math.Round(h/24), 'f', 0, 64) + " days"
		}
		return strconv.FormatFloat(math.Round(h), 'f', 0, 64) + " h"
	}
	if h < 0 {
		return "filed " + span(-h) + " before resolution"
	}
	if h <= deadline {
		return "filed " + span(h) + " after resolution — on time"
	}
	return "filed " + span(h) + " after resolution — late by " + span(h-deadline)
}

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// newHome computes the home page's data.
func newHome(entries []*Entry, mopt metrics.Options) *Home {
	h := &Home{TotalReports: len(entries), KPIs: metrics.KPIs(reports(entries), mopt)}
	h.Latest = entries[:min(len(entries), 8)]
	h.Overdue = mostOverdue(entries, 10)
	return h
}

// mostOverdue lists the n overdue action items with the most days overdue,
// most first; of those as late, the first in entries come first. It keeps
// only the n it has found so far rather than sorting every overdue item:
// on a large site most items can be overdue.
func mostOverdue(entries []*Entry, n int) []*Item {
	if n <= 0 {
		return nil
	}
	top := make([]*Item, 0, n+1)
	for _, e := range entries {
		for i := range e.Items {
			it := &e.Items[i]
			if !it.Overdue || len(top) == n && it.DaysOverdue <= top[n-1].DaysOverdue {
				continue
			}
			// After every item at least as late: ties keep their order.
			at := len(top)
			for at > 0 && top[at-1].DaysOverdue < it.DaysOverdue {
				at--
			}
			top = slices.Insert(top, at, it)
			if len(top) > n {
				top = top[:n]
			}
		}
	}
	if len(top) == 0 {
		return nil
	}
	return top
}

// years lists the distinct start years, newest first.
func years(entries []*Entry) []int {
	seen := map[int]bool{}
	var ys []int
	for _, e := range entries {
		if y := e.Year(); y > 0 && !seen[y] {
			seen[y] = true
			ys = append(ys, y)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ys)))
	return ys
}

// rootOf is the relative path back to the root from a page folder.
func rootOf(folder string) string {
	folder = strings.Trim(folder, "/")
	if folder == "" {
		return ""
	}
	return strings.Repeat("../", strings.Count(folder, "/")+1)
}

// relFrom makes target (a folder or file relative to the site root) relative
// to the page folder: from "incidents/A/" to "incidents/B/" is "../B/".
func relFrom(folder, target string) string {
	from := strings.Split(strings.Trim(folder, "/"), "/")
	if from[0] == "" {
		from = nil
	}
	trailing := strings.HasSuffix(target, "/")
	to := strings.Split(strings.Trim(path.Clean("/"+target), "/"), "/")
	if to[0] == "" {
		to = nil
	}
	common := 0
	for common < len(from) && common < len(to) && from[common] == to[common] {
		common++
	}
	rel := strings.Repeat("../", len(from)-common) + strings.Join(to[common:], "/")
	if trailing && rel != "" && !strings.HasSuffix(rel, "/") {
		rel += "/"
	}
	if rel == "" {
		return "./"
	}
	return rel
}
