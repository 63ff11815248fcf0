package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// OtherSeverity labels the incidents whose severity is missing or not one
// of the configured ones, so totals always add up.
const OtherSeverity = "other"

// MaxMonths bounds the charted span (100 years). A date typo such as
// 1025 for 2025 would otherwise make ten thousand empty months: incidents
// more than 50 years from the median one are counted in
// Summary.OutOfRange instead.
const MaxMonths = 1200

// TopN is how many services the top-service lists keep.
const TopN = 10

// defaultDeadlineHours is report_deadline_hours when the config gives none.
const defaultDeadlineHours = 48

// Options says how Compute and KPIs cut and judge the reports.
type Options struct {
	// Today is the build's "now" in the config timezone. Incidents
	// starting after it are left out of the periods (they have not
	// happened: the date is a typo), and the periods run up to its
	// month so quiet recent months show as zeros. Zero: no such limit.
	Today time.Time
	// Location is the config timezone that months and quarters are cut
	// in; nil means Today's zone, or UTC when Today is zero.
	Location *time.Location
	// Severities are the configured severities, worst first.
	Severities []string
	// DeadlineHours is report_deadline_hours; 0 or less means 48.
	DeadlineHours float64
}

// Stat describes one sample: its size, median and 90th percentile.
// Valid is false (and the numbers zero) when the sample is empty, so
// templates print "—" instead of NaN.
type Stat struct {
	N      int
	Median float64
	P90    float64
	Valid  bool
}

// Rate is Num out of Den. Value is Num/Den between 0 and 1; Valid is
// false (Value zero) when Den is zero.
type Rate struct {
	Num   int
	Den   int
	Value float64
	Valid bool
}

// Summary is everything the metrics page shows, ready for templates:
// slices in display order, periods chronological and gap-free.
type Summary struct {
	// Severities are the columns of MonthCount.Counts: the configured
	// severities, then OtherSeverity when some incident has another one.
	Severities []string
	// DeadlineHours is the report deadline the timeliness rates use.
	DeadlineHours float64
	// Incidents is the number of reports summarised.
	Incidents int
	// Undated incidents have neither a start nor a date in their ID and
	// sit in no month or quarter.
	Undated int
	// OutOfRange incidents start after Today or more than MaxMonths/2
	// from the median incident (date typos), and sit in no month or
	// quarter.
	OutOfRange int

	// TTD and TTR are time to detect and to resolve over all incidents,
	// in minutes.
	TTD, TTR Stat

	Months   []MonthCount
	Quarters []QuarterStats

	// TopServicesByCount and TopServicesByDuration hold at most TopN
	// services each, ties broken by name.
	TopServicesByCount    []ServiceStat
	TopServicesByDuration []ServiceStat

	// CloseDays is days to close per action-item priority: configured
	// severities first, then other priorities by name, then "" (none).
	CloseDays []PriorityClose
	// OnTimeClosure is closed on or before due, out of the closed items
	// whose close date and due date are both known.
	OnTimeClosure Rate
}

// MonthCount is one month's incidents by severity.
type MonthCount struct {
	Month  string // "2025-10"
	Counts []int  // in Summary.Severities order
	Total  int
}

// QuarterStats is one calendar quarter. Everything in it belongs to the
// incidents that started in the quarter, including their action items and
// reports, however late those were written or closed.
type QuarterStats struct {
	Quarter   string // "2025-Q4"
	Incidents int
	TTD, TTR  Stat // minutes
	// Reports is reports filed within the deadline out of those whose
	// delay (first commit − resolved) is known.
	Reports Rate
	Actions ActionStats
	// Users and Revenue are sums over the incidents that state them;
	// UsersReported and RevenueReported count those incidents.
	Users           int
	UsersReported   int
	Revenue         float64
	RevenueReported int
}

// ActionStats tallies the action items of a set of incidents.
type ActionStats struct {
	Total, Done, WontDo int
	// Completion is Done out of Total − WontDo: a dropped item is a
	// decision, not unfinished work.
	Completion Rate
	// ClosedOnTime is items closed on or before their due date out of
	// the closed items whose close and due dates are both known.
	ClosedOnTime Rate
}

// ServiceStat is one service's share of the incidents.
type ServiceStat struct {
	Service   string
	Incidents int
	// Resolved counts the incidents with a known time to resolve;
	// Minutes sums those times.
	Resolved int
	Minutes  float64
}

// PriorityClose is how fast action items of one priority were closed.
type PriorityClose struct {
	Priority string // "" for items without a priority
	// Days from the incident's resolution (its start when unresolved)
	// to the item's close, over items with a known close date; an item
	// closed during the incident counts as 0.
	Days Stat
	// OnTime is closed on or before due, out of closed items with a due
	// date.
	OnTime Rate
}

// Compute summarises rs. It sorts per period once, so it is O(n log n)
// in the number of reports and action items; rs is not modified.
func Compute(rs []*report.Report, opt Options) *Summary {
	opt = opt.normalised()
	sev := newSevIndex(opt.Severities)
	s := &Summary{Incidents: len(rs), DeadlineHours: opt.DeadlineHours}

	// First pass: where each incident falls, to size the periods.
	month := make([]int, len(rs))
	const none = math.MinInt
	placed := make([]int, 0, len(rs))
	hasOther := false
	for i, r := range rs {
		if sev.of(r.Severity) == sev.other {
			hasOther = true
		}
		month[i] = none
		t, ok := incidentTime(r, opt.Location)
		switch {
		case !ok:
			s.Undated++
		case !opt.Today.IsZero() && t.After(opt.Today):
			s.OutOfRange++
		default:
			month[i] = monthKey(t)
			placed = append(placed, month[i])
		}
	}
	lo, hi := 1, 0 // empty
	if len(placed) > 0 {
		// Centre the MaxMonths window on the median incident, so a
		// typo in either direction cannot push the real ones out.
		slices.Sort(placed)
		med := placed[len(placed)/2]
		wlo, whi := med-MaxMonths/2, med+MaxMonths/2-1
		lo, hi = math.MaxInt, math.MinInt
		for i, k := range month {
			switch {
			case k == none:
			case k < wlo || k > whi:
				month[i] = none
				s.OutOfRange++
			default:
				lo, hi = min(lo, k), max(hi, k)
			}
		}
		if !opt.Today.IsZero() {
			hi = max(hi, min(monthKey(opt.Today.In(opt.Location)), lo+MaxMonths-1))
		}
	}

	s.Severities = append([]string(nil), opt.Severities...)
	if hasOther {
		s.Severities = append(s.Severities, OtherSeverity)
	}
	var qs []quarterAcc
	qlo := 0
	if lo <= hi {
		s.Months = make([]MonthCount, hi-lo+1)
		counts := make([]int, len(s.Months)*len(s.Severities)) // one allocation for all months
		for i := range s.Months {
			s.Months[i] = MonthCount{Month: monthLabel(lo + i), Counts: counts[i*len(s.Severities) : (i+1)*len(s.Severities) : (i+1)*len(s.Severities)]}
		}
		qlo = floorDiv(lo, 3)
		qs = make([]quarterAcc, floorDiv(hi, 3)-qlo+1)
	}

	var allTTD, allTTR []float64
	services := map[string]*ServiceStat{}
	closes := map[string]*closeAcc{}
	var onTime, closedKnown int
	for i, r := range rs {
		ttd, hasTTD := r.TimeToDetect()
		ttr, hasTTR := r.TimeToResolve()
		if hasTTD {
			allTTD = append(allTTD, ttd.Minutes())
		}
		if hasTTR {
			allTTR = append(allTTR, ttr.Minutes())
		}
		addServices(services, r.Services, ttr, hasTTR)

		var q *quarterAcc
		if k := month[i]; k != none {
			m := &s.Months[k-lo]
			m.Counts[sev.of(r.Severity)]++
			m.Total++
			q = &qs[floorDiv(k, 3)-qlo]
			q.incidents++
			if hasTTD {
				q.ttd = append(q.ttd, ttd.Minutes())
			}
			if hasTTR {
				q.ttr = append(q.ttr, ttr.Minutes())
			}
			if h, ok := Delay(r); ok {
				q.delayKnown++
				if h <= opt.DeadlineHours {
					q.onTime++
				}
			}
			if u := r.Impact.Users; u != nil {
				q.users += *u
				q.usersN++
			}
			if v := r.Impact.Revenue; v != nil && !math.IsNaN(*v) && !math.IsInf(*v, 0) {
				q.revenue += *v
				q.revenueN++
			}
		}

		for j := range r.ActionItems {
			a := &r.ActionItems[j]
			if q != nil {
				q.actions.Total++
				switch a.Status {
				case "done":
					q.actions.Done++
				case "wont-do":
					q.actions.WontDo++
				}
			}
			if a.Closed.IsZero() || a.Open() {
				continue
			}
			c := closes[a.Priority]
			if c == nil {
				c = &closeAcc{}
				closes[a.Priority] = c
			}
			if d, ok := DaysToClose(r, a); ok {
				c.days = append(c.days, d)
			}
			ok, known := ClosedOnTime(a, opt.Location)
			if !known {
				continue
			}
			c.known++
			closedKnown++
			if ok {
				c.onTime++
				onTime++
			}
			if q != nil {
				q.closedKnown++
				if ok {
					q.closedOnTime++
				}
			}
		}
	}

	s.TTD, s.TTR = stat(allTTD), stat(allTTR)
	if len(qs) > 0 { // nil like Months when there is nothing to show
		s.Quarters = make([]QuarterStats, len(qs))
	}
	for i := range qs {
		a := &qs[i]
		acts := a.actions
		acts.Completion = rate(acts.Done, acts.Total-acts.WontDo)
		acts.ClosedOnTime = rate(a.closedOnTime, a.closedKnown)
		s.Quarters[i] = QuarterStats{
			Quarter:         quarterLabel(qlo + i),
			Incidents:       a.incidents,
			TTD:             stat(a.ttd),
			TTR:             stat(a.ttr),
			Reports:         rate(a.onTime, a.delayKnown),
			Actions:         acts,
			Users:           a.users,
			UsersReported:   a.usersN,
			Revenue:         a.revenue,
			RevenueReported: a.revenueN,
		}
	}
	s.TopServicesByCount, s.TopServicesByDuration = topServices(services)
	s.CloseDays = closeDays(closes, sev)
	s.OnTimeClosure = rate(onTime, closedKnown)
	return s
}

// quarterAcc gathers one quarter before its statistics are taken.
type quarterAcc struct {
	incidents          int
	ttd, ttr           []float64
	onTime, delayKnown int
	actions            ActionStats
	closedOnTime       int
	closedKnown        int
	users, usersN      int
	revenue            float64
	revenueN           int
}

// closeAcc gathers one priority's closed items.
type closeAcc struct {
	days          []float64
	onTime, known int
}

func (o Options) normalised() Options {
	if o.Location == nil {
		o.Location = time.UTC
		if !o.Today.IsZero() {
			o.Location = o.Today.Location()
		}
	}
	if !(o.DeadlineHours > 0) {
		o.DeadlineHours = defaultDeadlineHours
	}
	return o
}

// sevIndex maps a severity to its column; unknown ones share the last.
type sevIndex struct {
	idx   map[string]int
	other int
}

func newSevIndex(sevs []string) sevIndex {
	x := sevIndex{idx: make(map[string]int, len(sevs)), other: len(sevs)}
	for i, s := range sevs {
		// The name as configured, for the common exact match without
		// allocating, and folded, for "p1" written for "P1".
		for _, k := range []string{s, strings.ToLower(strings.TrimSpace(s))} {
			if _, dup := x.idx[k]; !dup {
				x.idx[k] = i
			}
		}
	}
	return x
}

func (x sevIndex) of(sev string) int {
	if i, ok := x.idx[sev]; ok { // the common case: already normalised
		return i
	}
	if i, ok := x.idx[strings.ToLower(strings.TrimSpace(sev))]; ok {
		return i
	}
	return x.other
}

// incidentTime is when the incident counts as having happened: its start,
// else the date in its ID, the same fallback report.Year uses so the
// yearly lists and the charts agree.
func incidentTime(r *report.Report, loc *time.Location) (time.Time, bool) {
	if !r.Started.IsZero() {
		return r.Started.In(loc), true
	}
	return idDate(r.ID, loc)
}

// idDate reads the date of an INC-YYYY-MM-DD-NNN ID as midnight in loc.
func idDate(id string, loc *time.Location) (time.Time, bool) {
	const prefix = "INC-"
	if len(id) < len(prefix)+len("2006-01-02-000") || !strings.HasPrefix(id, prefix) || id[14] != '-' {
		return time.Time{}, false
	}
	for _, c := range id[15:] {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
	}
	t, err := time.ParseInLocation("2006-01-02", id[4:14], loc)
	return t, err == nil
}

// monthKey numbers months consecutively: year*12 + month − 1.
func monthKey(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }

func monthLabel(k int) string {
	return fmt.Sprintf("%04d-%02d", floorDiv(k, 12), k-floorDiv(k, 12)*12+1)
}

// quarterLabel names quarter key k (year*4 + quarter − 1) like Quarter.
func quarterLabel(k int) string {
	return fmt.Sprintf("%d-Q%d", floorDiv(k, 4), k-floorDiv(k, 4)*4+1)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// DaysToClose is how long the item took to close: days from the
// incident's resolution (its start when unresolved) to a.Closed. ok is
// false when the item is open or either time is unknown. An item closed
// before the incident was resolved counts as 0 days, not negative.
func DaysToClose(r *report.Report, a *report.ActionItem) (days float64, ok bool) {
	from := r.Resolved
	if from.IsZero() {
		from = r.Started
	}
	if from.IsZero() || a.Closed.IsZero() || a.Open() {
		return 0, false
	}
	return max(0, a.Closed.Sub(from).Hours()/24), true
}

// ClosedOnTime reports whether a closed item was closed on or before its
// due date, reading the close time as a date in loc (the config zone), as
// its owner would. known is false when the item is open or either date
// is unknown.
func ClosedOnTime(a *report.ActionItem, loc *time.Location) (onTime, known bool) {
	if a.Closed.IsZero() || a.Due.IsZero() || a.Open() {
		return false, false
	}
	if loc == nil {
		loc = time.UTC
	}
	cy, cm, cd := a.Closed.In(loc).Date()
	dy, dm, dd := a.Due.Date() // a calendar date stored at midnight UTC
	closed := time.Date(cy, cm, cd, 0, 0, 0, 0, time.UTC)
	return !closed.After(time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC)), true
}

// stat sorts xs in place and describes it.
func stat(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	slices.Sort(xs)
	return Stat{N: len(xs), Median: round4(percentileSorted(xs, 50)), P90: round4(percentileSorted(xs, 90)), Valid: true}
}

// round4 drops interpolation noise (504.0000000000002) from published
// numbers; four decimals of a minute or a day is far finer than any
// input.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func rate(num, den int) Rate {
	if den <= 0 {
		return Rate{Num: num, Den: max(den, 0)}
	}
	return Rate{Num: num, Den: den, Value: float64(num) / float64(den), Valid: true}
}

// addServices credits one incident to each service it names once.
func addServices(m map[string]*ServiceStat, names []string, ttr time.Duration, hasTTR bool) {
	for i, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || slices.ContainsFunc(names[:i], func(p string) bool { return strings.TrimSpace(p) == n }) {
			continue
		}
		st := m[n]
		if st == nil {
			st = &ServiceStat{Service: n}
			m[n] = st
		}
		st.Incidents++
		if hasTTR {
			st.Resolved++
			st.Minutes += ttr.Minutes()
		}
	}
}

// topServices ranks the services by incidents and by total time to
// resolve, keeping TopN of each; services never resolved are left out of
// the duration ranking.
func topServices(m map[string]*ServiceStat) (byCount, byDuration []ServiceStat) {
	all := make([]ServiceStat, 0, len(m))
	for _, st := range m {
		all = append(all, *st)
	}
	slices.SortFunc(all, func(a, b ServiceStat) int {
		return cmp.Or(cmp.Compare(b.Incidents, a.Incidents), strings.Compare(a.Service, b.Service))
	})
	byCount = slices.Clone(all[:min(len(all), TopN)])
	all = slices.DeleteFunc(all, func(s ServiceStat) bool { return s.Minutes <= 0 })
	slices.SortFunc(all, func(a, b ServiceStat) int {
		return cmp.Or(cmp.Compare(b.Minutes, a.Minutes), strings.Compare(a.Service, b.Service))
	})
	byDuration = slices.Clone(all[:min(len(all), TopN)])
	return byCount, byDuration
}

// closeDays orders the priorities like the severities they mirror (P0
// first), then any others by name, then items without one.
func closeDays(m map[string]*closeAcc, sev sevIndex) []PriorityClose {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := func(p string) int {
		if strings.TrimSpace(p) == "" {
			return sev.other + 1
		}
		return sev.of(p)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b))
	})
	out := make([]PriorityClose, len(keys))
	for i, k := range keys {
		c := m[k]
		out[i] = PriorityClose{Priority: k, Days: stat(c.days), OnTime: rate(c.onTime, c.known)}
	}
	return out
}
