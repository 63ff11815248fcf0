package check_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/check"
	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// corpus returns n copies of this repository's most complete example
// report (front matter, template sections, links, attachments), each with
// its own path and id, all in the example's folder so that links and
// attachments resolve. Parsing happens once: the budget is for checking.
func corpus(tb testing.TB, n int) ([]*report.Report, *config.Site) {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	site, err := config.Default(root)
	if err != nil {
		tb.Fatal(err)
	}
	const rel = "docs/incident-reports/2025/INC-2025-10-08-001-booking-outage-schema-migration.md"
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		tb.Fatal(err)
	}
	opt := report.Options{
		Zones:      report.Zones{Location: site.Location, Offsets: site.Offsets, Ambiguous: config.Ambiguous},
		Severities: site.Severities, DefaultVisibility: site.DefaultVisibility,
	}
	base, err := report.Parse(rel, data, opt)
	if err != nil {
		tb.Fatal(err)
	}
	rs := make([]*report.Report, n)
	for i := range rs {
		r := *base
		r.ID = fmt.Sprintf("INC-2025-10-08-%03d", i+1)
		r.Path = fmt.Sprintf("docs/incident-reports/2025/%s-copy.md", r.ID)
		r.Related = []string{fmt.Sprintf("INC-2025-10-08-%03d", (i+7)%n+1)}
		rs[i] = &r
	}
	return rs, site
}

// TestRunScales holds check to its budget: 10,000 reports in well under a
// second once parsed.
func TestRunScales(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: not under -short or the race detector")
	}
	rs, site := corpus(t, 10000)
	// The best of three: the machine may be busy with other work.
	var ds []report.Diagnostic
	elapsed := time.Hour
	for range 3 {
		start := time.Now()
		ds = check.Run(rs, check.Options{Site: site, Today: today})
		elapsed = min(elapsed, time.Since(start))
	}
	t.Logf("checked %d reports in %v, %d diagnostics", len(rs), elapsed, len(ds))
	if elapsed > time.Second {
		t.Errorf("checking %d reports took %v, more than a second", len(rs), elapsed)
	}
	for _, d := range ds[:min(len(ds), 3)] {
		t.Logf("%s:%d: %s %s", d.Path, d.Line, d.Rule, d.Message)
	}
}

func BenchmarkRun(b *testing.B) {
	rs, site := corpus(b, 10000)
	b.ResetTimer()
	for b.Loop() {
		check.Run(rs, check.Options{Site: site, Today: today})
	}
}
