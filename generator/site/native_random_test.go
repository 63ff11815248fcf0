package site

import (
	"bytes"
	"math/rand"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/themes"
)

// TestNativeMatchesTemplatesRandomly renders reports whose every field is
// made of pieces that matter to escaping, both ways, and compares them.
func TestNativeMatchesTemplatesRandomly(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	atoms := []string{"<", ">", "&", "'", "\"", "+", "\x00", "\xff", "\xc3", "%", "%4", "%zz", "%41", ":", "javascript:", " javascript:", "JaVaScRiPt:", "java\tscript:", "http:", "mailto:", "data:", "/", "#", "?", "(", ")", " ", "\t", "\n", "ü", "\u2028", "`", "=", "{{", "a", "1", ".", "..", "-", "--", "\\", ";", "@", "[", "]", "&#", "e+", "\u00a0"}
	str := func() string {
		var b bytes.Buffer
		for n := rng.Intn(6); n >= 0; n-- {
			b.WriteString(atoms[rng.Intn(len(atoms))])
		}
		return b.String()
	}
	at := time.Date(2025, 6, 1, 10, 0, 0, 0, time.FixedZone("", -5*3600))
	for round := 0; round < 40; round++ {
		var rs []*report.Report
		for i := 0; i < 8; i++ {
			yes := rng.Intn(2) == 0
			r := &report.Report{
				Path: "docs/incident-reports/2025/r" + string(rune('a'+i)) + ".md", ID: "INC-" + str(), Title: str(), Severity: str(), Status: []string{"draft", "review", "final", str()}[rng.Intn(4)],
				Visibility: []string{"public", "internal", str()}[rng.Intn(3)], Started: at, Resolved: at.Add(time.Duration(rng.Intn(100000)) * time.Second),
				Detected:  at.Add(time.Duration(rng.Intn(1000)) * time.Second),
				Commander: str(), Author: str(), ReportDate: date(2025, 6, 3), Services: []string{str(), str()}, Tags: []string{str()},
				Impact:   report.Impact{Users: ptr(rng.Intn(1e9) - 5), Revenue: ptr(rng.Float64() * 1e7), DataLoss: &yes},
				Security: report.Security{Incident: &yes, Explanation: str()},
				ActionItems: []report.ActionItem{
					{Title: str(), Owner: str(), Due: date(2025, 6, 10), Status: []string{"open", "done", "wont-do", "in-progress", str()}[rng.Intn(5)], Priority: str(), Link: str()},
					{Title: str(), Link: str(), Status: "done", Due: date(2025, 6, 2), Closed: at.Add(48 * time.Hour)},
				},
				Timeline:    []report.Event{{At: at, Text: str(), Who: str()}, {Label: str(), Text: str()}},
				Reviewers:   []report.Reviewer{{Role: str(), Name: str(), Approved: date(2025, 6, 4)}},
				Meeting:     &report.Meeting{At: at, Attendees: []string{str()}, Notes: str()},
				Related:     []string{str()},
				Attachments: []string{str()},
				Body:        []byte("# " + str() + "\n\n## " + str() + "\n\n[l](" + str() + ")\n"),
				Diagnostics: []report.Diagnostic{{Line: 3, Severity: str(), Rule: str(), Message: str()}},
				Git: &report.Git{Created: at.Add(30 * time.Hour), Updated: at.Add(50 * time.Hour), Revisions: 2, Authors: []string{str()},
					History: []report.Revision{{Commit: str() + "0123456789", Date: at, Author: str(), Subject: str()}}},
			}
			rs = append(rs, r)
		}
		cfg, err := config.Default(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg.RepoURL, cfg.Branch, cfg.Currency = "https://git.example.com/o/r", str(), "EUR"
		cfg.BaseURL = "https://h.example/" + str()
		cfg.ReportDeadlineHours = rng.Float64() * 1e22
		cfg.Title = str()
		in := Input{Config: cfg, Now: fixtureNow, Theme: themes.Default(), Workers: 2, Reports: rs}
		bothWays(t, in, func(rel string, want, got []byte) {
			i := 0
			for i < len(want) && i < len(got) && want[i] == got[i] {
				i++
			}
			lo := max(0, i-150)
			t.Errorf("round %d %s differs at %d:\n tpl: %q\n go:  %q", round, rel, i, want[lo:min(len(want), i+80)], got[lo:min(len(got), i+80)])
		})
	}
}
