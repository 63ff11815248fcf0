// Package check validates loaded reports: it runs a table of small rules
// (Rules) over every report and returns their findings, together with the
// problems the parser already found, as diagnostics with a stable rule ID,
// a severity and the file line to fix.
//
// The rules are deliberately cheap: each report is scanned once, the only
// cross-report state is an index of IDs built in one pass, and file
// checks are single Lstat calls cached per path, so ten thousand reports
// check in a fraction of a second once they are parsed.
package check

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// Severities of a diagnostic.
const (
	Error   = "error"
	Warning = "warning"
)

// Options are what the rules need beyond the reports.
type Options struct {
	// Root is the absolute folder report paths are relative to (the site
	// root: the folder of hindsight.yaml, else the repository root).
	// Links and attachments must resolve inside it. "" means Site.Root.
	Root string
	// Site is the configuration: severities, deadline, time zone.
	Site *config.Site
	// Today is the day deadlines and "in the future" are measured
	// against; zero means now.
	Today time.Time
	// Only, when not nil, limits the output to the reports it accepts
	// (by slash path). Every report is still used as context, so related
	// IDs and duplicate IDs are judged against the whole repository.
	Only func(path string) bool
	// Workers bounds parallelism; 0 means GOMAXPROCS.
	Workers int
}

// Run checks reports and returns every diagnostic of the reports Only
// selects: the parser's (graded by the rule table) and the rules' own,
// sorted by path, line and column.
func Run(reports []*report.Report, opt Options) []report.Diagnostic {
	if opt.Site == nil {
		s, err := config.Default(opt.Root)
		if err != nil {
			// The embedded defaults are valid by construction; without
			// them there is nothing sensible to check against.
			return nil
		}
		opt.Site = s
	}
	if opt.Root == "" {
		opt.Root = opt.Site.Root
	}
	if opt.Today.IsZero() {
		opt.Today = time.Now()
	}
	c := &checker{opt: opt, ids: make(map[string][]*report.Report, len(reports)), stat: &statCache{}}
	c.severities = make(map[string]bool, len(opt.Site.Severities))
	for _, s := range opt.Site.Severities {
		c.severities[s] = true
	}
	var todo []*report.Report
	for _, r := range reports {
		if r == nil {
			continue
		}
		c.ids[r.ID] = append(c.ids[r.ID], r)
		if opt.Only == nil || opt.Only(r.Path) {
			todo = append(todo, r)
		}
	}

	results := make([][]report.Diagnostic, len(todo))
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(todo))
	// Reports are handed out in chunks so the channel is not a hot spot
	// when there are many small reports.
	const chunk = 64
	next := make(chan int, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for from := range next {
				for i := from; i < min(from+chunk, len(todo)); i++ {
					results[i] = c.report(todo[i])
				}
			}
		})
	}
	for from := 0; from < len(todo); from += chunk {
		next <- from
	}
	close(next)
	wg.Wait()

	var n int
	for _, ds := range results {
		n += len(ds)
	}
	out := make([]report.Diagnostic, 0, n)
	for _, ds := range results {
		out = append(out, ds...)
	}
	Sort(out)
	return out
}

// Sort orders diagnostics by path, line, column, rule and message, the
// order every output format uses.
func Sort(ds []report.Diagnostic) {
	slices.SortStableFunc(ds, func(a, b report.Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// checker is what the rules share across reports; it is read-only once
// Run has built it, except for the stat cache, which is safe for
// concurrent use.
type checker struct {
	opt        Options
	ids        map[string][]*report.Report
	severities map[string]bool
	stat       *statCache
	links      sync.Map // linkKey → linkProblem's answer
}

// report runs every rule on one report.
func (c *checker) report(r *report.Report) []report.Diagnostic {
	s := &state{c: c, r: r}
	for _, d := range r.Diagnostics {
		// Duplicate IDs are judged here, against every report and on
		// each of them, so the loader's one-sided finding is replaced.
		if d.Rule == "id-unique" {
			continue
		}
		d.Severity = s.severity(d.Rule, d.Severity)
		if d.Path == "" {
			d.Path = r.Path
		}
		s.out = append(s.out, d)
	}
	for i := range Rules {
		if Rules[i].fn != nil {
			Rules[i].fn(s)
		}
	}
	return s.out
}

// state is one report being checked.
type state struct {
	c    *checker
	r    *report.Report
	out  []report.Diagnostic
	body *bodyInfo

	idDate   time.Time // the date in the id, when idValid
	idValid  bool
	idParsed bool
}

// id returns the date in the report's id and whether the id is valid,
// reading it once: several rules need it.
func (s *state) id() (time.Time, bool) {
	if !s.idParsed {
		s.idDate, s.idValid = idDay(s.r.ID)
		s.idParsed = true
	}
	return s.idDate, s.idValid
}

// add records a finding of rule at line and column (0: unknown).
func (s *state) add(rule string, line, col int, format string, a ...any) {
	if line <= 0 {
		line = 1
	}
	s.out = append(s.out, report.Diagnostic{
		Path:     s.r.Path,
		Line:     line,
		Col:      col,
		Severity: s.severity(rule, Error),
		Rule:     rule,
		Message:  fmt.Sprintf(format, a...),
	})
}

// severity is the severity of rule for this report: the table's, softened
// for drafts where the table says so; def when the rule is not in the
// table.
func (s *state) severity(rule, def string) string {
	ru, ok := byID[rule]
	if !ok {
		return def
	}
	if s.r.Status == "draft" && ru.DraftSeverity != "" {
		return ru.DraftSeverity
	}
	return ru.Severity
}

// line is the line of a front-matter key (or template field), else 1.
func (s *state) line(keys ...string) int {
	for _, k := range keys {
		if l, ok := s.r.Lines[k]; ok && l > 0 {
			return l
		}
	}
	return 1
}

// flagged reports whether the parser already reported rule for this
// report, so a rule does not say the same thing twice.
func (s *state) flagged(rule string) bool {
	for _, d := range s.r.Diagnostics {
		if d.Rule == rule {
			return true
		}
	}
	return false
}

// scan returns the body scan, computing it on first use.
func (s *state) scan() *bodyInfo {
	if s.body == nil {
		s.body = scanBody(s.r.Body, max(s.r.BodyLine, 1))
	}
	return s.body
}
