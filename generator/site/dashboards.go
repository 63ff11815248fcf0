package site

import (
	"cmp"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-docs/hindsight/generator/chart"
	"github.com/hindsight-docs/hindsight/generator/markdown"
	"github.com/hindsight-docs/hindsight/generator/metrics"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// The dashboards (action items, metrics, services and tags) are built from
// the entries alone, which come from Input.Reports: in a public build they
// cannot show, count or link to an internal report. Everything is grouped
// in one pass over the entries, so no page scans all the reports.

// ActionBoard is the data of the action-item pages: the index lists every
// item, an owner page only the owner's.
type ActionBoard struct {
	Counts     metrics.Actions
	Rows       []*Item // most urgent first: overdue, open by due date, then closed
	Priorities []PriorityCount
	// Owners are every owner of the site, for the owner view and filter,
	// most open items first.
	Owners []*Owner
	// Owner is the owner of an owner page; nil on the index.
	Owner *Owner
}

// Owner is the people (or teams) whose names share a slug, and so a page.
type Owner struct {
	Slug       string
	Names      []string // every spelling seen, "" for items without an owner
	URL        string   // "actions/owners/<slug>/"
	Counts     metrics.Actions
	Rows       []*Item
	Priorities []PriorityCount
}

// Name is the owner's display name: its spellings joined.
func (o *Owner) Name() string {
	names := make([]string, len(o.Names))
	for i, n := range o.Names {
		if n == "" {
			n = "No owner"
		}
		names[i] = n
	}
	return strings.Join(names, " · ")
}

// PriorityCount is the action items of one priority.
type PriorityCount struct {
	Priority string // as written; "" for items without one
	Key      string // the filter value: the slug, "none" for ""
	Counts   metrics.Actions
}

// Scope is a service or a tag and its reports.
type Scope struct {
	Kind    string // "service" or "tag"
	Slug    string
	Names   []string // every spelling that shares the slug
	URL     string   // "services/<slug>/", "tags/<slug>/"
	Entries []*Entry // newest first
	// All-time figures for the index; the scope page has KPIs.
	BySeverity Period
	Actions    metrics.Actions
	Latest     time.Time // start of the newest incident with a known start
	MedianTTR  string    // "" when no incident is resolved
	// MedianTTRMinutes is MedianTTR in minutes, -1 when unknown.
	MedianTTRMinutes float64
	KPIs             metrics.Scope
}

// Name is the scope's display name: its spellings joined.
func (s *Scope) Name() string { return strings.Join(s.Names, " · ") }

// ScopeIndex lists every service or every tag.
type ScopeIndex struct {
	Kind   string // "service" or "tag"
	Scopes []*Scope
}

// MetricsPage is the metrics page's data: the summary, its charts, and
// the service pages its tables link to.
type MetricsPage struct {
	*metrics.Summary
	Actions metrics.Actions
	// ReportsOnTime and Completion are the quarters' rates over every
	// dated incident: reports filed within the deadline, and action
	// items done out of those not dropped.
	ReportsOnTime, Completion metrics.Rate
	// Closed counts the action items with a known close date.
	Closed int
	Charts Charts
	// ServiceURLs maps a service name to its page, relative to the root.
	ServiceURLs map[string]string
}

// Charts are the inline SVG charts of the metrics page.
type Charts struct {
	IncidentsByMonth, TimeToDetect, TimeToResolve, ReportTimeliness, ActionRates template.HTML
	ServicesByCount, ServicesByDuration, UsersAffected, Revenue, CloseDays       template.HTML
}

// latin folds accented Latin letters to ASCII before markdown.Slug, which
// keeps ASCII letters only: "Tomás" → "tomas", not "tom-s".
var latin = func() *strings.Replacer {
	from := []rune("ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžøØđĐłŁðÐıħĦ")
	to := "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzoOdDlLdDihH"
	args := make([]string, 0, 2*len(from)+14)
	for i, r := range from {
		args = append(args, string(r), to[i:i+1])
	}
	return strings.NewReplacer(append(args, "ß", "ss", "æ", "ae", "Æ", "AE", "œ", "oe", "Œ", "OE", "þ", "th", "Þ", "TH")...)
}()

// slugOf is the URL segment of an owner, service or tag page.
func slugOf(name string) string {
	if s := markdown.Slug(latin.Replace(name)); s != "" {
		return s
	}
	return "unnamed"
}

// OwnerURL is the page of an owner, relative to the site root.
func OwnerURL(name string) string { return ownerPage(slugOf(name)) }

// ownerPage is the page of the owner whose slug is slug.
func ownerPage(slug string) string { return "actions/owners/" + slug + "/" }

// ServiceURL is the page of a service, relative to the site root.
func ServiceURL(name string) string { return "services/" + slugOf(name) + "/" }

// TagURL is the page of a tag, relative to the site root.
func TagURL(name string) string { return "tags/" + slugOf(name) + "/" }

// priorityKey is a priority's filter value.
func priorityKey(p string) string {
	if s := markdown.Slug(p); s != "" {
		return s
	}
	return "none"
}

// byUrgency sorts action items the way the dashboards list them: overdue
// first, most days overdue first; then open items with a due date, soonest
// first; then open items without one; then closed items, most recently
// closed first (unknown close dates last), later due dates first. Ties keep
// their order.
//
// Each item's place is worked out once into a key of its own, and the keys
// are sorted: comparing items directly reads several of each item's fields
// and its action item at every comparison, and on a large site those are
// spread over the heap, so the sort spent most of its time waiting for
// memory (eight times as long for three times the items).
func byUrgency(rows []*Item) {
	type key struct {
		rank   int8
		k1, k2 instant
		i      int32 // the item's place before sorting
	}
	keys := make([]key, len(rows))
	for i, r := range rows {
		k := key{i: int32(i)}
		switch {
		case r.Overdue:
			k.k1 = instant{s: -int64(r.DaysOverdue)}
		case r.Action.Open() && !r.Due.IsZero():
			k.rank, k.k1 = 1, instantOf(r.Due)
		case r.Action.Open():
			k.rank = 2
		default:
			k.rank, k.k1, k.k2 = 3, instantOf(r.Closed).neg(), instantOf(r.Due).neg()
		}
		keys[i] = k
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), a.k1.compare(b.k1), a.k2.compare(b.k2), cmp.Compare(a.i, b.i))
	})
	sorted := make([]*Item, len(rows))
	for j, k := range keys {
		sorted[j] = rows[k.i]
	}
	copy(rows, sorted)
}

// instant is a time as seconds and nanoseconds, which order times as
// time.Time.Compare does (the zero time first) without a time.Time's
// location.
type instant struct {
	s int64
	n int32
}

func instantOf(t time.Time) instant { return instant{t.Unix(), int32(t.Nanosecond())} }

// neg reverses the order of instants.
func (x instant) neg() instant { return instant{-x.s, -x.n} }

func (x instant) compare(y instant) int {
	return cmp.Or(cmp.Compare(x.s, y.s), cmp.Compare(x.n, y.n))
}

// named groups things whose names share a slug.
type named[T any] struct {
	bySlug map[string]*T
	order  []string
}

func (n *named[T]) get(slug string, make func() *T) *T {
	if n.bySlug == nil {
		n.bySlug = map[string]*T{}
	}
	v, ok := n.bySlug[slug]
	if !ok {
		v = make()
		n.bySlug[slug] = v
		n.order = append(n.order, slug)
	}
	return v
}

func addName(names []string, name string) []string {
	if slices.Contains(names, name) {
		return names
	}
	return append(names, name)
}

// priorityOrder sorts priorities like the severities they mirror, then
// others by name, then items without one.
func priorityOrder(sevs []string) func(a, b string) int {
	rank := func(p string) int {
		if p == "" {
			return len(sevs) + 1
		}
		for i, s := range sevs {
			if strings.EqualFold(s, p) {
				return i
			}
		}
		return len(sevs)
	}
	return func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b)) }
}

// priorities counts rows per priority.
func priorities(rows []*Item, sevs []string) []PriorityCount {
	m := map[string]*PriorityCount{}
	for i := range rows {
		p := rows[i].Priority
		pc := m[p]
		if pc == nil {
			pc = &PriorityCount{Priority: p, Key: priorityKey(p)}
			m[p] = pc
		}
		pc.Counts.Count(rows[i].Status, rows[i].Overdue, rows[i].DueSoon)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, priorityOrder(sevs))
	out := make([]PriorityCount, len(keys))
	for i, k := range keys {
		out[i] = *m[k]
	}
	return out
}

// newActionBoard gathers every action item once, and each owner's.
func newActionBoard(entries []*Entry, sevs []string) *ActionBoard {
	b := &ActionBoard{}
	n := 0
	for _, e := range entries {
		n += len(e.Items)
	}
	b.Rows = make([]*Item, 0, n)
	for _, e := range entries {
		for i := range e.Items {
			b.Rows = append(b.Rows, &e.Items[i])
			b.Counts.Count(e.Items[i].Status, e.Items[i].Overdue, e.Items[i].DueSoon)
		}
	}
	byUrgency(b.Rows)

	var owners named[Owner]
	for _, r := range b.Rows {
		slug := r.OwnerSlug // slugOf(r.Owner), worked out once per owner
		o := owners.get(slug, func() *Owner { return &Owner{Slug: slug, URL: ownerPage(slug)} })
		o.Names = addName(o.Names, r.Owner)
		o.Rows = append(o.Rows, r)
		o.Counts.Count(r.Status, r.Overdue, r.DueSoon)
	}
	for _, slug := range owners.order {
		o := owners.bySlug[slug]
		slices.SortFunc(o.Names, func(a, b string) int {
			if (a == "") != (b == "") { // "" (no owner) last
				return cmp.Compare(len(b), len(a))
			}
			return strings.Compare(a, b)
		})
		o.Priorities = priorities(o.Rows, sevs)
		b.Owners = append(b.Owners, o)
	}
	slices.SortFunc(b.Owners, func(x, y *Owner) int {
		return cmp.Or(
			cmp.Compare(y.Counts.Overdue, x.Counts.Overdue),
			cmp.Compare(y.Counts.Unresolved(), x.Counts.Unresolved()),
			cmp.Compare(y.Counts.Total, x.Counts.Total),
			strings.Compare(x.Slug, y.Slug))
	})
	b.Priorities = priorities(b.Rows, sevs)
	return b
}

// forOwner is the board of one owner's page.
func (b *ActionBoard) forOwner(o *Owner) *ActionBoard {
	return &ActionBoard{Counts: o.Counts, Rows: o.Rows, Priorities: o.Priorities, Owners: b.Owners, Owner: o}
}

// newScopes groups the entries by service and by tag.
func newScopes(entries []*Entry, sevs []string) (services, tags *ScopeIndex) {
	group := func(kind, dir string, names func(*Entry) []string) *ScopeIndex {
		var g named[Scope]
		for _, e := range entries {
			seen := map[string]bool{}
			for _, name := range names(e) {
				name = strings.TrimSpace(name)
				if name == "" {
					continue
				}
				slug := slugOf(name)
				s := g.get(slug, func() *Scope { return &Scope{Kind: kind, Slug: slug, URL: dir + slug + "/"} })
				s.Names = addName(s.Names, name)
				if seen[slug] {
					continue // a report naming two spellings counts once
				}
				seen[slug] = true
				s.Entries = append(s.Entries, e)
			}
		}
		idx := &ScopeIndex{Kind: kind}
		for _, slug := range g.order {
			s := g.bySlug[slug]
			slices.Sort(s.Names)
			s.summarise(sevs)
			idx.Scopes = append(idx.Scopes, s)
		}
		slices.SortFunc(idx.Scopes, func(x, y *Scope) int {
			return cmp.Or(cmp.Compare(len(y.Entries), len(x.Entries)), strings.Compare(x.Slug, y.Slug))
		})
		return idx
	}
	services = group("service", "services/", func(e *Entry) []string { return e.Services })
	tags = group("tag", "tags/", func(e *Entry) []string { return e.Tags })
	return services, tags
}

// summarise computes a scope's all-time figures for the index.
func (s *Scope) summarise(sevs []string) {
	counts := make([]int, len(sevs)+1)
	var ttr []float64
	for _, e := range s.Entries {
		i := slices.IndexFunc(sevs, func(v string) bool { return strings.EqualFold(v, e.Severity) })
		if i < 0 {
			i = len(sevs)
		}
		counts[i]++
		s.Actions.Add(e.Actions)
		if e.HasTTR {
			ttr = append(ttr, e.TTRMinutes)
		}
		if !e.Started.IsZero() && e.Started.After(s.Latest) {
			s.Latest = e.Started
		}
	}
	s.BySeverity.Total = len(s.Entries)
	for i, sev := range sevs {
		s.BySeverity.BySeverity = append(s.BySeverity.BySeverity, SevCount{sev, counts[i]})
	}
	if n := counts[len(sevs)]; n > 0 {
		s.BySeverity.BySeverity = append(s.BySeverity.BySeverity, SevCount{metrics.OtherSeverity, n})
	}
	s.MedianTTRMinutes = -1
	if m := metrics.Median(ttr); !math.IsNaN(m) {
		s.MedianTTR, s.MedianTTRMinutes = formatMinutes(m), m
	}
}

// newMetricsPage summarises the entries and draws the charts.
func newMetricsPage(entries []*Entry, services *ScopeIndex, opt metrics.Options, currency string) *MetricsPage {
	rs := reports(entries)
	s := metrics.Compute(rs, opt)
	p := &MetricsPage{Summary: s, ServiceURLs: map[string]string{}}
	for _, e := range entries {
		p.Actions.Add(e.Actions)
	}
	var onTime, known, done, total int
	for _, q := range s.Quarters {
		onTime += q.Reports.Num
		known += q.Reports.Den
		done += q.Actions.Done
		total += q.Actions.Total - q.Actions.WontDo
	}
	p.ReportsOnTime, p.Completion = rateOf(onTime, known), rateOf(done, total)
	for _, pc := range s.CloseDays {
		p.Closed += pc.Days.N
	}
	for _, sc := range services.Scopes {
		for _, n := range sc.Names {
			p.ServiceURLs[n] = sc.URL
		}
	}
	p.Charts = Charts{
		IncidentsByMonth:   chart.IncidentsByMonth(s),
		TimeToDetect:       chart.TimeToDetect(s),
		TimeToResolve:      chart.TimeToResolve(s),
		ReportTimeliness:   chart.ReportTimeliness(s),
		ActionRates:        chart.ActionRates(s),
		ServicesByCount:    chart.TopServicesByCount(s),
		ServicesByDuration: chart.TopServicesByDuration(s),
		UsersAffected:      chart.UsersAffected(s),
		Revenue:            chart.Revenue(s, currency),
		CloseDays:          closeDaysChart(s),
	}
	return p
}

// closeDaysChart ranks the priorities by median days to close.
func closeDaysChart(s *metrics.Summary) template.HTML {
	c := chart.HBarChart{ID: "chart-close-days", Title: "Median days to close an action item, by priority", Class: "series-2"}
	var parts []string
	for _, pc := range s.CloseDays {
		if !pc.Days.Valid {
			continue
		}
		label := pc.Priority
		if label == "" {
			label = "no priority"
		}
		text := formatDays(pc.Days.Median)
		c.Bars = append(c.Bars, chart.HBar{Label: label, Value: pc.Days.Median, Text: text})
		parts = append(parts, label+" "+text)
	}
	if len(parts) > 0 {
		c.Desc = "Median days from an incident's resolution to closing its action items, by priority: " + strings.Join(parts, ", ") + "."
	}
	return chart.HBars(c)
}

func rateOf(num, den int) metrics.Rate {
	if den <= 0 {
		return metrics.Rate{Num: num}
	}
	return metrics.Rate{Num: num, Den: den, Value: float64(num) / float64(den), Valid: true}
}

// formatDays writes a number of days: "0 d", "3.5 d", "12 d".
func formatDays(d float64) string {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return "—"
	}
	if d >= 10 {
		return Thousands(int(math.Round(d))) + " d"
	}
	s := strconv.FormatFloat(math.Round(d*10)/10, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + " d"
}

// formatMinutes writes a duration given in minutes: "2h 30m".
func formatMinutes(m float64) string {
	if math.IsNaN(m) || math.IsInf(m, 0) {
		return "—"
	}
	return report.FormatDuration(time.Duration(math.Round(m)) * time.Minute)
}

// reports are the entries' reports, in the same order.
func reports(entries []*Entry) []*report.Report {
	rs := make([]*report.Report, len(entries))
	for i, e := range entries {
		rs[i] = e.Report
	}
	return rs
}
