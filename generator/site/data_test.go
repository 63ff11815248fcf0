package site

import (
	"testing"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// TestDuplicateIDsGetOwnPages: two reports with one ID (which check
// reports as an error) must not write the same page, or which one a
// build shows would depend on the order its workers finish in.
func TestDuplicateIDsGetOwnPages(t *testing.T) {
	cfg, err := config.Default(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rs := []*report.Report{
		{Path: "docs/incident-reports/2025/a.md", ID: "INC-1", Started: date(2025, 1, 1)},
		{Path: "docs/incident-reports/2025/b.md", ID: "INC-1", Started: date(2025, 1, 1)},
		{Path: "docs/incident-reports/2025/c.md", ID: "INC-1-2", Started: date(2025, 1, 1)},
	}
	report.Sort(rs)
	es := newEntries(rs, cfg, date(2026, 1, 1), false)
	want := map[string]string{
		"docs/incident-reports/2025/c.md": "incidents/INC-1-2/",
		"docs/incident-reports/2025/a.md": "incidents/INC-1/",
		"docs/incident-reports/2025/b.md": "incidents/INC-1-3/",
	}
	for _, e := range es {
		if e.URL != want[e.Path] {
			t.Errorf("%s: URL %s, want %s", e.Path, e.URL, want[e.Path])
		}
	}
}
