package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/hindsight-docs/hindsight/generator/config"
)

var updateImport = flag.Bool("update-import", false, "rewrite testdata/import/*.golden.md")

// impOpts are the options of a build without hindsight.yaml: the real
// zone table, so BZT resolves as in a build.
func impOpts(t testing.TB) Options {
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

func impRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const impPath = "docs/incident-reports/2025/report.md"

// canonical renders every field of a parsed report except where the
// body is and the lines things sit on, so two parses of one report
// compare equal exactly when they say the same. It works on the whole
// struct (through JSON), so a field added to Report later is compared
// too. Times keep their offset.
func canonical(t *testing.T, r *Report) string {
	t.Helper()
	c := *r
	c.Body, c.BodyLine, c.Lines, c.Layout, c.StatedDurationLine = nil, 0, nil, "", 0
	c.ActionItems = append([]ActionItem(nil), r.ActionItems...)
	for i := range c.ActionItems {
		c.ActionItems[i].Line = 0
	}
	c.Timeline = append([]Event(nil), r.Timeline...)
	for i := range c.Timeline {
		c.Timeline[i].Line = 0
	}
	var ds []string
	for _, d := range r.Diagnostics {
		ds = append(ds, d.Severity+" "+d.Rule+": "+d.Message)
	}
	sort.Strings(ds)
	c.Diagnostics = nil
	b, err := json.MarshalIndent(struct {
		Report
		Diags []string
	}{c, ds}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkRoundTrip asserts that the imported file parses to the same
// report as the original, has front matter, only lost lines of the
// body (never changed one) and is left alone by a second import.
func checkRoundTrip(t *testing.T, in []byte, res *ImportResult) {
	t.Helper()
	opt := impOpts(t)
	before, err := Parse(impPath, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	after, err := Parse(impPath, res.Output, opt)
	if err != nil {
		t.Fatalf("imported file does not parse: %v", err)
	}
	if after.BodyLine <= 1 {
		t.Errorf("imported file has no front matter")
	}
	if a, b := canonical(t, before), canonical(t, after); a != b {
		t.Errorf("imported file reads differently:\n%s", UnifiedDiff("before", "after", []byte(a), []byte(b)))
	}

	// The body is the input minus lines: a subsequence, byte for byte,
	// line ends included. The front matter and the one blank line after
	// it are all that is new.
	lines := func(b []byte) []string {
		var out []string
		for _, l := range splitSourceLines(b) {
			if l.text != "" || l.eol != "" {
				out = append(out, l.text+l.eol)
			}
		}
		return out
	}
	inLines := lines(in)
	outLines := lines(res.Output)
	// Skip the front matter: its two --- lines and what is between.
	for k, n := 0, 0; k < len(outLines); k++ {
		if strings.TrimSpace(outLines[k]) == "---" {
			if n++; n == 2 {
				outLines = outLines[k+1:]
				break
			}
		}
	}
	if len(outLines) > 0 && strings.TrimSpace(outLines[0]) == "" && (len(inLines) == 0 || strings.TrimSpace(inLines[0]) != "") {
		outLines = outLines[1:]
	}
	i := 0
	for _, l := range outLines {
		for i < len(inLines) && inLines[i] != l {
			i++
		}
		if i == len(inLines) {
			t.Errorf("body line %q is not a line of the input (or is out of order)", l)
			break
		}
		i++
	}

	again, err := Import(impPath, res.Output, opt)
	if err != nil || again.Skipped == "" || again.Output != nil {
		t.Errorf("second import: %+v, %v; want it skipped", again, err)
	}
}

// frontMatter decodes the front matter of an imported file.
func frontMatter(t *testing.T, out []byte) map[string]any {
	t.Helper()
	s := strings.ReplaceAll(string(out), "\r\n", "\n")
	parts := strings.SplitN(s, "---\n", 3)
	if len(parts) != 3 || parts[0] != "" {
		t.Fatalf("no front matter in\n%s", out)
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(parts[1]), &m); err != nil {
		t.Fatalf("front matter: %v", err)
	}
	return m
}

func fmText(out []byte) string {
	s := string(out)
	if i := strings.Index(s[3:], "---"); i >= 0 {
		return s[:i+3]
	}
	return s
}

func hasWarning(ws []Diagnostic, line int, rule, contains string) bool {
	for _, w := range ws {
		if w.Line == line && w.Rule == rule && strings.Contains(w.Message, contains) {
			return true
		}
	}
	return false
}

func TestImport(t *testing.T) {
	filled := impRead(t, "template/filled.md")
	for _, tc := range []struct {
		name  string
		in    []byte
		check func(t *testing.T, res *ImportResult)
	}{{
		name: "filled seed template",
		in:   filled,
		check: func(t *testing.T, res *ImportResult) {
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
			want := "id title severity started detected resolved commander author report_date impact security action_items timeline reviewers meeting attachments"
			if got := strings.Join(res.Keys, " "); got != want {
				t.Errorf("keys = %s\nwant %s", got, want)
			}
			out := string(res.Output)
			for _, gone := range []string{"Timeline of Events", "**Format:**", "Action Items", "Sign-Off", "Report Reviewed By",
				"Post-Mortem Meeting", "| Incident ID", "| Start Time", "‚òê Yes"} {
				if strings.Contains(out, gone) {
					t.Errorf("output still has %q", gone)
				}
			}
			// Narrative, the title line, prose beside data, the
			// duration front matter has no key for: all stay, mojibake
			// included.
			for _, kept := range []string{"\n# Post-Incident Report: Booking system outage\n", "## \uf8ffüìù **Executive Summary**",
				"| Total Duration           | 2 hours 30 minutes |", "- **Total Users:** 47 customers",
				"### **Was this a security incident?**\n\n**Explanation:**\n> No customer data", "- **PII Accessed:** None",
				"1. Database migration script: `20251008_141000_add_tour_availability.sql`", "**Report Distribution:**",
				"## \uf8ffüìÑ **Attachments**", "**Template Last Updated:** October 8, 2025"} {
				if !strings.Contains(out, kept) {
					t.Errorf("output lost %q", kept)
				}
			}
			golden := filepath.Join("testdata", "import", "filled.golden.md")
			if *updateImport {
				if err := os.WriteFile(golden, res.Output, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := impRead(t, "import/filled.golden.md"); !bytes.Equal(res.Output, want) {
				t.Errorf("output differs from %s (go test -update-import to rewrite):\n%s", golden, UnifiedDiff("want", "got", want, res.Output))
			}
		},
	}, {
		name: "midnight",
		in:   impRead(t, "import/midnight.md"),
		check: func(t *testing.T, res *ImportResult) {
			fm := fmText(res.Output)
			for _, want := range []string{
				"started: 2025-12-20T23:40:00-06:00\n",
				"detected: 2025-12-20T23:55:00-06:00\n",
				"resolved: 2025-12-21T01:30:00-06:00\n", // after midnight
				"status: final\n",
				"services: [payments-api, checkout]\n",
				"  - at: 2025-12-21T00:10:00-06:00\n    event: Failover to the secondary processor\n",
				"  - at: 2025-12-21T01:30:00-06:00\n",
				"    due: 2026-01-05\n    status: in-progress\n", // "Jan 5" of a December incident
				"    due: 2025-12-30\n    status: done\n",
			} {
				if !strings.Contains(fm, want) {
					t.Errorf("front matter lacks %q:\n%s", want, fm)
				}
			}
			if strings.Contains(fm, `at: "`) {
				t.Errorf("timeline uses bare clock times:\n%s", fm)
			}
			out := string(res.Output)
			if strings.Contains(out, "## Timeline") || strings.Contains(out, "## Action Items") || strings.Contains(out, "## Incident Metadata") {
				t.Errorf("emptied sections kept:\n%s", out)
			}
			if !strings.HasSuffix(out, "---\n\n# Payments degraded overnight\n\n## Executive Summary\n\nCard payments failed for nearly two hours around midnight.\n\n---\n\n## Lessons Learned\n\nFailover works; we were slow to start it.\n") {
				t.Errorf("body:\n%s", out)
			}
		},
	}, {
		name: "placeholders left",
		in:   impRead(t, "import/partial.md"),
		check: func(t *testing.T, res *ImportResult) {
			out := string(res.Output)
			// Every slot and unread value stays where it was, with a
			// warning naming its line.
			for _, w := range []struct {
				line     int
				rule     string
				contains string
				kept     string
			}{
				{9, "placeholder", "severity", "| Severity | P0 / P1 / P2 / P3 |"},
				{11, "placeholder", "detected", "| Detection Time | [YYYY-MM-DD HH:MM TZ] |"},
				{21, "import", "[Person/Team]", "09:00 - Index node runs out of disk - [Person/Team]"},
				{29, "import", `column "notes"`, "| Alert on index disk usage | SRE | Nov 10 | Open | P1 | after the freeze |"},
				{40, "placeholder", "reviewers[1].name", "| Engineering Lead | [Name] | [YYYY-MM-DD] |"},
				{47, "placeholder", "meeting.notes", "- **Meeting Notes:** [Link to notes or attach separately]"},
			} {
				if !hasWarning(res.Warnings, w.line, w.rule, w.contains) {
					t.Errorf("no %s warning on line %d about %s in %v", w.rule, w.line, w.contains, res.Warnings)
				}
				if !strings.Contains(out, w.kept) {
					t.Errorf("output lost %q", w.kept)
				}
			}
			// What was read moved; the rest of its table or list stays.
			fm := fmText(res.Output)
			for _, want := range []string{"id: INC-2025-11-03-001\n", "started: 2025-11-03T09:00:00-05:00\n", "resolved: 2025-11-03T10:15:00-05:00\n",
				"meeting:\n  at: 2025-11-05T15:00:00-05:00\n  attendees: [Dana Lee, Sam Ortiz]\n", "security:\n  incident: false\n"} {
				if !strings.Contains(fm, want) {
					t.Errorf("front matter lacks %q:\n%s", want, fm)
				}
			}
			for _, notMoved := range []string{"severity:", "detected:", "timeline:", "action_items:", "reviewers:", "notes:"} {
				if strings.Contains(fm, notMoved) {
					t.Errorf("front matter has %q, whose source stays in the body:\n%s", notMoved, fm)
				}
			}
			for _, gone := range []string{"| Incident ID |", "| Start Time |", "- **Date/Time:**", "- **Attendees:**"} {
				if strings.Contains(out, gone) {
					t.Errorf("output still has %q", gone)
				}
			}
			// An unknown row and the duration stay in the table; the answer
			// line has prose after it, so it stays too.
			for _, kept := range []string{"| Customer | Acme Travel |", "| Total Duration | 1 hour 15 minutes |", "☑ No — the index holds no customer data"} {
				if !strings.Contains(out, kept) {
					t.Errorf("output lost %q", kept)
				}
			}
			// Output warnings point at the lines of the written file.
			lines := strings.Split(out, "\n")
			for _, w := range res.OutputWarnings {
				if w.Line > 1 && (w.Line > len(lines) || strings.TrimSpace(lines[w.Line-1]) == "") {
					t.Errorf("output warning %d %s points at an empty line", w.Line, w.Rule)
				}
				if w.Rule == "placeholder" && w.Line > 1 && !strings.Contains(lines[w.Line-1], "[") && !strings.Contains(lines[w.Line-1], "/") {
					t.Errorf("placeholder warning at %d: %q", w.Line, lines[w.Line-1])
				}
			}
		},
	}, {
		name: "other forms",
		in:   impRead(t, "import/forms.md"),
		check: func(t *testing.T, res *ImportResult) {
			want := "---\n" +
				"id: INC-2024-11-29-001\n" +
				"severity: P2\n" +
				"started: 2024-11-29T09:00:00-05:00\n" +
				"security:\n  incident: false\n" +
				"timeline:\n" +
				"  - at: 2024-11-29T09:00:00-05:00\n    event: Cache flushed by deploy\n    who: CI\n" +
				"  - at: 2024-11-29T09:05:00-05:00\n    event: Origin saturated\n" +
				"meeting:\n  at: 2024-12-02T11:00:00-05:00\n  notes: https://wiki.example.com/pm/42\n" +
				"---\n\n" +
				"# Cache stampede\n\n" +
				"## Timeline\n\n" +
				"**Format:** all times Eastern\n\n" + // the author's words stay
				"## Action Items\n\n" +
				"- Add jitter to cache expiry\n\n" + // not a table: not action items
				"## Post-Mortem Meeting\n\n" +
				"- **Attendees:** Ana, Ben\n" + // the item goes on below: it stays
				"  and the whole search team\n\n" +
				"## Lessons Learned\n\n" +
				"Jitter matters.\n"
			if got := string(res.Output); got != want {
				t.Errorf("output:\n%s", UnifiedDiff("want", "got", []byte(want), res.Output))
			}
		},
	}, {
		name: "timeline table with a notes column",
		in:   []byte("| Field | Value |\n|---|---|\n| Start Time | 2024-11-29 09:00 -05:00 |\n\n## Timeline\n\n| Time | Event | Notes |\n|---|---|---|\n| 09:00 | Flushed | by mistake |\n"),
		check: func(t *testing.T, res *ImportResult) {
			if !hasWarning(res.Warnings, 7, "import", `column "notes"`) {
				t.Errorf("warnings: %v", res.Warnings)
			}
			if !strings.HasSuffix(string(res.Output), "---\n\n## Timeline\n\n| Time | Event | Notes |\n|---|---|---|\n| 09:00 | Flushed | by mistake |\n") {
				t.Errorf("output:\n%s", res.Output)
			}
		},
	}, {
		name: "CRLF",
		in:   bytes.ReplaceAll(filled, []byte("\n"), []byte("\r\n")),
		check: func(t *testing.T, res *ImportResult) {
			if bytes.Contains(bytes.ReplaceAll(res.Output, []byte("\r\n"), nil), []byte("\n")) {
				t.Errorf("output mixes line ends")
			}
			lf, err := Import(impPath, filled, impOpts(t))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bytes.ReplaceAll(res.Output, []byte("\r\n"), []byte("\n")), lf.Output) {
				t.Errorf("CRLF import differs from the LF one")
			}
		},
	}, {
		name: "CR",
		in:   bytes.ReplaceAll(filled, []byte("\n"), []byte("\r")),
		check: func(t *testing.T, res *ImportResult) {
			if bytes.Contains(res.Output, []byte("\n")) {
				t.Errorf("output has LF line ends in a CR file")
			}
		},
	}, {
		name: "byte-order mark",
		in:   append([]byte("\ufeff"), filled...),
		check: func(t *testing.T, res *ImportResult) {
			if !bytes.HasPrefix(res.Output, []byte("---\nid: ")) {
				t.Errorf("output starts %q", res.Output[:12])
			}
		},
	}, {
		name: "quoting",
		in:   impRead(t, "import/quoting.md"),
		check: func(t *testing.T, res *ImportResult) {
			fm := fmText(res.Output)
			for _, want := range []string{`title: "yes"`, `commander: "14:00"`, `author: "No"`, `event: "true"`, `who: "off"`,
				`services: ["on", "123", "null"]`, `"P0 / P1"`, `"2025-07-01"`, `'"quoted"'`, `'#hash'`, `'a: b'`,
				`event: 'Cache: flushed # twice'`, `who: "1e3"`, "started: 2025-07-01T08:00:00Z\n", "resolved: 2025-07-01T09:00:00Z\n"} {
				if !strings.Contains(fm, want) {
					t.Errorf("front matter lacks %s:\n%s", want, fm)
				}
			}
			m := frontMatter(t, res.Output)
			if m["title"] != "yes" || m["commander"] != "14:00" {
				t.Errorf("read back: title %#v, commander %#v", m["title"], m["commander"])
			}
		},
	}, {
		name: "metadata laid out across",
		in: []byte("# Booking outage\n\n## Incident Metadata\n\n| Incident ID | Incident Title | Severity | Start Time | Resolution Time |\n|---|---|---|---|---|\n" +
			"| INC-2025-10-08-001 | Booking outage | P1 | 2025-10-08 14:00 BZT | 2025-10-08 16:30 BZT |\n\n## Summary\n\nBookings failed.\n"),
		check: func(t *testing.T, res *ImportResult) {
			if got := strings.Join(res.Keys, " "); got != "id title severity started resolved" {
				t.Errorf("keys = %s", got)
			}
			out := string(res.Output)
			if strings.Contains(out, "|") || strings.Contains(out, "Incident Metadata") {
				t.Errorf("the table or its section stayed:\n%s", out)
			}
		},
	}, {
		name: "metadata laid out across, a column front matter has no key for",
		in: []byte("# Booking outage\n\n## Incident Metadata\n\n| Incident ID | Severity | Start Time | Total Duration |\n|---|---|---|---|\n" +
			"| INC-2025-10-08-001 | P1 | 2025-10-08 14:00 BZT | 2 hours |\n\n## Timeline of Events\n\n```\n14:05 - Alert - Ops\n```\n"),
		check: func(t *testing.T, res *ImportResult) {
			// The table stays whole, and is where the report still
			// reads its ID and severity from.
			if got := strings.Join(res.Keys, " "); got != "timeline" {
				t.Errorf("keys = %s", got)
			}
			if !strings.Contains(string(res.Output), "| INC-2025-10-08-001 | P1 | 2025-10-08 14:00 BZT | 2 hours |\n") {
				t.Errorf("the table did not stay:\n%s", res.Output)
			}
		},
	}, {
		name: "a table laid out across and one laid out down",
		in: []byte("# Booking outage\n\n## Incident Metadata\n\n| Detected | Resolved |\n|---|---|\n| 2025-10-08 14:10 BZT | 2025-10-08 15:00 BZT |\n\n" +
			"## Summary\n\n| Field | Value |\n|---|---|\n| Incident ID | INC-2025-10-08-007 |\n| Severity | P3 |\n| Start Time | 2025-10-08 14:00 BZT |\n\nBookings failed.\n"),
		check: func(t *testing.T, res *ImportResult) {
			// The table laid out down is the metadata; the other stays.
			if got := strings.Join(res.Keys, " "); got != "id severity started" {
				t.Errorf("keys = %s", got)
			}
			if !strings.Contains(string(res.Output), "| 2025-10-08 14:10 BZT | 2025-10-08 15:00 BZT |\n") {
				t.Errorf("the table laid out across did not stay:\n%s", res.Output)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import(impPath, tc.in, impOpts(t))
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if res.Skipped != "" || res.Output == nil {
				t.Fatalf("skipped: %s", res.Skipped)
			}
			checkRoundTrip(t, tc.in, res)
			tc.check(t, res)
		})
	}
}

func TestImportRefused(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		skipped  string // want a skip with this reason
		err      string // want a *FileError with this text
		line     int
	}{
		{name: "front matter", in: "---\nid: INC-2025-10-08-001\n---\n\n| Field | Value |\n|---|---|\n| Severity | P1 |\n", skipped: "already has front matter"},
		{name: "empty front matter", in: "---\n---\n# x\n", skipped: "already has front matter"},
		{name: "no template", in: "# Notes\n\nJust prose.\n", err: "nothing to import: no template-layout data"},
		{name: "only placeholders", in: "| Field | Value |\n|---|---|\n| Incident Title | [Brief descriptive headline] |\n", err: "no template value could be read"},
		{name: "unclosed front matter", in: "---\ntitle: x\n\n| Field | Value |\n|---|---|\n| Severity | P1 |\n", err: "never closes", line: 1},
		{name: "invalid UTF-8", in: "# x\n\n| Field | Value |\n|---|---|\n| Severity | P\xff |\n", err: "not valid UTF-8", line: 5},
		{name: "binary", in: "# x\x00", err: "binary file"},
		{name: "invalid YAML", in: "---\n: [\n---\n", err: "invalid YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Import(impPath, []byte(tc.in), impOpts(t))
			if tc.skipped != "" {
				if err != nil || res == nil || !strings.Contains(res.Skipped, tc.skipped) || res.Output != nil {
					t.Fatalf("got %+v, %v; want skipped (%s)", res, err, tc.skipped)
				}
				return
			}
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Msg, tc.err) || fe.Path != impPath {
				t.Fatalf("err = %v; want a FileError naming the file: %s", err, tc.err)
			}
			if tc.line > 0 && fe.Line != tc.line {
				t.Errorf("line = %d, want %d", fe.Line, tc.line)
			}
			if res != nil && res.Output != nil {
				t.Errorf("output given with an error")
			}
		})
	}
}

func TestImportIdempotent(t *testing.T) {
	opt := impOpts(t)
	once, err := Import(impPath, impRead(t, "template/filled.md"), opt)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Import(impPath, once.Output, opt)
	if err != nil {
		t.Fatal(err)
	}
	if twice.Skipped == "" || twice.Output != nil || len(twice.Warnings) != 0 {
		t.Errorf("second import = %+v, want a skip and nothing else", twice)
	}
}

// TestImportTemplates imports each template-layout test file of the
// package: whatever the file holds, the result must read the same.
func TestImportTemplates(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "template", "*.md"))
	more, _ := filepath.Glob(filepath.Join("testdata", "import", "*.md"))
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, ".golden.md") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Import(impPath, in, impOpts(t))
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			checkRoundTrip(t, in, res)
		})
	}
}

func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"both empty", "", "", ""},
		{"from empty", "", "x\ny\n", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n"},
		{"to empty", "x\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n"},
		{"insert at top", "1\n2\n3\n4\n5\n", "0\n1\n2\n3\n4\n5\n", "--- a\n+++ b\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n"},
		{"change in middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
			"--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "X\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\nY\n",
			"--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+Y\n"},
		{"close changes merge", "1\n2\n3\n4\n5\n6\n7\n8\n", "X\n2\n3\n4\n5\n6\n7\nY\n",
			"--- a\n+++ b\n@@ -1,8 +1,8 @@\n-1\n+X\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n"},
		{"deletions before insertions", "a\nb\nc\n", "x\ny\nc\n", "--- a\n+++ b\n@@ -1,3 +1,3 @@\n-a\n-b\n+x\n+y\n c\n"},
		{"no newline at end", "a\nb", "a\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
		{"CRLF is content", "a\r\nb\r\n", "a\r\nc\r\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := UnifiedDiff("a", "b", []byte(tc.a), []byte(tc.b)); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestUnifiedDiffRandom checks the diff on random texts: applying it to
// a gives b, and it keeps as many lines as a longest common subsequence.
func TestUnifiedDiffRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	gen := func() []byte {
		var b bytes.Buffer
		for n := rng.Intn(30); n > 0; n-- {
			b.WriteString(string(rune('a' + rng.Intn(4))))
			b.WriteByte('\n')
		}
		if rng.Intn(5) == 0 {
			b.WriteString("z") // no line end at the end
		}
		return b.Bytes()
	}
	for i := 0; i < 3000; i++ {
		a, b := gen(), gen()
		if i%3 == 0 { // similar texts, the common case
			b = append(append([]byte(nil), a...), gen()...)
			if len(a) > 4 {
				b = append(append([]byte(nil), a[:len(a)/2]...), a[len(a)/2+2:]...)
			}
		}
		d := UnifiedDiff("a", "b", a, b)
		got, err := applyUnified(a, d)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("case %d: patch %v\na=%q\nb=%q\ndiff:\n%s\napplied=%q", i, err, a, b, d, got)
		}
		al, bl := diffSplit(a), diffSplit(b)
		ids := map[string]int{}
		id := func(ls []string) []int {
			out := make([]int, len(ls))
			for i, l := range ls {
				if _, ok := ids[l]; !ok {
					ids[l] = len(ids)
				}
				out[i] = ids[l]
			}
			return out
		}
		ai, bi := id(al), id(bl)
		kept := 0
		for _, op := range diffOps(ai, bi) {
			if op == '=' {
				kept++
			}
		}
		if want := lcsLen(ai, bi); kept != want {
			t.Fatalf("case %d: kept %d lines, a longest common subsequence has %d\na=%q\nb=%q", i, kept, want, a, b)
		}
	}
}

func lcsLen(a, b []int) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// applyUnified applies a unified diff to a, strictly: every context and
// deleted line must match, and the hunk headers must count right.
func applyUnified(a []byte, diff string) ([]byte, error) {
	if diff == "" {
		return a, nil
	}
	src := diffSplit(a)
	lines := strings.SplitAfter(diff, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		return nil, fmt.Errorf("no header")
	}
	var out []string
	pos := 0
	i := 2
	for i < len(lines) && lines[i] != "" {
		h := lines[i]
		var as, an, bs, bn int
		if _, err := fmt.Sscanf(expandRange(h), "@@ -%d,%d +%d,%d @@\n", &as, &an, &bs, &bn); err != nil {
			return nil, fmt.Errorf("header %q: %v", h, err)
		}
		start := as - 1
		if an == 0 {
			start = as
		}
		if start < pos {
			return nil, fmt.Errorf("hunks overlap")
		}
		out = append(out, src[pos:start]...)
		pos = start
		i++
		gotA, gotB := 0, 0
		for i < len(lines) && lines[i] != "" && !strings.HasPrefix(lines[i], "@@") {
			c, l := lines[i][0], lines[i][1:]
			i++
			if i < len(lines) && lines[i] == "\\ No newline at end of file\n" {
				l = strings.TrimSuffix(l, "\n")
				i++
			}
			switch c {
			case ' ':
				if pos >= len(src) || src[pos] != l {
					return nil, fmt.Errorf("context %q does not match", l)
				}
				out = append(out, l)
				pos++
				gotA++
				gotB++
			case '-':
				if pos >= len(src) || src[pos] != l {
					return nil, fmt.Errorf("deleted %q does not match", l)
				}
				pos++
				gotA++
			case '+':
				out = append(out, l)
				gotB++
			default:
				return nil, fmt.Errorf("bad line %q", c)
			}
		}
		if gotA != an || gotB != bn {
			return nil, fmt.Errorf("hunk %q counts %d,%d", h, gotA, gotB)
		}
	}
	out = append(out, src[pos:]...)
	return []byte(strings.Join(out, "")), nil
}

// expandRange writes "@@ -3 +3,2 @@" as "@@ -3,1 +3,2 @@".
func expandRange(h string) string {
	f := strings.Fields(h)
	if len(f) < 4 {
		return h
	}
	for k := 1; k <= 2; k++ {
		if !strings.Contains(f[k], ",") {
			f[k] += ",1"
		}
	}
	return strings.Join(f, " ") + "\n"
}

func FuzzImport(f *testing.F) {
	for _, name := range []string{"template/filled.md", "template/seed.md", "import/midnight.md", "import/partial.md", "import/quoting.md", "import/forms.md"} {
		f.Add(impRead(f, name))
	}
	f.Add([]byte("| Field | Value |\n|---|---|\n| Severity | P1 |\n"))
	f.Add([]byte("## Metadata\n\n| Incident ID | Severity | Start Time | Total Duration |\n|---|---|---|---|\n| INC-1 | P1 | 2025-10-08 14:00 CST | 2h |\n"))
	f.Add([]byte("## Timeline\n\n```\n23:00 - a - b\n00:10 - c\n```\n"))
	f.Add([]byte("## Sign-Off\n\n| Role | Name | Date |\n|---|---|---|\n| CTO | Sam | Oct 3 |\n"))
	f.Add([]byte("### Was this a security incident?\n\r☑ Yes ☐ No\r\n- **PII Accessed:** Yes\n"))
	opt := impOpts(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Import(impPath, data, opt)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a *FileError: %v", err)
			}
			return
		}
		if res.Output == nil {
			return
		}
		if _, err := Parse(impPath, res.Output, opt); err != nil {
			t.Fatalf("imported file does not parse: %v\n%s", err, strconv.Quote(string(res.Output)))
		}
		again, err := Import(impPath, res.Output, opt)
		if err != nil || again.Output != nil {
			t.Fatalf("second import changed the file: %v", err)
		}
	})
}
