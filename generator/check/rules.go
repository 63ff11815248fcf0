package check

import (
	"embed"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// Rule is one thing check verifies. Its ID is stable: it is printed with
// every finding, used in annotations and documented in
// docs/check-rules.md.
type Rule struct {
	ID string
	// Severity is the rule's severity for reports in review or final.
	Severity string
	// DraftSeverity, when not empty, replaces Severity for drafts: a
	// draft is expected to be incomplete, so completeness rules only
	// warn until the report goes to review.
	DraftSeverity string
	// Summary is one line for tables and listings.
	Summary string
	// Doc is the rule's Markdown documentation: what it checks, why and
	// how to fix a finding (from docs/<ID>.md, embedded).
	Doc string
	// Source says who reports the rule: "check" for rules of this
	// package, "parser" for problems found while reading a report
	// (build shows those too, as warnings), "loader" for files that
	// cannot be read as reports at all.
	Source string

	fn func(*state)
}

//go:embed docs/*.md
var docFS embed.FS

// Rules is every rule check knows, in the order the documentation lists
// them.
var Rules = []Rule{
	// Identity.
	{ID: "id-format", Severity: Error, Source: "check", fn: idFormat,
		Summary: "the id is INC-YYYY-MM-DD-NNN with a real date"},
	{ID: "id-unique", Severity: Error, Source: "check", fn: idUnique,
		Summary: "no two reports share an id"},
	{ID: "id-filename", Severity: Error, Source: "check", fn: idFilename,
		Summary: "a file name that starts with an id starts with the report's id"},
	{ID: "id-year", Severity: Error, Source: "check", fn: idYear,
		Summary: "a report in a year folder (2025/) is in the folder of its id's year"},
	{ID: "id-date", Severity: Warning, Source: "check", fn: idDate,
		Summary: "the date in the id is within a day of the start time"},

	// Classification.
	{ID: "unknown-severity", Severity: Error, Source: "parser",
		Summary: "severity is one of the configured severities (P0–P3 by default)"},
	{ID: "unknown-status", Severity: Error, Source: "parser",
		Summary: "status is draft, review or final"},
	{ID: "missing-field", Severity: Error, DraftSeverity: Warning, Source: "parser",
		Summary: "title, severity and start time are given; a final report has a resolution time"},

	// Times.
	{ID: "invalid-time", Severity: Error, Source: "parser",
		Summary: "every time can be read"},
	{ID: "invalid-date", Severity: Error, Source: "parser",
		Summary: "every date can be read"},
	{ID: "ambiguous-zone", Severity: Error, Source: "parser",
		Summary: "no time uses an ambiguous or unknown zone abbreviation (CST, IST...)"},
	{ID: "time-order", Severity: Error, Source: "check", fn: timeOrder,
		Summary: "started ≤ detected ≤ acknowledged ≤ resolved, mitigated ≤ resolved, none in the future"},
	{ID: "duration", Severity: Error, Source: "check", fn: duration,
		Summary: "a stated Total Duration matches resolved − started within 2 minutes"},

	// Content.
	{ID: "required-section", Severity: Error, DraftSeverity: Warning, Source: "check", fn: requiredSection,
		Summary: "Executive Summary, Timeline, Root Cause Analysis and Action Items are present"},
	{ID: "placeholder", Severity: Error, DraftSeverity: Warning, Source: "check", fn: placeholder,
		Summary: "no template placeholder (`[Name]`, `[YYYY-MM-DD]`, `TODO`, `TBD`...) is left"},

	// Action items.
	{ID: "action-item", Severity: Error, DraftSeverity: Warning, Source: "check", fn: actionItem,
		Summary: "every action item has an owner, a due date and a known priority"},
	{ID: "action-due", Severity: Error, Source: "check", fn: actionDue,
		Summary: "no action item is due before the incident"},

	// Sign-off and timeliness.
	{ID: "reviewers", Severity: Error, Source: "check", fn: reviewers,
		Summary: "a final report lists its reviewers, each with a name and an approval date"},
	{ID: "report-deadline", Severity: Warning, Source: "check", fn: reportDeadline,
		Summary: "the report was first committed within report_deadline_hours of resolution"},

	// Files, links and relations.
	{ID: "broken-link", Severity: Error, Source: "check", fn: brokenLink,
		Summary: "relative links lead to files inside the repository, not through symbolic links"},
	{ID: "attachment", Severity: Error, Source: "check", fn: attachment,
		Summary: "listed attachments are files beside the report"},
	{ID: "related", Severity: Error, Source: "check", fn: related,
		Summary: "related ids name other existing reports"},

	// Security.
	{ID: "security-visibility", Severity: Error, Source: "check", fn: securityVisibility,
		Summary: "a security incident is not public"},

	// Reading the file.
	{ID: "invalid-field", Severity: Error, Source: "parser",
		Summary: "every value has the right shape (a list, a number, yes/no...)"},
	{ID: "unknown-field", Severity: Warning, Source: "parser",
		Summary: "every front-matter key is one hindsight knows"},
	{ID: "front-matter", Severity: Warning, Source: "parser",
		Summary: "front matter is closed and has no repeated key"},
	{ID: "encoding", Severity: Warning, Source: "parser",
		Summary: "the file is valid UTF-8"},
	{ID: "invalid-file", Severity: Error, Source: "loader",
		Summary: "the file can be read as a report (valid YAML, not binary, not too large)"},
	{ID: "unreadable", Severity: Error, Source: "loader",
		Summary: "every file and folder below reports_dir can be read"},
	{ID: "symlink", Severity: Warning, Source: "loader",
		Summary: "no report is a symbolic link (it would not be published)"},
	{ID: "history", Severity: Warning, Source: "loader",
		Summary: "git history can be read in full (a repository, not a shallow clone)"},
}

// byID indexes Rules; it is filled in init, not in its declaration, so
// the rule functions can use it without an initialisation cycle.
var byID map[string]*Rule

func init() {
	byID = make(map[string]*Rule, len(Rules))
	for i := range Rules {
		ru := &Rules[i]
		byID[ru.ID] = ru
		if b, err := docFS.ReadFile("docs/" + ru.ID + ".md"); err == nil {
			ru.Doc = strings.TrimSpace(string(b))
		}
	}
}

// ---------------------------------------------------------------------
// Identity.

func idFormat(s *state) {
	// The parser already says so when the id came from a file name
	// without one.
	if _, ok := s.id(); ok || s.flagged("id-format") {
		return
	}
	s.add("id-format", s.line("id"), 0, "id %q is not INC-YYYY-MM-DD-NNN (the incident's date and a number, such as INC-2025-10-08-001)", s.r.ID)
}

func idUnique(s *state) {
	same := s.c.ids[s.r.ID]
	if len(same) < 2 {
		return
	}
	// Name at most three others: a pathological repository where every
	// report has the same id must not make this quadratic.
	var others []string
	for _, o := range same {
		if o != s.r {
			others = append(others, o.Path)
			if len(others) == 3 {
				break
			}
		}
	}
	list := strings.Join(others, ", ")
	if n := len(same) - 1 - len(others); n > 0 {
		list += fmt.Sprintf(" and %d more", n)
	}
	s.add("id-unique", s.line("id"), 0, "id %s is also used by %s; give each report its own number", s.r.ID, list)
}

func idFilename(s *state) {
	name := path.Base(s.r.Path)
	fid := report.IDFromName(name)
	if fid == "" || fid == s.r.ID {
		return
	}
	s.add("id-filename", s.line("id"), 0, "file name %s starts with %s but the id is %s; rename the file or fix the id", name, fid, s.r.ID)
}

var yearDirRE = regexp.MustCompile(`^\d{4}$`)

func idYear(s *state) {
	dir := path.Dir(s.r.Path)
	folder := path.Base(dir)
	if !yearDirRE.MatchString(folder) {
		return // year folders are a convention, not a requirement
	}
	year := 0
	if d, ok := s.id(); ok {
		year = d.Year()
	} else {
		year = s.r.Year()
	}
	if year == 0 || strconv.Itoa(year) == folder {
		return
	}
	s.add("id-year", s.line("id", "started"), 0, "report is in folder %s but %s is from %d; move it to %s/", folder, s.r.ID, year, path.Join(path.Dir(dir), strconv.Itoa(year)))
}

func idDate(s *state) {
	d, ok := s.id()
	if !ok || s.r.Started.IsZero() {
		return
	}
	start := dayOf(s.r.Started)
	// A day either way allows for the id being dated in another zone
	// than the start time.
	if diff := d.Sub(start); diff <= 24*time.Hour && diff >= -24*time.Hour {
		return
	}
	s.add("id-date", s.line("id"), 0, "id %s is dated %s but the incident started on %s", s.r.ID, d.Format(time.DateOnly), start.Format(time.DateOnly))
}

// idDay is the date in a valid id.
func idDay(id string) (time.Time, bool) {
	if !report.ValidID(id) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, id[len("INC-"):len("INC-2006-01-02")])
	return t, err == nil
}

// dayOf is the calendar day of t in its own zone, as a UTC midnight, the
// form report dates (due, approved) have.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ---------------------------------------------------------------------
// Times.

// stamps are the report's times in the order an incident runs through
// them.
func stamps(r *report.Report) []stamp {
	return []stamp{
		{"started", r.Started},
		{"detected", r.Detected},
		{"acknowledged", r.Acknowledged},
		{"mitigated", r.Mitigated},
		{"resolved", r.Resolved},
	}
}

type stamp struct {
	key string
	t   time.Time
}

// notBefore lists, for each time, the times it may not precede.
// Mitigation may come before acknowledgement (an automatic failover), so
// the order is partial rather than one chain.
var notBefore = map[string][]string{
	"detected":     {"started"},
	"acknowledged": {"started", "detected"},
	"mitigated":    {"started"},
	"resolved":     {"started", "detected", "acknowledged", "mitigated"},
}

func timeOrder(s *state) {
	st := stamps(s.r)
	at := make(map[string]time.Time, len(st))
	for _, x := range st {
		at[x.key] = x.t
	}
	future := s.c.opt.Today.Add(24 * time.Hour)
	for _, x := range st {
		if x.t.IsZero() {
			continue
		}
		if x.t.After(future) {
			s.add("time-order", s.line(x.key), 0, "%s %s is in the future", x.key, fmtTime(x.t))
			continue
		}
		for _, k := range notBefore[x.key] {
			if e := at[k]; !e.IsZero() && x.t.Before(e) {
				s.add("time-order", s.line(x.key), 0, "%s %s is before %s %s", x.key, fmtTime(x.t), k, fmtTime(e))
				break
			}
		}
	}
}

func fmtTime(t time.Time) string { return t.Format("2006-01-02 15:04 -07:00") }

// durationSlack is how far a stated duration may be from the times:
// people round to the minute, and to "2 hours" from 1h 59m.
const durationSlack = 2 * time.Minute

func duration(s *state) {
	r := s.r
	if strings.TrimSpace(r.StatedDuration) == "" {
		return
	}
	line := r.StatedDurationLine
	stated, ok := parseDuration(r.StatedDuration)
	if !ok {
		s.add("duration", line, 0, "total duration %q cannot be read; write it as 2h 15m or 2 hours 15 minutes", r.StatedDuration)
		return
	}
	actual, ok := r.TimeToResolve()
	if !ok {
		return // missing or disordered times are other rules' findings
	}
	if absDur(stated-actual) <= durationSlack {
		return
	}
	msg := fmt.Sprintf("total duration %q is %s but resolved − started is %s", r.StatedDuration, report.FormatDuration(stated), report.FormatDuration(actual))
	// A common slip is counting from detection; say so, since the
	// numbers alone would leave the author puzzled.
	if !r.Detected.IsZero() && !r.Detected.After(r.Resolved) && absDur(stated-r.Resolved.Sub(r.Detected)) <= durationSlack {
		msg += "; it matches resolved − detected, but the total duration counts from the start"
	}
	s.add("duration", line, 0, "%s", msg)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// ---------------------------------------------------------------------
// Content.

// section is a required part of a report: found by the words of a
// heading, or by front-matter data that takes its place.
type section struct {
	name    string
	phrases [][]string
	data    func(*report.Report) bool
}

// required is the set of sections a report in review or final must have.
// Impact, What Went Well/Poorly and Lessons Learned are recommended but
// not required: a near miss has no impact worth a section, and a short
// report may fold lessons into its root cause analysis.
var required = []section{
	{name: "Executive Summary", phrases: words("executive summary", "summary", "tl dr", "tldr", "overview")},
	{name: "Timeline", phrases: words("timeline"),
		data: func(r *report.Report) bool { return len(r.Timeline) > 0 }},
	{name: "Root Cause Analysis", phrases: words("root cause", "root causes", "causes", "cause analysis", "why it happened", "contributing factors")},
	{name: "Action Items", phrases: words("action items", "action item", "follow ups", "follow up", "followups", "corrective actions", "remediation"),
		data: func(r *report.Report) bool {
			// An explicit empty list says "no actions" on purpose.
			_, listed := r.Lines["action_items"]
			return len(r.ActionItems) > 0 || listed
		}},
}

func words(phrases ...string) [][]string {
	out := make([][]string, len(phrases))
	for i, p := range phrases {
		out[i] = strings.Fields(p)
	}
	return out
}

func requiredSection(s *state) {
	heads := s.scan().heads
	for _, sec := range required {
		if sec.data != nil && sec.data(s.r) {
			continue
		}
		found := false
		for _, h := range heads {
			for _, p := range sec.phrases {
				if hasPhrase(h, p) {
					found = true
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			s.add("required-section", s.r.BodyLine, 0, "no %s section (a heading such as \"## %s\")", sec.name, sec.name)
		}
	}
}

func hasPhrase(ws, p []string) bool {
	for i := 0; i+len(p) <= len(ws); i++ {
		if slices.Equal(ws[i:i+len(p)], p) {
			return true
		}
	}
	return false
}

func placeholder(s *state) {
	// One finding per line: the parser's template findings first, so a
	// slot it already named is not named again.
	done := map[int]bool{}
	for _, d := range s.r.Diagnostics {
		if d.Rule == "placeholder" {
			done[d.Line] = true
		}
	}
	emit := func(line int, hs []hole) {
		if len(hs) == 0 || done[line] {
			return
		}
		done[line] = true
		s.add("placeholder", line, hs[0].col, "%s", holeMessage(hs))
	}
	b := s.scan()
	for i := 0; i < len(b.holes); {
		j := i
		for j < len(b.holes) && b.holes[j].line == b.holes[i].line {
			j++
		}
		emit(b.holes[i].line, b.holes[i:j])
		i = j
	}
	// Front-matter values never reach the body scan.
	field := func(line int, vals ...string) {
		var hs []hole
		for _, v := range vals {
			hs = append(hs, findHoles(v, line)...)
		}
		if len(hs) > 0 {
			for k := range hs {
				hs[k].col = 0 // a column in the value, not in the file
			}
			emit(line, hs)
		}
	}
	r := s.r
	field(s.line("title"), r.Title)
	field(s.line("commander"), r.Commander)
	field(s.line("author"), r.Author)
	field(s.line("security.explanation", "security"), r.Security.Explanation)
	for _, a := range r.ActionItems {
		field(a.Line, a.Title, a.Owner, a.Link)
	}
	for _, e := range r.Timeline {
		field(e.Line, e.Text, e.Who)
	}
	for _, rv := range r.Reviewers {
		field(s.line("reviewers"), rv.Name, rv.Role)
	}
	if r.Meeting != nil {
		field(s.line("meeting"), append([]string{r.Meeting.Notes}, r.Meeting.Attendees...)...)
	}
}

func holeMessage(hs []hole) string {
	var q []string
	seen := map[string]bool{}
	for _, h := range hs {
		if !seen[h.text] && len(q) < 3 {
			seen[h.text] = true
			q = append(q, strconv.Quote(h.text))
		}
	}
	if len(q) == 1 {
		return "placeholder " + q[0] + " left in; replace it with the real content"
	}
	return "placeholders " + strings.Join(q, ", ") + " left in; replace them with the real content"
}

// ---------------------------------------------------------------------
// Action items.

func itemName(i int, a report.ActionItem) string {
	if a.Title != "" {
		return strconv.Quote(short(a.Title))
	}
	return fmt.Sprintf("#%d", i+1)
}

func actionItem(s *state) {
	for i, a := range s.r.ActionItems {
		var missing []string
		if a.Owner == "" {
			missing = append(missing, "owner")
		}
		// An item that will not be done needs no date to be done by.
		if a.Due.IsZero() && a.Status != "wont-do" {
			missing = append(missing, "due date")
		}
		if a.Priority == "" {
			missing = append(missing, "priority")
		}
		line := a.Line
		if line == 0 {
			line = s.line("action_items")
		}
		if len(missing) > 0 {
			s.add("action-item", line, 0, "action item %s has no %s", itemName(i, a), andList(missing))
		}
		if a.Priority != "" && !s.c.severities[a.Priority] {
			s.add("action-item", line, 0, "action item %s has priority %q, not one of %s", itemName(i, a), a.Priority, strings.Join(s.c.opt.Site.Severities, ", "))
		}
	}
}

func andList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// incidentDay is the calendar day the incident began: of its start time,
// else its detection, else the date in its id.
func (s *state) incidentDay() (time.Time, bool) {
	for _, t := range []time.Time{s.r.Started, s.r.Detected} {
		if !t.IsZero() {
			return dayOf(t), true
		}
	}
	return s.id()
}

func actionDue(s *state) {
	if len(s.r.ActionItems) == 0 {
		return
	}
	day, ok := s.incidentDay()
	if !ok {
		return
	}
	for i, a := range s.r.ActionItems {
		if a.Due.IsZero() || !dayOf(a.Due).Before(day) {
			continue
		}
		line := a.Line
		if line == 0 {
			line = s.line("action_items")
		}
		s.add("action-due", line, 0, "action item %s is due %s, before the incident began (%s)", itemName(i, a), a.Due.Format(time.DateOnly), day.Format(time.DateOnly))
	}
}

// ---------------------------------------------------------------------
// Sign-off and timeliness.

func reviewers(s *state) {
	r := s.r
	if r.Status != "final" {
		return
	}
	line := s.line("reviewers")
	if len(r.Reviewers) == 0 {
		s.add("reviewers", line, 0, "a final report needs its sign-off: list the reviewers with their approval dates, or set status: review")
		return
	}
	for i, rv := range r.Reviewers {
		var missing []string
		if rv.Name == "" {
			missing = append(missing, "name")
		}
		if rv.Approved.IsZero() {
			missing = append(missing, "approval date")
		}
		if len(missing) == 0 {
			continue
		}
		who := fmt.Sprintf("reviewer %d", i+1)
		switch {
		case rv.Name != "" && rv.Role != "":
			who += fmt.Sprintf(" (%s, %s)", rv.Name, rv.Role)
		case rv.Name != "":
			who += fmt.Sprintf(" (%s)", rv.Name)
		case rv.Role != "":
			who += fmt.Sprintf(" (%s)", rv.Role)
		}
		s.add("reviewers", line, 0, "%s has no %s; a final report is signed off by every reviewer", who, andList(missing))
	}
}

func reportDeadline(s *state) {
	r := s.r
	// Without a first commit there is nothing to measure: no history, an
	// uncommitted file, or a folder outside git. A shallow clone dates
	// every file at its one commit, which says nothing about when the
	// report was written.
	if r.Git == nil || r.Git.Shallow || r.Git.Created.IsZero() || r.Resolved.IsZero() || s.c.opt.Site.ReportDeadlineHours <= 0 {
		return
	}
	limit := time.Duration(s.c.opt.Site.ReportDeadlineHours * float64(time.Hour))
	if delay := r.Git.Created.Sub(r.Resolved); delay > limit {
		s.add("report-deadline", s.line("resolved"), 0, "report first committed %s after the incident was resolved; the deadline is %s",
			report.FormatDuration(delay), fmtHours(s.c.opt.Site.ReportDeadlineHours))
	}
}

func fmtHours(h float64) string {
	return strconv.FormatFloat(h, 'f', -1, 64) + "h"
}

// ---------------------------------------------------------------------
// Files, links and relations.

func brokenLink(s *state) {
	for _, l := range s.scan().links {
		if msg := s.linkProblem(l.dest); msg != "" {
			s.add("broken-link", l.line, l.col, "%s", msg)
		}
	}
}

func attachment(s *state) {
	dir := path.Dir(s.r.Path)
	line := s.line("attachments")
	for _, a := range s.r.Attachments {
		a = strings.TrimSpace(a)
		if why := report.AttachmentProblem(a); why != "" {
			s.add("attachment", line, 0, "attachment %q %s", a, why)
			continue
		}
		target := path.Join(dir, path.Clean(a))
		switch k, at := s.c.stat.lookup(s.c.opt.Root, target); k {
		case kindFile:
		case kindMissing:
			s.add("attachment", line, 0, "attachment %s not found: there is no %s", a, target)
		case kindLink:
			s.add("attachment", line, 0, "attachment %s is reached through the symbolic link %s, which is not published; put the file itself beside the report", a, at)
		default:
			s.add("attachment", line, 0, "attachment %s is not a regular file", a)
		}
	}
}

func related(s *state) {
	line := s.line("related")
	for _, id := range s.r.Related {
		switch {
		case id == s.r.ID:
			s.add("related", line, 0, "related lists the report's own id %s", id)
		case len(s.c.ids[id]) > 0:
		case !report.ValidID(id):
			s.add("related", line, 0, "related %q is not an incident id (INC-YYYY-MM-DD-NNN)", id)
		default:
			s.add("related", line, 0, "related incident %s not found: no report has that id", id)
		}
	}
}

// ---------------------------------------------------------------------
// Security.

func securityVisibility(s *state) {
	r := s.r
	if r.Security.Incident == nil || !*r.Security.Incident || r.Visibility != "public" {
		return
	}
	s.add("security-visibility", s.line("visibility", "security.incident", "security"), 0,
		"a security incident is marked visibility: public; set visibility: internal (publish a separate, reviewed notice if customers must be told)")
}

// short shortens s for a message.
func short(s string) string {
	const limit = 60
	if len(s) <= limit {
		return s
	}
	n := 0
	for i := range s {
		if n == limit {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
