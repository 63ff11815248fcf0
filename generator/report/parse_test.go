package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func opts() Options {
	return Options{
		Zones:             Zones{Location: time.UTC, Offsets: map[string]*time.Location{"BZT": time.FixedZone("BZT", -6*3600)}},
		Severities:        []string{"P0", "P1", "P2", "P3"},
		DefaultVisibility: "public",
	}
}

const full = `---
id: INC-2025-10-08-001
title: Booking system outage after schema migration
severity: P0
status: final
visibility: public
started:  2025-10-08T14:00:00-06:00
detected: 2025-10-08T14:15:00-06:00
acknowledged: "14:20"
mitigated: 2025-10-08 14:42 BZT
resolved: 2025-10-08T16:30:00-06:00
commander: Maria Chen, Operations Manager
author: Jordan Blake, Engineering Lead
report_date: 2025-10-09
services: [booking-api, admin-dashboard]
tags: [database, migration]
impact:
  users: 47
  revenue: 3520
  data_loss: false
  data_exposure: false
security:
  incident: false
  pii: false
  payment_data: false
  regulatory_notification: false
action_items:
  - title: Update migration checklist to require schema diff review
    owner: Engineering Lead
    due: 2025-10-15
    status: open
    priority: P0
    link: https://github.com/org/repo/issues/123
  - title: Add booking API error monitoring
    owner: Engineering
    due: 2025-10-12
    status: In Progress
    priority: p1
timeline:
  - at: 2025-10-08T14:00:00-06:00
    event: Database migration deployed to production
    who: Engineering Team
  - at: "14:15"
    event: First customer booking failure reported
    who: Customer Support
reviewers:
  - {role: Incident Commander, name: Maria Chen, approved: 2025-10-10}
  - {role: CTO, name: Sam Ortiz}
meeting: {at: 2025-10-10T10:00:00-06:00, attendees: [Maria Chen, Jordan Blake]}
related: [INC-2025-09-30-002]
attachments: [rollback.sql]
---

# Booking system outage after schema migration

## Executive Summary
`

func TestParseFull(t *testing.T) {
	r, err := Parse("docs/incident-reports/2025/INC-2025-10-08-001-booking.md", []byte(full), opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Diagnostics) != 0 {
		t.Errorf("diagnostics: %+v", r.Diagnostics)
	}
	bzt := time.FixedZone("", -6*3600)
	checks := []struct {
		name      string
		got, want any
	}{
		{"id", r.ID, "INC-2025-10-08-001"},
		{"severity", r.Severity, "P0"},
		{"status", r.Status, "final"},
		{"started", r.Started.Unix(), time.Date(2025, 10, 8, 14, 0, 0, 0, bzt).Unix()},
		{"acknowledged on the start day", r.Acknowledged.Unix(), time.Date(2025, 10, 8, 14, 20, 0, 0, bzt).Unix()},
		{"mitigated with abbreviation", r.Mitigated.Unix(), time.Date(2025, 10, 8, 14, 42, 0, 0, bzt).Unix()},
		{"commander", r.Commander, "Maria Chen, Operations Manager"},
		{"report date", r.ReportDate, time.Date(2025, 10, 9, 0, 0, 0, 0, time.UTC)},
		{"services", strings.Join(r.Services, ","), "booking-api,admin-dashboard"},
		{"users", *r.Impact.Users, 47},
		{"revenue", *r.Impact.Revenue, 3520.0},
		{"data loss", *r.Impact.DataLoss, false},
		{"security", *r.Security.Incident, false},
		{"actions", len(r.ActionItems), 2},
		{"action status normalised", r.ActionItems[1].Status, "in-progress"},
		{"priority upper-cased", r.ActionItems[1].Priority, "P1"},
		{"action due", r.ActionItems[0].Due, time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC)},
		{"action line", r.ActionItems[0].Line, 28},
		{"link", r.ActionItems[0].Link, "https://github.com/org/repo/issues/123"},
		{"timeline", len(r.Timeline), 2},
		{"clock on start day", r.Timeline[1].At.Unix(), time.Date(2025, 10, 8, 14, 15, 0, 0, bzt).Unix()},
		{"reviewer pending", r.Reviewers[1].Approved.IsZero(), true},
		{"reviewer approved", r.Reviewers[0].Approved, time.Date(2025, 10, 10, 0, 0, 0, 0, time.UTC)},
		{"meeting attendees", len(r.Meeting.Attendees), 2},
		{"related", r.Related[0], "INC-2025-09-30-002"},
		{"attachments", r.Attachments[0], "rollback.sql"},
		{"body line", r.BodyLine, 53},
		{"severity line", r.Lines["severity"], 4},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	if d, ok := r.TimeToResolve(); !ok || d != 150*time.Minute {
		t.Errorf("TimeToResolve = %v, %v", d, ok)
	}
	if d, ok := r.TimeToDetect(); !ok || d != 15*time.Minute {
		t.Errorf("TimeToDetect = %v, %v", d, ok)
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		src     string
		errLine int      // >0: Parse must fail with a FileError at this line
		rules   []string // diagnostics expected, in any order
		check   func(t *testing.T, r *Report)
	}{
		{
			name: "id from file name", path: "r/2024/INC-2024-03-01-002-slow-search.md",
			src: "---\ntitle: Slow search\nseverity: P3\nstarted: 2024-03-01 10:00\n---\nbody\n",
			check: func(t *testing.T, r *Report) {
				if r.ID != "INC-2024-03-01-002" {
					t.Errorf("id %q", r.ID)
				}
			},
		},
		{
			name: "invalid yaml names the file line", path: "r/x.md",
			src:     "---\ntitle: ok\nseverity: [P1\nstatus: final\n---\n",
			errLine: 3,
		},
		{
			name: "tab indentation", path: "r/x.md",
			src:     "---\ntitle: ok\nimpact:\n\tusers: 3\n---\n",
			errLine: 4,
		},
		{
			name: "front matter that is a list", path: "r/x.md",
			src:     "---\n- a\n- b\n---\n",
			errLine: 2,
		},
		{
			name: "missing fields are warnings", path: "r/INC-2024-03-01-001.md",
			src:   "---\nstatus: final\n---\nJust text.\n",
			rules: []string{"missing-field", "missing-field", "missing-field", "missing-field"},
			check: func(t *testing.T, r *Report) {
				if r.Title != "INC-2024-03-01-001" {
					t.Errorf("title %q, want the id", r.Title)
				}
			},
		},
		{
			name: "unknown key and bad values", path: "r/INC-2024-03-01-001.md",
			src:   "---\ntitle: t\nseverity: P9\nstatus: done\nstarted: soon\ncolour: red\nimpact:\n  users: many\n---\n",
			rules: []string{"unknown-severity", "unknown-status", "invalid-time", "unknown-field", "invalid-field"},
			check: func(t *testing.T, r *Report) {
				if r.Status != "draft" {
					t.Errorf("status %q, want draft", r.Status)
				}
				for _, d := range r.Diagnostics {
					if d.Rule == "unknown-field" && d.Line != 6 {
						t.Errorf("unknown-field at line %d, want 6", d.Line)
					}
				}
			},
		},
		{
			name: "security incident defaults to internal", path: "r/INC-2024-03-01-001.md",
			src: "---\ntitle: t\nseverity: P1\nstarted: 2024-03-01 10:00\nsecurity:\n  incident: true\n---\n",
			check: func(t *testing.T, r *Report) {
				if r.Visibility != "internal" {
					t.Errorf("visibility %q", r.Visibility)
				}
			},
		},
		{
			name: "security incident explicitly public", path: "r/INC-2024-03-01-001.md",
			src: "---\ntitle: t\nseverity: P1\nstarted: 2024-03-01 10:00\nvisibility: public\nsecurity:\n  incident: true\n---\n",
			check: func(t *testing.T, r *Report) {
				if r.Visibility != "public" {
					t.Errorf("visibility %q", r.Visibility)
				}
			},
		},
		{
			name: "crlf and bom keep line numbers", path: "r/INC-2024-03-01-001.md",
			src:   "\ufeff---\r\ntitle: t\r\nseverity: P1\r\nstarted: 2024-03-01 10:00\r\nbogus: 1\r\n---\r\nbody\r\n",
			rules: []string{"unknown-field"},
			check: func(t *testing.T, r *Report) {
				if r.Diagnostics[0].Line != 5 {
					t.Errorf("line %d, want 5", r.Diagnostics[0].Line)
				}
				if strings.Contains(string(r.Body), "\r") {
					t.Error("body keeps CR")
				}
			},
		},
		{
			name: "binary file", path: "r/x.md", src: "\x00\x01\x02PNG", errLine: -1,
		},
		{
			name: "not utf-8", path: "r/INC-2024-03-01-001.md",
			src:   "---\ntitle: caf\xe9\nseverity: P1\nstarted: 2024-03-01 10:00\n---\n",
			rules: []string{"encoding"},
		},
		{
			name: "unclosed front matter", path: "r/INC-2024-03-01-001.md",
			src:   "---\ntitle: t\n",
			rules: []string{"front-matter", "missing-field", "missing-field", "missing-field"},
		},
		{
			name: "alias expansion is bounded", path: "r/INC-2024-03-01-001.md",
			src:   "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: t\nseverity: P1\nstarted: 2024-03-01 10:00\ntags: *c\n---\n",
			rules: []string{"unknown-field", "unknown-field", "unknown-field", "invalid-field"},
			check: func(t *testing.T, r *Report) {
				if len(r.Tags) != 0 {
					t.Errorf("tags %v", r.Tags)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(tc.path, []byte(tc.src), opts())
			if tc.errLine != 0 {
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("want FileError, got %v", err)
				}
				if tc.errLine > 0 && fe.Line != tc.errLine {
					t.Errorf("error %q at line %d, want %d", fe, fe.Line, tc.errLine)
				}
				if !strings.HasPrefix(fe.Error(), tc.path+":") {
					t.Errorf("error %q does not start with the path", fe)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range r.Diagnostics {
				got = append(got, d.Rule)
			}
			if strings.Join(sorted(got), ",") != strings.Join(sorted(tc.rules), ",") {
				t.Errorf("rules %v, want %v\n%+v", got, tc.rules, r.Diagnostics)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// FuzzParse feeds arbitrary files to Parse: it must never panic, and a
// report it returns must always have an ID and a known status.
func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("---\ntitle: x\n---\n"))
	f.Add([]byte("---\na: &a [x]\nb: [*a, *a]\n---\n"))
	f.Add([]byte("# Title\n\n| **Field** | **Value** |\n|---|---|\n| Incident ID | INC-2025-10-08-001 |\n"))
	for _, c := range privacyCases {
		f.Add([]byte(c.src))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("docs/incident-reports/2025/INC-2025-10-08-001.md", data, opts())
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if r.ID == "" || (r.Status != "draft" && r.Status != "review" && r.Status != "final") {
			t.Fatalf("id %q status %q", r.ID, r.Status)
		}
		if r.Visibility != "public" && r.Visibility != "internal" {
			t.Fatalf("visibility %q", r.Visibility)
		}
		// The default is public: a report that is internal for a
		// reason other than saying so must say why.
		if r.Visibility == "internal" && len(r.Diagnostics) == 0 && !saysInternal(r) {
			t.Fatalf("internal without a diagnostic or a security incident")
		}
		// What the parse cache keeps is what was parsed.
		if diff := cmp.Diff(r, roundTrip(t, r), sameReport); diff != "" {
			t.Fatalf("binary round trip (-parsed +back):\n%s", diff)
		}
	})
}

// saysInternal reports whether r is internal by its own say: a
// visibility of internal, or a security incident.
func saysInternal(r *Report) bool {
	return r.Lines["visibility"] > 0 || (r.Security.Incident != nil && *r.Security.Incident)
}

func TestFirstHeading(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"# Booking outage\n\ntext\n", "Booking outage"},
		{"Booking outage\n==============\n\ntext\n", "Booking outage"},
		{"  **Booking outage**  \n===\n", "Booking outage"},
		{"Intro line.\n\n# Title\n\nOther\n=====\n", "Title"},
		{"Other\n=====\n\n# Title\n", "Other"},
		{"Section\n-------\n", ""},
		{"- item\n====\n", ""},
		{"| a | b |\n=====\n", ""},
		{"text\n", ""},
	} {
		t.Run(tc.body, func(t *testing.T) {
			if got := firstHeading([]byte(tc.body)); got != tc.want {
				t.Errorf("firstHeading = %q, want %q", got, tc.want)
			}
		})
	}
}
