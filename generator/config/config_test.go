package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		errLine int    // >0: want an *Error at this line
		errText string // substring of the error
		check   func(t *testing.T, s *Site)
	}{
		{name: "empty keeps defaults", yaml: "", check: func(t *testing.T, s *Site) {
			if s.ReportsDir != "docs/incident-reports" || s.Output != "public" || s.ReportDeadlineHours != 48 || s.Timezone != "UTC" {
				t.Errorf("defaults: %+v", s)
			}
			if len(s.Severities) != 4 || s.DefaultVisibility != "public" || s.Currency != "USD" {
				t.Errorf("defaults: %+v", s)
			}
		}},
		{name: "values", yaml: "title: ACME\ntimezone: America/Belize\nreport_deadline_hours: 72\nrepo_url: https://github.com/acme/ops/\nzones:\n  CST: -06:00\n", check: func(t *testing.T, s *Site) {
			if s.Title != "ACME" || s.Location.String() != "America/Belize" || s.ReportDeadlineHours != 72 {
				t.Errorf("%+v", s)
			}
			if s.RepoURL != "https://github.com/acme/ops" {
				t.Errorf("repo_url %q", s.RepoURL)
			}
			if s.Offsets["CST"] == nil {
				t.Error("zones: CST not added")
			}
		}},
		{name: "unknown key", yaml: "title: x\n\nreport_dir: docs\n", errLine: 3, errText: `unknown key report_dir`},
		{name: "bad timezone", yaml: "title: x\ntimezone: Mars/Olympus\n", errLine: 2, errText: "unknown time zone"},
		{name: "bad deadline", yaml: "report_deadline_hours: -1\n", errLine: 1, errText: "positive"},
		{name: "bad visibility", yaml: "default_visibility: secret\n", errLine: 1, errText: "public or internal"},
		{name: "reports outside repo", yaml: "reports_dir: ../elsewhere\n", errLine: 1, errText: "inside the repository"},
		{name: "bad yaml", yaml: "title: [x\n", errText: "hindsight.yaml"},
		{name: "wrong type", yaml: "severities: P0\n", errLine: 1, errText: "cannot unmarshal"},
		{name: "bad zone", yaml: "zones:\n  XST: nowhere\n", errLine: 1, errText: "XST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("/repo/hindsight.yaml", []byte(tc.yaml))
			if tc.errText != "" {
				if err == nil {
					t.Fatalf("no error, want %q", tc.errText)
				}
				if !strings.Contains(err.Error(), tc.errText) || !strings.HasPrefix(err.Error(), "/repo/hindsight.yaml") {
					t.Errorf("error %q, want it to name the file and contain %q", err, tc.errText)
				}
				var ce *Error
				if tc.errLine > 0 && (!errors.As(err, &ce) || ce.Line != tc.errLine) {
					t.Errorf("error %q, want line %d", err, tc.errLine)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Root != "/repo" || s.Path != "/repo/hindsight.yaml" {
				t.Errorf("root %q path %q", s.Root, s.Path)
			}
			tc.check(t, s)
		})
	}
}

func TestLoadWalksUp(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "docs", "incident-reports", "2025")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, FileName), []byte("title: Found\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(deep, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Title != "Found" || s.Root != root {
		t.Errorf("title %q root %q, want Found in %s", s.Title, s.Root, root)
	}

	// Without a config, the repository root is the root.
	bare := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bare, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(bare, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err = Load(sub, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Root != bare || s.Path != "" || s.Title != "Incident reports" {
		t.Errorf("root %q path %q title %q", s.Root, s.Path, s.Title)
	}
}

// TestDocumented keeps docs/configuration.md in step with the keys.
func TestDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := yaml.Unmarshal(defaults, &keys); err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("docs/configuration.md does not document %q", k)
		}
	}
}
