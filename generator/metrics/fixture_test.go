package metrics

import (
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// zone is the fixture's config timezone: a fixed offset so the tests need
// no tzdata, six hours behind UTC so month and quarter edges differ from
// UTC's.
var zone = time.FixedZone("CST", -6*3600)

// fixtureToday is the fixture's build date, in the fourth quarter of 2025.
var fixtureToday = time.Date(2025, 11, 20, 10, 0, 0, 0, zone)

func fixtureOptions() Options {
	return Options{Today: fixtureToday, Location: zone, Severities: []string{"P0", "P1", "P2", "P3"}, DeadlineHours: 48}
}

func at(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, zone) }
func date(y int, m time.Month, d int) time.Time      { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
func ptr[T any](v T) *T                              { return &v }

// inc is a report started at start, detected and resolved the given
// minutes later (negative: unknown).
func inc(id, sev string, start time.Time, detect, resolve int, services ...string) *report.Report {
	r := &report.Report{ID: id, Title: "Incident " + id, Severity: sev, Started: start, Services: services}
	if detect >= 0 && !start.IsZero() {
		r.Detected = start.Add(time.Duration(detect) * time.Minute)
	}
	if resolve >= 0 && !start.IsZero() {
		r.Resolved = start.Add(time.Duration(resolve) * time.Minute)
	}
	return r
}

// filed gives r a first commit hours after its resolution.
func filed(r *report.Report, hours float64) *report.Report {
	r.Git = &report.Git{Created: r.Resolved.Add(time.Duration(hours * float64(time.Hour))), Revisions: 1}
	return r
}

func item(status, prio string, due, closed time.Time) report.ActionItem {
	return report.ActionItem{Title: status + " " + prio, Owner: "SRE", Status: status, Priority: prio, Due: due, Closed: closed}
}

// fixture is twelve-odd reports covering the cases the summary must get
// right; fixture_test's comments say which.
func fixture() []*report.Report {
	var rs []*report.Report
	add := func(r *report.Report) *report.Report { rs = append(rs, r); return r }

	// The first month: 2024-11, so 2024-12 must be filled in as zeros.
	add(filed(inc("INC-2024-11-20-001", "P3", at(2024, 11, 20, 8, 0), 10, 60, "search"), 12))

	r := add(filed(inc("INC-2025-01-15-001", "P0", at(2025, 1, 15, 14, 0), 15, 150, "booking-api", "admin-dashboard"), 20))
	r.Impact = report.Impact{Users: ptr(47), Revenue: ptr(3520.0)}
	r.ActionItems = []report.ActionItem{
		item("done", "P0", date(2025, 1, 22), at(2025, 1, 20, 9, 0)),    // on time
		item("open", "P1", date(2025, 2, 1), time.Time{}),               // overdue
		item("wont-do", "P2", date(2025, 1, 30), at(2025, 1, 25, 9, 0)), // dropped, on time
	}

	r = add(filed(inc("INC-2025-02-03-001", "P2", at(2025, 2, 3, 9, 0), 5, 45, "search"), 72))        // late report
	r.ActionItems = []report.ActionItem{item("done", "P1", date(2025, 3, 1), at(2025, 3, 10, 12, 0))} // closed late

	// 23:30 local on 31 March is 1 April in UTC: it belongs to March/Q1.
	// No git history: its timeliness is unknown.
	add(inc("INC-2025-03-31-001", "P1", at(2025, 3, 31, 23, 30), 20, 180, "booking-api"))

	// April 2025: no incident.

	// Unresolved: no time to resolve; an item without due or close date.
	r = add(inc("INC-2025-05-10-001", "P3", at(2025, 5, 10, 7, 0), 30, -1, "payments"))
	r.ActionItems = []report.ActionItem{item("in-progress", "P2", time.Time{}, time.Time{})}

	// A service named twice counts once; closed with no due date.
	r = add(filed(inc("INC-2025-06-12-001", "P1", at(2025, 6, 12, 10, 0), 12, 26*60, "payments", "booking-api", "payments"), 30))
	r.Impact = report.Impact{Users: ptr(1200), Revenue: ptr(15000.5)}
	r.ActionItems = []report.ActionItem{item("done", "P0", time.Time{}, at(2025, 6, 20, 16, 0))}

	// A severity that is not configured lands in "other".
	add(inc("INC-2025-07-04-001", "SEV9", at(2025, 7, 4, 12, 0), -1, 20))

	// No start: placed by the date in its ID, and lower-case severity.
	add(&report.Report{ID: "INC-2025-08-15-002", Severity: "p2", Title: "No times"})

	// No start and no dated ID: in no period, yet still in the services.
	add(&report.Report{ID: "postmortem-db", Severity: "P2", Services: []string{"database"}})

	// After Today: a typo, left out of the periods.
	add(inc("INC-2025-12-05-001", "P0", at(2025, 12, 5, 9, 0), 5, 30, "search"))

	// 03:00 UTC on 1 October is 21:00 local on 30 September: Q3. First
	// commit before resolution counts as on time; the item closed at
	// 22:00 local on its due date is on time though UTC says 2 October.
	r = add(inc("INC-2025-09-30-001", "P0", time.Date(2025, 10, 1, 3, 0, 0, 0, time.UTC), 3, 90, "payments", "booking-api"))
	filed(r, -1)
	r.ActionItems = []report.ActionItem{
		item("done", "P0", date(2025, 10, 1), time.Date(2025, 10, 2, 4, 0, 0, 0, time.UTC)),
		item("open", "P1", date(2026, 1, 15), time.Time{}),
	}

	// This quarter: late report (50 h > 48 h).
	r = add(filed(inc("INC-2025-11-02-001", "P1", at(2025, 11, 2, 16, 0), 8, 240, "search"), 50))
	r.Impact = report.Impact{Users: ptr(3)}
	r.ActionItems = []report.ActionItem{item("done", "", date(2025, 11, 30), at(2025, 11, 10, 9, 0))}
	return rs
}
