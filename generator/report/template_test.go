package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
)

// templateOptions are the defaults a build without hindsight.yaml uses:
// the real zone table, so BZT resolves and CST is refused as in a build.
func templateOptions(t testing.TB) Options {
	t.Helper()
	s, err := config.Default(".")
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Zones:             Zones{Location: s.Location, Offsets: s.Offsets, Ambiguous: config.Ambiguous},
		Severities:        s.Severities,
		DefaultVisibility: s.DefaultVisibility,
	}
}

func parseTemplate(t *testing.T, name string, data []byte) *Report {
	t.Helper()
	r, err := Parse("docs/incident-reports/2025/"+name, data, templateOptions(t))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return r
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "template", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var bzt = time.FixedZone("BZT", -6*3600)

// sameTime compares instants and offsets: 14:00 BZT and 20:00 UTC are
// the same instant, but the report must keep the zone it was written in.
func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	_, gotOff := got.Zone()
	_, wantOff := want.Zone()
	if !got.Equal(want) || gotOff != wantOff {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func diagsOf(r *Report, rule string) []Diagnostic {
	var out []Diagnostic
	for _, d := range r.Diagnostics {
		if d.Rule == rule {
			out = append(out, d)
		}
	}
	return out
}

func hasDiag(r *Report, line int, rule string) bool {
	for _, d := range r.Diagnostics {
		if d.Line == line && d.Rule == rule {
			return true
		}
	}
	return false
}

func boolp(p *bool) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func TestTemplateFilled(t *testing.T) {
	r := parseTemplate(t, "booking.md", readTestdata(t, "filled.md"))
	for _, d := range r.Diagnostics {
		t.Errorf("unexpected diagnostic: %d %s %s", d.Line, d.Rule, d.Message)
	}

	t.Run("metadata", func(t *testing.T) {
		for _, c := range []struct{ field, got, want string }{
			{"id", r.ID, "INC-2025-10-08-001"},
			{"title", r.Title, "Booking system outage after schema migration"},
			{"severity", r.Severity, "P0"},
			{"commander", r.Commander, "Maria Chen, Operations Manager"},
			{"author", r.Author, "Jordan Blake, Engineering Lead"},
			{"duration", r.StatedDuration, "2 hours 30 minutes"},
			{"layout", r.Layout, "template"},
			{"status", r.Status, "draft"},
			{"visibility", r.Visibility, "public"},
		} {
			if c.got != c.want {
				t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
			}
		}
		sameTime(t, "started", r.Started, time.Date(2025, 10, 8, 14, 0, 0, 0, bzt))
		sameTime(t, "detected", r.Detected, time.Date(2025, 10, 8, 14, 15, 0, 0, bzt))
		sameTime(t, "resolved", r.Resolved, time.Date(2025, 10, 8, 16, 30, 0, 0, bzt))
		if !r.ReportDate.Equal(date(2025, 10, 9)) {
			t.Errorf("report date = %v", r.ReportDate)
		}
		if d, ok := r.TimeToResolve(); !ok || d != 150*time.Minute {
			t.Errorf("time to resolve = %v %v, want 2h30m", d, ok)
		}
		if r.StatedDurationLine != 17 {
			t.Errorf("stated duration line = %d, want 17", r.StatedDurationLine)
		}
		for key, line := range map[string]int{
			"id": 11, "title": 12, "severity": 13, "started": 14, "detected": 15, "resolved": 16,
			"commander": 18, "author": 19, "report_date": 20, "timeline": 37, "impact": 100,
			"action_items": 159, "security": 198, "attachments": 214, "reviewers": 226, "meeting": 236,
		} {
			if r.Lines[key] != line {
				t.Errorf("Lines[%q] = %d, want %d", key, r.Lines[key], line)
			}
		}
	})

	t.Run("timeline", func(t *testing.T) {
		want := []struct {
			hh, mm    int
			text, who string
		}{
			{14, 0, "Database migration deployed to production", "Engineering Team"},
			{14, 10, "Migration completed successfully (no errors logged)", "Engineering Team"},
			{14, 15, "First customer booking failure reported via support email", "Customer Support"},
			{14, 17, "Second and third booking failures reported", "Customer Support"},
			{14, 18, "Operations admin attempted manual booking (failed)", "Operations Team"},
			{14, 20, "Incident declared (P1 severity)", "Operations Manager"},
			{14, 22, "Engineering on-call notified via Slack", "Operations Manager"},
			{14, 25, "Database logs reviewed, schema conflict identified", "Engineering Team"},
			{14, 30, "Incident escalated to P0 (entire booking system down)", "Incident Commander"},
			{14, 32, "Rollback decision approved", "CTO"},
			{14, 35, "Migration rollback initiated", "Engineering Team"},
			{14, 42, "Rollback completed, database schema restored", "Engineering Team"},
			{14, 45, "Smoke tests: Booking API operational", "Engineering Team"},
			{14, 50, "First successful customer booking confirmed", "Customer Support"},
			{15, 0, "Monitoring: All systems green, no errors", "Operations Team"},
			{15, 15, "Customer notification email drafted", "Customer Support"},
			{15, 30, "Customer notification email sent to 47 affected users", "Customer Support"},
			{16, 30, "Incident status: Resolved (monitoring continues)", "Incident Commander"},
		}
		if len(r.Timeline) != len(want) {
			t.Fatalf("%d events, want %d", len(r.Timeline), len(want))
		}
		for i, w := range want {
			e := r.Timeline[i]
			sameTime(t, fmt.Sprintf("event %d", i), e.At, time.Date(2025, 10, 8, w.hh, w.mm, 0, 0, bzt))
			if e.Text != w.text || e.Who != w.who || e.Line != 38+i || e.Label != "" {
				t.Errorf("event %d = %q / %q line %d label %q, want %q / %q line %d", i, e.Text, e.Who, e.Line, e.Label, w.text, w.who, 38+i)
			}
		}
	})

	t.Run("action items", func(t *testing.T) {
		want := []ActionItem{
			{Title: "Update migration checklist to require schema diff review", Owner: "Engineering Lead", Due: date(2025, 10, 15), Priority: "P0"},
			{Title: "Implement automated schema validation in CI/CD pipeline", Owner: "DevOps", Due: date(2025, 10, 22), Priority: "P0"},
			{Title: "Add booking API error monitoring (400/500 status codes)", Owner: "Engineering", Due: date(2025, 10, 12), Priority: "P1"},
			{Title: "Create database migration rollback runbook", Owner: "Engineering", Due: date(2025, 10, 18), Priority: "P1"},
			{Title: "Refresh staging database from production snapshot weekly", Owner: "DevOps", Due: date(2025, 10, 10), Priority: "P1"},
			{Title: "Review and update RTO/RPO targets for critical systems", Owner: "CTO", Due: date(2025, 10, 25), Priority: "P2"},
			{Title: "Conduct incident response training for ops team", Owner: "Operations Manager", Due: date(2025, 11, 1), Priority: "P2"},
			{Title: "Send apology email + survey to affected customers", Owner: "Customer Support", Due: date(2025, 10, 9), Priority: "P3"},
		}
		if len(r.ActionItems) != len(want) {
			t.Fatalf("%d action items, want %d", len(r.ActionItems), len(want))
		}
		for i, w := range want {
			a := r.ActionItems[i]
			if a.Title != w.Title || a.Owner != w.Owner || !a.Due.Equal(w.Due) || a.Status != "open" || a.Priority != w.Priority || a.Link != "" || a.Line != 161+i {
				t.Errorf("item %d = %+v, want %+v status open line %d", i, a, w, 161+i)
			}
		}
	})

	t.Run("reviewers and meeting", func(t *testing.T) {
		want := []Reviewer{
			{Role: "Incident Commander", Name: "Maria Chen", Approved: date(2025, 10, 10)},
			{Role: "Engineering Lead", Name: "Jordan Blake", Approved: date(2025, 10, 10)},
			{Role: "Operations Manager", Name: "Priya Nair", Approved: date(2025, 10, 11)},
			{Role: "CTO (Final Approval)", Name: "Sam Ortiz"}, // not signed yet
		}
		if len(r.Reviewers) != len(want) {
			t.Fatalf("reviewers = %+v", r.Reviewers)
		}
		for i, w := range want {
			if g := r.Reviewers[i]; g.Role != w.Role || g.Name != w.Name || !g.Approved.Equal(w.Approved) {
				t.Errorf("reviewer %d = %+v, want %+v", i, g, w)
			}
		}
		m := r.Meeting
		if m == nil {
			t.Fatal("no meeting")
		}
		sameTime(t, "meeting", m.At, time.Date(2025, 10, 10, 10, 0, 0, 0, bzt))
		if strings.Join(m.Attendees, "|") != "Maria Chen|Jordan Blake|Priya Nair|Sam Ortiz" {
			t.Errorf("attendees = %q", m.Attendees)
		}
		if m.Notes != "[Post-mortem notes](https://wiki.example.com/incidents/INC-2025-10-08-001)" {
			t.Errorf("notes = %q", m.Notes)
		}
	})

	t.Run("impact and security", func(t *testing.T) {
		im := r.Impact
		if im.Users == nil || *im.Users != 47 {
			t.Errorf("users = %v", im.Users)
		}
		if im.Revenue == nil || *im.Revenue != 3520 {
			t.Errorf("revenue = %v", im.Revenue)
		}
		s := r.Security
		for _, c := range []struct {
			name string
			got  *bool
		}{{"data loss", im.DataLoss}, {"data exposure", im.DataExposure}, {"security incident", s.Incident},
			{"pii", s.PII}, {"payment data", s.PaymentData}, {"regulatory notification", s.RegulatoryNotification}} {
			if boolp(c.got) != "false" {
				t.Errorf("%s = %s, want false", c.name, boolp(c.got))
			}
		}
		if !strings.HasPrefix(s.Explanation, "No customer data was exposed") || !strings.HasSuffix(s.Explanation, "no security implications.") {
			t.Errorf("explanation = %q", s.Explanation)
		}
	})

	t.Run("attachments", func(t *testing.T) {
		want := []string{
			"20251008_141000_add_tour_availability.sql",
			"booking_api_errors_2025-10-08.log",
			"20251008_141000_rollback.sql",
			"incident_notification_2025-10-08.txt",
			"incident_war_room_2025-10-08.txt",
		}
		if strings.Join(r.Attachments, "|") != strings.Join(want, "|") {
			t.Errorf("attachments = %q", r.Attachments)
		}
	})
}

// The seed as users receive it: every metadata slot is a placeholder and
// the sections hold the booking example. It must parse, report each
// placeholder at its line and read no placeholder as data.
func TestTemplateSeedPlaceholders(t *testing.T) {
	r := parseTemplate(t, "new-report.md", readTestdata(t, "seed.md"))
	if r.Layout != "template" {
		t.Errorf("layout = %q", r.Layout)
	}
	want := map[int]string{
		11: "id", 12: "title", 13: "severity", 14: "started", 15: "detected", 16: "resolved",
		17: "duration", 18: "commander", 19: "author", 20: "report_date",
		228: "reviewers[0].name", 229: "reviewers[1].name", 230: "reviewers[2].name", 231: "reviewers[3].name",
		236: "meeting.at", 237: "meeting.attendees", 238: "meeting.notes",
	}
	got := diagsOf(r, "placeholder")
	for _, d := range got {
		key, ok := want[d.Line]
		if !ok || !strings.HasPrefix(d.Message, key+":") || d.Severity != "warning" {
			t.Errorf("unexpected placeholder diagnostic: %d %s", d.Line, d.Message)
		}
		delete(want, d.Line)
	}
	for line, key := range want {
		t.Errorf("no placeholder diagnostic for %s at line %d", key, line)
	}
	if !r.Started.IsZero() || !r.Detected.IsZero() || !r.Resolved.IsZero() || !r.ReportDate.IsZero() {
		t.Errorf("placeholder read as a time: %v %v %v %v", r.Started, r.Detected, r.Resolved, r.ReportDate)
	}
	if r.Severity != "" || r.Commander != "" || r.Author != "" || r.StatedDuration != "" || strings.Contains(r.ID, "[") || strings.Contains(r.Title, "[") {
		t.Errorf("placeholder read as data: %+v", r)
	}
	if r.Meeting != nil {
		t.Errorf("meeting from placeholders: %+v", r.Meeting)
	}
	for _, rv := range r.Reviewers {
		if rv.Name != "" || !rv.Approved.IsZero() || rv.Role == "" {
			t.Errorf("reviewer = %+v, want role only", rv)
		}
	}
	// The example timeline has no day to stand on: kept as written, one
	// warning for the block rather than one per line.
	if len(r.Timeline) != 18 || r.Timeline[0].Label != "14:00" || !r.Timeline[0].At.IsZero() {
		t.Errorf("timeline = %+v", r.Timeline)
	}
	if n := len(diagsOf(r, "invalid-time")); n != 1 || !hasDiag(r, 38, "invalid-time") {
		t.Errorf("invalid-time diagnostics = %+v", diagsOf(r, "invalid-time"))
	}
	if len(r.ActionItems) != 8 || !r.ActionItems[0].Due.IsZero() || !hasDiag(r, 161, "invalid-date") {
		t.Errorf("action items without a year: %+v, %+v", r.ActionItems, diagsOf(r, "invalid-date"))
	}
	// A field left as a placeholder points at its row, so later checks
	// (and finish's "missing" warnings) name the line to fill in.
	if r.Lines["started"] != 14 || r.Lines["severity"] != 13 {
		t.Errorf("placeholder rows not recorded, Lines = %v", r.Lines)
	}

	t.Run("zero options", func(t *testing.T) {
		// No zone table and no severity list: the choices are still a
		// placeholder and nothing panics.
		r, err := Parse("x.md", readTestdata(t, "seed.md"), Options{})
		if err != nil || r.Severity != "" || !hasDiag(r, 13, "placeholder") {
			t.Errorf("severity %q err %v diagnostics %+v", r.Severity, err, r.Diagnostics)
		}
	})
}

func TestTemplateFrontMatterWins(t *testing.T) {
	doc := `---
id: INC-2025-10-08-002
title: From front matter
started: 2025-10-08T10:00:00-06:00
action_items:
  - title: Front-matter item
    due: 2025-10-20
---
# Report

## Incident Metadata

| Field | Value |
|---|---|
| Incident ID | INC-2025-10-08-001 |
| Incident Title | [Brief descriptive headline] |
| Severity | P1 |
| Start Time | 2025-10-08 14:00 BZT |
| Detection Time | 10:20 |
| Incident Commander | Maria Chen |

## Timeline of Events

` + "```" + `
10:00 - Deploy - Eng
10:20 - Alert - Ops
` + "```" + `

## Action Items

| Action | Owner | Deadline |
|---|---|---|
| Template item one | Eng | Oct 15 |
| Template item two | Ops | Oct 16 |
`
	r := parseTemplate(t, "x.md", []byte(doc))
	if r.Layout != "mixed" {
		t.Errorf("layout = %q, want mixed", r.Layout)
	}
	if r.ID != "INC-2025-10-08-002" || r.Title != "From front matter" || r.Lines["id"] != 2 || r.Lines["title"] != 3 {
		t.Errorf("front matter lost: id %q title %q lines %v", r.ID, r.Title, r.Lines)
	}
	sameTime(t, "started", r.Started, time.Date(2025, 10, 8, 10, 0, 0, 0, time.FixedZone("", -6*3600)))
	// Filled from the table, with the front matter's start as the day
	// of the bare clock time.
	if r.Severity != "P1" || r.Commander != "Maria Chen" || r.Lines["severity"] != 17 {
		t.Errorf("severity %q commander %q lines %v", r.Severity, r.Commander, r.Lines)
	}
	sameTime(t, "detected", r.Detected, time.Date(2025, 10, 8, 10, 20, 0, 0, time.FixedZone("", -6*3600)))
	if len(r.ActionItems) != 1 || r.ActionItems[0].Title != "Front-matter item" {
		t.Errorf("action items = %+v", r.ActionItems)
	}
	// The timeline is not in front matter: read from the block, with
	// file lines.
	if len(r.Timeline) != 2 || r.Timeline[1].Line != 26 || r.Timeline[1].Who != "Ops" {
		t.Errorf("timeline = %+v", r.Timeline)
	}
	// A placeholder in a field front matter sets is not reported.
	if d := diagsOf(r, "placeholder"); len(d) != 0 {
		t.Errorf("placeholder diagnostics for fields front matter set: %+v", d)
	}

	t.Run("front matter only", func(t *testing.T) {
		r := parseTemplate(t, "y.md", []byte("---\nid: INC-2025-10-08-003\ntitle: T\n---\n# T\n\nSome narrative.\n"))
		if r.Layout != "front-matter" || len(r.Diagnostics) != 2 {
			t.Errorf("layout %q diagnostics %+v", r.Layout, r.Diagnostics)
		}
	})
}

// TestTemplateMetadataAcross: a metadata table laid out across, field
// names over one row of values, is read as the table laid out down.
func TestTemplateMetadataAcross(t *testing.T) {
	const timeline = "\n## Timeline of Events\n\n```\n14:05 - Alert - Ops\n```\n"
	for _, tc := range []struct {
		name       string
		doc        string
		id, title  string
		severity   string
		visibility string
		line       int    // of id, 0 when not read
		diag       string // in a diagnostic's message
	}{{
		name: "in its section",
		doc: "# Report\n\n## Incident Metadata\n\n| Incident ID | Incident Title | Severity | Start Time | Visibility |\n|---|---|---|---|---|\n" +
			"| INC-2025-10-08-001 | Booking outage | P1 | 2025-10-08 14:00 BZT | Internal |\n" + timeline,
		id: "INC-2025-10-08-001", title: "Booking outage", severity: "P1", visibility: "internal", line: 7,
	}, {
		name: "bold headers, fewer cells in the row",
		doc: "## üìã **Incident Metadata**\n\n| **Incident ID** | **Severity** | **Incident Commander** |\n|:--|:--|:--|\n" +
			"| INC-2025-10-08-002 | P2 |\n" + timeline,
		id: "INC-2025-10-08-002", severity: "P2", line: 5,
	}, {
		name: "two rows are not one incident's metadata",
		doc:  "## Incident Metadata\n\n| Incident ID | Severity |\n|---|---|\n| INC-2025-10-08-003 | P1 |\n| INC-2025-10-08-004 | P2 |\n" + timeline,
	}, {
		name: "one field named is not a metadata table",
		doc:  "## Incident Metadata\n\n| Severity | Notes |\n|---|---|\n| P1 | paged twice |\n" + timeline,
	}, {
		name: "outside its section only Field and Value tables are read",
		doc:  "# Report\n\n## Impact\n\n| Incident ID | Severity |\n|---|---|\n| INC-2025-10-08-005 | P1 |\n" + timeline,
	}, {
		name: "a blank Visibility column",
		doc:  "## Incident Metadata\n\n| Incident ID | Severity | Visibility |\n|---|---|---|\n| INC-2025-10-08-009 | P1 | |\n" + timeline,
		id:   "INC-2025-10-08-009", severity: "P1", visibility: "internal", line: 5, diag: "visibility: the column is blank",
	}, {
		name: "a table laid out down wins, and its blank Visibility row with it",
		doc: "## Incident Metadata\n\n| Incident ID | Severity | Visibility |\n|---|---|---|\n| INC-2025-10-08-006 | P1 | Public |\n\n" +
			"| Field | Value |\n|---|---|\n| Visibility | |\n" + timeline,
		visibility: "internal",
	}, {
		name: "a table laid out down elsewhere wins",
		doc: "## Incident Metadata\n\n| Detected | Resolved |\n|---|---|\n| 2025-10-08 14:10 BZT | 2025-10-08 15:00 BZT |\n\n" +
			"## Summary\n\n| Field | Value |\n|---|---|\n| Incident ID | INC-2025-10-08-007 |\n| Severity | P3 |\n| Visibility | TBD |\n" + timeline,
		id: "INC-2025-10-08-007", severity: "P3", visibility: "internal", line: 11,
	}, {
		name: "times alone do not name an incident",
		doc:  "## Root cause: metadata store failover\n\n| Start Time | End Time |\n|---|---|\n| 2025-10-08 14:00 BZT | 2025-10-08 15:00 BZT |\n" + timeline,
	}, {
		name: "more values than names is a table out of line",
		doc:  "## Incident Metadata\n\n| Incident ID | Incident Title |\n|---|---|\n| INC-2025-10-08-008 | A | B |\n" + timeline,
	}, {
		name: "under a heading that is only Metadata",
		doc:  "## üìã Metadata\n\n| Incident ID | Severity |\n|---|---|\n| INC-2025-10-08-010 | P2 |\n" + timeline,
		id:   "INC-2025-10-08-010", severity: "P2", line: 5,
	}, {
		name: "another thing's metadata is not the incident's",
		doc: "# Payroll export leak\n\n### Was this a security incident?\n‚òë Yes  ‚òê No\n\n## Metadata of the exposed document\n\n" +
			"| Incident ID | Title | Visibility |\n|---|---|---|\n| DOC-7 | Payroll 2025 | Public |\n" + timeline,
		visibility: "internal",
	}, {
		name: "a title and a visibility do not name an incident",
		doc:  "## Incident Metadata\n\n| Incident Title | Visibility |\n|---|---|\n| Payroll 2025 | Public |\n" + timeline,
	}, {
		name: "one field named twice is one field",
		doc:  "## Incident Metadata\n\n| Severity | Sev |\n|---|---|\n| P1 | P3 |\n" + timeline,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			r := parseTemplate(t, "x.md", []byte(tc.doc))
			if got := r.Lines["id"]; got != tc.line {
				t.Errorf("id at line %d, want %d", got, tc.line)
			}
			if tc.visibility != "" && r.Visibility != tc.visibility {
				t.Errorf("visibility %q, want %q", r.Visibility, tc.visibility)
			}
			if tc.diag != "" && !slices.ContainsFunc(r.Diagnostics, func(d Diagnostic) bool { return strings.Contains(d.Message, tc.diag) }) {
				t.Errorf("no diagnostic says %q: %+v", tc.diag, r.Diagnostics)
			}
			if tc.line == 0 {
				if r.Lines["severity"] != 0 {
					t.Errorf("severity %q read at line %d", r.Severity, r.Lines["severity"])
				}
				return
			}
			if r.ID != tc.id || tc.title != "" && r.Title != tc.title || r.Severity != tc.severity {
				t.Errorf("id %q title %q severity %q, want %q %q %q", r.ID, r.Title, r.Severity, tc.id, tc.title, tc.severity)
			}
			if tc.name == "in its section" {
				sameTime(t, "started", r.Started, time.Date(2025, 10, 8, 14, 0, 0, 0, bzt))
			}
		})
	}
}

// Headings are found by their words whatever surrounds them.
func TestTemplateHeadings(t *testing.T) {
	styles := []struct {
		name   string
		format func(string) string
	}{
		{"plain", func(s string) string { return "## " + s }},
		{"emoji", func(s string) string { return "## 📋 " + s }},
		{"mojibake mac roman", func(s string) string { return "## \uf8ffüìã **" + s + "**" }},
		{"mojibake check", func(s string) string { return "## ‚úÖ **" + s + "**" }},
		{"mojibake windows", func(s string) string { return "## ðŸ“‹ " + s }},
		{"emoji glued", func(s string) string { return "## 📋" + s }},
		{"bold colon", func(s string) string { return "### **" + s + ":**" }},
		{"lower case", func(s string) string { return "#### " + strings.ToLower(s) }},
		{"upper case closing hashes", func(s string) string { return "# " + strings.ToUpper(s) + " #" }},
		{"bold line", func(s string) string { return "**" + s + "**" }},
		{"setext", func(s string) string { return s + "\n" + strings.Repeat("-", len(s)) }},
	}
	for _, st := range styles {
		t.Run(st.name, func(t *testing.T) {
			doc := strings.Join([]string{
				st.format("Incident Metadata"), "",
				"| **Field** | **Value** |", "|---|---|",
				"| Incident ID | INC-2025-01-02-003 |",
				"| Start Time | 2025-01-02 10:00 UTC |", "",
				st.format("Timeline of Events"), "",
				"```", "10:00 - Start - A", "10:05 - Stop - B", "```", "",
				st.format("Action Items"), "",
				"| Action | Owner |", "|---|---|", "| Fix it | Ann |", "",
				st.format("Was this a security incident?"),
				"☐ Yes ☑ No", "",
				st.format("Attachments"), "",
				"1. Log: `a.log`", "",
			}, "\n")
			r := parseTemplate(t, "x.md", []byte(doc))
			if r.ID != "INC-2025-01-02-003" || len(r.Timeline) != 2 || len(r.ActionItems) != 1 ||
				boolp(r.Security.Incident) != "false" || len(r.Attachments) != 1 {
				t.Errorf("id %q, %d events, %d items, security %s, attachments %q; diagnostics %+v",
					r.ID, len(r.Timeline), len(r.ActionItems), boolp(r.Security.Incident), r.Attachments, r.Diagnostics)
			}
		})
	}

	t.Run("timeline entry over a rule is an entry", func(t *testing.T) {
		doc := string(metadataDoc("2025-01-02 10:00 UTC", "\n## Timeline of Events\n\n10:00 - Start - A\n10:05 - Stop - B\n---\n"))
		r := parseTemplate(t, "x.md", []byte(doc))
		if len(r.Timeline) != 2 {
			t.Errorf("timeline = %+v", r.Timeline)
		}
	})
	t.Run("heading inside code is not a section", func(t *testing.T) {
		doc := "# R\n\n```\n## Timeline of Events\n14:00 - x - y\n```\n"
		r := parseTemplate(t, "x.md", []byte(doc))
		if len(r.Timeline) != 0 || r.Layout != "front-matter" {
			t.Errorf("timeline = %+v, layout %q", r.Timeline, r.Layout)
		}
	})
	t.Run("sign-off commander is not the metadata commander", func(t *testing.T) {
		doc := "# R\n\n## Sign-Off\n\n| Role | Name | Date |\n|---|---|---|\n| Incident Commander | Ann | 2025-01-03 |\n"
		r := parseTemplate(t, "x.md", []byte(doc))
		if r.Commander != "" || len(r.Reviewers) != 1 || r.Reviewers[0].Name != "Ann" {
			t.Errorf("commander %q reviewers %+v", r.Commander, r.Reviewers)
		}
	})
}

func metadataDoc(start, extra string) []byte {
	return []byte("## Incident Metadata\n\n| Field | Value |\n|---|---|\n| Start Time | " + start + " |\n" + extra)
}

func TestTemplateZones(t *testing.T) {
	for _, c := range []struct {
		name, start string
		want        time.Time // zero: refused
	}{
		{"table zone", "2025-10-08 14:00 BZT", time.Date(2025, 10, 8, 14, 0, 0, 0, bzt)},
		{"offset", "2025-10-08 14:00 -06:00", time.Date(2025, 10, 8, 14, 0, 0, 0, bzt)},
		{"rfc 3339", "2025-10-08T14:00:00-06:00", time.Date(2025, 10, 8, 14, 0, 0, 0, bzt)},
		{"config timezone", "2025-10-08 14:00", time.Date(2025, 10, 8, 14, 0, 0, 0, time.UTC)},
		{"filled inside the brackets", "[2025-10-08 14:00 BZT]", time.Date(2025, 10, 8, 14, 0, 0, 0, bzt)},
		{"ambiguous", "2025-10-08 14:00 CST", time.Time{}},
		{"ambiguous lower case", "2025-10-08 14:00 ist", time.Time{}},
		{"unknown", "2025-10-08 14:00 XYZT", time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := parseTemplate(t, "x.md", metadataDoc(c.start, ""))
			if c.want.IsZero() {
				if !r.Started.IsZero() || !hasDiag(r, 5, "ambiguous-zone") {
					t.Errorf("started = %v, diagnostics %+v; want refused with ambiguous-zone at line 5", r.Started, r.Diagnostics)
				}
				return
			}
			sameTime(t, "started", r.Started, c.want)
			if len(diagsOf(r, "ambiguous-zone")) != 0 {
				t.Errorf("diagnostics %+v", r.Diagnostics)
			}
		})
	}

	t.Run("user zone", func(t *testing.T) {
		opt := templateOptions(t)
		offsets := map[string]*time.Location{"CST": time.FixedZone("CST", -6*3600)}
		for k, v := range opt.Zones.Offsets {
			offsets[k] = v
		}
		opt.Zones.Offsets = offsets
		r, err := Parse("x.md", metadataDoc("2025-10-08 14:00 CST", ""), opt)
		if err != nil || !r.Started.Equal(time.Date(2025, 10, 8, 20, 0, 0, 0, time.UTC)) {
			t.Errorf("started = %v, %v", r.Started, err)
		}
	})

	t.Run("timeline event", func(t *testing.T) {
		doc := metadataDoc("2025-10-08 14:00 BZT", "\n## Timeline of Events\n\n```\n14:05 CST - Paged - Ops\n14:10 EST - Escalated - Ops\n```\n")
		r := parseTemplate(t, "x.md", doc)
		if len(r.Timeline) != 2 || !r.Timeline[0].At.IsZero() || r.Timeline[0].Label != "14:05 CST" || !hasDiag(r, 10, "ambiguous-zone") {
			t.Fatalf("timeline = %+v, diagnostics %+v", r.Timeline, r.Diagnostics)
		}
		sameTime(t, "EST event", r.Timeline[1].At, time.Date(2025, 10, 8, 14, 10, 0, 0, time.FixedZone("EST", -5*3600)))
	})
}

func TestTemplateMidnight(t *testing.T) {
	doc := "## Incident Metadata\n\n| Field | Value |\n|---|---|\n" +
		"| Start Time | 2025-12-31 23:30 BZT |\n" +
		"| Resolution Time | 01:15 |\n" +
		"\n## Timeline of Events\n\n```\n" +
		"23:30 - Job starts - Batch\n" +
		"23:55 - Queue backs up - Batch\n" +
		"00:10 - Alert fires - Monitoring\n" +
		"00:40 BZT - Failover - Ops\n" +
		"01:15 - Resolved - Ops\n" +
		"2026-01-02 10:00 - Post-mortem - IC\n" +
		"10:30 - Notes published - IC\n" +
		"```\n"
	r := parseTemplate(t, "x.md", []byte(doc))
	sameTime(t, "resolved", r.Resolved, time.Date(2026, 1, 1, 1, 15, 0, 0, bzt))
	want := []time.Time{
		time.Date(2025, 12, 31, 23, 30, 0, 0, bzt),
		time.Date(2025, 12, 31, 23, 55, 0, 0, bzt),
		time.Date(2026, 1, 1, 0, 10, 0, 0, bzt),
		time.Date(2026, 1, 1, 0, 40, 0, 0, bzt),
		time.Date(2026, 1, 1, 1, 15, 0, 0, bzt),
		time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC), // dated, in the config timezone
		time.Date(2026, 1, 2, 10, 30, 0, 0, time.UTC),
	}
	if len(r.Timeline) != len(want) {
		t.Fatalf("timeline = %+v", r.Timeline)
	}
	for i, w := range want {
		sameTime(t, fmt.Sprintf("event %d (%s)", i, r.Timeline[i].Text), r.Timeline[i].At, w)
	}
	for _, d := range r.Diagnostics {
		if d.Rule != "id-format" && d.Rule != "missing-field" { // no id, title or severity: finish's business
			t.Errorf("diagnostic %+v", d)
		}
	}
}

func TestParseDay(t *testing.T) {
	oct8 := date(2025, 10, 8)
	for _, c := range []struct {
		in   string
		ref  time.Time
		want time.Time // zero: error
		rule string
	}{
		{"2025-10-15", oct8, date(2025, 10, 15), ""},
		{"Oct 15", oct8, date(2025, 10, 15), ""},
		{"15 Oct", oct8, date(2025, 10, 15), ""},
		{"15th October", oct8, date(2025, 10, 15), ""},
		{"October 15, 2025", oct8, date(2025, 10, 15), ""},
		{"Wed, Oct 15", oct8, date(2025, 10, 15), ""},
		{"Nov 1", oct8, date(2025, 11, 1), ""},
		{"Sept 3", oct8, date(2025, 9, 3), ""},              // a little before the incident: same year
		{"Aug 9", oct8, date(2025, 8, 9), ""},               // just inside two months
		{"Aug 1", oct8, date(2026, 8, 1), ""},               // more than two months before: next year
		{"Jan 5", date(2025, 12, 20), date(2026, 1, 5), ""}, // deadline after new year
		{"Dec 30", date(2025, 12, 20), date(2025, 12, 30), ""},
		{"Feb 29", date(2024, 1, 10), date(2024, 2, 29), ""},
		{"Feb 29", oct8, time.Time{}, "invalid-date"},
		{"Smarch 3", oct8, time.Time{}, "invalid-date"},
		{"soon", oct8, time.Time{}, "invalid-date"},
		{"10/15", oct8, time.Time{}, "invalid-date"},
		{"Oct 15", time.Time{}, time.Time{}, "no year"},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := tplParseDay(c.in, templateOptions(t).Zones, c.ref)
			switch {
			case c.rule == "no year":
				if _, ok := err.(tplErrNoYear); !ok {
					t.Errorf("err = %v, want no year", err)
				}
			case c.rule != "":
				if err == nil || ruleOf(err) != c.rule {
					t.Errorf("got %v, %v; want %s", got, err, c.rule)
				}
			case err != nil || !got.Equal(c.want):
				t.Errorf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func TestTemplateActionItems(t *testing.T) {
	doc := "| Field | Value |\n|---|---|\n| Start Time | 2025-10-08 14:00 BZT |\n\n" +
		"## ‚úÖ **Action Items**\n\n" +
		"| **Title** | **Assignee** | **Due date** | **State** | **Prio** | **Issue** |\n" +
		"|:--|:--|:--:|--|--|--|\n" +
		"| Done one | Ann | 2025-10-15 | ✅ Done | 🔴 P0 | [#123](https://github.com/org/repo/issues/123) |\n" +
		"| Doing one | `Bob` | 15 Oct | In Progress | p1 | <https://example.com/x> |\n" +
		"| Dropped one | Cy | Oct 20 | Won't do | P2 (low) | OPS-12 |\n" +
		"| Mojibake done | Di | Oct 21 | ‚úÖ Done | P3 | |\n" +
		"| Unassigned | [Name] | [YYYY-MM-DD] | Open / In Progress / Done | P0 / P1 / P2 / P3 | |\n" +
		"| [Action description] | [Owner] | [YYYY-MM-DD] | Open | P1 | |\n" +
		"| Pipe \\| in title | TBD | Feb 30 | Open | P1 | |\n" +
		"|  |  |  |  |  |  |\n"
	r := parseTemplate(t, "x.md", []byte(doc))
	want := []ActionItem{
		{Title: "Done one", Owner: "Ann", Due: date(2025, 10, 15), Status: "done", Priority: "P0", Link: "https://github.com/org/repo/issues/123", Line: 9},
		{Title: "Doing one", Owner: "Bob", Due: date(2025, 10, 15), Status: "in-progress", Priority: "P1", Link: "https://example.com/x", Line: 10},
		{Title: "Dropped one", Owner: "Cy", Due: date(2025, 10, 20), Status: "wont-do", Priority: "P2", Link: "OPS-12", Line: 11},
		{Title: "Mojibake done", Owner: "Di", Due: date(2025, 10, 21), Status: "done", Priority: "P3", Line: 12},
		{Title: "Unassigned", Status: "open", Line: 13},
		{Title: "Pipe | in title", Status: "open", Priority: "P1", Line: 15},
	}
	if len(r.ActionItems) != len(want) {
		t.Fatalf("items = %+v", r.ActionItems)
	}
	for i, w := range want {
		if g := r.ActionItems[i]; g != w {
			t.Errorf("item %d = %+v\n want %+v", i, g, w)
		}
	}
	for _, c := range []struct {
		line int
		rule string
	}{{13, "placeholder"}, {14, "placeholder"}, {15, "invalid-date"}} {
		if !hasDiag(r, c.line, c.rule) {
			t.Errorf("no %s diagnostic at line %d: %+v", c.rule, c.line, r.Diagnostics)
		}
	}
	if n := len(diagsOf(r, "placeholder")); n != 5 { // owner, due, status, priority of line 13; title of line 14
		t.Errorf("%d placeholder diagnostics, want 5: %+v", n, diagsOf(r, "placeholder"))
	}
}

func TestTemplateSecurityAnswer(t *testing.T) {
	for _, c := range []struct {
		name, line, want, rule string
	}{
		{"ballot boxes yes", "☑ Yes  ☐ No", "true", ""},
		{"ballot boxes no", "☐ Yes  ☑ No", "false", ""},
		{"ballot x", "☒ Yes ☐ No", "true", ""},
		{"task boxes", "[x] Yes [ ] No", "true", ""},
		{"task boxes no", "- [ ] Yes - [X] No", "false", ""},
		{"mac roman mojibake yes", "‚òë Yes  ‚òê No", "true", ""},
		{"seed mojibake", "‚òê Yes  ‚òë No", "false", ""},
		{"windows mojibake", "â˜‘ Yes  â˜\u0090 No", "true", ""},
		{"check and cross", "✅ Yes ❌ No", "true", ""},
		{"bold labels", "☐ **Yes** ☑ **No**", "false", ""},
		{"plain answer", "No.", "false", ""},
		// An answer that is not one plain Yes or No fails closed.
		{"unticked", "☐ Yes  ☐ No", "true", "placeholder"},
		{"both ticked", "☑ Yes  ☑ No", "true", "invalid-field"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := "## Security Considerations\n\n### **Was this a security incident?**\n" + c.line + "\n\n**Explanation:**\n> Line one.\n> Line two.\n\n- **PII Accessed:** Yes, 12 email addresses\n- **Payment Data Accessed:** None\n"
			r := parseTemplate(t, "x.md", []byte(doc))
			if got := boolp(r.Security.Incident); got != c.want {
				t.Errorf("incident = %s, want %s", got, c.want)
			}
			if c.rule != "" && !hasDiag(r, 4, c.rule) {
				t.Errorf("no %s diagnostic at line 4: %+v", c.rule, r.Diagnostics)
			}
			if c.want == "true" && r.Visibility != "internal" {
				t.Errorf("security incident published as %q", r.Visibility)
			}
			if r.Security.Explanation != "Line one.\nLine two." || r.Lines["security.explanation"] != 7 {
				t.Errorf("explanation = %q at %d", r.Security.Explanation, r.Lines["security.explanation"])
			}
			if boolp(r.Security.PII) != "true" || boolp(r.Security.PaymentData) != "false" || r.Security.RegulatoryNotification != nil {
				t.Errorf("pii %s payment %s regulatory %s", boolp(r.Security.PII), boolp(r.Security.PaymentData), boolp(r.Security.RegulatoryNotification))
			}
		})
	}
}

// Parse repairs Mac Roman mojibake before extraction; the answer reader
// must not depend on it, since not every mis-encoding is repairable.
func TestTemplateAnswerMojibake(t *testing.T) {
	seed := readTestdata(t, "seed.md")
	i := bytes.Index(seed, []byte(" Yes "))
	j := bytes.IndexByte(seed[i:], '\n')
	line := string(seed[bytes.LastIndexByte(seed[:i], '\n')+1 : i+j])
	for _, c := range []struct {
		line    string
		yes, no bool
	}{
		{line, false, true}, // the seed's own bytes: "‚òê Yes  ‚òë No"
		{"\xe2\x80\x9a\xc3\xb2\xc3\xab Yes \xe2\x80\x9a\xc3\xb2\xc3\xaa No", true, false},
		{"‚úÖ Yes ‚ùå No", true, false},
		{"â˜‘ Yes  â˜\ufffd No", true, false},
		{"âœ“ no wait: â˜\u0090 yes", false, true},
	} {
		yes, no, ok, _, _ := tplAnswer(c.line)
		if !ok || yes != c.yes || no != c.no {
			t.Errorf("tplAnswer(%q) = %v %v %v, want %v %v", c.line, yes, no, ok, c.yes, c.no)
		}
	}
	if _, _, ok, _, _ := tplAnswer("Yes and no, without boxes"); ok {
		t.Error("a line without boxes read as an answer")
	}
}

func TestTemplateImpact(t *testing.T) {
	for _, c := range []struct {
		users, loss string
		wantUsers   int
		wantRevenue float64
	}{
		{"47 customers", "$3,520", 47, 3520},
		{"~1,200 (estimated)", "$3.5k", 1200, 3500},
		{"None", "€0", 0, 0},
		{"**12**", "USD 1,234.50 (refunds included)", 12, 1234.5},
	} {
		t.Run(c.users+" "+c.loss, func(t *testing.T) {
			doc := "## Impact Assessment\n\n### Users Affected:\n- **Total Users:** " + c.users +
				"\n\n### Data Affected:\n- **Data Loss:** 3 bookings lost\n- Data Exposure: No\n\n### Revenue Impact:\n- **Lost Bookings:** 47 × $68\n- **Total Estimated Loss:** " + c.loss + "\n"
			r := parseTemplate(t, "x.md", []byte(doc))
			if r.Impact.Users == nil || *r.Impact.Users != c.wantUsers || r.Impact.Revenue == nil || *r.Impact.Revenue != c.wantRevenue {
				t.Errorf("users %v revenue %v; diagnostics %+v", r.Impact.Users, r.Impact.Revenue, r.Diagnostics)
			}
			if boolp(r.Impact.DataLoss) != "true" || boolp(r.Impact.DataExposure) != "false" {
				t.Errorf("data loss %s exposure %s", boolp(r.Impact.DataLoss), boolp(r.Impact.DataExposure))
			}
			if r.Lines["impact.users"] != 4 || r.Lines["impact.revenue"] != 12 {
				t.Errorf("lines %v", r.Lines)
			}
		})
	}
	t.Run("no number", func(t *testing.T) {
		r := parseTemplate(t, "x.md", []byte("## Impact\n- **Total Users:** many\n"))
		if r.Impact.Users != nil || !hasDiag(r, 2, "invalid-field") {
			t.Errorf("users %v diagnostics %+v", r.Impact.Users, r.Diagnostics)
		}
	})
}

// Lines of a report with front matter are file lines, not body lines.
func TestTemplateLinesWithFrontMatter(t *testing.T) {
	body := readTestdata(t, "filled.md")
	doc := append([]byte("---\nstatus: final\nservices: [booking-api]\n---\n"), body...)
	r := parseTemplate(t, "x.md", doc)
	if r.Layout != "mixed" || r.Status != "final" || r.ID != "INC-2025-10-08-001" {
		t.Fatalf("layout %q status %q id %q", r.Layout, r.Status, r.ID)
	}
	if r.Lines["id"] != 15 || r.Timeline[0].Line != 42 || r.ActionItems[0].Line != 165 || r.StatedDurationLine != 21 {
		t.Errorf("lines not shifted by the front matter: id %d event %d item %d duration %d",
			r.Lines["id"], r.Timeline[0].Line, r.ActionItems[0].Line, r.StatedDurationLine)
	}
}

// BenchmarkApplyTemplate measures extraction alone: a build parses
// every report, so this is paid ten thousand times on a large site.
func BenchmarkApplyTemplate(b *testing.B) {
	data := Normalize(readTestdata(b, "filled.md"))
	opt := templateOptions(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := &Report{Body: data, BodyLine: 1, Lines: map[string]int{}}
		applyTemplate(r, opt)
		if len(r.Timeline) != 18 {
			b.Fatal("timeline not read")
		}
	}
}

func FuzzApplyTemplate(f *testing.F) {
	for _, name := range []string{"filled.md", "seed.md"} {
		f.Add(readTestdata(f, name))
	}
	for _, s := range []string{
		"",
		"## Timeline of Events\n```\n23:59 - a - b\n00:01 - c - d\n",
		"## Incident Metadata\n| Field | Value |\n|--|--|\n| Start Time | 2025-10-08 14:00 CST |\n| Resolution Time | 01:00 |\n",
		"## Incident Metadata\n| Incident ID | Severity | Start Time | Visibility |\n|--|--|--|--|\n| INC-1 | P1 | 2025-10-08 14:00 CST | Internal |\n",
		"## Action Items\n|Action|Deadline|\n|-|-|\n|x|Feb 29|\n|[a]|Oct 1|\n",
		"### Was this a security incident?\n‚òë Yes [x] No ☐\n**Explanation:**\n>\n",
		"## Attachments\n1. `a` `b` [c](d)\n2. [x]\n",
		"---\nstarted: 14:00\n---\n## Timeline\n- **14:00** - x\n",
	} {
		f.Add([]byte(s))
	}
	opt := templateOptions(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("docs/incident-reports/x.md", data, opt)
		if err != nil {
			return // unreadable input is an error, never a panic
		}
		// Every line the report points at is a line of the file.
		last := 1 + bytes.Count(Normalize(data), []byte("\n"))
		check := func(what string, l int) {
			if l < 0 || l > last {
				t.Fatalf("%s line %d outside the file's %d lines", what, l, last)
			}
		}
		for k, l := range r.Lines {
			check("Lines["+k+"]", l)
		}
		for _, d := range r.Diagnostics {
			check("diagnostic "+d.Rule, d.Line)
		}
		for _, a := range r.ActionItems {
			check("action item", a.Line)
		}
		for _, e := range r.Timeline {
			check("event", e.Line)
		}
		check("stated duration", r.StatedDurationLine)
	})
}

func TestTemplateSecPhrase(t *testing.T) {
	for _, tc := range []struct {
		line, want string // want: the name found, "" for none
	}{
		{"Was this a security incident?", "security incident"},
		{"### **Security Incident:** Yes", "Security Incident"},
		{"Was this a cybersecurity incident? ☑ Yes", "cybersecurity incident"},
		{"a security-related incident", "security-related incident"},
		{"SECURITY BREACH", "SECURITY BREACH"},
		{"Any data breach?", "data breach"},
		{"insecurity incident", ""},
		{"security incidents", ""},
		{"security review", ""},
		{"securityincident", ""},
	} {
		t.Run(tc.line, func(t *testing.T) {
			got := ""
			if from, to, ok := tplSecPhrase(tc.line); ok {
				got = tc.line[from:to]
			}
			if got != tc.want {
				t.Errorf("tplSecPhrase(%q) = %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}
