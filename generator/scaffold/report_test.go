package scaffold

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

func site(t *testing.T, yaml string) *config.Site {
	t.Helper()
	root := t.TempDir()
	if yaml == "" {
		s, err := config.Default(root)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s, err := config.Parse(filepath.Join(root, config.FileName), []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func parseOptions(s *config.Site) report.Options {
	return report.Options{
		Zones:             report.Zones{Location: s.Location, Offsets: s.Offsets, Ambiguous: config.Ambiguous},
		Severities:        s.Severities,
		DefaultVisibility: s.DefaultVisibility,
	}
}

// TestDraftParses checks that a new report is a clean draft: it parses
// with no diagnostic at all, as front matter only (the guidance comments
// must not look like template-layout data), with every value new says
// it fills in.
func TestDraftParses(t *testing.T) {
	tests := []struct {
		name     string
		config   string
		title    string
		severity string
		started  time.Time
	}{
		{"defaults", "", "Booking system outage after schema migration", "P0",
			time.Date(2025, 10, 8, 14, 0, 0, 0, time.FixedZone("", -6*3600))},
		{"title YAML would misread", "", "yes: #1 [urgent] outage, 'quoted' \"too\"", "p2",
			time.Date(2025, 10, 8, 14, 0, 30, 0, time.UTC)},
		{"morning start, timeline clock with leading zeros", "", "Early", "P1",
			time.Date(2025, 10, 8, 9, 8, 0, 0, time.FixedZone("", -8*3600))},
		{"long title", "", strings.Repeat("very long title ", 12), "P3",
			time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC)},
		{"custom config", "severities: [SEV1, SEV2]\ndefault_visibility: internal\ncurrency: EUR\ntimezone: Europe/Berlin\n",
			"Checkout errors", "sev2", time.Date(2025, 3, 30, 2, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := site(t, tt.config)
			d, err := NewDraft(s, Report{Title: tt.title, Severity: tt.severity, Started: tt.started})
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(s.Root, d.Path)
			r, err := report.Parse(filepath.ToSlash(rel), d.Data, parseOptions(s))
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, d.Data)
			}
			for _, dg := range r.Diagnostics {
				t.Errorf("diagnostic: %d %s %s: %s", dg.Line, dg.Severity, dg.Rule, dg.Message)
			}
			if r.Layout != "front-matter" {
				t.Errorf("layout %q, want front-matter: the body's guidance was read as template data", r.Layout)
			}
			wantTitle := strings.Join(strings.Fields(tt.title), " ")
			check := []struct{ what, got, want string }{
				{"id", r.ID, d.ID},
				{"title", r.Title, wantTitle},
				{"severity", r.Severity, strings.ToUpper(tt.severity)},
				{"status", r.Status, "draft"},
				{"visibility", r.Visibility, s.DefaultVisibility},
				{"commander", r.Commander, ""},
				{"author", r.Author, ""},
			}
			for _, c := range check {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
			if !r.Started.Equal(tt.started) {
				t.Errorf("started = %v, want %v", r.Started, tt.started)
			}
			if !r.Detected.IsZero() || !r.Resolved.IsZero() {
				t.Errorf("detected/resolved filled in: %v %v", r.Detected, r.Resolved)
			}
			if len(r.Timeline) != 1 || !r.Timeline[0].At.Equal(tt.started) {
				t.Errorf("timeline = %+v, want one event at the start", r.Timeline)
			}
			if len(r.ActionItems) != 0 || len(r.Services) != 0 || len(r.Tags) != 0 || len(r.Attachments) != 0 {
				t.Errorf("lists not empty: %+v %v %v %v", r.ActionItems, r.Services, r.Tags, r.Attachments)
			}
			var roles []string
			for _, rv := range r.Reviewers {
				roles = append(roles, rv.Role)
				if rv.Name != "" || !rv.Approved.IsZero() {
					t.Errorf("reviewer %+v is filled in", rv)
				}
			}
			if strings.Join(roles, "|") != strings.Join(Reviewers, "|") {
				t.Errorf("reviewer roles %q, want %q", roles, Reviewers)
			}
			sec := r.Security
			for name, b := range map[string]*bool{"incident": sec.Incident, "pii": sec.PII, "payment_data": sec.PaymentData,
				"regulatory_notification": sec.RegulatoryNotification, "data_loss": r.Impact.DataLoss, "data_exposure": r.Impact.DataExposure} {
				if b == nil || *b {
					t.Errorf("%s = %v, want false", name, b)
				}
			}
			if r.Impact.Users != nil || r.Impact.Revenue != nil {
				t.Errorf("impact numbers filled in: %v %v", r.Impact.Users, r.Impact.Revenue)
			}
			if !bytes.Contains(d.Data, []byte("in "+s.Currency)) {
				t.Errorf("revenue hint does not name the currency %s", s.Currency)
			}
		})
	}
}

// TestDraftSections checks the body has every section of the seed
// template, in its order, each with guidance in an HTML comment.
func TestDraftSections(t *testing.T) {
	s := site(t, "")
	d, err := NewDraft(s, Report{Title: "x", Severity: "P1", Started: time.Date(2025, 10, 8, 14, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"## Executive Summary",
		"## Timeline of Events",
		"## Root Cause Analysis",
		"### What Happened",
		"### Why It Happened",
		"### Why It Wasn't Detected Earlier",
		"## Impact Assessment",
		"### Users Affected",
		"### Systems Affected",
		"### Data Affected",
		"### Revenue Impact",
		"### Reputational Impact",
		"## What Went Well",
		"## What Went Poorly",
		"## Action Items",
		"## Lessons Learned",
		"### Process Improvements",
		"### Technical Improvements",
		"### Communication Improvements",
		"## Security Considerations",
		"## Attachments",
		"## Sign-Off",
		"### Post-Mortem Meeting",
	}
	_, body, _ := strings.Cut(string(d.Data)[3:], "\n---\n")
	var got []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "#") {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("headings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Every heading is followed by its guidance comment.
	section := regexp.MustCompile(`(?m)^#{2,3} .+\n\n<!-- [^>]+ -->\n`)
	if n := len(section.FindAllString(body, -1)); n != len(want) {
		t.Errorf("%d of %d headings are followed by a guidance comment", n, len(want))
	}
	// Guidance lines must not start like Markdown blocks (lists,
	// headings, tables), or an author who deletes the comment markers,
	// or the template extraction, would read them as content.
	inComment := false
	for i, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "<!--") {
			inComment = true
		}
		if inComment && regexp.MustCompile(`^(\s*[-*+|#>]|\s*\d+[.)]|\*\*)`).MatchString(l) {
			t.Errorf("body line %d in a comment looks like Markdown: %q", i+1, l)
		}
		if strings.Contains(l, "-->") {
			inComment = false
		}
	}
}

func TestNewDraftPath(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		started time.Time
		slug    string
		want    string // relative to the site root
	}{
		{"slug from the title", "", time.Date(2025, 10, 8, 14, 0, 0, 0, time.UTC), "",
			"docs/incident-reports/2025/INC-2025-10-08-001-booking-outage-after-schema-migration.md"},
		{"slug given", "", time.Date(2025, 10, 8, 14, 0, 0, 0, time.UTC), "Booking Outage",
			"docs/incident-reports/2025/INC-2025-10-08-001-booking-outage.md"},
		{"day in the config timezone, not the start's zone", "",
			time.Date(2025, 10, 8, 23, 30, 0, 0, time.FixedZone("", -6*3600)), "",
			"docs/incident-reports/2025/INC-2025-10-09-001-booking-outage-after-schema-migration.md"},
		{"year folder of the config day", "timezone: Asia/Tokyo\nreports_dir: incidents\n",
			time.Date(2025, 12, 31, 20, 0, 0, 0, time.UTC), "",
			"incidents/2026/INC-2026-01-01-001-booking-outage-after-schema-migration.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := site(t, tt.config)
			d, err := NewDraft(s, Report{Title: "Booking outage after the schema migration", Severity: "P1", Started: tt.started, Slug: tt.slug})
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(s.Root, d.Path)
			if filepath.ToSlash(rel) != tt.want {
				t.Errorf("path %s, want %s", rel, tt.want)
			}
		})
	}
}

func TestNewDraftInputErrors(t *testing.T) {
	start := time.Date(2025, 10, 8, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		r    Report
		msg  string
	}{
		{"unknown severity", Report{Title: "x", Severity: "P9", Started: start}, `--severity "P9" is not one of P0, P1, P2, P3`},
		{"blank title", Report{Title: " \n ", Severity: "P1", Started: start}, "--title"},
		{"slug without letters", Report{Title: "x", Severity: "P1", Started: start, Slug: "!!!"}, "--slug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDraft(site(t, ""), tt.r)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an InputError", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to mention %q", err, tt.msg)
			}
		})
	}
}

func TestParseStarted(t *testing.T) {
	s := site(t, "timezone: America/Belize\nzones: {CST: \"-06:00\"}\n")
	belize := s.Location
	now := time.Date(2025, 10, 8, 20, 30, 45, 0, time.UTC) // 14:30:45 in Belize
	tests := []struct {
		name, in string
		want     time.Time
		err      string
	}{
		{"empty is now to the minute", "", time.Date(2025, 10, 8, 14, 30, 0, 0, belize), ""},
		{"RFC 3339", "2025-10-07T09:00:00+02:00", time.Date(2025, 10, 7, 7, 0, 0, 0, time.UTC), ""},
		{"config timezone", "2025-10-07 11:00", time.Date(2025, 10, 7, 11, 0, 0, 0, belize), ""},
		{"with offset", "2025-10-07 11:00 -05:00", time.Date(2025, 10, 7, 16, 0, 0, 0, time.UTC), ""},
		{"zone named in config", "2025-10-07 11:00 CST", time.Date(2025, 10, 7, 17, 0, 0, 0, time.UTC), ""},
		{"clock time is today", "11:15", time.Date(2025, 10, 8, 11, 15, 0, 0, belize), ""},
		{"leading zeros are decimal", "2025-10-07 09:08 -08:00", time.Date(2025, 10, 7, 17, 8, 0, 0, time.UTC), ""},
		{"morning clock time", "08:09", time.Date(2025, 10, 8, 8, 9, 0, 0, belize), ""},
		{"ambiguous zone", "2025-10-07 11:00 IST", time.Time{}, "ambiguous"},
		{"not a time", "yesterday", time.Time{}, "--started"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStarted(s, tt.in, now)
			if tt.err != "" {
				var ie *InputError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want an InputError mentioning %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWriteNeverOverwrites(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"existing report", func(t *testing.T, path string) {
			writeTree(t, filepath.Dir(path), map[string]string{filepath.Base(path): "mine"})
		}},
		{"dangling symlink", func(t *testing.T, path string) {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(filepath.Dir(path), "nowhere"), path); err != nil {
				t.Skip("no symlinks here:", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "2025", "INC-2025-10-08-001-x.md")
			tt.setup(t, path)
			before, _ := os.Readlink(path)
			data, _ := os.ReadFile(path)
			err := (&Draft{Path: path, Data: []byte("new")}).Write()
			if !errors.Is(err, fs.ErrExist) {
				t.Fatalf("Write = %v, want fs.ErrExist", err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			after, _ := os.Readlink(path)
			now, _ := os.ReadFile(path)
			if before != after || !bytes.Equal(data, now) {
				t.Errorf("file changed: %q → %q", data, now)
			}
		})
	}
}

func TestWriteCreatesYearFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docs", "incident-reports", "2031", "INC-2031-01-01-001.md")
	if err := (&Draft{Path: path, Data: []byte("x")}).Write(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "x" {
		t.Fatalf("read back %q, %v", b, err)
	}
}
