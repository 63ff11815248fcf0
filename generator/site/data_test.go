package site

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/themes"
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

// TestReportsJSONPiecewise: data/reports.json is written one report at
// a time, so that unchanged reports' entries can be kept; it must be
// what encoding/json gives for the whole file.
func TestReportsJSONPiecewise(t *testing.T) {
	cfg, err := config.Default(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rs := fixtureReports()
	rs[0].Git = &report.Git{Created: date(2026, 3, 2), Updated: date(2026, 3, 3), Revisions: 2, Authors: []string{"A <b>"},
		History: []report.Revision{{Commit: "0123456789abcdef", Date: date(2026, 3, 3), Author: "A", Subject: "</script> & more"}}}
	rs[1].Diagnostics = []report.Diagnostic{{Path: rs[1].Path, Line: 2, Severity: "warning", Rule: "r", Message: "m \u2028"},
		{Path: rs[1].Path, Line: 7, Col: 3, Severity: "error", Rule: "x", Message: "bad \xff byte"}}
	rs[2].Git = &report.Git{Shallow: true, Uncommitted: true}
	rs[2].Title += " \x00<\xe2\x80"
	report.Sort(rs)
	for _, n := range []int{0, 1, len(rs)} {
		entries := newEntries(rs[:n], cfg, fixtureNow, false)
		for i, e := range entries {
			// report delays of every sign and size
			e.HasDelay, e.DelayHours = true, []float64{-3.25, 0, 1e-9, 47.96, 1e22}[i%5]
		}
		var out bytes.Buffer
		if err := ReportsJSON(&out, entries, Input{Now: fixtureNow}); err != nil {
			t.Fatal(err)
		}
		got := out.Bytes()
		whole := struct {
			Generated jsonTime     `json:"generated"`
			Reports   []jsonReport `json:"reports"`
		}{Generated: jsonTime(fixtureNow), Reports: []jsonReport{}}
		for _, e := range entries {
			whole.Reports = append(whole.Reports, newJSONReport(e))
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", " ")
		if err := enc.Encode(whole); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), string(got)); diff != "" {
			t.Errorf("%d reports: (-whole +piecewise)\n%s", n, diff)
		}
	}
}

// TestWorkersSameSite: the entries are worked out in runs, one per worker,
// each run with strings of its own; a site must not depend on how many
// runs there were.
func TestWorkersSameSite(t *testing.T) {
	cfg, err := config.Default(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rs := benchReports(1100)
	rs[1000].Related = []string{rs[3].ID, "INC-MISSING"}
	render := func(workers int) map[string]string {
		dir := t.TempDir()
		in := Input{Config: cfg, Now: fixtureNow, Theme: themes.Default(), Reports: rs, Workers: workers}
		if _, err := Render(context.Background(), in, dir); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	one, three := render(1), render(3)
	if len(one) < 1100 {
		t.Fatalf("one worker wrote %d files, want more than 1,100", len(one))
	}
	for name, b := range one {
		if three[name] != b {
			t.Errorf("%s differs between one worker and three", name)
		}
	}
	for name := range three {
		if _, ok := one[name]; !ok {
			t.Errorf("%s written by three workers only", name)
		}
	}
}

func TestURLSegment(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"INC-2024-03-01-001", "INC-2024-03-01-001"},
		{"inc_7.b", "inc_7.b"},
		{".hidden", "hidden"},
		{"..", "report"},
		{".", "report"},
		{"a/b", "a-b"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			if got := urlSegment(tc.id); got != tc.want {
				t.Errorf("urlSegment(%q) = %q, want %q", tc.id, got, tc.want)
			}
		})
	}
}
