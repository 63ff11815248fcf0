package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/check"
	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/history"
	"github.com/hindsight-docs/hindsight/generator/report"
)

type checkOptions struct {
	format       string
	changedSince string
	now          string
	noHistory    bool
}

// checkFormats are the values --format takes.
var checkFormats = []string{"text", "json", "github"}

func newCheckCmd(e *env, g *globalOptions) *cobra.Command {
	o := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [FILE|FOLDER...]",
		Short: "Validate reports",
		Long: `Check validates every report below reports_dir, or only the files and
folders given, and prints one line per problem:

  path:line:col: severity rule-id: message

Every rule is described, with examples of fixes, in docs/check-rules.md.
Errors make the command exit with status 1; warnings alone do not.

Inside GitHub Actions (GITHUB_ACTIONS=true) the default format is github:
workflow-command annotations, which GitHub shows on the reports' lines,
and a Markdown table of every problem appended to the job summary
($GITHUB_STEP_SUMMARY).`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.format == "" {
				o.format = "text"
				if e.getenv("GITHUB_ACTIONS") == "true" {
					o.format = "github"
				}
			}
			return runCheck(e, g, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "", "output format: text, json or github (default: github inside GitHub Actions, else text)")
	f.StringVar(&o.changedSince, "changed-since", "", "check only reports changed since the merge base of `REF` and HEAD, uncommitted changes included")
	f.StringVar(&o.now, "now", "", `"today" for deadlines: RFC 3339 or YYYY-MM-DD (default: $SOURCE_DATE_EPOCH, else now)`)
	f.BoolVar(&o.noHistory, "no-history", false, "do not read git history (the report-deadline rule is skipped)")
	return cmd
}

func runCheck(e *env, g *globalOptions, o *checkOptions, args []string) error {
	if !slices.Contains(checkFormats, o.format) {
		return &usageError{fmt.Errorf("--format %q: want text, json or github", o.format)}
	}
	s, err := e.loadSite(g)
	if err != nil {
		return err
	}
	today, err := e.parseNow(o.now, s.Location)
	if err != nil {
		return err
	}
	set, err := generator.Load(e.ctx, generator.Config{Site: s, Now: today, NoHistory: o.noHistory})
	if err != nil {
		return err
	}
	sel, err := e.selectReports(s, set, args)
	if err != nil {
		return err
	}
	if o.changedSince != "" {
		changed, err := history.Changed(s.Root, s.ReportsDir, o.changedSince)
		if err != nil {
			return fmt.Errorf("--changed-since %s: %w", o.changedSince, err)
		}
		sel = sel.and(checkPathSet(changed))
	}

	diags := check.Run(set.Reports, check.Options{Root: s.Root, Site: s, Today: today, Only: sel.has})
	// Files that could not be read as reports, or were not loaded, have
	// no report to run rules on; their loader diagnostics stand as they
	// are. History warnings concern every report (a shallow clone), so
	// they are kept whatever is selected.
	for _, d := range append(append([]report.Diagnostic(nil), set.Errors...), set.Diagnostics...) {
		if sel.has(d.Path) || d.Rule == "history" {
			diags = append(diags, d)
		}
	}
	check.Sort(diags)
	res := checkResult{Diagnostics: diags, Reports: sel.count(set)}
	for _, d := range diags {
		if d.Severity == check.Error {
			res.Errors++
		} else {
			res.Warnings++
		}
	}

	switch o.format {
	case "json":
		if err := writeCheckJSON(e.stdout, res); err != nil {
			return err
		}
	case "github":
		writeCheckAnnotations(e.stdout, annotationPrefix(s.Root), diags)
		if p := e.getenv("GITHUB_STEP_SUMMARY"); p != "" {
			if err := appendCheckSummary(p, annotationPrefix(s.Root), res); err != nil {
				// The annotations are out; a missing summary must not
				// hide the verdict, so only say so.
				fmt.Fprintf(e.stderr, "hindsight: warning: job summary: %v\n", err)
			}
		}
		fmt.Fprintln(e.stderr, res.summary())
	default:
		printDiagnostics(e.stdout, diags)
		fmt.Fprintln(e.stderr, res.summary())
	}
	if res.Errors > 0 {
		return &silentError{fmt.Errorf("check found %d error(s)", res.Errors)}
	}
	return nil
}

// checkResult is the outcome of a check, also its JSON form.
type checkResult struct {
	Reports     int
	Errors      int
	Warnings    int
	Diagnostics []report.Diagnostic
}

func (r checkResult) summary() string {
	return fmt.Sprintf("checked %s: %s, %s", checkPlural(r.Reports, "report"), checkPlural(r.Errors, "error"), checkPlural(r.Warnings, "warning"))
}

func checkPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ---------------------------------------------------------------------
// Which reports to check.

// checkSelection is the set of report paths to check; all means every one.
type checkSelection struct {
	all      bool
	paths    map[string]bool
	prefixes []string // folders given on the command line, "dir/"
}

func checkPathSet(ps []string) checkSelection {
	s := checkSelection{paths: make(map[string]bool, len(ps))}
	for _, p := range ps {
		s.paths[p] = true
	}
	return s
}

func (s checkSelection) has(p string) bool {
	if s.all || s.paths[p] {
		return true
	}
	for _, pre := range s.prefixes {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

// and is the intersection of two selections; other is a plain set.
func (s checkSelection) and(other checkSelection) checkSelection {
	out := checkSelection{paths: map[string]bool{}}
	for p := range other.paths {
		if s.has(p) {
			out.paths[p] = true
		}
	}
	return out
}

// count is the number of selected files the check looked at: reports
// and files that could not be read as one.
func (s checkSelection) count(set *generator.Set) int {
	n := 0
	seen := map[string]bool{}
	for _, r := range set.Reports {
		if s.has(r.Path) && !seen[r.Path] {
			seen[r.Path] = true
			n++
		}
	}
	for _, d := range set.Errors {
		if d.Rule == "invalid-file" && s.has(d.Path) && !seen[d.Path] {
			seen[d.Path] = true
			n++
		}
	}
	return n
}

// selectReports turns FILE and FOLDER arguments, relative to the working
// folder, into report paths relative to the site root. An argument that
// is not a report below reports_dir is a usage error: silently checking
// nothing would pass a check that should fail.
func (e *env) selectReports(s *config.Site, set *generator.Set, args []string) (checkSelection, error) {
	if len(args) == 0 {
		return checkSelection{all: true}, nil
	}
	known := map[string]bool{}
	for _, r := range set.Reports {
		known[r.Path] = true
	}
	for _, d := range append(append([]report.Diagnostic(nil), set.Errors...), set.Diagnostics...) {
		known[d.Path] = true
	}
	sel := checkSelection{paths: map[string]bool{}}
	for _, a := range args {
		abs := a
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(e.dir, a)
		}
		st, err := os.Stat(abs)
		if err != nil {
			return checkSelection{}, &usageError{fmt.Errorf("%s: %w", a, pathErr(err))}
		}
		rel, err := filepath.Rel(s.Root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return checkSelection{}, &usageError{fmt.Errorf("%s: not inside the site root %s", a, s.Root)}
		}
		rel = filepath.ToSlash(rel)
		if st.IsDir() {
			if rel == "." {
				return checkSelection{all: true}, nil
			}
			sel.prefixes = append(sel.prefixes, rel+"/")
			continue
		}
		if !known[rel] {
			return checkSelection{}, &usageError{fmt.Errorf("%s: not a report below %s (reports are .md files; README.md and index.md are not reports)", a, s.ReportsDir)}
		}
		sel.paths[rel] = true
	}
	return sel, nil
}

// ---------------------------------------------------------------------
// Output.

// checkJSONDiagnostic is a diagnostic in the JSON output; report.Diagnostic
// leaves its path out, since a report carries it.
type checkJSONDiagnostic struct {
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
}

func writeCheckJSON(w io.Writer, res checkResult) error {
	out := struct {
		Reports     int                   `json:"reports"`
		Errors      int                   `json:"errors"`
		Warnings    int                   `json:"warnings"`
		Diagnostics []checkJSONDiagnostic `json:"diagnostics"`
	}{res.Reports, res.Errors, res.Warnings, make([]checkJSONDiagnostic, 0, len(res.Diagnostics))}
	for _, d := range res.Diagnostics {
		out.Diagnostics = append(out.Diagnostics, checkJSONDiagnostic{d.Path, max(d.Line, 1), max(d.Col, 1), d.Severity, d.Rule, d.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing json: %w", err)
	}
	return nil
}

// annotationPrefix is the slash path of the site root inside its git work tree
// ("" when they are the same or there is no repository): GitHub wants
// annotation paths relative to the repository, report paths are relative
// to the site root.
func annotationPrefix(root string) string {
	top := config.RepoRoot(root)
	if top == "" {
		return ""
	}
	rel, err := filepath.Rel(top, root)
	if err != nil || rel == "." {
		return ""
	}
	return filepath.ToSlash(rel)
}

// writeCheckAnnotations prints one GitHub workflow command per diagnostic:
//
//	::error file=docs/x.md,line=3,col=1,title=time-order::message
func writeCheckAnnotations(w io.Writer, prefix string, ds []report.Diagnostic) {
	for _, d := range ds {
		cmd := "warning"
		if d.Severity == check.Error {
			cmd = "error"
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", cmd,
			ghEscapeProperty(path.Join(prefix, d.Path)), max(d.Line, 1), max(d.Col, 1),
			ghEscapeProperty(d.Rule), ghEscapeData(d.Message))
	}
}

// ghEscapeData escapes the message of a workflow command, as the Actions
// toolkit does (toCommandValue/ghEscapeData): without it a newline would
// end the command and the rest would run as another one.
func ghEscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghEscapeProperty escapes a property value (file, title), where ':' and
// ',' also separate the command's parts.
func ghEscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// checkSummaryRows bounds the job summary table: GitHub refuses summaries
// over 1 MiB, and a thousand rows are already more than anyone reads.
const checkSummaryRows = 1000

// appendCheckSummary appends the Markdown job summary to the file GitHub
// names in $GITHUB_STEP_SUMMARY.
func appendCheckSummary(file, prefix string, res checkResult) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", file, pathErr(err))
	}
	_, werr := io.WriteString(f, checkSummaryMarkdown(prefix, res))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("write %s: %w", file, werr)
	}
	return nil
}

func checkSummaryMarkdown(prefix string, res checkResult) string {
	var b strings.Builder
	b.WriteString("## hindsight check\n\n")
	switch {
	case res.Errors > 0:
		fmt.Fprintf(&b, "❌ Checked %s: %s, %s.\n", checkPlural(res.Reports, "report"), checkPlural(res.Errors, "error"), checkPlural(res.Warnings, "warning"))
	case res.Warnings > 0:
		fmt.Fprintf(&b, "⚠️ Checked %s: no errors, %s.\n", checkPlural(res.Reports, "report"), checkPlural(res.Warnings, "warning"))
	default:
		fmt.Fprintf(&b, "✅ Checked %s: no problems found.\n", checkPlural(res.Reports, "report"))
	}
	if len(res.Diagnostics) == 0 {
		return b.String() + "\n"
	}
	b.WriteString("\n| | File | Line | Rule | Message |\n|---|---|---:|---|---|\n")
	for i, d := range res.Diagnostics {
		if i == checkSummaryRows {
			fmt.Fprintf(&b, "\n… and %d more; run `hindsight check` locally to see them all.\n", len(res.Diagnostics)-checkSummaryRows)
			break
		}
		icon := "⚠️ warning"
		if d.Severity == check.Error {
			icon = "❌ error"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | `%s` | %s |\n", icon, summaryCell(path.Join(prefix, d.Path)), max(d.Line, 1), summaryCell(d.Rule), summaryCell(d.Message))
	}
	b.WriteString("\nRules and how to fix each finding: docs/check-rules.md in the hindsight repository.\n\n")
	return b.String()
}

// summaryCell makes text safe inside a Markdown table summaryCell: a pipe would start a
// new summaryCell, a newline end the row, and HTML in a report's text must not
// render in the summary.
func summaryCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(s)
}

// pathErr drops the path from an os error: messages name the file as the
// user wrote it.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
