// Package metrics computes the numbers the site shows about incidents:
// durations, medians and percentiles, per-period counts, action-item
// tallies and report timeliness. Compute gathers them all for the metrics
// page; KPIs gives the headline numbers of any set of reports (the whole
// site, a service, a tag).
package metrics

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// Actions tallies a report's action items.
type Actions struct {
	Total, Open, InProgress, Done, WontDo, Overdue, DueSoon int
}

// CountActions counts items by state; today is the build's date.
func CountActions(items []report.ActionItem, today time.Time) Actions {
	var a Actions
	soon := today.AddDate(0, 0, 7)
	for i := range items {
		it := &items[i]
		overdue := it.Overdue(today)
		a.Count(it.Status, overdue, !overdue && it.Open() && !it.Due.IsZero() && !it.Due.After(dayOf(soon)))
	}
	return a
}

// Count adds one item in state status; overdue and dueSoon are its
// standing on the build's date.
func (a *Actions) Count(status string, overdue, dueSoon bool) {
	a.Total++
	switch status {
	case "open":
		a.Open++
	case "in-progress":
		a.InProgress++
	case "done":
		a.Done++
	case "wont-do":
		a.WontDo++
	}
	if overdue {
		a.Overdue++
	} else if dueSoon {
		a.DueSoon++
	}
}

// Add sums b into a.
func (a *Actions) Add(b Actions) {
	a.Total += b.Total
	a.Open += b.Open
	a.InProgress += b.InProgress
	a.Done += b.Done
	a.WontDo += b.WontDo
	a.Overdue += b.Overdue
	a.DueSoon += b.DueSoon
}

// Unresolved is open plus in progress: what DESIGN calls "open".
func (a Actions) Unresolved() int { return a.Open + a.InProgress }

func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Median of xs; NaN when empty. xs is not modified.
func Median(xs []float64) float64 { return Percentile(xs, 50) }

// Percentile p (0–100) of xs by linear interpolation between closest
// ranks, as spreadsheets compute it; NaN when empty.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return percentileSorted(s, p)
}

// percentileSorted is Percentile for an already sorted, non-empty s, so
// callers that need several percentiles of one sample sort it once.
func percentileSorted(s []float64, p float64) float64 {
	if len(s) == 1 {
		return s[0]
	}
	rank := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	return s[lo] + (s[hi]-s[lo])*(rank-float64(lo))
}

// Quarter names the calendar quarter of t, "2025-Q4".
func Quarter(t time.Time) string {
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}

// QuarterStart is the first instant of t's quarter in t's zone.
func QuarterStart(t time.Time) time.Time {
	q := (int(t.Month()) - 1) / 3
	return time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, t.Location())
}

// Delay is the report delay in hours: first commit − resolved. ok is
// false when either is unknown.
func Delay(r *report.Report) (hours float64, ok bool) {
	if r.Git == nil || r.Git.Created.IsZero() || r.Resolved.IsZero() {
		return 0, false
	}
	return r.Git.Created.Sub(r.Resolved).Hours(), true
}
