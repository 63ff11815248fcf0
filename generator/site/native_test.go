package site

import (
	"bytes"
	"context"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/themes"
)

// nastyReport sets every field a report page shows, each with markup,
// quotes, URL metacharacters and non-ASCII, so that the Go code standing
// in for the templates is compared with them where escaping matters.
func nastyReport() *report.Report {
	x := `<script>alert("x")</script> & 'q' +1 ü`
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.FixedZone("", -5*3600))
	yes, no := true, false
	return &report.Report{
		Path: "docs/incident-reports/2025/nasty.md", ID: `INC-2025-06-01-"><x>`, Title: x, Severity: `P1"><b>`, Status: "review",
		Visibility: "internal", Started: at, Detected: at.Add(90 * time.Second), Acknowledged: at.Add(7 * time.Minute),
		Mitigated: at.Add(20*time.Minute + 20*time.Second), Resolved: at.Add(26 * time.Hour),
		Commander: x, Author: x, ReportDate: time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC),
		Services: []string{x, "payments", " "}, Tags: []string{x, "Card Processing!"},
		Impact:   report.Impact{Users: ptr(1234567), Revenue: ptr(1234.5), DataLoss: &no, DataExposure: &yes},
		Security: report.Security{Incident: &yes, PII: &no, RegulatoryNotification: &yes, Explanation: x},
		ActionItems: []report.ActionItem{
			{Title: x, Owner: x, Due: date(2025, 6, 10), Status: "open", Priority: x, Link: "javascript:alert(1)"},
			{Title: "b", Link: "https://example.com/a b/ü?q='x'&y=(1)%zz%41", Status: "done", Due: date(2025, 6, 2), Closed: at.Add(48 * time.Hour)},
			{Title: "c", Status: "wont-do", Owner: "Zoë"},
			{Title: "d", Status: `in-progress" onclick="x`, Due: date(2030, 1, 1), Priority: "P0"},
		},
		Timeline: []report.Event{
			{At: at, Text: x, Who: x}, {At: at.Add(90 * time.Second), Text: "detected"}, {Label: x, Text: "no time"},
			{At: at.Add(7 * time.Minute), Text: "ack"}, {At: at.Add(20*time.Minute + 20*time.Second), Text: "mitigated", Who: "Zoë"},
			{At: at.Add(26 * time.Hour), Text: "resolved next day"},
		},
		Reviewers:   []report.Reviewer{{Role: x, Name: x, Approved: date(2025, 6, 4)}, {Role: "CTO"}},
		Meeting:     &report.Meeting{At: at.Add(72 * time.Hour), Attendees: []string{x, "Ana"}, Notes: x},
		Related:     []string{"INC-2026-03-01-001", x},
		Attachments: []string{"graph.png", "../../etc/passwd"},
		Body:        []byte("# " + x + "\n\n## Why " + x + "\n\nText [link](../2026/a.md) <b>raw</b>.\n\n### Deep `code`\n"),
		Diagnostics: []report.Diagnostic{{Path: "x", Line: 3, Severity: "warning", Rule: x, Message: x}},
		Git: &report.Git{Created: at.Add(30 * time.Hour), Updated: at.Add(50 * time.Hour), Revisions: 2, Authors: []string{x, "Ana"}, Modified: true, Shallow: true,
			History: []report.Revision{{Commit: "0123456789abcdef", Date: at.Add(50 * time.Hour), Author: x, Subject: x}, {Commit: "fedcba", Date: at.Add(30 * time.Hour), Author: "Ana", Subject: "add"}}},
	}
}

// TestNativeMatchesTemplates renders sites with the Go code standing in
// for the default report page and incident rows, and with every page
// executed from its template: the two must be the same, byte for byte.
func TestNativeMatchesTemplates(t *testing.T) {
	examples, err := filepath.Glob("../../docs/incident-reports/*/*.md")
	if err != nil || len(examples) == 0 {
		t.Fatalf("example reports: %v", err)
	}
	var rs []*report.Report
	for _, p := range examples {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := report.Parse(strings.TrimPrefix(p, "../../"), b, report.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	rs = append(rs, fixtureReports()...)
	rs = append(rs, benchReports(20)...)
	rs = append(rs, nastyReport())
	draft := nastyReport()
	draft.Path, draft.ID, draft.Status, draft.Visibility, draft.Git = "docs/incident-reports/2025/draft.md", "INC-DRAFT", "draft", "public", &report.Git{Uncommitted: true}
	draft.Reviewers, draft.Started = nil, time.Time{}
	rs = append(rs, draft)

	for _, repo := range []string{"", "https://git.example.com/o/r"} {
		cfg, err := config.Default(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg.RepoURL, cfg.Branch, cfg.Currency = repo, "main", "EUR"
		if repo != "" {
			cfg.BaseURL = "https://incidents.example.org/docs"
		}
		in := Input{Config: cfg, Now: fixtureNow, Theme: themes.Default(), Workers: 2, Reports: rs}
		compared := bothWays(t, in, func(rel string, want, got []byte) {
			t.Errorf("repo_url %q: %s differs (-templates +native):\n%s", repo, rel, cmp.Diff(string(want), string(got)))
		})
		if compared < len(rs) {
			t.Fatalf("compared %d files", compared)
		}
	}
}

// bothWays renders in with the Go code and from the templates alone and
// calls differ for each file the two write differently; it returns how
// many files it compared.
func bothWays(t *testing.T, in Input, differ func(rel string, want, got []byte)) int {
	t.Helper()
	native, templates := t.TempDir(), t.TempDir()
	if _, err := Render(context.Background(), in, native); err != nil {
		t.Fatal(err)
	}
	in.templatesOnly = true
	if _, err := Render(context.Background(), in, templates); err != nil {
		t.Fatal(err)
	}
	compared := 0
	err := filepath.WalkDir(templates, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(templates, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(native, rel))
		if err != nil {
			t.Errorf("%s: only written from templates", rel)
			return nil
		}
		compared++
		if !bytes.Equal(want, got) {
			differ(rel, want, got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return compared
}

// TestNativeOnlyForStockTheme checks that overriding a file the Go code
// stands for puts its template back in charge.
func TestNativeOnlyForStockTheme(t *testing.T) {
	def := themes.Default()
	for _, f := range append(append([]string(nil), nativeReportFiles...), nativeRowFiles...) {
		t.Run(f, func(t *testing.T) {
			b, err := fs.ReadFile(def, f)
			if err != nil {
				t.Fatal(err)
			}
			top := fstest.MapFS{f: {Data: append([]byte("<!-- mine -->"), b...)}}
			tpl, err := LoadTemplates(Overlay(top, def), Funcs(""))
			if err != nil {
				t.Fatal(err)
			}
			if tpl.native(nativeReportFiles) == contains(nativeReportFiles, f) {
				t.Errorf("report page native = %v with %s overridden", tpl.native(nativeReportFiles), f)
			}
			if tpl.native(nativeRowFiles) == contains(nativeRowFiles, f) {
				t.Errorf("incident rows native = %v with %s overridden", tpl.native(nativeRowFiles), f)
			}
		})
	}
	tpl, err := LoadTemplates(def, Funcs(""))
	if err != nil {
		t.Fatal(err)
	}
	if !tpl.native(nativeReportFiles) || !tpl.native(nativeRowFiles) {
		t.Error("the default theme is not written natively")
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// TestSubf: the phases bar's subtraction must write what sprig's decimal
// subf writes, whole numbers or not.
func TestSubf(t *testing.T) {
	cases := [][2]float64{{0, 0}, {5, 3}, {3, 5}, {math.Copysign(0, -1), 0}, {0, math.Copysign(0, -1)}, {1e15, -1e15},
		{1<<52 - 1, -(1<<52 - 1)}, {1 << 53, 1}, {7, 0.5}, {0.1, 0.3}, {1440, 1439.9999999}, {math.MaxFloat64, 1}}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		cases = append(cases, [2]float64{float64(rng.IntN(100000)), float64(rng.IntN(100000))},
			[2]float64{float64(rng.IntN(100000)) / 4, float64(rng.IntN(1000)) / 3})
	}
	for _, c := range cases {
		got, want := subf(c[0], c[1]), sprigSubf(c[0], c[1])
		if got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("subf(%v, %v) = %v, sprig gives %v", c[0], c[1], got, want)
		}
	}
}
