package check_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-docs/hindsight/generator/check"
)

// docsFile is the user documentation of the command and its rules. Its
// part below docsMarker is generated from Rules; the test keeps it in
// sync, and -update rewrites it.
var docsFile = filepath.Join("..", "..", "docs", "check-rules.md")

const docsMarker = "<!-- BEGIN GENERATED RULES"

func TestDocsInSync(t *testing.T) {
	data, err := os.ReadFile(docsFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i := strings.Index(doc, docsMarker)
	if i < 0 {
		t.Fatalf("%s has no %q line", docsFile, docsMarker)
	}
	nl := strings.IndexByte(doc[i:], '\n')
	if nl < 0 {
		nl = len(doc) - i
	}
	head := doc[:i+nl+1]
	want := head + rulesMarkdown()
	if *update && doc != want {
		if err := os.WriteFile(docsFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		doc = want
	}
	if doc != want {
		t.Errorf("%s is out of date: run go test ./generator/check -update", docsFile)
	}
	for _, ru := range check.Rules {
		if !strings.Contains(doc, "\n### `"+ru.ID+"`\n") {
			t.Errorf("%s does not document rule %s", docsFile, ru.ID)
		}
	}
}

// rulesMarkdown is the generated part of the documentation: a table of
// every rule, then a section per rule.
func rulesMarkdown() string {
	var b strings.Builder
	b.WriteString("\n| rule | severity | checks that |\n|---|---|---|\n")
	for _, ru := range check.Rules {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", ru.ID, ru.ID, severityText(ru), ru.Summary)
	}
	for _, ru := range check.Rules {
		fmt.Fprintf(&b, "\n### `%s`\n\n", ru.ID)
		fmt.Fprintf(&b, "*%s.", strings.ToUpper(severityText(ru)[:1])+severityText(ru)[1:])
		switch ru.Source {
		case "parser":
			b.WriteString(" Found while reading the report; `hindsight build` shows it too, as a warning.")
		case "loader":
			b.WriteString(" Found while finding and reading the report files.")
		}
		b.WriteString("*\n\n")
		b.WriteString(ru.Doc)
		b.WriteString("\n")
	}
	return b.String()
}

func severityText(ru check.Rule) string {
	if ru.DraftSeverity != "" && ru.DraftSeverity != ru.Severity {
		return ru.Severity + " (" + ru.DraftSeverity + " on drafts)"
	}
	return ru.Severity
}
