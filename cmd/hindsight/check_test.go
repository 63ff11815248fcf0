package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-docs/hindsight/generator/report"
)

func TestEscapeAnnotation(t *testing.T) {
	for _, tt := range []struct {
		name, in, data, property string
	}{
		{"plain", "no start time", "no start time", "no start time"},
		{"percent", "100% done", "100%25 done", "100%25 done"},
		{"percent first", "%0A is not a newline", "%250A is not a newline", "%250A is not a newline"},
		{"carriage return", "a\rb", "a%0Db", "a%0Db"},
		{"newline", "a\nb", "a%0Ab", "a%0Ab"},
		{"crlf", "a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"colon", "a: b", "a: b", "a%3A b"},
		{"comma", "a, b", "a, b", "a%2C b"},
		{"command in a message", "x\n::error file=evil::owned", "x%0A::error file=evil::owned", "x%0A%3A%3Aerror file=evil%3A%3Aowned"},
		{"all", "%\r\n:,", "%25%0D%0A:,", "%25%0D%0A%3A%2C"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ghEscapeData(tt.in); got != tt.data {
				t.Errorf("ghEscapeData(%q) = %q, want %q", tt.in, got, tt.data)
			}
			if got := ghEscapeProperty(tt.in); got != tt.property {
				t.Errorf("ghEscapeProperty(%q) = %q, want %q", tt.in, got, tt.property)
			}
		})
	}
}

func TestWriteAnnotations(t *testing.T) {
	ds := []report.Diagnostic{
		{Path: "docs/incident-reports/2025/a,b:c.md", Line: 8, Col: 3, Severity: "error", Rule: "time-order", Message: "detected is before started:\n50% of it"},
		{Path: "docs/incident-reports/2025/x.md", Severity: "warning", Rule: "placeholder", Message: "TODO left in"},
	}
	for _, tt := range []struct {
		name, prefix, want string
	}{
		{"site at the repository root", "", "" +
			"::error file=docs/incident-reports/2025/a%2Cb%3Ac.md,line=8,col=3,title=time-order::detected is before started:%0A50%25 of it\n" +
			"::warning file=docs/incident-reports/2025/x.md,line=1,col=1,title=placeholder::TODO left in\n"},
		{"site in a subfolder", "ops", "" +
			"::error file=ops/docs/incident-reports/2025/a%2Cb%3Ac.md,line=8,col=3,title=time-order::detected is before started:%0A50%25 of it\n" +
			"::warning file=ops/docs/incident-reports/2025/x.md,line=1,col=1,title=placeholder::TODO left in\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeCheckAnnotations(&b, tt.prefix, ds)
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

func TestSummaryMarkdown(t *testing.T) {
	for _, tt := range []struct {
		name string
		res  checkResult
		want string
	}{
		{"clean", checkResult{Reports: 3}, "## hindsight check\n\n✅ Checked 3 reports: no problems found.\n\n"},
		{"warnings only", checkResult{Reports: 1, Warnings: 1, Diagnostics: []report.Diagnostic{
			{Path: "r.md", Line: 2, Severity: "warning", Rule: "id-date", Message: "id is dated 2025-10-01"},
		}}, "## hindsight check\n\n⚠️ Checked 1 report: no errors, 1 warning.\n\n" +
			"| | File | Line | Rule | Message |\n|---|---|---:|---|---|\n" +
			"| ⚠️ warning | r.md | 2 | `id-date` | id is dated 2025-10-01 |\n" +
			"\nRules and how to fix each finding: docs/check-rules.md in the hindsight repository.\n\n"},
		{"errors, escaped cells", checkResult{Reports: 2, Errors: 1, Diagnostics: []report.Diagnostic{
			{Path: "a|b.md", Line: 0, Severity: "error", Rule: "placeholder", Message: "summaryCell | pipe\nnew line <script> & more"},
		}}, "## hindsight check\n\n❌ Checked 2 reports: 1 error, 0 warnings.\n\n" +
			"| | File | Line | Rule | Message |\n|---|---|---:|---|---|\n" +
			"| ❌ error | a\\|b.md | 1 | `placeholder` | summaryCell \\| pipe new line &lt;script&gt; &amp; more |\n" +
			"\nRules and how to fix each finding: docs/check-rules.md in the hindsight repository.\n\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkSummaryMarkdown("", tt.res); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestSummaryMarkdownIsBounded(t *testing.T) {
	res := checkResult{Reports: 1, Errors: checkSummaryRows + 5}
	for range checkSummaryRows + 5 {
		res.Diagnostics = append(res.Diagnostics, report.Diagnostic{Path: "r.md", Line: 1, Severity: "error", Rule: "x", Message: "m"})
	}
	got := checkSummaryMarkdown("", res)
	if n := strings.Count(got, "| ❌ error |"); n != checkSummaryRows {
		t.Errorf("%d rows, want %d", n, checkSummaryRows)
	}
	if !strings.Contains(got, "… and 5 more") {
		t.Error("the summary does not say how many rows were left out")
	}
}

func TestAppendSummary(t *testing.T) {
	file := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(file, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := appendCheckSummary(file, "", checkResult{Reports: 2}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if want := "earlier step\n## hindsight check\n\n✅ Checked 2 reports: no problems found.\n\n"; string(got) != want {
		t.Errorf("summary file = %q, want %q", got, want)
	}
	if err := appendCheckSummary(filepath.Join(t.TempDir(), "no", "such", "dir", "s.md"), "", checkResult{}); err == nil {
		t.Error("no error for a summary file that cannot be created")
	}
}

func TestCheckJSON(t *testing.T) {
	for _, tt := range []struct {
		name string
		res  checkResult
		want string
	}{
		{"clean: diagnostics is an empty list, not null", checkResult{Reports: 2},
			`{"reports":2,"errors":0,"warnings":0,"diagnostics":[]}`},
		{"one of each", checkResult{Reports: 1, Errors: 1, Warnings: 1, Diagnostics: []report.Diagnostic{
			{Path: "docs/r.md", Line: 8, Col: 0, Severity: "error", Rule: "time-order", Message: "detected is before started"},
			{Path: "docs/r.md", Line: 0, Col: 5, Severity: "warning", Rule: "placeholder", Message: "\"TODO\" left in"},
		}}, `{"reports":1,"errors":1,"warnings":1,"diagnostics":[` +
			`{"path":"docs/r.md","line":8,"col":1,"severity":"error","rule":"time-order","message":"detected is before started"},` +
			`{"path":"docs/r.md","line":1,"col":5,"severity":"warning","rule":"placeholder","message":"\"TODO\" left in"}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeCheckJSON(&b, tt.res); err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, b.Bytes()); err != nil {
				t.Fatalf("invalid JSON: %v\n%s", err, b.String())
			}
			if compact.String() != tt.want {
				t.Errorf("got  %s\nwant %s", compact.String(), tt.want)
			}
		})
	}
}
