package report

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// This file rewrites a report in the seed template's layout into
// front-matter form (hindsight import). It leans on applyTemplate for
// every value: the importer only decides, structure by structure, which
// lines of the body became data and can go, and it then proves the
// rewrite by parsing the result and comparing it with the original. A
// rewrite that would change what the report says is refused, so a user
// never has to trust the line bookkeeping below.

// ImportResult is what Import made of one file.
type ImportResult struct {
	// Output is the file in front-matter form; nil when the file was
	// skipped or could not be imported.
	Output []byte
	// Skipped says why the file was left as it is ("" when imported).
	Skipped string
	// Keys are the front-matter keys written, in order.
	Keys []string
	// Warnings are the problems left in the file, at lines of the input:
	// placeholders and values that could not be read stay in the body.
	Warnings []Diagnostic
	// OutputWarnings are the same problems at lines of Output, for a
	// caller that writes it.
	OutputWarnings []Diagnostic
}

// Import rewrites a template-layout report into front-matter form. path
// names the file in messages. The metadata table, timeline block,
// action-item table, sign-off table, meeting bullets and security answer
// move into front matter and leave the body; impact, data-handling and
// attachment values are copied to front matter while their bullets stay
// as narrative. Everything else stays byte for byte.
//
// A file that already has front matter is skipped (Skipped says so). A
// *FileError is returned for a file that cannot be imported; once the
// file has been read as a template, the result comes with it, and its
// Warnings list the file's problems (the placeholders that left nothing
// to import, say).
func Import(path string, data []byte, opt Options) (*ImportResult, error) {
	if len(data) > MaxSize {
		return nil, &FileError{Path: path, Msg: fmt.Sprintf("file is %d MB, more than the %d MB a report may have", len(data)>>20, MaxSize>>20)}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &FileError{Path: path, Msg: "binary file (it contains NUL bytes), not Markdown"}
	}
	// Parse would show invalid bytes as U+FFFD; writing that back would
	// change the narrative, so such a file is left for the user to fix.
	if !utf8.Valid(data) {
		norm := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		line := 1 + bytes.Count(norm[:invalidAt(norm)], []byte("\n"))
		return nil, &FileError{Path: path, Line: line, Msg: "file is not valid UTF-8; fix its encoding before importing it"}
	}
	full, err := Parse(path, data, opt)
	if err != nil {
		return nil, err
	}
	if full.BodyLine > 1 {
		return &ImportResult{Skipped: "it already has front matter"}, nil
	}
	norm := Normalize(data)
	if firstLineIs(norm, "---") {
		// Parse read it as Markdown and warned; front matter written
		// above it would close at this line and swallow the file.
		return nil, &FileError{Path: path, Line: openingLine(norm), Msg: "the file starts with a --- line that opens front matter but never closes it; close it or remove the line, then import"}
	}
	// raw is what the template gave, before finish filled defaults: only
	// values the file itself holds are written to front matter.
	raw := &Report{Path: path, Lines: map[string]int{}, Body: norm, BodyLine: 1}
	applyTemplate(raw, opt)

	lines := splitSourceLines(data)
	d := tplParse(norm, 1)
	if len(lines) != len(d.lines) {
		// Normalize only rewrites line ends, so this cannot happen; if it
		// did, removing lines by number would cut the wrong ones.
		return nil, &FileError{Path: path, Msg: "cannot import: line ends could not be matched with the text (please report this)"}
	}
	if raw.Layout != "template" {
		// Its diagnostics ("no severity") are not about importing.
		return nil, &FileError{Path: path, Msg: "nothing to import: no template-layout data (Incident Metadata table, timeline, action items...) found"}
	}
	im := &importer{
		path: path, full: full, raw: raw, d: d,
		f:       &tplFill{r: &Report{Lines: map[string]int{}}, opt: opt, d: d},
		removed: make([]bool, len(d.lines)),
	}
	res := &ImportResult{}
	im.metadata()
	im.timeline()
	im.actions()
	im.reviewers()
	im.meeting()
	im.impact()
	im.security()
	im.attachments()
	res.Warnings = im.warnings()
	if len(im.fm) == 0 {
		return res, &FileError{Path: path, Msg: "nothing to import: no template value could be read; fix the problems reported and try again"}
	}
	im.prune()

	yml, err := im.yaml()
	if err != nil {
		return res, &FileError{Path: path, Msg: fmt.Sprintf("cannot write front matter: %v", err)}
	}
	out, lineMap := im.assemble(lines, yml)
	if len(out) > MaxSize {
		return res, &FileError{Path: path, Msg: fmt.Sprintf("the imported file would be larger than the %d MB a report may have", MaxSize>>20)}
	}
	after, err := Parse(path, out, opt)
	if err != nil {
		return res, &FileError{Path: path, Msg: fmt.Sprintf("cannot import: the rewritten file does not parse (%v); the file is left unchanged (please report this)", err)}
	}
	if field, ok := sameReading(full, after); !ok {
		return res, &FileError{Path: path, Msg: fmt.Sprintf("cannot import: the rewritten file would read differently (%s); the file is left unchanged (please report this)", field)}
	}
	res.Output = out
	res.Keys = im.keys()
	res.OutputWarnings = append(res.OutputWarnings, after.Diagnostics...)
	for _, n := range im.notes {
		n.Line = lineMap[n.Line-1]
		res.OutputWarnings = append(res.OutputWarnings, n)
	}
	sortByLine(res.OutputWarnings)
	return res, nil
}

// importer is the state of one import.
type importer struct {
	path      string
	full, raw *Report
	d         *tplDoc
	f         *tplFill // for the template's own finders; its report is scratch
	removed   []bool   // lines (0-based) leaving the body
	fm        []fmField
	notes     []Diagnostic
}

// fmField is one top-level front-matter key and its value.
type fmField struct {
	key string
	val *yaml.Node
}

// fmOrder is the key order of report format v1 (DESIGN.md).
var fmOrder = []string{
	"id", "title", "severity", "status", "visibility",
	"started", "detected", "acknowledged", "mitigated", "resolved",
	"commander", "author", "report_date", "services", "tags",
	"impact", "security", "action_items", "timeline", "reviewers", "meeting",
	"related", "attachments",
}

func (im *importer) set(key string, v *yaml.Node) {
	for i := range im.fm {
		if im.fm[i].key == key {
			im.fm[i].val = v
			return
		}
	}
	im.fm = append(im.fm, fmField{key, v})
}

func (im *importer) get(key string) *yaml.Node {
	for _, f := range im.fm {
		if f.key == key {
			return f.val
		}
	}
	return nil
}

func (im *importer) keys() []string {
	var out []string
	for _, k := range fmOrder {
		if im.get(k) != nil {
			out = append(out, k)
		}
	}
	return out
}

// note records why a structure stayed in the body when no parse
// diagnostic already says so. line is 1-based, of the input.
func (im *importer) note(line int, format string, a ...any) {
	im.notes = append(im.notes, diag(im.path, line, "warning", "import", format, a...))
}

// warnings are every problem of the file (the parse diagnostics, which
// include each placeholder left in the body) and the importer's notes.
func (im *importer) warnings() []Diagnostic {
	out := append(append([]Diagnostic(nil), im.full.Diagnostics...), im.notes...)
	sortByLine(out)
	return out
}

func sortByLine(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Line < ds[j].Line })
}

// problem reports a parse diagnostic on a file line in [from, to]: a
// structure with one stays in the body, where the template reader
// reports it again on every build instead of it being lost.
func (im *importer) problem(from, to int) bool {
	for _, dg := range im.full.Diagnostics {
		if dg.Line >= from && dg.Line <= to {
			return true
		}
	}
	return false
}

// remove marks body lines [from, to] (0-based, inclusive) as data.
func (im *importer) remove(from, to int) {
	for i := max(from, 0); i <= to && i < len(im.removed); i++ {
		im.removed[i] = true
	}
}

// continued reports a list item at i whose text goes on below it (a
// lazy continuation line): the template reads only the item's first
// line, so removing it would orphan the rest.
func (im *importer) continued(i int) bool {
	j := i + 1
	if j >= len(im.d.lines) || im.d.fenced[j] {
		return false
	}
	l := im.d.lines[j]
	if strings.TrimSpace(l) == "" {
		return false
	}
	if _, ok := tplItem(l); ok {
		return false
	}
	if _, _, ok := tplATX(l); ok {
		return false
	}
	return !isThematicBreak(l)
}

// ---------------------------------------------------------------------
// Scalars.

// yaml11Bools are the YAML 1.1 booleans (and nulls): yaml.v3 reads them as strings
// and writes them plain, but other readers (and people) take them for
// true or false.
var yaml11Bools = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "on": true, "off": true,
	"true": true, "false": true, "null": true, "~": true,
}

// yaml11Base60RE is YAML 1.1's base-60 number: "14:00" would be read
// as 840 by a YAML 1.1 reader.
var yaml11Base60RE = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

// yamlStr is a string scalar. yaml.v3 quotes a string that YAML 1.2 would
// read as another type; it is quoted here as well where YAML 1.1 would
// ("yes", "14:00"), and where it still looks like the template's list
// of choices ("P0 / P1"), so no reader takes it for anything else.
func yamlStr(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if yaml11Bools[strings.ToLower(s)] || yaml11Base60RE.MatchString(s) || s == "<<" || s == "=" ||
		tplChoices(s, func(p string) bool { return tplSevRE.MatchString(p) }) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// yamlStamp is a time or date; tagged as a timestamp so it is written plain,
// as DESIGN.md shows, though the reader takes its text as given.
func yamlStamp(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: s}
}

func yamlTime(t time.Time) *yaml.Node { return yamlStamp(t.Format(time.RFC3339)) }

func yamlDate(t time.Time) *yaml.Node { return yamlStamp(t.Format("2006-01-02")) }

func yamlBool(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func yamlNum(f float64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatFloat(f, 'f', -1, 64)}
}

// yamlList is a list of strings, written [a, b] as DESIGN.md shows
// when that fits on a line, else one item per line.
func yamlList(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	width := 0
	for _, s := range ss {
		n.Content = append(n.Content, yamlStr(s))
		width += len(s) + 2
	}
	if width > 72 {
		n.Style = 0
	}
	return n
}

// yamlMap builds a mapping of the non-nil values, in the order given.
func yamlMap(flow bool, kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v, _ := kv[i+1].(*yaml.Node)
		if v == nil {
			continue
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: kv[i].(string)}, v)
	}
	return n
}

// yamlOptStr is a string node, or nil for "" so yamlMap leaves the key out.
func yamlOptStr(s string) *yaml.Node {
	if s == "" {
		return nil
	}
	return yamlStr(s)
}

func yamlOptDate(t time.Time) *yaml.Node {
	if t.IsZero() {
		return nil
	}
	return yamlDate(t)
}

// ---------------------------------------------------------------------
// Incident Metadata table.

// metadata moves each row whose value was read; a row holding a
// placeholder, a blank, a value with a problem or a field front matter
// has no key for ("Total Duration", which check compares with the
// times) stays, and so does the table around it. A table laid out
// across moves whole or not at all.
func (im *importer) metadata() {
	d, raw, full := im.d, im.raw, im.full
	table, trows, _, across, ok := d.metaTable()
	if !ok {
		return
	}
	rows, _ := metaFields(trows)
	type field struct {
		key string
		val *yaml.Node // nil: the template gave nothing
	}
	opt := func(s string) *yaml.Node { return yamlOptStr(s) }
	tm := func(t time.Time) *yaml.Node {
		if t.IsZero() {
			return nil
		}
		return yamlTime(t)
	}
	list := func(ss []string) *yaml.Node {
		if len(ss) == 0 {
			return nil
		}
		return yamlList(ss)
	}
	// Values come from full (finish upper-cases a severity) but only
	// where raw shows the table held them, not a default.
	fields := []field{
		{"id", ifSet(raw.ID != "", opt(full.ID))},
		{"title", ifSet(raw.Title != "", opt(full.Title))},
		{"severity", ifSet(raw.Severity != "", opt(full.Severity))},
		{"status", ifSet(raw.Status != "", opt(full.Status))},
		{"visibility", ifSet(raw.Visibility != "", opt(full.Visibility))},
		{"started", tm(raw.Started)},
		{"detected", tm(raw.Detected)},
		{"acknowledged", tm(raw.Acknowledged)},
		{"mitigated", tm(raw.Mitigated)},
		{"resolved", tm(raw.Resolved)},
		{"commander", opt(raw.Commander)},
		{"author", opt(raw.Author)},
		{"report_date", yamlOptDate(raw.ReportDate)},
		{"services", list(full.Services)},
		{"tags", list(full.Tags)},
		{"related", list(raw.Related)},
	}
	movable := func(fd field) (tplRow, bool) {
		row, ok := rows[fd.key]
		if !ok || fd.val == nil {
			return row, false
		}
		line := d.line(row.at)
		return row, !im.problem(line, line) && !tplBlank(tplClean(tplCell(row, 1)))
	}
	if across {
		// A table laid out across moves whole or not at all: its
		// values share one line, and the table stays where the report
		// reads them from while one of its columns cannot move.
		moved := map[string]bool{}
		for _, fd := range fields {
			if _, ok := movable(fd); ok {
				moved[fd.key] = true
			}
		}
		seen := map[string]bool{}
		for _, c := range trows {
			key, ok := tplMetaRows[tplKey(tplCell(c, 0))]
			if !ok || !moved[key] || seen[key] {
				return // a column unknown, unread, or repeating another
			}
			seen[key] = true
		}
		for _, fd := range fields {
			if moved[fd.key] {
				im.set(fd.key, fd.val)
			}
		}
		im.remove(table.at, table.rows[0].at)
		return
	}
	for _, fd := range fields {
		row, ok := movable(fd)
		if !ok {
			continue
		}
		im.set(fd.key, fd.val)
		im.remove(row.at, row.at)
	}
	// The header and delimiter go once no row is left.
	for _, row := range table.rows {
		if !im.removed[row.at] {
			return
		}
	}
	im.remove(table.at, table.at+1)
}

func ifSet(ok bool, n *yaml.Node) *yaml.Node {
	if !ok {
		return nil
	}
	return n
}

// ---------------------------------------------------------------------
// Timeline of Events.

// timeline moves the block the template read the events from, when every
// event was read in full: an event with a problem keeps the whole block,
// which the template reader then keeps reading.
func (im *importer) timeline() {
	d, raw := im.d, im.raw
	if len(raw.Timeline) == 0 {
		return
	}
	var (
		lines []tplLine
		at    int
		sp    tplSpan
		found bool
	)
	for _, s := range d.spans("timeline of events", "timeline") {
		if ls, a, ok := im.f.timelineLines(s); ok {
			lines, at, sp, found = ls, a, s, true
			break
		}
	}
	if !found || len(lines) != len(raw.Timeline) {
		return // a skipped line has its own diagnostic
	}
	// The lines the events came from, as a range of body lines.
	from, to := at, at
	form := "lines"
	if k := sort.Search(len(d.fences), func(k int) bool { return d.fences[k].open >= at }); k < len(d.fences) && d.fences[k].open == at {
		form = "fence"
		to = d.fences[k].close
		if to >= len(d.lines) || to >= sp.to {
			im.note(d.line(at), "timeline kept in the body: its code block is not closed inside its section")
			return
		}
	} else if d.fenced[at] {
		return
	} else {
		for _, t := range d.tables(sp) {
			if t.at != at {
				continue
			}
			form = "table"
			_, to = importTableRange(t)
			if name, ok := importExtraText(t, tplColumns(t.head, tplTimelineCols, "at", "event", "who")); ok {
				im.note(d.line(at), "timeline kept in the body: its column %q has text front matter has no field for", name)
				return
			}
		}
	}
	if form == "lines" {
		from, to = lines[0].at, lines[len(lines)-1].at
		// Only a run of event lines goes: prose between them, or a
		// continuation right after, would be cut apart.
		ev := map[int]bool{}
		for _, l := range lines {
			ev[l.at] = true
		}
		for i := from; i <= to; i++ {
			if !ev[i] && strings.TrimSpace(d.lines[i]) != "" {
				im.note(d.line(at), "timeline kept in the body: its events are mixed with other text")
				return
			}
		}
		if im.continued(to) {
			im.note(d.line(at), "timeline kept in the body: text follows its last event on the next line")
			return
		}
	}
	if im.problem(d.line(from), d.line(to)) {
		im.note(d.line(at), "timeline kept in the body: fix the problems reported for its lines, then move it to front matter")
		return
	}
	for _, l := range lines {
		// The template drops a who that is still a placeholder without a
		// word; moving the event would lose the slot silently.
		if who := tplClean(l.who); tplPlaceholder(who) {
			im.note(d.line(l.at), "timeline kept in the body: who %s is a template placeholder; fill it in or remove it", tplShort(who))
			return
		}
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, e := range raw.Timeline {
		if e.At.IsZero() {
			return
		}
		seq.Content = append(seq.Content, yamlMap(false, "at", yamlTime(e.At), "event", yamlOptStr(e.Text), "who", yamlOptStr(e.Who)))
	}
	im.set("timeline", seq)
	im.remove(from, to)
	// The template's "**Format:** [HH:MM TZ] - [Event description] -
	// [Person/Team]" line tells how to write the block; it goes with it.
	// A format line in the author's own words ("times in CST") stays.
	if form != "lines" {
		for i := sp.from; i < sp.to; i++ {
			if k, v, ok := tplLabel(d.lines[i], false); ok && k == "format" && !d.fenced[i] && tplPlaceholder(v) {
				im.remove(i, i)
			}
		}
	}
}

// ---------------------------------------------------------------------
// Action Items and Sign-Off tables.

// importTableRange is the body lines of t, header to last row.
func importTableRange(t tplTable) (int, int) {
	to := t.at + 1
	if n := len(t.rows); n > 0 {
		to = t.rows[n-1].at
	}
	return t.at, to
}

// importExtraText reports a cell with text in a column front matter has no
// field for (a "Notes" column, a signature): the table then stays.
func importExtraText(t tplTable, cols map[string]int) (string, bool) {
	used := map[int]bool{}
	for _, c := range cols {
		if c >= 0 {
			used[c] = true
		}
	}
	for _, row := range t.rows {
		for i, c := range row.cells {
			if !used[i] && !tplBlank(tplClean(c)) {
				name := ""
				if i < len(t.head) {
					name = t.head[i]
				}
				return name, true
			}
		}
	}
	return "", false
}

// actions moves the Action Items table as a whole, found as the template
// finds it; a table with a problem or an extra column stays, and the
// template reader goes on reading it.
func (im *importer) actions() {
	d, full := im.d, im.full
	if len(im.raw.ActionItems) == 0 {
		return
	}
	for _, sp := range d.spans("action items", "follow up items", "follow ups", "actions") {
		for _, t := range d.tables(sp) {
			cols := tplColumns(t.head, tplActionCols, "title", "owner", "due", "status", "priority", "link")
			if cols["title"] < 0 {
				continue
			}
			from, to := importTableRange(t)
			if im.problem(d.line(from), d.line(to)) {
				im.note(d.line(t.at), "action items table kept in the body: fix the problems reported for its rows, then move it to front matter")
				return
			}
			if name, ok := importExtraText(t, cols); ok {
				im.note(d.line(t.at), "action items table kept in the body: its column %q has text front matter has no field for", name)
				return
			}
			seq := &yaml.Node{Kind: yaml.SequenceNode}
			for _, a := range full.ActionItems {
				seq.Content = append(seq.Content, yamlMap(false,
					"title", yamlOptStr(a.Title), "owner", yamlOptStr(a.Owner), "due", yamlOptDate(a.Due),
					"status", yamlOptStr(a.Status), "priority", yamlOptStr(a.Priority), "link", yamlOptStr(a.Link)))
			}
			im.set("action_items", seq)
			im.remove(from, to)
			return
		}
	}
}

// reviewers moves the Sign-Off table as a whole, like actions.
func (im *importer) reviewers() {
	d, raw := im.d, im.raw
	if len(raw.Reviewers) == 0 {
		return
	}
	for _, sp := range d.spans("report reviewed by", "reviewed by", "sign off", "signoff", "sign offs", "approvals", "reviewers") {
		for _, t := range d.tables(sp) {
			cols := tplColumns(t.head, tplReviewerCols, "role", "name", "date")
			if cols["name"] < 0 {
				continue
			}
			from, to := importTableRange(t)
			if im.problem(d.line(from), d.line(to)) {
				im.note(d.line(t.at), "sign-off table kept in the body: fix the problems reported for its rows, then move it to front matter")
				return
			}
			if name, ok := importExtraText(t, cols); ok {
				im.note(d.line(t.at), "sign-off table kept in the body: its column %q has text front matter has no field for", name)
				return
			}
			for _, row := range t.rows {
				// The template drops a role that is still a placeholder
				// without a word. A date slot ("[YYYY-MM-DD]") is
				// different: it means "not signed yet", which front
				// matter says by leaving approved out.
				if role := tplClean(tplCell(row, cols["role"])); tplPlaceholder(role) {
					im.note(d.line(row.at), "sign-off table kept in the body: role %s is a template placeholder; fill it in or remove it", tplShort(role))
					return
				}
			}
			seq := &yaml.Node{Kind: yaml.SequenceNode}
			for _, rv := range raw.Reviewers {
				seq.Content = append(seq.Content, yamlMap(true, "role", yamlOptStr(rv.Role), "name", yamlOptStr(rv.Name), "approved", yamlOptDate(rv.Approved)))
			}
			im.set("reviewers", seq)
			im.remove(from, to)
			return
		}
	}
}

// ---------------------------------------------------------------------
// Post-Mortem Meeting.

// meeting moves each bullet whose value was read; the template reads the
// others again, field by field, beside what front matter gives.
func (im *importer) meeting() {
	d, m := im.d, im.raw.Meeting
	if m == nil {
		return
	}
	spans := d.spans("post mortem meeting", "postmortem meeting", "retrospective meeting", "review meeting")
	bs := d.firstBullets(spans, tplMeetingLabels)
	ok := func(field string, set bool) (tplBullet, bool) {
		b, found := bs[field]
		if !found || !set {
			return b, false
		}
		return b, !im.problem(d.line(b.at), d.line(b.at)) && !im.continued(b.at)
	}
	var at, attendees, notes *yaml.Node
	if b, yes := ok("at", !m.At.IsZero()); yes {
		at = yamlTime(m.At)
		im.remove(b.at, b.at)
	}
	if b, yes := ok("attendees", len(m.Attendees) > 0); yes {
		attendees = yamlList(m.Attendees)
		im.remove(b.at, b.at)
	}
	if b, yes := ok("notes", m.Notes != ""); yes {
		notes = yamlStr(m.Notes)
		im.remove(b.at, b.at)
	}
	if at != nil || attendees != nil || notes != nil {
		im.set("meeting", yamlMap(false, "at", at, "attendees", attendees, "notes", notes))
	}
}

// ---------------------------------------------------------------------
// Impact, security and attachments.

// impact copies the numbers to front matter. The bullets stay: they are
// the Impact Assessment's narrative ("47 customers", "None (no bookings
// were corrupted)"), and front matter wins over them from now on.
func (im *importer) impact() {
	i := im.raw.Impact
	var users, revenue, loss, exposure *yaml.Node
	if i.Users != nil {
		users = &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.Itoa(*i.Users)}
	}
	if i.Revenue != nil && !math.IsInf(*i.Revenue, 0) && !math.IsNaN(*i.Revenue) {
		revenue = yamlNum(*i.Revenue)
	}
	if i.DataLoss != nil {
		loss = yamlBool(*i.DataLoss)
	}
	if i.DataExposure != nil {
		exposure = yamlBool(*i.DataExposure)
	}
	if n := yamlMap(false, "users", users, "revenue", revenue, "data_loss", loss, "data_exposure", exposure); len(n.Content) > 0 {
		im.set("impact", n)
	}
}

// security moves the ☑/☐ answer and copies the data-handling answers,
// whose bullets stay beside the explanation as narrative. The
// explanation is not copied: it stays in the body, where it is read.
func (im *importer) security() {
	s := im.raw.Security
	var incident, pii, payment, regulatory *yaml.Node
	// An answer with a problem (both boxes ticked, or neither) reads as
	// a security incident: it stays in the body, where it goes on being
	// reported, rather than become a plain "incident: true" that would
	// silence the problem.
	if l, ok := im.raw.Lines["security.incident"]; s.Incident != nil && !(ok && im.problem(l, l)) {
		incident = yamlBool(*s.Incident)
		if ok && l >= 1 && l <= len(im.d.lines) {
			i := l - 1
			if answerOnly(im.d.lines[i]) && !im.continued(i) {
				im.remove(i, i)
			}
		}
	}
	if s.PII != nil {
		pii = yamlBool(*s.PII)
	}
	if s.PaymentData != nil {
		payment = yamlBool(*s.PaymentData)
	}
	if s.RegulatoryNotification != nil {
		regulatory = yamlBool(*s.RegulatoryNotification)
	}
	if n := yamlMap(false, "incident", incident, "pii", pii, "payment_data", payment, "regulatory_notification", regulatory); len(n.Content) > 0 {
		im.set("security", n)
	}
}

// answerOnly reports an answer line with nothing but its boxes and
// the words yes and no: any other word is prose, and the line stays.
func answerOnly(l string) bool {
	rest := l
	for _, t := range tplTicks {
		rest = strings.ReplaceAll(rest, t.s, " ")
	}
	if text, ok := tplItem(rest); ok {
		rest = text
	}
	for _, w := range tplWords(rest) {
		if w != "yes" && w != "no" {
			return false
		}
	}
	return true
}

// attachments copies the file names; the list stays, since its items
// say what each file is.
func (im *importer) attachments() {
	if len(im.raw.Attachments) == 0 {
		return
	}
	// A placeholder item has a diagnostic; with the names in front
	// matter the template would not read the list again to report it.
	for _, sp := range im.d.spans("attachments", "attachment") {
		items := im.d.items(sp)
		if len(items) == 0 {
			continue
		}
		if im.problem(im.d.line(items[0].at), im.d.line(items[len(items)-1].at)) {
			return
		}
		break
	}
	im.set("attachments", yamlList(im.raw.Attachments))
}

// ---------------------------------------------------------------------
// Sections.

// thematicBreakRE is a CommonMark thematic break (---, ***, ___), the
// template's section separator.
var thematicBreakRE = regexp.MustCompile(`^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$`)

func isThematicBreak(l string) bool { return thematicBreakRE.MatchString(l) }

// prune removes the headings of sections the import emptied. A section
// is its heading and the lines up to the next heading or thematic break
// (the template closes every section with ---); it goes, break
// included, when the import removed some of it and left only blank
// lines, and every sub-section under it went too. A level-1 heading,
// the document's title, always stays.
func (im *importer) prune() {
	d := im.d
	touched := append([]bool(nil), im.removed...)
	var heads []tplHead
	for _, h := range d.heads {
		if h.level < tplPseudoLevel {
			heads = append(heads, h)
		}
	}
	gone := map[int]bool{}
	for hi := len(heads) - 1; hi >= 0; hi-- {
		h := heads[hi]
		if h.level == 1 {
			continue
		}
		end := len(d.lines)
		for j := h.at + 1; j < len(d.lines); j++ {
			if d.fenced[j] {
				continue
			}
			if _, _, ok := tplATX(d.lines[j]); ok {
				end = j
				break
			}
			// A --- right under text underlines a setext heading.
			if isThematicBreak(d.lines[j]) && strings.TrimSpace(d.lines[j-1]) == "" {
				end = j + 1
				break
			}
		}
		hit, empty := false, true
		for j := h.next; j < end; j++ {
			switch {
			case touched[j]:
				hit = true
			case strings.TrimSpace(d.lines[j]) == "", j == end-1 && isThematicBreak(d.lines[j]):
			default:
				empty = false
			}
		}
		children := true
		for _, c := range heads[hi+1:] {
			if c.level <= h.level {
				break
			}
			hit = true
			if !gone[c.at] {
				children = false
				break
			}
		}
		if hit && empty && children {
			gone[h.at] = true
			im.remove(h.at, end-1)
		}
	}
}

// ---------------------------------------------------------------------
// Output.

// sourceLine is one line of the input as written: its text and its end.
type sourceLine struct{ text, eol string }

// splitSourceLines splits data into lines the way Normalize counts them (CRLF,
// CR and LF all end a line) and keeps each line's own end, so the lines
// that stay are written back byte for byte. Like strings.Split, it
// returns a last, empty line after a final line end.
func splitSourceLines(data []byte) []sourceLine {
	s := strings.TrimPrefix(string(data), "\ufeff")
	var out []sourceLine
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(out, sourceLine{s, ""})
		}
		eol := s[i : i+1]
		if strings.HasPrefix(s[i:], "\r\n") {
			eol = "\r\n"
		}
		out = append(out, sourceLine{s[:i], eol})
		s = s[i+len(eol):]
	}
}

// yaml writes the front matter in DESIGN.md's key order.
func (im *importer) yaml() ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range fmOrder {
		if v := im.get(k); v != nil {
			doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := encodeYAML(enc, doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeYAML turns yaml.v3's panics on values it cannot write into an
// error (none are expected: every value here is valid UTF-8 text).
func encodeYAML(enc *yaml.Encoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return enc.Encode(n)
}

// assemble writes the front matter and the lines that stay, in the
// file's own line ends. lineMap gives, for each input line (0-based),
// its 1-based line in the output (of the next line kept, for a line
// that went).
func (im *importer) assemble(lines []sourceLine, yml []byte) ([]byte, []int) {
	// The front matter takes the line end most lines of the file have.
	count := map[string]int{}
	for _, l := range lines {
		count[l.eol]++
	}
	eol := "\n"
	for _, e := range []string{"\r\n", "\r"} {
		if count[e] > count[eol] {
			eol = e
		}
	}
	var b bytes.Buffer
	b.WriteString("---" + eol)
	b.WriteString(strings.ReplaceAll(string(yml), "\n", eol))
	b.WriteString("---" + eol)
	n := 2 + bytes.Count(yml, []byte("\n"))

	// Lines that stay; a blank line is dropped when removing lines made
	// it the second of a pair, so a removed section leaves no gap.
	keep := make([]bool, len(lines))
	lastKept := -1
	gap := false
	for i := range lines {
		if im.removed[i] {
			gap = true
			continue
		}
		blank := strings.TrimSpace(lines[i].text) == ""
		if blank && gap && (lastKept < 0 || strings.TrimSpace(lines[lastKept].text) == "") {
			continue
		}
		keep[i] = true
		lastKept = i
		gap = false
	}
	first := -1
	for i := range lines {
		if keep[i] {
			first = i
			break
		}
	}
	if first >= 0 && strings.TrimSpace(lines[first].text) != "" {
		b.WriteString(eol) // one blank line between front matter and body
		n++
	}
	lineMap := make([]int, len(lines))
	for i := range lines {
		lineMap[i] = n + 1
		if keep[i] {
			b.WriteString(lines[i].text)
			b.WriteString(lines[i].eol)
			n++
		}
	}
	return b.Bytes(), lineMap
}

// ---------------------------------------------------------------------
// Proof.

// sameReading compares two parses of one report, field by field, except
// where the body is and the lines things are on. It names the first
// field that differs.
func sameReading(a, b *Report) (string, bool) {
	if a.Path != b.Path {
		return "path", false
	}
	strs := []struct {
		name string
		x, y string
	}{
		{"id", a.ID, b.ID}, {"title", a.Title, b.Title}, {"severity", a.Severity, b.Severity},
		{"status", a.Status, b.Status}, {"visibility", a.Visibility, b.Visibility},
		{"commander", a.Commander, b.Commander}, {"author", a.Author, b.Author},
		{"Total Duration", a.StatedDuration, b.StatedDuration},
		{"security.explanation", a.Security.Explanation, b.Security.Explanation},
	}
	for _, s := range strs {
		if s.x != s.y {
			return fmt.Sprintf("%s: %q, then %q", s.name, s.x, s.y), false
		}
	}
	times := []struct {
		name string
		x, y time.Time
	}{
		{"started", a.Started, b.Started}, {"detected", a.Detected, b.Detected},
		{"acknowledged", a.Acknowledged, b.Acknowledged}, {"mitigated", a.Mitigated, b.Mitigated},
		{"resolved", a.Resolved, b.Resolved}, {"report_date", a.ReportDate, b.ReportDate},
	}
	for _, t := range times {
		if !sameInstant(t.x, t.y) {
			return fmt.Sprintf("%s: %v, then %v", t.name, t.x, t.y), false
		}
	}
	lists := []struct {
		name string
		x, y []string
	}{
		{"services", a.Services, b.Services}, {"tags", a.Tags, b.Tags},
		{"related", a.Related, b.Related}, {"attachments", a.Attachments, b.Attachments},
	}
	for _, l := range lists {
		if strings.Join(l.x, "\x00") != strings.Join(l.y, "\x00") || len(l.x) != len(l.y) {
			return fmt.Sprintf("%s: %q, then %q", l.name, l.x, l.y), false
		}
	}
	if !sameInt(a.Impact.Users, b.Impact.Users) || !sameFloat(a.Impact.Revenue, b.Impact.Revenue) ||
		!sameBool(a.Impact.DataLoss, b.Impact.DataLoss) || !sameBool(a.Impact.DataExposure, b.Impact.DataExposure) {
		return "impact", false
	}
	s, t := a.Security, b.Security
	if !sameBool(s.Incident, t.Incident) || !sameBool(s.PII, t.PII) || !sameBool(s.PaymentData, t.PaymentData) ||
		!sameBool(s.RegulatoryNotification, t.RegulatoryNotification) {
		return "security", false
	}
	if len(a.ActionItems) != len(b.ActionItems) {
		return fmt.Sprintf("action_items: %d, then %d", len(a.ActionItems), len(b.ActionItems)), false
	}
	for i, x := range a.ActionItems {
		y := b.ActionItems[i]
		if x.Title != y.Title || x.Owner != y.Owner || !sameInstant(x.Due, y.Due) || x.Status != y.Status ||
			x.Priority != y.Priority || x.Link != y.Link || !sameInstant(x.Closed, y.Closed) {
			return fmt.Sprintf("action_items[%d]", i), false
		}
	}
	if len(a.Timeline) != len(b.Timeline) {
		return fmt.Sprintf("timeline: %d events, then %d", len(a.Timeline), len(b.Timeline)), false
	}
	for i, x := range a.Timeline {
		y := b.Timeline[i]
		if !sameInstant(x.At, y.At) || x.Text != y.Text || x.Who != y.Who || x.Label != y.Label {
			return fmt.Sprintf("timeline[%d]", i), false
		}
	}
	if len(a.Reviewers) != len(b.Reviewers) {
		return fmt.Sprintf("reviewers: %d, then %d", len(a.Reviewers), len(b.Reviewers)), false
	}
	for i, x := range a.Reviewers {
		y := b.Reviewers[i]
		if x.Role != y.Role || x.Name != y.Name || !sameInstant(x.Approved, y.Approved) {
			return fmt.Sprintf("reviewers[%d]", i), false
		}
	}
	if (a.Meeting == nil) != (b.Meeting == nil) {
		return "meeting", false
	}
	if a.Meeting != nil {
		x, y := a.Meeting, b.Meeting
		if !sameInstant(x.At, y.At) || x.Notes != y.Notes || strings.Join(x.Attendees, "\x00") != strings.Join(y.Attendees, "\x00") || len(x.Attendees) != len(y.Attendees) {
			return "meeting", false
		}
	}
	if (a.Git == nil) != (b.Git == nil) {
		return "git", false
	}
	// Diagnostics compare without their lines, as a multiset: the
	// problems must be the same ones, wherever they now are.
	key := func(ds []Diagnostic) []string {
		out := make([]string, len(ds))
		for i, dg := range ds {
			out[i] = dg.Severity + "\x00" + dg.Rule + "\x00" + dg.Message
		}
		sort.Strings(out)
		return out
	}
	x, y := key(a.Diagnostics), key(b.Diagnostics)
	if strings.Join(x, "\n") != strings.Join(y, "\n") || len(x) != len(y) {
		return fmt.Sprintf("diagnostics: %d, then %d", len(x), len(y)), false
	}
	return "", true
}

// sameInstant compares instant and offset: the report keeps the zone a
// time was written in.
func sameInstant(a, b time.Time) bool {
	_, ao := a.Zone()
	_, bo := b.Zone()
	return a.Equal(b) && (a.IsZero() || ao == bo)
}

func sameInt(a, b *int) bool   { return a == nil && b == nil || a != nil && b != nil && *a == *b }
func sameBool(a, b *bool) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
func sameFloat(a, b *float64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// ---------------------------------------------------------------------
// Unified diff.

// UnifiedDiff returns the changes from a to b as a unified diff of
// lines with three lines of context, headed "--- aName" and "+++ bName";
// "" when a and b are equal. It is a minimal diff (Myers' algorithm in
// linear space), and a last line without a line end is marked as diff
// and patch expect ("\ No newline at end of file").
func UnifiedDiff(aName, bName string, a, b []byte) string {
	al, bl := diffSplit(a), diffSplit(b)
	ids := map[string]int{}
	intern := func(ls []string) []int {
		out := make([]int, len(ls))
		for i, l := range ls {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	ops := diffOps(intern(al), intern(bl))
	var w strings.Builder
	line := func(prefix byte, l string) {
		w.WriteByte(prefix)
		w.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			w.WriteString("\n\\ No newline at end of file\n")
		}
	}
	// ia[k], ib[k]: lines of a and b before ops[k].
	ia, ib := make([]int, len(ops)+1), make([]int, len(ops)+1)
	for k, op := range ops {
		ia[k+1], ib[k+1] = ia[k], ib[k]
		if op != '+' {
			ia[k+1]++
		}
		if op != '-' {
			ib[k+1]++
		}
	}
	const ctx = 3
	for i := 0; i < len(ops); {
		for i < len(ops) && ops[i] == '=' {
			i++
		}
		if i == len(ops) {
			break
		}
		start := max(i-ctx, 0)
		end := i
		for {
			for end < len(ops) && ops[end] != '=' {
				end++
			}
			k := end
			for k < len(ops) && ops[k] == '=' {
				k++
			}
			if k < len(ops) && k-end <= 2*ctx {
				end = k // the next change is near: one hunk
				continue
			}
			end = min(end+ctx, k)
			break
		}
		if w.Len() == 0 {
			fmt.Fprintf(&w, "--- %s\n+++ %s\n", aName, bName)
		}
		fmt.Fprintf(&w, "@@ -%s +%s @@\n", hunkRange(ia[start], ia[end]-ia[start]), hunkRange(ib[start], ib[end]-ib[start]))
		for k := start; k < end; k++ {
			switch ops[k] {
			case '=':
				line(' ', al[ia[k]])
			case '-':
				line('-', al[ia[k]])
			case '+':
				line('+', bl[ib[k]])
			}
		}
		i = end
	}
	return w.String()
}

// hunkRange writes a hunk's range as diff -u does: "l,n", "l" for one
// line, and the line before the hunk for none.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return strconv.Itoa(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// diffSplit splits text after each "\n"; a last line without one is a
// line of its own.
func diffSplit(b []byte) []string {
	s := string(b)
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// diffOps returns a shortest edit script from a to b: '=' keeps a line,
// '-' deletes one of a, '+' inserts one of b. In each run of changes the
// deletions come first, as diff prints them.
func diffOps(a, b []int) []byte {
	var ops []byte
	var rec func(a, b []int)
	rec = func(a, b []int) {
		pre := 0
		for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
			pre++
		}
		suf := 0
		for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
			suf++
		}
		for range pre {
			ops = append(ops, '=')
		}
		ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
		x, y := 0, 0
		if len(ma) > 0 && len(mb) > 0 {
			x, y = myersBisect(ma, mb)
		}
		if (x == 0 && y == 0) || (x == len(ma) && y == len(mb)) {
			// One side is empty (or, defensively, no split was found).
			for range ma {
				ops = append(ops, '-')
			}
			for range mb {
				ops = append(ops, '+')
			}
		} else {
			rec(ma[:x], mb[:y])
			rec(ma[x:], mb[y:])
		}
		for range suf {
			ops = append(ops, '=')
		}
	}
	rec(a, b)
	// Put the deletions of each run of changes before its insertions.
	for i := 0; i < len(ops); {
		if ops[i] == '=' {
			i++
			continue
		}
		j, del := i, 0
		for ; j < len(ops) && ops[j] != '='; j++ {
			if ops[j] == '-' {
				del++
			}
		}
		for k := i; k < j; k++ {
			if k < i+del {
				ops[k] = '-'
			} else {
				ops[k] = '+'
			}
		}
		i = j
	}
	return ops
}

// myersBisect finds the middle snake of Myers' algorithm ("An O(ND)
// Difference Algorithm and Its Variations", 1986, section 4b), walking
// from both ends at once, and returns the point where the two paths
// meet: a shortest edit script passes through it. a and b are not empty
// and differ in their first and last lines, so the point is strictly
// inside and both halves are smaller.
func myersBisect(a, b []int) (int, int) {
	n, m := len(a), len(b)
	maxD := (n + m + 1) / 2
	off := maxD
	size := 2*maxD + 2
	v1, v2 := make([]int, size), make([]int, size)
	for i := range v1 {
		v1[i], v2[i] = -1, -1
	}
	v1[off+1], v2[off+1] = 0, 0
	delta := n - m
	// With an odd delta the forward path meets the reverse one.
	front := delta%2 != 0
	k1start, k1end, k2start, k2end := 0, 0, 0, 0
	for d := 0; d < maxD; d++ {
		for k1 := -d + k1start; k1 <= d-k1end; k1 += 2 {
			i := off + k1
			var x1 int
			if k1 == -d || (k1 != d && v1[i-1] < v1[i+1]) {
				x1 = v1[i+1]
			} else {
				x1 = v1[i-1] + 1
			}
			y1 := x1 - k1
			for x1 < n && y1 < m && a[x1] == b[y1] {
				x1++
				y1++
			}
			v1[i] = x1
			switch {
			case x1 > n:
				k1end += 2 // off the right of the grid
			case y1 > m:
				k1start += 2 // off the bottom
			case front:
				if j := off + delta - k1; j >= 0 && j < size && v2[j] != -1 && x1 >= n-v2[j] {
					return x1, y1
				}
			}
		}
		for k2 := -d + k2start; k2 <= d-k2end; k2 += 2 {
			i := off + k2
			var x2 int
			if k2 == -d || (k2 != d && v2[i-1] < v2[i+1]) {
				x2 = v2[i+1]
			} else {
				x2 = v2[i-1] + 1
			}
			y2 := x2 - k2
			for x2 < n && y2 < m && a[n-x2-1] == b[m-y2-1] {
				x2++
				y2++
			}
			v2[i] = x2
			switch {
			case x2 > n:
				k2end += 2
			case y2 > m:
				k2start += 2
			case !front:
				if j := off + delta - k2; j >= 0 && j < size && v1[j] != -1 {
					x1 := v1[j]
					y1 := x1 - (j - off)
					if x1 <= n && y1 >= 0 && y1 <= m && x1 >= n-x2 {
						return x1, y1
					}
				}
			}
		}
	}
	return 0, 0
}
