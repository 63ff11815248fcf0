package metrics

import (
	"strconv"
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// Scope is the headline numbers of a set of reports: the home page for
// all of them, a service or tag page for its own.
type Scope struct {
	// Incidents is the number of reports in the scope.
	Incidents int
	// Quarter and Year count the incidents that started from the start
	// of Today's quarter (year) up to Today.
	Quarter, Year Period
	// TTR is time to resolve in minutes over all the scope's incidents,
	// not just this quarter's: a quarter often has too few to say much.
	TTR Stat
	// Actions tallies every action item of the scope;
	// Actions.Unresolved() is what the pages call open.
	Actions Actions
	// ReportsOnTime is reports filed within the deadline out of those
	// with a known delay; ReportsOnTimeQuarter only for this quarter's
	// incidents.
	ReportsOnTime, ReportsOnTimeQuarter Rate
}

// Period counts a span's incidents by severity.
type Period struct {
	Label      string // "2025-Q4", "2025"
	Total      int
	BySeverity []SevCount // the configured severities, then OtherSeverity if any report has another
}

// SevCount is one severity's count.
type SevCount struct {
	Severity string
	Count    int
}

// KPIs computes the headline numbers of rs in one pass (plus one sort for
// the median).
func KPIs(rs []*report.Report, opt Options) Scope {
	opt = opt.normalised()
	sev := newSevIndex(opt.Severities)
	now := opt.Today.In(opt.Location)
	qStart := QuarterStart(now)
	yStart := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, now.Location())

	k := Scope{Incidents: len(rs)}
	k.Quarter.Label = Quarter(now)
	k.Year.Label = strconv.Itoa(now.Year())
	q := make([]int, len(opt.Severities)+1)
	y := make([]int, len(opt.Severities)+1)
	hasOther := false
	var ttr []float64
	var onTime, known, onTimeQ, knownQ int
	for _, r := range rs {
		i := sev.of(r.Severity)
		if i == sev.other {
			hasOther = true
		}
		k.Actions.Add(CountActions(r.ActionItems, now))
		if d, ok := r.TimeToResolve(); ok {
			ttr = append(ttr, d.Minutes())
		}
		h, hasDelay := Delay(r)
		if hasDelay {
			known++
			if h <= opt.DeadlineHours {
				onTime++
			}
		}
		// Like the home page, only a known start places an incident in
		// this quarter or year: an ID date alone is too coarse for "now".
		if opt.Today.IsZero() || r.Started.IsZero() {
			continue
		}
		s := r.Started.In(opt.Location)
		if s.Before(yStart) || s.After(now) {
			continue
		}
		y[i]++
		k.Year.Total++
		if s.Before(qStart) {
			continue
		}
		q[i]++
		k.Quarter.Total++
		if hasDelay {
			knownQ++
			if h <= opt.DeadlineHours {
				onTimeQ++
			}
		}
	}
	n := len(opt.Severities)
	if hasOther {
		n++
	}
	names := append(append([]string(nil), opt.Severities...), OtherSeverity)
	k.Quarter.BySeverity = make([]SevCount, n)
	k.Year.BySeverity = make([]SevCount, n)
	for i := range n {
		k.Quarter.BySeverity[i] = SevCount{names[i], q[i]}
		k.Year.BySeverity[i] = SevCount{names[i], y[i]}
	}
	k.TTR = stat(ttr)
	k.ReportsOnTime = rate(onTime, known)
	k.ReportsOnTimeQuarter = rate(onTimeQ, knownQ)
	return k
}
