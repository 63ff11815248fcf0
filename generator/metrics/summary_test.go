package metrics

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares v, as indented JSON, with testdata/golden/name.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("marshal (a NaN or Inf would fail here): %v", err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", path, got)
	}
}

func TestComputeGolden(t *testing.T) {
	golden(t, "summary.json", Compute(fixture(), fixtureOptions()))
}

func TestKPIsGolden(t *testing.T) {
	golden(t, "kpis.json", KPIs(fixture(), fixtureOptions()))
}

// TestComputeFixture spells out the fixture's key facts, so a wrong
// golden file cannot be accepted unnoticed.
func TestComputeFixture(t *testing.T) {
	s := Compute(fixture(), fixtureOptions())
	month := func(m string) MonthCount {
		for _, x := range s.Months {
			if x.Month == m {
				return x
			}
		}
		t.Fatalf("no month %s", m)
		return MonthCount{}
	}
	quarter := func(q string) QuarterStats {
		for _, x := range s.Quarters {
			if x.Quarter == q {
				return x
			}
		}
		t.Fatalf("no quarter %s", q)
		return QuarterStats{}
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"severities", fmt.Sprint(s.Severities), "[P0 P1 P2 P3 other]"},
		{"incidents", s.Incidents, 12},
		{"undated", s.Undated, 1},
		{"out of range", s.OutOfRange, 1},
		{"first month", s.Months[0].Month, "2024-11"},
		{"last month is Today's", s.Months[len(s.Months)-1].Month, "2025-11"},
		{"months", len(s.Months), 13},
		{"empty month filled", month("2024-12").Total, 0},
		{"April empty", fmt.Sprint(month("2025-04").Counts), "[0 0 0 0 0]"},
		{"March by local time", month("2025-03").Counts[1], 1},
		{"September by local time", month("2025-09").Counts[0], 1},
		{"October has none", month("2025-10").Total, 0},
		{"ID date places a report", month("2025-08").Counts[2], 1},
		{"other severity", month("2025-07").Counts[4], 1},
		{"quarters", len(s.Quarters), 5},
		{"Q1 incidents", quarter("2025-Q1").Incidents, 3},
		{"Q1 TTR median", quarter("2025-Q1").TTR.Median, 150.0},
		{"Q1 reports on time", fmt.Sprint(quarter("2025-Q1").Reports.Num, "/", quarter("2025-Q1").Reports.Den), "1/2"},
		{"Q1 actions", fmt.Sprint(quarter("2025-Q1").Actions.Total, quarter("2025-Q1").Actions.Done, quarter("2025-Q1").Actions.WontDo), "4 2 1"},
		{"Q1 completion", quarter("2025-Q1").Actions.Completion.Value, 2.0 / 3},
		{"Q1 closed on time", fmt.Sprint(quarter("2025-Q1").Actions.ClosedOnTime.Num, "/", quarter("2025-Q1").Actions.ClosedOnTime.Den), "2/3"},
		{"Q2 unresolved has no TTR", quarter("2025-Q2").TTR.N, 1},
		{"Q2 users", quarter("2025-Q2").Users, 1200},
		{"Q3 closed on local due date", quarter("2025-Q3").Actions.ClosedOnTime.Value, 1.0},
		{"Q3 early report on time", quarter("2025-Q3").Reports.Value, 1.0},
		{"Q4 late report", quarter("2025-Q4").Reports.Valid && quarter("2025-Q4").Reports.Value == 0, true},
		{"top service", s.TopServicesByCount[0].Service, "booking-api"},
		{"dup service counted once", s.TopServicesByCount[2], ServiceStat{Service: "payments", Incidents: 3, Resolved: 2, Minutes: 26*60 + 90}},
		{"undated report's service", s.TopServicesByCount[4].Service, "database"},
		{"longest service", s.TopServicesByDuration[0].Service, "booking-api"},
		{"priorities", fmt.Sprintf("%d %q %q", len(s.CloseDays), s.CloseDays[0].Priority, s.CloseDays[len(s.CloseDays)-1].Priority), `4 "P0" ""`},
		{"on-time closure", fmt.Sprint(s.OnTimeClosure.Num, "/", s.OnTimeClosure.Den), "4/5"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestComputeEdges(t *testing.T) {
	opt := fixtureOptions()
	noToday := opt
	noToday.Today = time.Time{}
	months := func(s *Summary) string {
		if len(s.Months) == 0 {
			return ""
		}
		return s.Months[0].Month + ".." + s.Months[len(s.Months)-1].Month
	}
	tenYears := func() []*report.Report {
		var rs []*report.Report
		for y := 2016; y <= 2025; y++ {
			rs = append(rs, inc(fmt.Sprintf("INC-%d-01-10-001", y), "P2", at(y, 1, 10, 9, 0), 5, 50))
		}
		rs = append(rs, inc("INC-2025-12-31-001", "P0", at(2025, 12, 31, 22, 0), 5, 50))
		return rs
	}
	tests := []struct {
		name  string
		rs    []*report.Report
		opt   Options
		check func(t *testing.T, s *Summary)
	}{
		{"no reports", nil, opt, func(t *testing.T, s *Summary) {
			if len(s.Months)+len(s.Quarters)+len(s.TopServicesByCount)+len(s.CloseDays) != 0 || s.TTR.Valid || s.OnTimeClosure.Valid {
				t.Errorf("want an empty summary, got %+v", s)
			}
			if fmt.Sprint(s.Severities) != "[P0 P1 P2 P3]" {
				t.Errorf("severities %v", s.Severities)
			}
		}},
		{"one report, no Today", []*report.Report{inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60)}, noToday, func(t *testing.T, s *Summary) {
			if months(s) != "2025-03..2025-03" || len(s.Quarters) != 1 || s.Quarters[0].TTR.Median != 60 || s.Quarters[0].TTR.P90 != 60 {
				t.Errorf("got %s %+v", months(s), s.Quarters)
			}
		}},
		{"one report runs to Today", []*report.Report{inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60)}, opt, func(t *testing.T, s *Summary) {
			if months(s) != "2025-03..2025-11" || len(s.Quarters) != 4 {
				t.Errorf("got %s, %d quarters", months(s), len(s.Quarters))
			}
		}},
		{"unresolved incidents", []*report.Report{inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), -1, -1, "api")}, opt, func(t *testing.T, s *Summary) {
			q := s.Quarters[0]
			if q.Incidents != 1 || q.TTR.Valid || q.TTD.Valid || q.TTR.Median != 0 || len(s.TopServicesByDuration) != 0 || s.TopServicesByCount[0].Incidents != 1 {
				t.Errorf("got %+v; by duration %+v", q, s.TopServicesByDuration)
			}
		}},
		{"items without due or close", func() []*report.Report {
			r := inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60)
			r.ActionItems = []report.ActionItem{item("open", "P1", time.Time{}, time.Time{}), item("done", "P1", time.Time{}, time.Time{})}
			return []*report.Report{r}
		}(), opt, func(t *testing.T, s *Summary) {
			a := s.Quarters[0].Actions
			if a.Total != 2 || a.Completion.Value != 0.5 || a.ClosedOnTime.Valid || len(s.CloseDays) != 0 || s.OnTimeClosure.Valid {
				t.Errorf("got %+v, close days %+v", a, s.CloseDays)
			}
		}},
		{"all items dropped", func() []*report.Report {
			r := inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60)
			r.ActionItems = []report.ActionItem{item("wont-do", "P1", time.Time{}, time.Time{})}
			return []*report.Report{r}
		}(), opt, func(t *testing.T, s *Summary) {
			if c := s.Quarters[0].Actions.Completion; c.Valid || c.Den != 0 {
				t.Errorf("completion of nothing: %+v", c)
			}
		}},
		{"closed before resolution counts as 0 days", func() []*report.Report {
			r := inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 600)
			r.ActionItems = []report.ActionItem{item("done", "P1", date(2025, 3, 1), at(2025, 3, 1, 10, 0))}
			return []*report.Report{r}
		}(), opt, func(t *testing.T, s *Summary) {
			if d := s.CloseDays[0].Days; d.Median != 0 || d.N != 1 {
				t.Errorf("got %+v", d)
			}
		}},
		{"days to close from start when unresolved", func() []*report.Report {
			r := inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, -1)
			r.ActionItems = []report.ActionItem{item("done", "P1", time.Time{}, at(2025, 3, 4, 21, 0))}
			return []*report.Report{r}
		}(), opt, func(t *testing.T, s *Summary) {
			if d := s.CloseDays[0].Days; d.Median != 3.5 {
				t.Errorf("got %+v", d)
			}
		}},
		{"reports without git", []*report.Report{inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60)}, opt, func(t *testing.T, s *Summary) {
			if r := s.Quarters[0].Reports; r.Valid || r.Den != 0 {
				t.Errorf("got %+v", r)
			}
		}},
		{"months with no incidents", []*report.Report{
			inc("INC-2024-01-05-001", "P1", at(2024, 1, 5, 9, 0), 5, 60),
			inc("INC-2024-06-05-001", "P3", at(2024, 6, 5, 9, 0), 5, 60),
		}, noToday, func(t *testing.T, s *Summary) {
			if months(s) != "2024-01..2024-06" || len(s.Months) != 6 || s.Months[2].Total != 0 || fmt.Sprint(s.Months[5].Counts) != "[0 0 0 1]" {
				t.Errorf("got %+v", s.Months)
			}
			if len(s.Quarters) != 2 || s.Quarters[1].Quarter != "2024-Q2" {
				t.Errorf("got %+v", s.Quarters)
			}
		}},
		{"a 10-year span", tenYears(), Options{Today: time.Date(2025, 12, 31, 23, 59, 0, 0, zone), Location: zone, Severities: opt.Severities}, func(t *testing.T, s *Summary) {
			if len(s.Months) != 120 || len(s.Quarters) != 40 || months(s) != "2016-01..2025-12" {
				t.Errorf("got %d months (%s), %d quarters", len(s.Months), months(s), len(s.Quarters))
			}
			if s.Quarters[39].Incidents != 1 || s.Quarters[36].Incidents != 1 {
				t.Errorf("2025 quarters: %+v", s.Quarters[36:])
			}
		}},
		{"a year typo far in the past", []*report.Report{
			inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60),
			inc("INC-1025-03-01-001", "P1", at(1025, 3, 1, 9, 0), 5, 60, "api"),
		}, opt, func(t *testing.T, s *Summary) {
			if s.OutOfRange != 1 || months(s) != "2025-03..2025-11" || s.TopServicesByCount[0].Service != "api" {
				t.Errorf("got %d out of range, %s", s.OutOfRange, months(s))
			}
		}},
		{"a year typo far in the future without Today", []*report.Report{
			inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60),
			inc("INC-2925-03-01-001", "P1", at(2925, 3, 1, 9, 0), 5, 60),
			inc("INC-2025-05-01-001", "P1", at(2025, 5, 1, 9, 0), 5, 60),
		}, noToday, func(t *testing.T, s *Summary) {
			if s.OutOfRange != 1 || months(s) != "2025-03..2025-05" {
				t.Errorf("got %d out of range, %d months %s", s.OutOfRange, len(s.Months), months(s))
			}
		}},
		{"no severities configured", []*report.Report{inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60)}, Options{}, func(t *testing.T, s *Summary) {
			if fmt.Sprint(s.Severities) != "[other]" || s.Months[0].Counts[0] != 1 || s.DeadlineHours != 48 {
				t.Errorf("got %v %+v deadline %v", s.Severities, s.Months, s.DeadlineHours)
			}
		}},
		{"top services keep ten, ties by name", func() []*report.Report {
			var rs []*report.Report
			for i := range 12 {
				rs = append(rs, inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60, fmt.Sprintf("svc-%02d", 11-i)))
			}
			return rs
		}(), opt, func(t *testing.T, s *Summary) {
			if len(s.TopServicesByCount) != TopN || s.TopServicesByCount[0].Service != "svc-00" || s.TopServicesByCount[9].Service != "svc-09" {
				t.Errorf("got %+v", s.TopServicesByCount)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Compute(tc.rs, tc.opt)
			if _, err := json.Marshal(s); err != nil {
				t.Fatalf("summary is not NaN-free: %v", err)
			}
			tc.check(t, s)
		})
	}
}

func TestKPIs(t *testing.T) {
	opt := fixtureOptions()
	tests := []struct {
		name  string
		rs    []*report.Report
		check func(t *testing.T, k Scope)
	}{
		{"no reports", nil, func(t *testing.T, k Scope) {
			if k.Quarter.Total != 0 || k.TTR.Valid || k.ReportsOnTime.Valid || len(k.Quarter.BySeverity) != 4 || k.Quarter.Label != "2025-Q4" || k.Year.Label != "2025" {
				t.Errorf("got %+v", k)
			}
		}},
		{"fixture", fixture(), func(t *testing.T, k Scope) {
			// This quarter: 2025-11-02 only (12-05 is after Today).
			// This year: every started 2025 incident up to Today.
			if k.Quarter.Total != 1 || k.Year.Total != 8 || k.Incidents != 12 {
				t.Errorf("quarter %+v year %+v", k.Quarter, k.Year)
			}
			if fmt.Sprint(k.Year.BySeverity) != "[{P0 2} {P1 3} {P2 1} {P3 1} {other 1}]" {
				t.Errorf("year by severity %v", k.Year.BySeverity)
			}
			if k.Actions.Total != 9 || k.Actions.Unresolved() != 3 || k.Actions.Overdue != 1 || k.Actions.Done != 5 {
				t.Errorf("actions %+v", k.Actions)
			}
			if k.ReportsOnTimeQuarter.Den != 1 || k.ReportsOnTimeQuarter.Num != 0 || k.ReportsOnTime.Num != 4 || k.ReportsOnTime.Den != 6 {
				t.Errorf("timeliness %+v %+v", k.ReportsOnTimeQuarter, k.ReportsOnTime)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := KPIs(tc.rs, opt)
			if _, err := json.Marshal(k); err != nil {
				t.Fatalf("scope is not NaN-free: %v", err)
			}
			tc.check(t, k)
		})
	}
}

func TestClosure(t *testing.T) {
	resolved := inc("INC-2025-03-01-001", "P1", at(2025, 3, 1, 9, 0), 5, 60)
	unresolved := inc("INC-2025-03-01-002", "P1", at(2025, 3, 1, 9, 0), 5, -1)
	undated := &report.Report{ID: "x"}
	tests := []struct {
		name         string
		r            *report.Report
		a            report.ActionItem
		days         float64
		hasDays      bool
		onTime, know bool
	}{
		{"closed two days after resolution, on due", resolved, item("done", "P1", date(2025, 3, 3), at(2025, 3, 3, 10, 0)), 2, true, true, true},
		{"late by a day", resolved, item("done", "P1", date(2025, 3, 2), at(2025, 3, 3, 10, 0)), 2, true, false, true},
		{"local date decides, not UTC", resolved, item("wont-do", "P1", date(2025, 3, 3), time.Date(2025, 3, 4, 5, 0, 0, 0, time.UTC)), 2.5417, true, true, true},
		{"unresolved counts from start", unresolved, item("done", "P1", time.Time{}, at(2025, 3, 2, 9, 0)), 1, true, false, false},
		{"closed during the incident", resolved, item("done", "P1", time.Time{}, at(2025, 3, 1, 9, 30)), 0, true, false, false},
		{"no incident times", undated, item("done", "P1", date(2025, 3, 3), at(2025, 3, 3, 10, 0)), 0, false, true, true},
		{"open with a stale close date", resolved, item("open", "P1", date(2025, 3, 3), at(2025, 3, 3, 10, 0)), 0, false, false, false},
		{"never closed", resolved, item("done", "P1", date(2025, 3, 3), time.Time{}), 0, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := DaysToClose(tc.r, &tc.a)
			if ok != tc.hasDays || math.Abs(round4(d)-tc.days) > 1e-4 {
				t.Errorf("DaysToClose = %v, %v; want %v, %v", d, ok, tc.days, tc.hasDays)
			}
			on, known := ClosedOnTime(&tc.a, zone)
			if on != tc.onTime || known != tc.know {
				t.Errorf("ClosedOnTime = %v, %v; want %v, %v", on, known, tc.onTime, tc.know)
			}
		})
	}
}

func TestPercentileUnchanged(t *testing.T) {
	tests := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{[]float64{1}, 90, 1},
		{[]float64{3, 1, 2}, 50, 2},
		{[]float64{1, 2, 3, 4}, 50, 2.5},
		{[]float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 90, 91},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.xs, tc.p), func(t *testing.T) {
			if got := Percentile(tc.xs, tc.p); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) must stay NaN for existing callers")
	}
}

// synthetic builds n reports over ten years with services, impact, git
// history and action items, deterministically.
func synthetic(n int) []*report.Report {
	sevs := []string{"P0", "P1", "P2", "P3"}
	statuses := []string{"open", "in-progress", "done", "wont-do"}
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, zone)
	span := 10 * 365 * 24 * time.Hour
	rs := make([]*report.Report, n)
	for i := range rs {
		x := uint64(i)*2654435761 + 12345 // a cheap deterministic scatter
		s := start.Add(time.Duration(x % uint64(span)))
		r := inc(fmt.Sprintf("INC-%s-%03d", s.Format("2006-01-02"), i%1000), sevs[x%4], s, int(x%90), int(30+x%2000),
			fmt.Sprintf("svc-%02d", x%50), fmt.Sprintf("svc-%02d", (x/7)%50))
		filed(r, float64(x%100))
		r.Impact = report.Impact{Users: ptr(int(x % 5000)), Revenue: ptr(float64(x % 100000))}
		for j := range 4 {
			st := statuses[(x+uint64(j))%4]
			var closed time.Time
			if st == "done" || st == "wont-do" {
				closed = r.Resolved.Add(time.Duration(j*36) * time.Hour)
			}
			r.ActionItems = append(r.ActionItems, item(st, sevs[(x+uint64(j))%4], date(s.Year(), s.Month(), s.Day()).AddDate(0, 0, 7), closed))
		}
		rs[i] = r
	}
	return rs
}

func TestComputeLarge(t *testing.T) {
	rs := synthetic(10000)
	opt := fixtureOptions()
	opt.Today = time.Date(2026, 1, 1, 0, 0, 0, 0, zone)
	s := Compute(rs, opt)
	total := 0
	for _, m := range s.Months {
		total += m.Total
	}
	if total+s.Undated+s.OutOfRange != len(rs) {
		t.Errorf("months hold %d, undated %d, out of range %d; want %d in all", total, s.Undated, s.OutOfRange, len(rs))
	}
	if len(s.Months) != 121 || len(s.TopServicesByCount) != TopN {
		t.Errorf("%d months, %d top services", len(s.Months), len(s.TopServicesByCount))
	}
}

func BenchmarkCompute(b *testing.B) {
	rs := synthetic(10000)
	opt := fixtureOptions()
	opt.Today = time.Date(2026, 1, 1, 0, 0, 0, 0, zone)
	b.ReportAllocs()
	for b.Loop() {
		Compute(rs, opt)
	}
}

func BenchmarkKPIs(b *testing.B) {
	rs := synthetic(10000)
	opt := fixtureOptions()
	b.ReportAllocs()
	for b.Loop() {
		KPIs(rs, opt)
	}
}
