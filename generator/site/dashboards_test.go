package site

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/themes"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtureNow is the build's "now": 2026-03-15, a Sunday in 2026-Q1.
var fixtureNow = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// fixtureReports are three public reports and one internal one whose
// every name carries a marker that must never reach a public site.
func fixtureReports() []*report.Report {
	at := func(d time.Time, h, m int) time.Time {
		return d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	a := &report.Report{
		Path: "docs/incident-reports/2026/a.md", ID: "INC-2026-03-01-001", Title: "Booking outage after schema migration",
		Severity: "P0", Status: "final", Visibility: "public",
		Started: at(date(2026, 3, 1), 10, 0), Detected: at(date(2026, 3, 1), 10, 15), Resolved: at(date(2026, 3, 1), 12, 0),
		Services: []string{"booking-api"}, Tags: []string{"database"},
		Impact: report.Impact{Users: ptr(40), Revenue: ptr(1200.0)},
		ActionItems: []report.ActionItem{
			{Title: "Fix migration checklist", Owner: "Maria Chen", Due: date(2026, 3, 10), Status: "open", Priority: "P0"},
			{Title: "Alert on lock waits", Owner: "maria chen", Due: date(2026, 3, 20), Status: "in-progress", Priority: "P1"},
			{Title: "Write rollback runbook", Owner: "SRE Team", Due: date(2026, 3, 5), Status: "done", Priority: "P2",
				Closed: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)},
			{Title: "Tune connection pool", Status: "open", Link: "https://tracker.example.com/issues/1"},
		},
	}
	b := &report.Report{
		Path: "docs/incident-reports/2025/b.md", ID: "INC-2025-12-20-001", Title: "Duplicate card charges",
		Severity: "P1", Status: "final", Visibility: "public",
		Started: at(date(2025, 12, 20), 9, 0), Detected: at(date(2025, 12, 20), 9, 30), Resolved: at(date(2025, 12, 20), 12, 0),
		Services: []string{"Booking API", "payments"}, Tags: []string{"database", "Card Processing!"},
		ActionItems: []report.ActionItem{
			{Title: "Retry payments idempotently", Owner: "SRE Team", Due: date(2026, 1, 10), Status: "done", Priority: "P1",
				Closed: time.Date(2026, 1, 15, 16, 0, 0, 0, time.UTC)},
			{Title: "Drop the legacy processor", Owner: "Tomás Requena", Due: date(2026, 2, 1), Status: "wont-do", Priority: "P3"},
			{Title: "Alert on duplicate charges", Owner: "Tomás Requena", Due: date(2026, 2, 15), Status: "open", Priority: "P1"},
		},
	}
	d := &report.Report{
		Path: "docs/incident-reports/2024/d.md", ID: "INC-2024-05-05-001", Title: "Search slow",
		Severity: "P3", Status: "draft", Visibility: "public",
		Started: at(date(2024, 5, 5), 8, 0), Services: []string{"search"},
	}
	internal := &report.Report{
		Path: "docs/incident-reports/2026/c.md", ID: "INC-2026-02-10-001", Title: "SECRET-MARKER key leaked",
		Severity: "P2", Status: "final", Visibility: "internal",
		Started: at(date(2026, 2, 10), 8, 0), Resolved: at(date(2026, 2, 10), 9, 0),
		Services: []string{"secretsvc-marker"}, Tags: []string{"secrettag-marker"},
		ActionItems: []report.ActionItem{
			{Title: "Rotate SECRET-MARKER keys", Owner: "Secretowner Marker", Due: date(2026, 2, 20), Status: "open", Priority: "P0"},
		},
	}
	return []*report.Report{a, b, d, internal}
}

// render builds the fixture site, as a public build would when public,
// and returns its folder.
func render(t *testing.T, public bool) string {
	t.Helper()
	cfg, err := config.Default(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Config: cfg, Now: fixtureNow, Public: public, Theme: themes.Default(), Workers: 4}
	for _, r := range fixtureReports() {
		if public && r.Internal() {
			continue
		}
		in.Reports = append(in.Reports, r)
	}
	dir := t.TempDir()
	if _, err := Render(context.Background(), in, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// text is a page with its tags removed and its spaces collapsed, so
// tests can look for what a reader sees.
func text(html string) string {
	html = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`).ReplaceAllString(html, " ")
	return strings.Join(strings.Fields(html), " ")
}

func TestDashboardPagesExist(t *testing.T) {
	dir := render(t, true)
	for _, p := range []string{
		"actions/index.html",
		"actions/owners/maria-chen/index.html",
		"actions/owners/sre-team/index.html",
		"actions/owners/tomas-requena/index.html",
		"actions/owners/unnamed/index.html",
		"metrics/index.html",
		"services/index.html",
		"services/booking-api/index.html",
		"services/payments/index.html",
		"services/search/index.html",
		"tags/index.html",
		"tags/database/index.html",
		"tags/card-processing/index.html",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	owners, _ := os.ReadDir(filepath.Join(dir, "actions/owners"))
	if len(owners) != 4 {
		t.Errorf("%d owner pages, want 4 (two spellings of Maria Chen share one)", len(owners))
	}
	sitemap := read(t, dir, "sitemap.xml")
	for _, u := range []string{"actions/", "actions/owners/maria-chen/", "metrics/", "services/booking-api/", "tags/card-processing/"} {
		if !strings.Contains(sitemap, u+"</loc>") {
			t.Errorf("sitemap.xml does not list %s", u)
		}
	}
}

// TestActionsGolden compares the action-item dashboard with
// testdata/golden/actions.html; run with -update to accept a change.
func TestActionsGolden(t *testing.T) {
	dir := render(t, true)
	got := read(t, dir, "actions/index.html")
	path := filepath.Join("testdata", "golden", "actions.html")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("actions/index.html differs from %s (-want +got):\n%s", path, diff)
	}
}

func TestActionCounts(t *testing.T) {
	dir := render(t, true)
	page := text(read(t, dir, "actions/index.html"))
	for _, want := range []string{
		"Open 4 of 7",          // open and in progress, of every item
		"Overdue 2 open past",  // Fix migration checklist, Alert on duplicate charges
		"Due within 7 days 1",  // Alert on lock waits, due 2026-03-20
		"In progress 1 of the", // Alert on lock waits
		"Done 2 29% of all",    // the two closed ones
		"Won't do 1 dropped",
		"4 owners, each with a page",
		"7 items, most urgent first",
		"5 d overdue", "28 d overdue",
		"2026-03-04 3 d to close on time", // closed a day before due, 3 days after resolution
		"2026-01-15 26 d to close 5 d late",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("actions page lacks %q", want)
		}
	}
	// Most urgent first: the most overdue item leads the list.
	if i, j := strings.Index(page, "Alert on duplicate charges"), strings.Index(page, "Fix migration checklist"); i < 0 || j < 0 || i > j {
		t.Errorf("the 28-days-overdue item is not listed before the 5-days-overdue one")
	}
	// Every item links to its report and tracker links stay.
	html := read(t, dir, "actions/index.html")
	for _, want := range []string{`href="../incidents/INC-2025-12-20-001/"`, `href="https://tracker.example.com/issues/1"`, `href="../actions/owners/tomas-requena/"`} {
		if !strings.Contains(html, want) {
			t.Errorf("actions page lacks %s", want)
		}
	}
	if n := strings.Count(html, `data-status=`); n != 7 {
		t.Errorf("%d filterable rows, want 7", n)
	}
}

func TestOwnerPages(t *testing.T) {
	dir := render(t, true)
	maria := text(read(t, dir, "actions/owners/maria-chen/index.html"))
	for _, want := range []string{"Maria Chen · maria chen", "Fix migration checklist", "Alert on lock waits", "Open 2 of 2", "5 d overdue"} {
		if !strings.Contains(maria, want) {
			t.Errorf("Maria Chen's page lacks %q", want)
		}
	}
	if strings.Contains(maria, "Write rollback runbook") {
		t.Error("Maria Chen's page lists another owner's item")
	}
	unnamed := text(read(t, dir, "actions/owners/unnamed/index.html"))
	if !strings.Contains(unnamed, "Tune connection pool") || !strings.Contains(unnamed, "No owner") {
		t.Errorf("the page of items without owner is wrong: %.300s", unnamed)
	}
	html := read(t, dir, "actions/owners/sre-team/index.html")
	if !strings.Contains(html, `href="../../../incidents/INC-2026-03-01-001/"`) {
		t.Error("owner page does not link the report relatively")
	}
}

func TestScopePages(t *testing.T) {
	dir := render(t, true)
	svc := read(t, dir, "services/booking-api/index.html")
	txt := text(svc)
	for _, want := range []string{"“Booking API” or “booking-api”", "INC-2026-03-01-001", "INC-2025-12-20-001", "Open action items 4 of 7", "This quarter 2026-Q1 1 incident"} {
		if !strings.Contains(txt, want) {
			t.Errorf("booking-api page lacks %q", want)
		}
	}
	if strings.Contains(txt, "INC-2024-05-05-001") {
		t.Error("booking-api page lists a report of another service")
	}
	idx := text(read(t, dir, "services/index.html"))
	if !strings.Contains(idx, "3 services named") {
		t.Errorf("services index: %.300s", idx)
	}
	tags := read(t, dir, "tags/index.html")
	if !strings.Contains(tags, `href="../tags/card-processing/"`) || !strings.Contains(tags, `href="../tags/database/"`) {
		t.Error("tags index does not link the tag pages")
	}
	// The report page's chips and the incidents table link the scopes.
	rep := read(t, dir, "incidents/INC-2025-12-20-001/index.html")
	for _, want := range []string{`href="../../services/booking-api/">Booking API</a>`, `href="../../tags/card-processing/">Card Processing!</a>`} {
		if !strings.Contains(rep, want) {
			t.Errorf("report page lacks %s", want)
		}
	}
	if !strings.Contains(read(t, dir, "incidents/index.html"), `href="../services/payments/">payments</a>`) {
		t.Error("incidents table does not link services")
	}
	if !strings.Contains(read(t, dir, "index.html"), `href="actions/">All action items`) {
		t.Error("home page does not link the action items")
	}
}

func TestMetricsPage(t *testing.T) {
	dir := render(t, true)
	html := read(t, dir, "metrics/index.html")
	if n := strings.Count(html, "<svg"); n < 10 {
		t.Errorf("%d charts, want 10 and more", n)
	}
	if n := strings.Count(html, `role="img"`); n < 10 {
		t.Errorf("%d charts with role=img, want 10", n)
	}
	if n := strings.Count(html, "<figure"); n != 10 {
		t.Errorf("%d figures, want 10", n)
	}
	txt := text(html)
	for _, want := range []string{"Computed from 3 incident reports", "2026-03 1 0 0 0 1", "2025-12 0 1 0 0 1", "payments 1"} {
		if !strings.Contains(txt, want) {
			t.Errorf("metrics page lacks %q", want)
		}
	}
}

// TestLinksRelative checks that no page links or loads from the root of
// the host: the site must work under any base path.
func TestLinksRelative(t *testing.T) {
	dir := render(t, false)
	abs := regexp.MustCompile(`(?:href|src)="/`)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if m := abs.Find(b); m != nil {
			t.Errorf("%s links from the host root: %s", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPublicWithholds scans every file of a public render for the
// internal report, and checks its items and scopes are not counted.
func TestPublicWithholds(t *testing.T) {
	dir := render(t, true)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, m := range []string{"secretsvc-marker", "secrettag-marker", "secretowner-marker"} {
			if strings.Contains(p, m) {
				t.Errorf("public site has %s", p)
			}
		}
		if d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range []string{"SECRET-MARKER", "INC-2026-02-10-001", "secretsvc-marker", "secrettag-marker", "Secretowner Marker"} {
			if strings.Contains(string(b), m) {
				t.Errorf("%s contains %q", p, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The full build does show it: the markers are real.
	full := render(t, false)
	if !strings.Contains(text(read(t, full, "actions/index.html")), "Open 5 of 8") {
		t.Error("the internal build does not count the internal report's item")
	}
	if _, err := os.Stat(filepath.Join(full, "actions/owners/secretowner-marker/index.html")); err != nil {
		t.Error("the internal build has no page for the internal owner")
	}
}

func TestSlugOf(t *testing.T) {
	for in, want := range map[string]string{
		"Tomás Requena":    "tomas-requena",
		"SRE Team":         "sre-team",
		"":                 "unnamed",
		"李雷":               "unnamed",
		"Jürgen Weiß":      "jurgen-weiss",
		"Card Processing!": "card-processing",
	} {
		if got := slugOf(in); got != want {
			t.Errorf("slugOf(%q) = %q, want %q", in, got, want)
		}
	}
}
