package check_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

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

// BenchmarkRun checks 10,000 parsed reports; the budget is well under a
// second (about 220 ms on the 2-core build machines).
func BenchmarkRun(b *testing.B) {
	rs, site := corpus(b, 10000)
	b.ResetTimer()
	for b.Loop() {
		check.Run(rs, check.Options{Site: site, Today: today})
	}
}
