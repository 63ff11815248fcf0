package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/themes"
)

// benchReports are n reports like the benchmark corpus's: six action
// items among eight owners, three services of thirteen, two tags.
func benchReports(n int) []*report.Report {
	owners := []string{"Engineering Lead", "Engineering", "Customer Support", "DevOps", "Operations Manager", "Security Team", "SRE Team", "CTO"}
	sevs := []string{"P0", "P1", "P2", "P3"}
	statuses := []string{"open", "in-progress", "done", "wont-do", "open"}
	start := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	rs := make([]*report.Report, n)
	for i := range rs {
		s := start.Add(time.Duration(i) * 7 * time.Hour)
		r := &report.Report{
			Path: fmt.Sprintf("docs/incident-reports/%d/r%d.md", s.Year(), i), ID: fmt.Sprintf("INC-%s-%03d", s.Format("2006-01-02"), i%1000),
			Title: fmt.Sprintf("Report number %d about a failing thing", i), Severity: sevs[i%4], Status: "final", Visibility: "public",
			Started: s, Detected: s.Add(20 * time.Minute), Resolved: s.Add(time.Duration(30+i%300) * time.Minute),
			Services: []string{fmt.Sprintf("svc-%d", i%13), fmt.Sprintf("svc-%d", (i/3)%13), fmt.Sprintf("svc-%d", (i/7)%13)},
			Tags:     []string{fmt.Sprintf("tag-%d", i%13), fmt.Sprintf("tag-%d", (i/5)%13)},
			Impact:   report.Impact{Users: ptr(i % 500), Revenue: ptr(float64(i % 9000))},
		}
		for j := range 6 {
			st := statuses[(i+j)%5]
			a := report.ActionItem{Title: fmt.Sprintf("Follow-up %d of report %d", j, i), Owner: owners[(i+j)%8], Due: date(s.Year(), s.Month(), s.Day()).AddDate(0, 0, 7+j*5),
				Status: st, Priority: sevs[j%4]}
			if st == "done" || st == "wont-do" {
				a.Closed = r.Resolved.Add(time.Duration(j*30) * time.Hour)
			}
			r.ActionItems = append(r.ActionItems, a)
		}
		rs[i] = r
	}
	return rs
}

// BenchmarkRender renders a 1,000-report site; the dashboards sub-benchmark
// renders only the pages this package adds for them.
func BenchmarkRender(b *testing.B) {
	cfg, err := config.Default(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	in := Input{Config: cfg, Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), Theme: themes.Default(), Reports: benchReports(1000), Workers: 1}
	b.Run("site", func(b *testing.B) {
		for b.Loop() {
			if _, err := Render(context.Background(), in, b.TempDir()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDashboards renders the reports of the benchmark corpus (see
// scripts/bench.sh; HINDSIGHT_BENCH_REPORTS picks its size, 1,000 by
// default) with and without the dashboards (action items, owners,
// metrics, services and tags, action exports), to tell what they add.
func BenchmarkDashboards(b *testing.B) {
	n := 1000
	if s := os.Getenv("HINDSIGHT_BENCH_REPORTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := filepath.Join(os.TempDir(), "hindsight-corpus-"+strconv.Itoa(n))
	files, _ := filepath.Glob(filepath.Join(dir, "docs/incident-reports/*/*.md"))
	if len(files) == 0 {
		b.Skipf("no corpus in %s: run go test -bench Build ./generator/ first", dir)
	}
	cfg, err := config.Load(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	var rs []*report.Report
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, f)
		r, err := report.Parse(filepath.ToSlash(rel), data, report.Options{Zones: report.Zones{Location: cfg.Location, Offsets: cfg.Offsets}, Severities: cfg.Severities})
		if err != nil {
			continue
		}
		rs = append(rs, r)
	}
	in := Input{Config: cfg, Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), Theme: themes.Default(), Reports: rs}
	for _, with := range []bool{true, false} {
		name := "with-dashboards"
		if !with {
			name = "without-dashboards"
		}
		b.Run(name, func(b *testing.B) {
			in.noDashboards = !with
			out := b.TempDir() // rewritten in place, as builds reuse their folder
			for b.Loop() {
				if _, err := Render(context.Background(), in, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEntries computes what the pages show of 10,000 reports and
// their 60,000 action items: it runs on one core before the pages are
// rendered on all of them.
func BenchmarkEntries(b *testing.B) {
	cfg, err := config.Default(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	rs := benchReports(10000)
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		newEntries(rs, cfg, today, false)
	}
}
