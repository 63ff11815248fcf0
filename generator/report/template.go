package report

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file reads reports written in the seed template's layout, without
// (or beside) front matter. The template is Markdown that people edit by
// hand, so extraction is deliberately lenient and line-based: sections
// are found by the words of their headings, tables by their header
// names, and anything that cannot be read becomes a diagnostic, never a
// silent guess. It must stay independent of goldmark (only
// generator/markdown imports it) and linear in the size of the input.

// applyTemplate fills fields that front matter left empty from the seed
// template's layout in the body (metadata table, timeline block, action
// items table, sign-off table, security answer...). Front matter wins
// field by field: a field it set is not read from the template at all,
// so a stale template value cannot add noise.
func applyTemplate(r *Report, opt Options) {
	if r.Lines == nil {
		r.Lines = map[string]int{}
	}
	// Parse records every front-matter key in Lines and only a file
	// with front matter has a body starting below line 1; an empty
	// "---\n---" block carries no data, so it does not make a file mixed.
	hasFM := r.BodyLine > 1 && len(r.Lines) > 0
	f := &tplFill{r: r, opt: opt, d: tplParse(r.Body, max(r.BodyLine, 1))}
	f.metadata()
	f.timeline()
	f.actions()
	f.reviewers()
	f.meeting()
	f.impact()
	f.security()
	f.attachments()
	f.restricted()
	if f.found {
		if hasFM {
			r.Layout = "mixed"
		} else {
			r.Layout = "template"
		}
	}
}

// tplFill carries the extraction state of one report.
type tplFill struct {
	r     *Report
	opt   Options
	d     *tplDoc
	found bool // some template field was present (value or placeholder)
}

// ---------------------------------------------------------------------
// Document structure.

// tplDoc is the body split into lines, with what the extraction needs of
// its block structure: fenced code and headings.
type tplDoc struct {
	lines  []string
	fenced []bool // inside a fenced code block, fence lines included
	heads  []tplHead
	fences []tplFence
	base   int // file line of lines[0]

	cueLines *[cueKinds][]int // see cues
}

// tplFence is a fenced code block: lines[open] is the opening fence,
// lines[close] the closing one (len(lines) when it is never closed).
type tplFence struct{ open, close int }

type tplHead struct {
	at    int // index into lines
	next  int // the first line after the heading: at+2 under a setext underline
	level int // 1–6 for ATX and setext headings, 7 for a line that is all bold
	words []string
}

// tplSpan is the lines of a section: lines[from:to], heading excluded;
// head is the heading's line (-1 for the whole document).
type tplSpan struct{ head, from, to int }

// tplPseudoLevel ranks a bold-only line ("**Explanation:**") below every real
// heading, so it opens a sub-section without ending the one it is in.
const tplPseudoLevel = 7

func tplParse(body []byte, base int) *tplDoc {
	d := &tplDoc{lines: strings.Split(string(body), "\n"), base: base}
	d.fenced = make([]bool, len(d.lines))
	var fenceCh byte
	fenceLen := 0
	for i, l := range d.lines {
		if fenceLen > 0 {
			d.fenced[i] = true
			if FenceClose(l, fenceCh, fenceLen) {
				d.fences[len(d.fences)-1].close = i
				fenceLen = 0
			}
			continue
		}
		if ch, n, ok := FenceOpen(l); ok {
			d.fenced[i] = true
			fenceCh, fenceLen = ch, n
			d.fences = append(d.fences, tplFence{i, len(d.lines)})
			continue
		}
		if level, text, ok := tplATX(l); ok {
			d.heads = append(d.heads, tplHead{at: i, next: i + 1, level: level, words: tplWords(text)})
		} else if level, ok := d.setext(i); ok {
			d.heads = append(d.heads, tplHead{at: i, next: i + 2, level: level, words: tplWords(l)})
		} else if tplBoldLine(l) {
			d.heads = append(d.heads, tplHead{at: i, next: i + 1, level: tplPseudoLevel, words: tplWords(l)})
		}
	}
	return d
}

func (d *tplDoc) line(i int) int { return d.base + i }

// fenceLine says whether lines[i] opens or closes a fenced code block.
func (d *tplDoc) fenceLine(i int) bool {
	k, _ := slices.BinarySearchFunc(d.fences, i, func(f tplFence, i int) int { return f.open - i })
	return k < len(d.fences) && d.fences[k].open == i || k > 0 && d.fences[k-1].close == i
}

// Kinds of words the privacy checks look for, so that their regexps
// run only on the few lines that hold one (see cues).
const (
	cueSecurity   = iota // "security", "breach": the security question
	cueVisibility        // "visibility"
	cueBanner            // "internal", "confidential", "restricted", "do not", "not for"
	cueKinds
)

// cues is, for each kind of word, the lines that hold one, in any
// case; found in one pass over the text on first use.
func (d *tplDoc) cues() *[cueKinds][]int {
	if d.cueLines != nil {
		return d.cueLines
	}
	var out [cueKinds][]int
	mark := func(k, line int) {
		if n := len(out[k]); n == 0 || out[k][n-1] != line {
			out[k] = append(out[k], line)
		}
	}
	for li, l := range d.lines {
		for i := 0; i+1 < len(l); i++ {
			// Two letters first: most pairs start none of the words.
			if next := cueNext[l[i]]; next == 0 || l[i+1]|0x20 != next {
				continue
			}
			switch l[i] | 0x20 {
			case 's':
				if tplFoldAt(l, i, "security") {
					mark(cueSecurity, li)
				}
			case 'b':
				if tplFoldAt(l, i, "breach") {
					mark(cueSecurity, li)
				}
			case 'v':
				if tplFoldAt(l, i, "visibilit") {
					mark(cueVisibility, li)
				}
			case 'i', 'c', 'r', 'd', 'n':
				if tplFoldAt(l, i, "internal") || tplFoldAt(l, i, "confidential") || tplFoldAt(l, i, "restricted") ||
					tplFoldAt(l, i, "do not") || tplFoldAt(l, i, "not for") {
					mark(cueBanner, li)
				}
			}
		}
	}
	d.cueLines = &out
	return d.cueLines
}

// cueNext is, for the first letter of a word cues looks for, in either
// case, the word's second letter.
var cueNext = func() (t [256]byte) {
	for _, w := range []string{"security", "breach", "visibilit", "internal", "confidential", "restricted", "do not", "not for"} {
		t[w[0]], t[w[0]-'a'+'A'] = w[1], w[1]
	}
	return t
}()

// tplFoldAt says whether l holds word (lower-case ASCII) at i, in any
// case.
func tplFoldAt(l string, i int, word string) bool {
	if len(l)-i < len(word) {
		return false
	}
	for j := 0; j < len(word); j++ {
		c := l[i+j]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[j] {
			return false
		}
	}
	return true
}

func (d *tplDoc) all() tplSpan { return tplSpan{head: -1, from: 0, to: len(d.lines)} }

// spans returns the sections whose heading contains one of phrases, in
// order of preference: earlier phrases first, real headings before bold
// lines, then document order. Callers take the first span that holds
// what they look for, so a bold line that happens to repeat a heading's
// words cannot hide the real section.
func (d *tplDoc) spans(phrases ...string) []tplSpan {
	var out []tplSpan
	for _, p := range phrases {
		pw := strings.Fields(p)
		for _, pseudo := range []bool{false, true} {
			for k, h := range d.heads {
				if (h.level == tplPseudoLevel) != pseudo || !tplHasPhrase(h.words, pw) {
					continue
				}
				end := len(d.lines)
				for _, n := range d.heads[k+1:] {
					if n.level <= h.level {
						end = n.at
						break
					}
				}
				out = append(out, tplSpan{head: h.at, from: h.next, to: end})
			}
		}
	}
	return out
}

func tplHasPhrase(ws, p []string) bool {
	for i := 0; i+len(p) <= len(ws); i++ {
		ok := true
		for j := range p {
			if ws[i+j] != p[j] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// tplWords lowercases the ASCII letter and digit runs of s. Emoji, their
// mojibake ("üìã", "‚úÖ": always bytes ≥ 0x80), Markdown markers and
// punctuation all separate words, so "## üìã **Incident Metadata:**"
// and "### incident metadata" give the same words.
func tplWords(s string) []string {
	s = strings.ToLower(s) // once, so the words share its memory
	var ws []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && tplAlnum(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			ws = append(ws, s[start:i])
			start = -1
		}
	}
	return ws
}

func tplAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// tplKey is the normalised name of a table header, row label or bullet
// label: its words joined by single spaces.
func tplKey(s string) string { return strings.Join(tplWords(s), " ") }

// setext is tplSetext for lines[i] over the line after it.
func (d *tplDoc) setext(i int) (level int, ok bool) {
	if i+1 >= len(d.lines) {
		return 0, false
	}
	return tplSetext(d.lines[i], d.lines[i+1])
}

// tplSetext says whether line l, over line under, is the text of a
// setext heading ("Security Incident" over a line of = or -), and its
// level. Only a line of plain text counts: a list item, quote or table
// row over a --- is followed by a thematic break.
func tplSetext(l, under string) (level int, ok bool) {
	u := strings.TrimRight(under, " \t\r")
	t := strings.TrimLeft(u, " ")
	if len(u)-len(t) > 3 || t == "" || strings.Trim(t, "=") != "" && strings.Trim(t, "-") != "" {
		return 0, false
	}
	text := strings.TrimLeft(l, " ")
	// A table's last row over a --- ends the table: a template's
	// sections are often ruled off that way.
	if len(l)-len(text) > 3 || strings.TrimSpace(text) == "" || text[0] == '>' || text[0] == '<' || strings.Contains(text, "|") {
		return 0, false
	}
	if _, ok := tplItem(l); ok {
		return 0, false
	}
	if _, _, ok := FenceOpen(l); ok {
		return 0, false
	}
	if t[0] == '=' {
		return 1, true
	}
	// A timeline's last entry ("14:20 - Paged the DBA") over a rule is
	// read as an entry, as the template reader always has: a section
	// heading rarely starts with a digit.
	if '0' <= text[0] && text[0] <= '9' {
		return 0, false
	}
	return 2, true
}

func tplATX(l string) (level int, text string, ok bool) {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 {
		return 0, "", false
	}
	for level < len(t) && t[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(t) && t[level] != ' ' && t[level] != '\t') {
		return 0, "", false
	}
	return level, t[level:], true
}

func tplBoldLine(l string) bool {
	t := strings.TrimSuffix(strings.TrimSpace(l), ":")
	for _, m := range []string{"**", "__"} {
		if len(t) > 2*len(m) && strings.HasPrefix(t, m) && strings.HasSuffix(t, m) &&
			!strings.Contains(t[len(m):len(t)-len(m)], m) {
			return true
		}
	}
	return false
}

// FenceOpen reports whether line l opens a fenced code block, and with
// which character and fence length; line-based readers of Markdown use it
// to skip code.
func FenceOpen(l string) (ch byte, n int, ok bool) {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return 0, 0, false
	}
	for n < len(t) && t[n] == t[0] {
		n++
	}
	// A backtick fence's info string cannot hold a backtick (CommonMark),
	// which keeps inline code such as ```x``` from opening a block.
	if n < 3 || (t[0] == '`' && strings.IndexByte(t[n:], '`') >= 0) {
		return 0, 0, false
	}
	return t[0], n, true
}

// FenceClose reports whether line l closes a block FenceOpen opened.
func FenceClose(l string, ch byte, n int) bool {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 {
		return false
	}
	k := 0
	for k < len(t) && t[k] == ch {
		k++
	}
	return k >= n && strings.TrimSpace(t[k:]) == ""
}

// ---------------------------------------------------------------------
// Tables, list items and labels.

type tplTable struct {
	head []string // header cells as keys (tplKey)
	at   int      // index of the header line
	rows []tplRow
}

type tplRow struct {
	cells []string
	at    int
}

// tables returns the GitHub-flavoured tables in sp: a header row, a
// delimiter row (|---|:--:|) and rows up to a blank line or a line
// without a pipe.
func (d *tplDoc) tables(sp tplSpan) []tplTable {
	var out []tplTable
	for i := sp.from; i+1 < sp.to; i++ {
		if d.fenced[i] || d.fenced[i+1] || !strings.Contains(d.lines[i], "|") || !tplDelimRow(d.lines[i+1]) {
			continue
		}
		t := tplTable{at: i}
		for _, c := range tplCells(d.lines[i]) {
			t.head = append(t.head, tplKey(c))
		}
		j := i + 2
		for ; j < sp.to && !d.fenced[j] && strings.Contains(d.lines[j], "|") && strings.TrimSpace(d.lines[j]) != ""; j++ {
			t.rows = append(t.rows, tplRow{cells: tplCells(d.lines[j]), at: j})
		}
		out = append(out, t)
		i = j - 1
	}
	return out
}

func tplDelimRow(l string) bool {
	if !strings.Contains(l, "|") || !strings.Contains(l, "-") {
		return false
	}
	for _, c := range tplCells(l) {
		c = strings.TrimSuffix(strings.TrimPrefix(c, ":"), ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return false
		}
	}
	return true
}

// tplCells splits a table row on unescaped pipes; as in GFM, a pipe
// inside a code span splits too unless escaped.
func tplCells(l string) []string {
	t := strings.TrimSpace(l)
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
	}
	var cells []string
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '\\' && i+1 < len(t) && t[i+1] == '|':
			b.WriteByte('|')
			i++
		case t[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(t[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}

// tplColumns maps each wanted column to its index in head, by header
// name (whole key first, then its first word, so "Due (YYYY-MM-DD)"
// still names the due column); -1 when absent.
func tplColumns(head []string, names map[string]string, wanted ...string) map[string]int {
	cols := make(map[string]int, len(wanted))
	for _, w := range wanted {
		cols[w] = -1
	}
	for pass := 0; pass < 2; pass++ {
		for i, h := range head {
			k := h
			if pass == 1 {
				k, _, _ = strings.Cut(h, " ")
			}
			if c, ok := names[k]; ok && cols[c] < 0 {
				cols[c] = i
			}
		}
	}
	return cols
}

func tplCell(row tplRow, i int) string {
	if i < 0 || i >= len(row.cells) {
		return ""
	}
	return tplClean(row.cells[i])
}

// tplItem returns the text of a list item line ("- x", "* x", "1. x",
// "2) x"), written out rather than as a regexp: it runs on every line.
func tplItem(l string) (string, bool) {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || t == "" {
		return "", false
	}
	i := 0
	switch c := t[0]; {
	case c == '-' || c == '*' || c == '+':
		i = 1
	case c >= '0' && c <= '9':
		for i < len(t) && i < 9 && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if i == len(t) || (t[i] != '.' && t[i] != ')') {
			return "", false
		}
		i++
	default:
		return "", false
	}
	if i >= len(t) || (t[i] != ' ' && t[i] != '\t') {
		return "", false
	}
	return strings.TrimSpace(t[i:]), true
}

// items returns the list items of sp outside code blocks (first line of
// each item only: the template's lists are one line per item).
func (d *tplDoc) items(sp tplSpan) []tplRow {
	var out []tplRow
	for i := sp.from; i < sp.to; i++ {
		if d.fenced[i] {
			continue
		}
		if text, ok := tplItem(d.lines[i]); ok {
			out = append(out, tplRow{cells: []string{text}, at: i})
		}
	}
	return out
}

type tplBullet struct {
	key, value string
	at         int
}

// bullets returns the labelled list items of sp: "- **Label:** value",
// "- **Label**: value" or "- Label: value".
func (d *tplDoc) bullets(sp tplSpan) []tplBullet {
	var out []tplBullet
	for _, it := range d.items(sp) {
		if k, v, ok := tplLabel(it.cells[0], true); ok && k != "" {
			out = append(out, tplBullet{k, v, it.at})
		}
	}
	return out
}

// tplLabel splits "**Label:** value" and "**Label**: value" (and with
// plain, "Label: value") into the label's key and the value.
func tplLabel(s string, plain bool) (key, value string, ok bool) {
	s = strings.TrimSpace(s)
	for _, m := range []string{"**", "__"} {
		if !strings.HasPrefix(s, m) {
			continue
		}
		end := strings.Index(s[len(m):], m)
		if end < 0 {
			return "", "", false
		}
		label := s[len(m) : len(m)+end]
		rest := strings.TrimSpace(s[len(m)+end+len(m):])
		switch {
		case strings.HasSuffix(strings.TrimSpace(label), ":"):
		case strings.HasPrefix(rest, ":"):
			rest = strings.TrimSpace(rest[1:])
		case rest == "":
			// "**Explanation**" alone: the value follows on later lines.
		default:
			return "", "", false
		}
		return tplKey(label), rest, true
	}
	if plain {
		if i := strings.IndexByte(s, ':'); i > 0 {
			return tplKey(s[:i]), strings.TrimSpace(s[i+1:]), true
		}
	}
	return "", "", false
}

// firstBullets finds, for each wanted key, the first bullet with that
// label in the first of spans that has one.
func (d *tplDoc) firstBullets(spans []tplSpan, names map[string]string) map[string]tplBullet {
	out := map[string]tplBullet{}
	fields := tplUniq(names)
	for _, sp := range spans {
		for _, b := range d.bullets(sp) {
			if field, ok := names[b.key]; ok {
				if _, seen := out[field]; !seen {
					out[field] = b
				}
			}
		}
		if len(out) == len(fields) {
			break
		}
	}
	return out
}

func tplUniq(m map[string]string) map[string]bool {
	u := map[string]bool{}
	for _, v := range m {
		u[v] = true
	}
	return u
}

// ---------------------------------------------------------------------
// Values: cleaning, placeholders, reporting.

// tplClean strips what surrounds a value in a hand-edited table or list:
// spaces and whole-value bold, italics or code markers.
func tplClean(s string) string {
	s = strings.TrimSpace(s)
	for {
		cut := false
		for _, m := range []string{"**", "__", "`", "*", "_"} {
			if len(s) >= 2*len(m) && strings.HasPrefix(s, m) && strings.HasSuffix(s, m) {
				s = strings.TrimSpace(s[len(m) : len(s)-len(m)])
				cut = true
				break
			}
		}
		if !cut {
			return s
		}
	}
}

// tplBlank reports a value that says "nothing here" without being a
// placeholder: empty, a signature line, or n/a, tbd.
func tplBlank(s string) bool {
	if len(s) <= 3 {
		for _, w := range []string{"n/a", "na", "tbd", "tba", "?"} {
			if strings.EqualFold(s, w) {
				return true
			}
		}
	}
	return strings.Trim(s, "_-–—. ") == ""
}

// tplMaskRE finds the format masks the template writes inside brackets.
var tplMaskRE = regexp.MustCompile(`YYYY|HH:MM|MM-DD|###`)

// tplPlaceholder reports an unfilled template slot: a value that is one
// bracketed span ("[Name]", "[Brief descriptive headline]"), or that
// holds a bracketed format mask ("INC-[YYYY-MM-DD]-[###]"). Links
// ("[text](url)") and task boxes ("[ ]", "[x]") are not slots.
func tplPlaceholder(s string) bool {
	if inner, ok := tplBracketed(s); ok && inner != "" && inner != "x" && inner != "X" {
		return true
	}
	rest := s
	for {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			return false
		}
		j := strings.IndexByte(rest[i+1:], ']')
		if j < 0 {
			return false
		}
		inner := rest[i+1 : i+1+j]
		rest = rest[i+1+j+1:]
		if strings.HasPrefix(rest, "(") || strings.HasPrefix(rest, "[") {
			continue // a link
		}
		if tplMaskRE.MatchString(inner) {
			return true
		}
	}
}

// tplBracketed returns the inside of a value written as one bracketed
// span.
func tplBracketed(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' || strings.ContainsAny(s[1:len(s)-1], "[]") {
		return "", false
	}
	return strings.TrimSpace(s[1 : len(s)-1]), true
}

// tplChoices reports a value that still lists the template's choices
// ("P0 / P1 / P2 / P3") instead of picking one.
func tplChoices(s string, valid func(string) bool) bool {
	parts := strings.Split(s, "/")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if !valid(strings.TrimSpace(p)) {
			return false
		}
	}
	return true
}

// tplShort quotes a value in a message, shortened so a runaway line does
// not flood the output.
func tplShort(s string) string {
	const limit = 60
	if utf8.RuneCountInString(s) <= limit {
		return strconv.Quote(s)
	}
	n := 0
	for i := range s {
		if n == limit {
			return strconv.Quote(s[:i] + "…")
		}
		n++
	}
	return strconv.Quote(s)
}

// mark points key at line when nothing else does yet, so that a later
// "missing" warning lands on the template row that should hold it.
// Keys of one list entry ("action_items[2].due") name themselves in
// messages only: the entry carries its own line.
func (f *tplFill) mark(key string, line int) {
	if _, ok := f.r.Lines[key]; !ok && !strings.Contains(key, "[") {
		f.r.Lines[key] = line
	}
}

// set records that key was filled from the template at line.
func (f *tplFill) set(key string, line int) {
	f.found = true
	if !strings.Contains(key, "[") {
		f.r.Lines[key] = line
	}
}

// value cleans a raw template value for key at a file line; it returns ""
// for blank values and for placeholders, which it reports.
func (f *tplFill) value(key string, line int, raw string) string {
	f.found = true
	v := tplClean(raw)
	if tplPlaceholder(v) {
		f.r.warn(line, "placeholder", "%s: %s is a template placeholder, not a value; fill it in (or drop the brackets)", key, tplShort(v))
		f.mark(key, line)
		return ""
	}
	if tplBlank(v) {
		f.mark(key, line)
		return ""
	}
	return v
}

// dateValue is value for a date or time: a filled-in slot that kept its
// brackets ("[2025-10-08]") is read as the date it holds.
func (f *tplFill) dateValue(key string, line int, raw string) string {
	v := tplClean(raw)
	if inner, ok := tplBracketed(v); ok && inner != "" && !tplMaskRE.MatchString(inner) && inner[0] >= '0' && inner[0] <= '9' {
		raw = inner
	}
	return f.value(key, line, raw)
}

// ---------------------------------------------------------------------
// Times and dates.

var tplDatedRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)

// parseTime reads a time for key. A bare clock time ("14:15") is on the
// day of on, and one earlier than on is taken as the next day: a
// resolution at 01:30 of an incident started at 23:00 is after midnight.
func (f *tplFill) parseTime(key string, line int, v string, on time.Time) (time.Time, bool) {
	t, err := ParseTime(v, f.opt.Zones, on)
	if err != nil {
		f.r.warn(line, ruleOf(err), "%s: %v", key, err)
		f.mark(key, line)
		return time.Time{}, false
	}
	if !on.IsZero() && !tplDatedRE.MatchString(v) && t.Before(on) {
		t = t.AddDate(0, 0, 1)
	}
	return t, true
}

func (f *tplFill) timeField(key string, line int, raw string, dst *time.Time, on time.Time) {
	if !dst.IsZero() {
		return
	}
	v := f.dateValue(key, line, raw)
	if v == "" {
		return
	}
	if t, ok := f.parseTime(key, line, v, on); ok {
		*dst = t
		f.set(key, line)
	}
}

// ref is the day a date without a year is taken from: the incident's
// start, else the date in its ID, else the report date.
func (f *tplFill) ref() time.Time {
	if !f.r.Started.IsZero() {
		return day(f.r.Started)
	}
	if t, ok := idDate(f.r.ID); ok {
		return t
	}
	return f.r.ReportDate
}

var (
	tplMonthDayRE = regexp.MustCompile(`^(?i)(?:[a-z]{3,9},?\s+)??([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$`)
	tplDayMonthRE = regexp.MustCompile(`^(?i)(?:[a-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?(?:\s+(\d{4}))?$`)
)

// tplErrNoYear is a month-day date with no incident date to take a year from.
type tplErrNoYear struct{}

func (tplErrNoYear) Error() string { return "no year" }

// tplParseDay reads a calendar date: "2025-10-15" (or a full time, whose
// own date is taken), "Oct 15", "15 Oct", "October 15, 2025". A date
// without a year takes the year of ref and rolls to the next year when
// that would put it more than two months before ref: "Jan 5" in a
// report on a December incident is a deadline, not history.
func tplParseDay(s string, z Zones, ref time.Time) (time.Time, error) {
	if len(s) >= 4 && tplDigits(s[:4]) {
		t, err := ParseDate(s, z)
		if err != nil {
			return time.Time{}, &TimeError{"invalid-date", "not a date (want YYYY-MM-DD, or a month and day such as Oct 15)"}
		}
		return t, nil
	}
	var mon, dd, yy string
	if m := tplMonthDayRE.FindStringSubmatch(s); m != nil {
		mon, dd, yy = m[1], m[2], m[3]
	} else if m := tplDayMonthRE.FindStringSubmatch(s); m != nil {
		dd, mon, yy = m[1], m[2], m[3]
	} else {
		return time.Time{}, &TimeError{"invalid-date", "not a date (want YYYY-MM-DD, or a month and day such as Oct 15)"}
	}
	month, ok := tplMonth(mon)
	if !ok {
		return time.Time{}, &TimeError{"invalid-date", strconv.Quote(mon) + " is not a month"}
	}
	d, _ := strconv.Atoi(dd)
	year := 0
	if yy != "" {
		year, _ = strconv.Atoi(yy)
	} else {
		if ref.IsZero() {
			return time.Time{}, tplErrNoYear{}
		}
		year = ref.Year()
		if t := time.Date(year, month, d, 0, 0, 0, 0, time.UTC); t.Before(ref.AddDate(0, -2, 0)) {
			year++
		}
	}
	t := time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != month {
		return time.Time{}, &TimeError{"invalid-date", month.String() + " has no day " + dd}
	}
	return t, nil
}

func tplDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func tplMonth(s string) (time.Month, bool) {
	s = strings.ToLower(s)
	for m := time.January; m <= time.December; m++ {
		if len(s) >= 3 && strings.HasPrefix(strings.ToLower(m.String()), s) {
			return m, true
		}
	}
	return 0, false
}

// dateField reads a date for key; it reports whether the value was a
// month and day that could not get a year (the caller says so once).
func (f *tplFill) dateField(key string, line int, raw string, dst *time.Time, quiet bool) (noYear bool) {
	if !dst.IsZero() {
		return false
	}
	var v string
	if quiet {
		// A sign-off date is empty until the reviewer signs: its slot
		// is pending, not a placeholder to report.
		v = tplClean(raw)
		if inner, ok := tplBracketed(v); ok && tplMaskRE.MatchString(inner) || tplBlank(v) {
			return false
		}
		if inner, ok := tplBracketed(v); ok {
			v = inner
		}
		f.found = true
	} else if v = f.dateValue(key, line, raw); v == "" {
		return false
	}
	t, err := tplParseDay(v, f.opt.Zones, f.ref())
	if _, ok := err.(tplErrNoYear); ok {
		return true
	}
	if err != nil {
		f.r.warn(line, ruleOf(err), "%s: %s: %v", key, tplShort(v), err)
		f.mark(key, line)
		return false
	}
	*dst = t
	f.set(key, line)
	return false
}

func (f *tplFill) noYear(key string, line int, example string) {
	f.r.warn(line, "invalid-date", "%s: dates such as %s have no year and the report has no start time to take it from", key, tplShort(example))
}

// ---------------------------------------------------------------------
// Incident Metadata table.

// tplMetaRows maps the first column of the metadata table to the
// front-matter key it fills.
var tplMetaRows = map[string]string{
	"incident id": "id", "id": "id", "incident number": "id",
	"incident title": "title", "title": "title", "incident name": "title", "headline": "title",
	"severity": "severity", "severity level": "severity", "sev": "severity",
	"status": "status", "report status": "status",
	"visibility": "visibility",
	"start time": "started", "started": "started", "start": "started", "incident start": "started", "started at": "started",
	"detection time": "detected", "detected": "detected", "detected at": "detected", "time detected": "detected",
	"acknowledgement time": "acknowledged", "acknowledgment time": "acknowledged", "acknowledged": "acknowledged", "acknowledged at": "acknowledged",
	"mitigation time": "mitigated", "mitigated": "mitigated", "mitigated at": "mitigated",
	"resolution time": "resolved", "resolved": "resolved", "resolved at": "resolved", "end time": "resolved",
	"total duration": "duration", "duration": "duration",
	"incident commander": "commander", "commander": "commander", "ic": "commander",
	"report author": "author", "author": "author", "written by": "author",
	"report date": "report_date", "date of report": "report_date",
	"services": "services", "affected services": "services", "services affected": "services",
	"tags":    "tags",
	"related": "related", "related incidents": "related",
}

// tplVisRE finds visibility said in a line of the body ("- **Visibility:**
// Internal", "| Visibility | Internal |" in any table).
var tplVisRE = regexp.MustCompile(`(?i)\bvisibility\b[^\pL\pN\n]*[:|][^\pL\pN\n]*(?:internal|private|confidential|restricted)\b`)

// tplBannerRE is a line that is nothing but a mark that the document is
// not for everyone ("**INTERNAL ONLY – DO NOT DISTRIBUTE**").
var tplBannerRE = regexp.MustCompile(`(?i)^[^\pL\pN]*(?:(?:company |strictly )?(?:internal(?: use)?(?: only)?|confidential|restricted)(?:[^\pL\pN]+(?:do not (?:distribute|share|publish)|not for (?:publication|distribution)))?|do not (?:distribute|share|publish)|not for (?:publication|distribution))[^\pL\pN]*$`)

// restricted makes the report internal when its text says so outside
// the metadata table: a Visibility line or row elsewhere, or a banner.
// Where hindsight does not read the setting, a reader still would.
func (f *tplFill) restricted() {
	r, d := f.r, f.d
	cues := d.cues()
	lines := append(slices.Clone(cues[cueVisibility]), cues[cueBanner]...)
	slices.Sort(lines)
	for _, i := range lines {
		l := d.lines[i]
		if d.fenced[i] || d.line(i) == r.Lines["visibility"] && r.Visibility == "internal" {
			continue
		}
		why := ""
		switch {
		case tplVisRE.MatchString(l):
			why = "this line says the report's visibility is restricted"
		case len(strings.TrimSpace(l)) <= 100 && tplBannerRE.MatchString(l) && strings.TrimSpace(l) != "":
			why = "this line marks the report as not for everyone"
		default:
			continue
		}
		if r.Visibility != "internal" {
			r.warn(d.line(i), "front-matter", "%s, where hindsight does not read it; treated as internal (write visibility: internal)", why)
			r.Visibility = "internal"
		}
		return
	}
	if r.Visibility == "internal" {
		return
	}
	// A table that gives visibility in a column rather than a row
	// ("| Incident ID | Severity | Visibility |", the value below).
	for _, t := range d.tables(d.all()) {
		for c, h := range t.head {
			if !scopeColumn(h) {
				continue // not a column of who may read the report
			}
			for _, row := range t.rows {
				if hasAny(keyWords(tplCell(row, c)), restrictWords) {
					r.warn(d.line(row.at), "front-matter", "this table's %q column says the report's visibility is restricted, where hindsight does not read it; treated as internal (write visibility: internal)", tplCell(tplRow{cells: tplCells(d.lines[t.at])}, c))
					r.Visibility = "internal"
					return
				}
			}
		}
	}
}

// scopeColumn says whether a table's column header h (a tplKey) names
// who may read the report. Narrower than the rows nearRow reads: a
// column of "Audience" or "Access" in a table of channels or systems
// says who was told or what was reached, not who may read this.
func scopeColumn(h string) bool {
	ws := keyWords(h)
	return misspelt(strings.Join(ws, "")) == "visibility" || hasAny(ws, columnScopeWords)
}

var columnScopeWords = map[string]bool{"visibility": true, "classification": true, "confidentiality": true, "sensitivity": true, "tlp": true}

// tplNear is a metadata row whose label looks like a privacy key.
type tplNear struct {
	row   tplRow
	meant string
}

// tplMetaHeads are first-column headers of a metadata table.
var tplMetaHeads = map[string]bool{"field": true, "property": true, "key": true, "attribute": true, "metadata": true}

// metaTable finds the Incident Metadata table: the first table in a
// section named for the metadata, else the first "Field | Value" table
// anywhere, that has a row naming a field; failing those, the first
// table in such a section laid out across (see across). rows are its
// rows, a column a row when it is laid out across; seen are all the
// rows looked at on the way, rows among them, for those that only look
// like a field.
func (d *tplDoc) metaTable() (t tplTable, rows, seen []tplRow, across, ok bool) {
	spans := d.spans("incident metadata", "metadata")
	whole := len(spans)
	for k, sp := range append(spans, d.all()) {
		for _, t := range d.tables(sp) {
			// Outside its section only a "Field | Value" table is the
			// metadata: a sign-off table also has an "Incident
			// Commander" row, naming a reviewer.
			if k == whole && (len(t.head) == 0 || !tplMetaHeads[t.head[0]]) {
				continue
			}
			seen = append(seen, t.rows...)
			for _, row := range t.rows {
				if _, ok := tplMetaRows[tplKey(tplCell(row, 0))]; ok {
					return t, t.rows, seen, false, true
				}
			}
		}
	}
	// Only where no table is laid out down: a Visibility row in one
	// must not be passed over for a table laid out across above it.
	// And only under a heading that names the incident's metadata: under
	// one such as "Metadata of the exposed document", a row of that
	// document's ID, title and visibility would be taken for the
	// report's.
	for _, sp := range spans {
		if !d.incidentMeta(sp.head) {
			continue
		}
		for _, t := range d.tables(sp) {
			if rows, ok := d.across(t); ok {
				return t, rows, append(seen, rows...), true, true
			}
		}
	}
	return tplTable{}, nil, seen, false, false
}

// incidentMeta says whether the heading at line at says "Incident
// Metadata", or "Metadata" and nothing else.
func (d *tplDoc) incidentMeta(at int) bool {
	for _, h := range d.heads {
		if h.at == at {
			return tplHasPhrase(h.words, []string{"incident", "metadata"}) || len(h.words) == 1 && h.words[0] == "metadata"
		}
	}
	return false
}

// across reads a metadata table laid out across, a header of field names
// over one row of values ("| Incident ID | Severity | Start Time |"),
// as the rows of the table laid out down, each column a row: the header
// its first cell, the value its second, at the line of the values. It
// is one only with a single row of values, no more of them than the
// header has names (more is a table out of line, such as a value with
// a pipe in it), and a header naming two fields or more, the incident's
// ID or severity among them.
func (d *tplDoc) across(t tplTable) ([]tplRow, bool) {
	if len(t.rows) != 1 || len(t.head) < 2 || tplMetaHeads[t.head[0]] {
		return nil, false
	}
	head := tplCells(d.lines[t.at])
	vals := t.rows[0]
	if len(vals.cells) > len(head) {
		return nil, false
	}
	rows := make([]tplRow, 0, len(head))
	fields := map[string]bool{}
	for c, h := range head {
		v := ""
		if c < len(vals.cells) {
			v = vals.cells[c]
		}
		row := tplRow{cells: []string{h, v}, at: vals.at}
		if key, ok := tplMetaRows[tplKey(tplCell(row, 0))]; ok {
			fields[key] = true
		}
		rows = append(rows, row)
	}
	return rows, len(fields) >= 2 && (fields["id"] || fields["severity"])
}

// metaFields maps the front-matter key each of a metadata table's rows
// names to the first row naming it; visDups are the Visibility rows
// after the first.
func metaFields(rows []tplRow) (first map[string]tplRow, visDups []tplRow) {
	first = map[string]tplRow{}
	for _, row := range rows {
		if key, ok := tplMetaRows[tplKey(tplCell(row, 0))]; ok {
			if _, dup := first[key]; !dup {
				first[key] = row
			} else if key == "visibility" {
				visDups = append(visDups, row)
			}
		}
	}
	return first, visDups
}

func (f *tplFill) metadata() {
	r := f.r
	_, trows, seen, across, ok := f.d.metaTable()
	if !ok {
		return
	}
	unit := "row" // what messages call a field's place in the table
	if across {
		unit = "column"
	}
	rows, visDups := metaFields(trows)
	var near []tplNear // rows that look like Visibility
	for _, row := range seen {
		if _, ok := tplMetaRows[tplKey(tplCell(row, 0))]; ok {
			continue
		}
		if meant := nearRow(tplCell(row, 0), tplClean(tplCell(row, 1))); meant != "" &&
			!tplHasPhrase(tplWords(tplCell(row, 0)), []string{"security", "incident"}) { // an answer: see securityAnswer
			near = append(near, tplNear{row, meant})
		}
	}
	line := func(key string) int { return f.d.line(rows[key].at) }
	val := func(key string) (string, bool) {
		row, ok := rows[key]
		if !ok {
			return "", false
		}
		return tplCell(row, 1), true
	}
	str := func(key string, dst *string) {
		if raw, ok := val(key); ok && *dst == "" {
			if v := f.value(key, line(key), raw); v != "" {
				*dst = v
				f.set(key, line(key))
			}
		}
	}
	str("id", &r.ID)
	str("title", &r.Title)
	if raw, ok := val("severity"); ok && r.Severity == "" {
		if tplChoices(tplClean(raw), f.isChoice) {
			f.choices("severity", line("severity"), raw)
		} else if v := f.value("severity", line("severity"), raw); v != "" {
			r.Severity = f.severity(v)
			f.set("severity", line("severity"))
		}
	}
	if raw, ok := val("status"); ok && r.Status == "" {
		isStatus := func(s string) bool { return contains(Statuses, strings.ToLower(s)) }
		if tplChoices(tplClean(raw), isStatus) {
			f.choices("status", line("status"), raw)
		} else if v := f.value("status", line("status"), raw); v != "" {
			r.Status = strings.ToLower(tplTrimDecor(v))
			f.set("status", line("status"))
		}
	}
	given := r.Visibility // by the front matter, which wins
	if raw, ok := val("visibility"); ok && r.Visibility == "" {
		f.visibility(line("visibility"), raw, visDups, unit)
	} else if ok && given == "public" && strings.EqualFold(tplTrimDecor(tplClean(raw)), "internal") {
		// Except over a row that says internal: the two disagree, and
		// the report must not be published on the weaker word.
		r.warn(line("visibility"), "front-matter", "the Visibility %s says internal, the front matter public; treated as internal", unit)
		r.Visibility = "internal"
	}
	for _, n := range near {
		if given != "" {
			break
		}
		l := f.d.line(n.row.at)
		r.warn(l, "front-matter", "%s %q looks like %q, which decides who may read the report; it is not read, and the report is treated as internal", unit, strings.TrimSpace(tplCell(n.row, 0)), n.meant)
		r.Visibility = "internal"
		f.set("visibility", l)
	}
	if raw, ok := val("started"); ok {
		f.timeField("started", line("started"), raw, &r.Started, time.Time{})
	}
	for _, k := range []struct {
		key string
		t   *time.Time
	}{{"detected", &r.Detected}, {"acknowledged", &r.Acknowledged}, {"mitigated", &r.Mitigated}, {"resolved", &r.Resolved}} {
		if raw, ok := val(k.key); ok {
			f.timeField(k.key, line(k.key), raw, k.t, r.Started)
		}
	}
	if raw, ok := val("duration"); ok && r.StatedDuration == "" {
		if v := f.value("duration", line("duration"), raw); v != "" {
			r.StatedDuration = v
			r.StatedDurationLine = line("duration")
			f.set("duration", line("duration"))
		}
	}
	str("commander", &r.Commander)
	str("author", &r.Author)
	if raw, ok := val("report_date"); ok {
		if f.dateField("report_date", line("report_date"), raw, &r.ReportDate, false) {
			f.noYear("report_date", line("report_date"), raw)
		}
	}
	for _, k := range []struct {
		key string
		l   *[]string
	}{{"services", &r.Services}, {"tags", &r.Tags}, {"related", &r.Related}} {
		if raw, ok := val(k.key); ok && len(*k.l) == 0 {
			if v := f.value(k.key, line(k.key), raw); v != "" {
				*k.l = tplList(v)
				f.set(k.key, line(k.key))
			}
		}
	}
}

// visibility reads the Visibility row at line. A row that is there but
// says nothing readable (blank, "TBD", a placeholder) or that a second
// Visibility row contradicts makes the report internal: left empty, the
// report would take the default visibility, which may be public. The
// warning stays on the first row, so that import leaves the row where
// the user can fix it instead of writing the guess to front matter.
// unit is what messages call the row: "column" in a table laid out
// across.
func (f *tplFill) visibility(line int, raw string, dups []tplRow, unit string) {
	r := f.r
	f.found = true
	v := tplClean(raw)
	switch {
	case tplPlaceholder(v):
		r.warn(line, "placeholder", "visibility: %s is a template placeholder, not a value; treated as internal until it says public or internal", tplShort(v))
		v = "internal"
	case tplBlank(v):
		r.warn(line, "invalid-field", "visibility: the %s is blank; treated as internal until it says public or internal", unit)
		v = "internal"
	default:
		v = strings.ToLower(v)
	}
	said := strings.ToLower(tplClean(raw))
	for _, row := range dups {
		if w := strings.ToLower(tplClean(tplCell(row, 1))); w != said {
			// No line in the message: import compares messages of a
			// file whose lines it moved.
			r.warn(line, "invalid-field", "visibility: this %s says %s, a later Visibility %s %s; treated as internal", unit, tplShort(said), unit, tplShort(w))
			v = "internal"
			break
		}
	}
	r.Visibility = v
	f.set("visibility", line)
}

// tplSevRE is what a severity looks like when the config's list does
// not say ("P2", "SEV1", "S3"), so a list of choices is still recognised.
var tplSevRE = regexp.MustCompile(`^(?i)(?:p|s|sev)\s?\d$`)

// isChoice reports a value that may stand in a severity or priority list.
func (f *tplFill) isChoice(s string) bool { return f.isSeverity(s) || tplSevRE.MatchString(s) }

func (f *tplFill) choices(key string, line int, raw string) {
	f.found = true
	f.r.warn(line, "placeholder", "%s: %s lists the template's choices; keep the one that applies", key, tplShort(tplClean(raw)))
	f.mark(key, line)
}

func (f *tplFill) isSeverity(s string) bool {
	for _, v := range f.opt.Severities {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// severity takes "P0" out of "P0 (Critical)" or "🔴 P0 - critical"
// when its first word is a configured severity; otherwise the value is
// kept for finish to report.
func (f *tplFill) severity(v string) string {
	v = tplTrimDecor(v)
	if first, _, _ := strings.Cut(v, " "); f.isSeverity(first) {
		return first
	}
	return v
}

// tplTrimDecor drops emoji, mojibake and punctuation around a word
// value: "✅ Done" → "Done", "🔴 P0" → "P0".
func tplTrimDecor(s string) string {
	i, j := 0, len(s)
	for i < j && !tplAlnum(s[i]) {
		i++
	}
	for j > i && !tplAlnum(s[j-1]) {
		j--
	}
	return s[i:j]
}

// tplStatus normalises an action item's status cell: "✅ Done" → done.
func tplStatus(s string) string {
	s = tplTrimDecor(s)
	for _, st := range ActionStatuses { // the common case, without normStatus's work
		if strings.EqualFold(s, st) {
			return st
		}
	}
	return normStatus(s)
}

func tplList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = tplClean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ---------------------------------------------------------------------
// Timeline of Events.

// tplSeps returns the separators of a timeline line: a run of dashes
// (-, – or —) with blanks on both sides, so "-06:00" and "2025-10-08"
// are not separators.
func tplSeps(s string) [][2]int {
	var out [][2]int
	prev := 0 // end of the last separator: blanks before it are its own
	for i := 0; i < len(s); {
		n := tplDashes(s[i:])
		if n == 0 {
			i++
			continue
		}
		j := i + n
		if i == prev || !tplBlankByte(s[i-1]) || j >= len(s) || !tplBlankByte(s[j]) {
			i = j
			continue
		}
		a, b := i, j
		for a > prev && tplBlankByte(s[a-1]) {
			a--
		}
		for b < len(s) && tplBlankByte(s[b]) {
			b++
		}
		out = append(out, [2]int{a, b})
		i, prev = b, b
	}
	return out
}

// tplDashes is the length in bytes of the run of dashes s starts with.
func tplDashes(s string) int {
	n := 0
	for {
		switch {
		case strings.HasPrefix(s[n:], "-"):
			n++
		case strings.HasPrefix(s[n:], "–"), strings.HasPrefix(s[n:], "—"):
			n += len("–")
		default:
			return n
		}
	}
}

func tplBlankByte(c byte) bool { return c == ' ' || c == '\t' }

var (
	// tplEventRE recognises a timeline line outside a code block: a
	// (possibly bold or bracketed) time first.
	tplEventRE = regexp.MustCompile(`^[\[*_]*\d{1,4}[:\-]`)
)

var tplTimelineCols = map[string]string{
	"time": "at", "at": "at", "when": "at", "timestamp": "at", "time tz": "at",
	"event": "event", "event description": "event", "description": "event", "what": "event", "what happened": "event",
	"who": "who", "by": "who", "person team": "who", "owner": "who", "actor": "who", "team": "who", "person": "who",
}

type tplLine struct {
	when, text, who string
	at              int
}

func (f *tplFill) timeline() {
	if len(f.r.Timeline) > 0 {
		return
	}
	for _, sp := range f.d.spans("timeline of events", "timeline") {
		if lines, at, ok := f.timelineLines(sp); ok {
			f.found = true
			f.r.Lines["timeline"] = f.d.line(at)
			f.events(lines)
			return
		}
	}
}

// timelineLines finds the events of a timeline section: the lines of its
// first fenced block (the template's form), else a table with a time
// column, else list items or lines that start with a time.
func (f *tplFill) timelineLines(sp tplSpan) (out []tplLine, at int, ok bool) {
	d := f.d
	// Fences are in document order: find the first one in sp without
	// walking all of them for every candidate section.
	if k := sort.Search(len(d.fences), func(k int) bool { return d.fences[k].open >= sp.from }); k < len(d.fences) && d.fences[k].open < sp.to {
		fc := d.fences[k]
		for j := fc.open + 1; j < min(fc.close, sp.to); j++ {
			if strings.TrimSpace(d.lines[j]) != "" {
				out = append(out, f.splitEvent(d.lines[j], j))
			}
		}
		return out, fc.open, true
	}
	for _, t := range d.tables(sp) {
		cols := tplColumns(t.head, tplTimelineCols, "at", "event", "who")
		if cols["at"] < 0 {
			continue
		}
		for _, row := range t.rows {
			l := tplLine{when: tplCell(row, cols["at"]), text: tplCell(row, cols["event"]), who: tplCell(row, cols["who"]), at: row.at}
			if l.when == "" && l.text == "" && l.who == "" {
				continue
			}
			out = append(out, l)
		}
		return out, t.at, true
	}
	for i := sp.from; i < sp.to; i++ {
		if d.fenced[i] {
			continue
		}
		s := strings.TrimSpace(d.lines[i])
		if text, ok := tplItem(d.lines[i]); ok {
			s = text
		}
		if !tplEventRE.MatchString(s) {
			continue
		}
		if !ok {
			at, ok = i, true
		}
		out = append(out, f.splitEvent(s, i))
	}
	return out, at, ok
}

// splitEvent reads "TIME - event - who". The who is after the last
// separator, so an event text may itself contain " - " when a who
// follows; a line with a single separator has no who.
func (f *tplFill) splitEvent(l string, at int) tplLine {
	s := strings.TrimSpace(l)
	if text, ok := tplItem(s); ok {
		s = text
	}
	seps := tplSeps(s)
	if len(seps) == 0 {
		return tplLine{when: s, at: at}
	}
	out := tplLine{when: tplClean(s[:seps[0][0]]), at: at}
	if len(seps) == 1 {
		out.text = strings.TrimSpace(s[seps[0][1]:])
		return out
	}
	last := seps[len(seps)-1]
	out.text, out.who = strings.TrimSpace(s[seps[0][1]:last[0]]), strings.TrimSpace(s[last[1]:])
	return out
}

// events turns timeline lines into events. Bare clock times are on the
// day of the start time, in its zone; a clock time earlier than the one
// before it is on the next day (a timeline crossing midnight); a dated
// line ("2025-10-09 00:10") sets the day for the lines after it.
func (f *tplFill) events(lines []tplLine) {
	r := f.r
	on := r.Started
	var prev time.Time
	noDay := -1 // first line whose time had no day to go on
	for _, l := range lines {
		line := f.d.line(l.at)
		if l.text == "" && l.who == "" && !tplPlaceholder(l.when) {
			r.warn(line, "invalid-field", "timeline: %s is not \"HH:MM - event - who\"", tplShort(strings.TrimSpace(f.d.lines[l.at])))
			continue
		}
		when := tplClean(l.when)
		if inner, ok := tplBracketed(when); ok && !tplMaskRE.MatchString(inner) {
			when = inner
		}
		if tplPlaceholder(when) || tplPlaceholder(l.text) {
			r.warn(line, "placeholder", "timeline: %s is a template placeholder, not an event", tplShort(strings.TrimSpace(f.d.lines[l.at])))
			continue
		}
		e := Event{Text: l.text, Who: l.who, Line: line}
		if tplPlaceholder(l.who) || tplBlank(l.who) {
			e.Who = ""
		}
		dated := tplDatedRE.MatchString(when)
		switch t, err := ParseTime(when, f.opt.Zones, on); {
		case !dated && on.IsZero():
			e.Label = when
			if noDay < 0 {
				noDay = line
			}
		case err != nil:
			r.warn(line, ruleOf(err), "timeline: %v", err)
			e.Label = when
		default:
			if dated {
				on = t
			} else if !prev.IsZero() && t.Before(prev) {
				t = t.AddDate(0, 0, 1)
				on = on.AddDate(0, 0, 1)
			}
			e.At, prev = t, t
		}
		r.Timeline = append(r.Timeline, e)
	}
	if noDay > 0 {
		r.warn(noDay, "invalid-time", "timeline: times without a date need the incident's start time, which the report does not give")
	}
}

// ---------------------------------------------------------------------
// Action Items table.

var tplActionCols = map[string]string{
	"action": "title", "action item": "title", "actions": "title", "title": "title", "item": "title",
	"task": "title", "description": "title", "what": "title",
	"owner": "owner", "owners": "owner", "assignee": "owner", "assigned to": "owner", "responsible": "owner", "who": "owner",
	"deadline": "due", "due": "due", "due date": "due", "target date": "due", "target": "due", "by when": "due", "eta": "due",
	"status": "status", "state": "status",
	"priority": "priority", "prio": "priority",
	"link": "link", "links": "link", "issue": "link", "ticket": "link", "tracking": "link", "url": "link", "tracker": "link",
}

func (f *tplFill) actions() {
	r := f.r
	if len(r.ActionItems) > 0 {
		return
	}
	for _, sp := range f.d.spans("action items", "follow up items", "follow ups", "actions") {
		for _, t := range f.d.tables(sp) {
			cols := tplColumns(t.head, tplActionCols, "title", "owner", "due", "status", "priority", "link")
			if cols["title"] < 0 {
				continue
			}
			f.found = true
			r.Lines["action_items"] = f.d.line(t.at)
			noYear := -1
			example := ""
			for _, row := range t.rows {
				if a, ny, ok := f.action(fmt.Sprintf("action_items[%d]", len(r.ActionItems)), row, cols); ok {
					r.ActionItems = append(r.ActionItems, a)
					if ny && noYear < 0 {
						noYear, example = a.Line, tplCell(row, cols["due"])
					}
				}
			}
			if noYear > 0 {
				f.noYear("action_items", noYear, example)
			}
			return
		}
	}
}

// action reads one row of the action items table; key names the item in
// messages, as front matter does.
func (f *tplFill) action(key string, row tplRow, cols map[string]int) (a ActionItem, noYear, ok bool) {
	line := f.d.line(row.at)
	empty := true
	for _, c := range row.cells {
		if !tplBlank(tplClean(c)) {
			empty = false
		}
	}
	if empty {
		return a, false, false
	}
	a.Line = line
	if a.Title = f.value(key+".title", line, tplCell(row, cols["title"])); a.Title == "" {
		// A row whose action is a placeholder is the template's example
		// row; its other cells are not worth separate warnings.
		return a, false, false
	}
	a.Owner = f.value(key+".owner", line, tplCell(row, cols["owner"]))
	if cols["due"] >= 0 {
		noYear = f.dateField(key+".due", line, tplCell(row, cols["due"]), &a.Due, false)
	}
	isStatus := func(s string) bool { return contains(ActionStatuses, tplStatus(s)) }
	if raw := tplCell(row, cols["status"]); tplChoices(raw, isStatus) {
		f.choices(key+".status", line, raw)
	} else if v := f.value(key+".status", line, raw); v != "" {
		a.Status = tplStatus(v)
	}
	if raw := tplCell(row, cols["priority"]); tplChoices(raw, f.isChoice) {
		f.choices(key+".priority", line, raw)
	} else if v := f.value(key+".priority", line, raw); v != "" {
		a.Priority = strings.ToUpper(f.severity(v))
	}
	if v := f.value(key+".link", line, tplCell(row, cols["link"])); v != "" {
		a.Link = tplLink(v)
	}
	return a, noYear, true
}

var tplLinkRE = regexp.MustCompile(`^\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)$`)

// tplLink takes the destination of "[#123](https://...)" or
// "<https://...>"; other text (an issue key) is kept as written.
func tplLink(v string) string {
	if m := tplLinkRE.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	if strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">") {
		return v[1 : len(v)-1]
	}
	return v
}

// ---------------------------------------------------------------------
// Sign-Off table.

var tplReviewerCols = map[string]string{
	"role": "role", "title": "role", "position": "role",
	"name": "name", "reviewer": "name", "reviewed by": "name", "approver": "name",
	"date": "date", "approved": "date", "approval date": "date", "date approved": "date", "signed": "date", "signed on": "date",
}

func (f *tplFill) reviewers() {
	r := f.r
	if len(r.Reviewers) > 0 {
		return
	}
	for _, sp := range f.d.spans("report reviewed by", "reviewed by", "sign off", "signoff", "sign offs", "approvals", "reviewers") {
		for _, t := range f.d.tables(sp) {
			cols := tplColumns(t.head, tplReviewerCols, "role", "name", "date")
			if cols["name"] < 0 {
				continue
			}
			f.found = true
			r.Lines["reviewers"] = f.d.line(t.at)
			noYear := -1
			example := ""
			for _, row := range t.rows {
				line := f.d.line(row.at)
				var rv Reviewer
				rv.Role = tplClean(tplCell(row, cols["role"]))
				if tplPlaceholder(rv.Role) || tplBlank(rv.Role) {
					rv.Role = ""
				}
				key := fmt.Sprintf("reviewers[%d]", len(r.Reviewers))
				rv.Name = f.value(key+".name", line, tplCell(row, cols["name"]))
				if cols["date"] >= 0 && f.dateField(key+".approved", line, tplCell(row, cols["date"]), &rv.Approved, true) && noYear < 0 {
					noYear, example = line, tplCell(row, cols["date"])
				}
				if rv.Role == "" && rv.Name == "" && rv.Approved.IsZero() {
					continue
				}
				r.Reviewers = append(r.Reviewers, rv)
			}
			if noYear > 0 {
				f.noYear("reviewers", noYear, example)
			}
			return
		}
	}
}

// ---------------------------------------------------------------------
// Post-Mortem Meeting.

var tplMeetingLabels = map[string]string{
	"date time": "at", "date": "at", "time": "at", "when": "at", "date and time": "at",
	"attendees": "attendees", "participants": "attendees", "attended": "attendees",
	"meeting notes": "notes", "notes": "notes",
}

func (f *tplFill) meeting() {
	spans := f.d.spans("post mortem meeting", "postmortem meeting", "retrospective meeting", "review meeting")
	if len(spans) == 0 {
		return
	}
	bs := f.d.firstBullets(spans, tplMeetingLabels)
	if len(bs) == 0 {
		return
	}
	m := f.r.Meeting
	if m == nil {
		m = &Meeting{}
	}
	first := 0
	use := func(b tplBullet) {
		if first == 0 || f.d.line(b.at) < first {
			first = f.d.line(b.at)
		}
	}
	if b, ok := bs["at"]; ok && m.At.IsZero() {
		line := f.d.line(b.at)
		if v := f.dateValue("meeting.at", line, b.value); v != "" {
			if t, ok := f.parseTime("meeting.at", line, v, time.Time{}); ok {
				m.At = t
				use(b)
			}
		}
	}
	if b, ok := bs["attendees"]; ok && len(m.Attendees) == 0 {
		if v := f.value("meeting.attendees", f.d.line(b.at), b.value); v != "" {
			m.Attendees = tplList(strings.ReplaceAll(v, ";", ","))
			use(b)
		}
	}
	if b, ok := bs["notes"]; ok && m.Notes == "" {
		if v := f.value("meeting.notes", f.d.line(b.at), b.value); v != "" {
			m.Notes = v
			use(b)
		}
	}
	if first > 0 {
		f.r.Meeting = m
		f.set("meeting", first)
	}
}

// ---------------------------------------------------------------------
// Impact Assessment.

var tplImpactLabels = map[string]string{
	"total users": "users", "total users affected": "users", "users affected": "users", "affected users": "users",
	"total customers": "users", "customers affected": "users", "affected customers": "users",
	"total estimated loss": "revenue", "estimated loss": "revenue", "total loss": "revenue",
	"revenue loss": "revenue", "total revenue impact": "revenue", "estimated revenue loss": "revenue",
	"data loss":     "data_loss",
	"data exposure": "data_exposure",
}

var (
	tplIntRE   = regexp.MustCompile(`\d[\d,]*`)
	tplMoneyRE = regexp.MustCompile(`(\d[\d,]*(?:\.\d+)?)\s?([kKmM]\b)?`)
)

func (f *tplFill) impact() {
	r := f.r
	spans := append(f.d.spans("impact assessment", "impact"), f.d.all())
	bs := f.d.firstBullets(spans, tplImpactLabels)
	im := &r.Impact
	if b, ok := bs["users"]; ok && im.Users == nil {
		key, line := "impact.users", f.d.line(b.at)
		if v := f.value(key, line, b.value); v != "" {
			if n, ok := tplNone(v); ok && !n {
				zero := 0
				im.Users = &zero
				f.impactSet(key, line)
			} else if s := tplIntRE.FindString(v); s == "" {
				r.warn(line, "invalid-field", "%s: %s has no number of users", key, tplShort(v))
			} else if n, err := strconv.Atoi(strings.ReplaceAll(s, ",", "")); err != nil {
				r.warn(line, "invalid-field", "%s: %s is not a number of users", key, tplShort(s))
			} else {
				im.Users = &n
				f.impactSet(key, line)
			}
		}
	}
	if b, ok := bs["revenue"]; ok && im.Revenue == nil {
		key, line := "impact.revenue", f.d.line(b.at)
		if v := f.value(key, line, b.value); v != "" {
			if n, ok := tplNone(v); ok && !n {
				zero := 0.0
				im.Revenue = &zero
				f.impactSet(key, line)
			} else if m := tplMoneyRE.FindStringSubmatch(v); m == nil {
				r.warn(line, "invalid-field", "%s: %s has no amount", key, tplShort(v))
			} else if x, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64); err != nil {
				r.warn(line, "invalid-field", "%s: %s is not an amount", key, tplShort(m[0]))
			} else {
				switch strings.ToLower(m[2]) {
				case "k":
					x *= 1e3
				case "m":
					x *= 1e6
				}
				im.Revenue = &x
				f.impactSet(key, line)
			}
		}
	}
	f.flag(bs, "data_loss", "impact.data_loss", &im.DataLoss, f.impactSet)
	f.flag(bs, "data_exposure", "impact.data_exposure", &im.DataExposure, f.impactSet)
}

func (f *tplFill) impactSet(key string, line int) {
	f.set(key, line)
	f.mark("impact", line)
}

// flag fills a yes/no field from a bullet: "None (...)", "No" are false,
// "Yes", and any other description of what happened, true.
func (f *tplFill) flag(bs map[string]tplBullet, field, key string, dst **bool, set func(string, int)) {
	b, ok := bs[field]
	if !ok || *dst != nil {
		return
	}
	line := f.d.line(b.at)
	v := f.value(key, line, b.value)
	if v == "" {
		return
	}
	val, known := tplNone(v)
	if !known {
		switch strings.ToLower(tplFirstWord(v)) {
		case "unknown", "unclear", "pending", "tbd", "investigating":
			return
		}
		val = true
	}
	*dst = &val
	set(key, line)
}

// tplNone reads a yes/no answer from its first word; known is false when
// the value is neither (a description of what happened).
func tplNone(v string) (val, known bool) {
	switch strings.ToLower(tplFirstWord(v)) {
	case "none", "no", "false", "nothing", "nope", "n", "0", "zero", "not":
		return false, true
	case "yes", "true", "y":
		return true, true
	}
	return false, false
}

func tplFirstWord(v string) string {
	ws := tplWords(v)
	if len(ws) == 0 {
		return ""
	}
	return ws[0]
}

// ---------------------------------------------------------------------
// Security Considerations.

// tplTicks are the ways a ticked or empty box is written: Markdown task
// boxes, the symbols, and the same symbols after a UTF-8 → Mac Roman
// round trip (the seed template's "‚òê Yes ‚òë No") or a Windows-1252 one.
var tplTicks = []struct {
	s  string
	on bool
}{
	{"[x]", true}, {"[X]", true}, {"[ ]", false}, {"(x)", true}, {"(X)", true}, {"( )", false},
	{"☑", true}, {"☒", true}, {"✅", true}, {"✔", true}, {"✓", true},
	{"☐", false}, {"⬜", false}, {"❌", false}, {"✗", false}, {"✘", false},
	{"‚òë", true}, {"‚òí", true}, {"‚úÖ", true}, {"‚úî", true}, {"‚úì", true},
	{"‚òê", false}, {"‚¨ú", false}, {"‚ùå", false}, {"‚úó", false}, {"‚úò", false},
	{"â˜‘", true}, {"â˜’", true}, {"âœ…", true}, {"âœ”", true}, {"âœ“", true},
	{"â˜\u0090", false}, {"â˜\ufffd", false}, {"â¬œ", false}, {"âœ—", false}, {"âœ˜", false},
}

// tplAnswer reads a "☑ Yes ☐ No" line. Each box is labelled by the
// word after it ("☑ Yes ☐ No") or, when that leaves a box without a yes
// or no, by the word before it ("Yes ☑ No ☐", "Yes: [x] No: [ ]"). ok
// is false when the line has no box labelled yes or no; unread says a
// ticked box has another label ("☑ Ja ☐ Nein"), which the caller must
// not take for No; label is the text before the first box.
func tplAnswer(l string) (yes, no, ok, unread bool, label string) {
	type box struct {
		at, end int
		on      bool
	}
	var boxes []box
	for i := 0; i < len(l); {
		if c := l[i]; c != '[' && c != '(' && c != 0xE2 && c != 0xC3 {
			i++
			continue
		}
		n := 0
		for _, t := range tplTicks {
			if strings.HasPrefix(l[i:], t.s) {
				boxes = append(boxes, box{i, i + len(t.s), t.on})
				n = len(t.s)
				break
			}
		}
		i += max(n, 1)
	}
	if len(boxes) == 0 {
		return false, false, false, false, ""
	}
	labels := func(before bool) ([]string, bool) {
		out := make([]string, len(boxes))
		all := true
		for k, b := range boxes {
			if before {
				from := 0
				if k > 0 {
					from = boxes[k-1].end
				}
				if ws := tplWords(l[from:b.at]); len(ws) > 0 {
					out[k] = ws[len(ws)-1]
				}
			} else {
				end := len(l)
				if k+1 < len(boxes) {
					end = boxes[k+1].at
				}
				out[k] = tplFirstWord(l[b.end:end])
			}
			all = all && (out[k] == "yes" || out[k] == "no")
		}
		return out, all
	}
	names, all := labels(false)
	if !all {
		if before, ok := labels(true); ok {
			names = before
		}
	}
	for k, b := range boxes {
		switch names[k] {
		case "yes":
			ok, yes = true, yes || b.on
		case "no":
			ok, no = true, no || b.on
		default:
			unread = unread || b.on
		}
	}
	return yes, no, ok, unread, l[:boxes[0].at]
}

var tplSecurityLabels = map[string]string{
	"pii accessed": "pii", "pii": "pii", "pii exposed": "pii", "personal data accessed": "pii", "personal data": "pii",
	"payment data accessed": "payment_data", "payment data": "payment_data", "payment data exposed": "payment_data",
	"card data accessed":                "payment_data",
	"regulatory notifications required": "regulatory_notification", "regulatory notification required": "regulatory_notification",
	"regulatory notifications": "regulatory_notification", "regulatory notification": "regulatory_notification",
}

func (f *tplFill) security() {
	r := f.r
	s := &r.Security
	section := f.d.spans("security considerations", "security")
	// The question's own section first, then the whole security section.
	answer := append(f.d.spans("was this a security incident", "security incident"), section...)
	if s.Incident == nil {
		f.securityAnswer(answer)
	} else if !*s.Incident {
		// The front matter says no: a clear Yes in the template still
		// makes it a security incident, as two answers that disagree do.
		for _, a := range f.securityAnswers(answer) {
			if a.yes && a.why == "" {
				r.warn(a.line, "invalid-field", "security.incident: the text answers Yes here, the front matter false; treated as a security incident")
				yes := true
				s.Incident = &yes
				break
			}
		}
	}
	if s.Explanation == "" {
		f.explanation(answer)
	}
	set := func(key string, line int) {
		f.set(key, line)
		f.mark("security", line)
	}
	data := append(append(f.d.spans("customer data handling", "data handling"), section...), f.d.all())
	bs := f.d.firstBullets(data, tplSecurityLabels)
	f.flag(bs, "pii", "security.pii", &s.PII, set)
	f.flag(bs, "payment_data", "security.payment_data", &s.PaymentData, set)
	f.flag(bs, "regulatory_notification", "security.regulatory_notification", &s.RegulatoryNotification, set)
}

// tplSecAnswer is one answer to the template's security question.
type tplSecAnswer struct {
	line      int
	yes       bool
	rule, why string // a warning to give, when the answer was not clean
}

// securityAnswers finds every answer to the security question.
func (f *tplFill) securityAnswers(spans []tplSpan) []tplSecAnswer {
	d := f.d
	var got []tplSecAnswer
	add := func(line int, yes bool, rule, why string) { got = append(got, tplSecAnswer{line, yes, rule, why}) }
	boxes := func(from, to int, own bool) bool {
		var yes, no, ok, unread bool
		first := 0
		for i := from; i < to; i++ {
			if d.fenced[i] {
				continue
			}
			y, n, o, u, label := tplAnswer(d.lines[i])
			if !o && !u {
				continue
			}
			// Outside the question's own section, a line of boxes
			// answers it only when nothing else labels it: not "PII
			// Accessed: ☐ Yes ☑ No".
			if ws := tplWords(label); !own && (!o || len(ws) > 0 && !tplHasPhrase(ws, []string{"security", "incident"})) {
				continue
			}
			yes, no, ok, unread = yes || y, no || n, ok || o, unread || u
			if first == 0 {
				first = d.line(i)
			}
			if !own {
				break
			}
		}
		switch {
		case first == 0:
			return false
		case unread && !yes:
			add(first, true, "invalid-field", "a ticked box is labelled neither Yes nor No")
		case yes && no:
			add(first, true, "invalid-field", "both Yes and No are ticked")
		case !yes && !no:
			add(first, true, "placeholder", "neither Yes nor No is ticked; treated as a security incident until one is")
		default:
			add(first, yes, "", "")
		}
		return true
	}
	var q []tplSpan
	for _, sp := range d.spans("was this a security incident", "security incident") {
		// The question, not a "Security Incident Response" section.
		if sp.head >= 0 && tplQuestionHead(tplWords(d.lines[sp.head])) {
			q = append(q, sp)
		}
	}
	if len(q) > 0 {
		sp := q[0]
		if !boxes(sp.from, sp.to, true) {
			// Without boxes, the first line of text under the question;
			// in a code block when there is no other text, as a reader
			// would still read it there.
			first := -1
			for _, inCode := range []bool{false, true} {
				for i := sp.from; i < sp.to && first < 0; i++ {
					if strings.TrimSpace(d.lines[i]) != "" && d.fenced[i] == inCode && !(inCode && d.fenceLine(i)) {
						first = i
					}
				}
			}
			if first >= 0 {
				t := strings.TrimSpace(d.lines[first])
				if yes, unsure, known := tplPlainAnswer(t, false); unsure {
					add(d.line(first), true, "invalid-field", "the answer is not a clear Yes or No")
				} else if known {
					add(d.line(first), yes, "", "")
				}
			}
		}
	}
	if len(got) == 0 {
		for _, sp := range spans {
			if boxes(sp.from, sp.to, false) {
				break
			}
		}
	}
	// Lines that name the question and answer it: "- **Security
	// incident:** Yes", "| Was this a security incident? | ✅ |", "Was
	// this a security incident? Yes", the question's heading with its
	// answer or boxes, "- [x] Security incident".
	read := map[int]bool{}
	for _, a := range got {
		read[a.line] = true
	}
	for _, i := range d.cues()[cueSecurity] {
		if d.fenced[i] {
			continue
		}
		yes, unsure, known, at := d.mention(i)
		if line := d.line(at); read[line] || !unsure && !known {
			continue
		} else if unsure {
			add(line, true, "invalid-field", "the answer is not a clear Yes or No")
		} else {
			add(line, yes, "", "")
		}
		read[d.line(at)] = true
	}
	return got
}

func (f *tplFill) securityAnswer(spans []tplSpan) {
	const key = "security.incident"
	// Every answer found: one Yes among them makes a security incident,
	// which is internal unless the report says visibility: public, so
	// that no answer a reader would see as Yes can be outvoted or
	// missed into publishing the report.
	got := f.securityAnswers(spans)
	if len(got) == 0 {
		return
	}
	pick := got[0]
	for _, a := range got {
		if a.why != "" {
			msg := a.why
			if a.rule == "invalid-field" {
				msg += "; treated as a security incident"
			}
			f.r.warn(a.line, a.rule, "%s: %s", key, msg)
		}
		if a.yes && !pick.yes {
			pick = a
		}
	}
	for _, a := range got {
		if !a.yes && pick.yes && a.why == "" {
			f.r.warn(a.line, "invalid-field", "%s: this answer says No, the one at line %d Yes; treated as a security incident", key, pick.line)
			break
		}
	}
	f.found = true
	yes := pick.yes
	f.r.Security.Incident = &yes
	f.set(key, pick.line)
	f.r.Lines["security"] = pick.line
}

// tplQuestionHead says whether a heading's words ask the security
// question: they end with "security incident", or with it and an answer.
func tplQuestionHead(ws []string) bool {
	for i := 0; i+1 < len(ws); i++ {
		if ws[i] == "security" && ws[i+1] == "incident" {
			for _, w := range ws[i+2:] {
				if w != "yes" && w != "no" {
					return false
				}
			}
			return true
		}
	}
	return false
}

// tplSecPhrase finds the name of the security question in l: "security
// incident", "security breach", "cybersecurity incident",
// "security-related incident", "data breach", in any case. It returns
// where the name starts and ends.
func tplSecPhrase(l string) (start, end int, ok bool) {
	word := func(i int) bool { return i < 0 || i >= len(l) || !tplAlnum(l[i]) }
	for i := 0; i < len(l); i++ {
		switch {
		case tplFoldAt(l, i, "security") && word(i+8):
			from := i
			if i >= 5 && tplFoldAt(l, i-5, "cyber") {
				from = i - 5
			}
			if !word(from - 1) {
				continue
			}
			j := i + 8
			sep := func() {
				if j < len(l) && (l[j] == ' ' || l[j] == '-') {
					j++
				}
			}
			sep()
			if tplFoldAt(l, j, "related") && word(j+7) {
				j += 7
				sep()
			}
			for _, w := range []string{"incident", "breach"} {
				if tplFoldAt(l, j, w) && word(j+len(w)) {
					return from, j + len(w), true
				}
			}
		case tplFoldAt(l, i, "data breach") && word(i-1) && word(i+11):
			return i, i + 11, true
		}
	}
	return 0, 0, false
}

// tplDenial are words that, before the name of the security question,
// turn the line into its denial ("not a security incident, yes we
// checked").
var tplDenial = map[string]bool{"not": true, "no": true, "never": true, "ruled": true, "rule": true,
	"exclude": true, "excluded": true, "without": true, "isn": true, "wasn": true}

// mention reads line i when it names the security question and answers
// it after a colon, question mark or table bar: "Security incident:
// No", "| Was this a security incident? | ✅ |", "### Was this a
// security incident? ☑ Yes ☐ No", or on the next line when the line
// ends with the question; and a ticked box labelled with it ("- [x]
// Security incident"). A prompt ("(yes/no)") is no answer; a line that
// denies the incident in prose is not read.
func (d *tplDoc) mention(i int) (yes, unsure, known bool, at int) {
	at = i
	l := d.lines[i]
	from, to, ok := tplSecPhrase(l)
	if !ok {
		return false, false, false, at
	}
	m := [2]int{from, to}
	before := strings.TrimLeft(l[:m[0]], " \t>-*+")
	for _, t := range tplTicks {
		if strings.HasPrefix(before, t.s) && len(tplWords(before[len(t.s):])) <= 3 {
			return t.on, false, t.on, at // "- [x] Security incident"
		}
	}
	for _, w := range tplWords(l[:m[0]]) {
		if tplDenial[w] {
			return false, false, false, at
		}
	}
	// Raw HTML is shown as text, tags and all: "<b>Yes</b>" reads as Yes.
	rest := tplStripTags(l[m[1]:])
	k := 0
	for k < len(rest) && !tplAlnum(rest[k]) && rest[k] != '[' && rest[k] != '(' && rest[k] < 0x80 {
		k++
	}
	if !strings.ContainsAny(rest[:k], ":?|") {
		return false, false, false, at
	}
	answer := strings.TrimSpace(strings.Trim(strings.TrimSpace(rest[k:]), "|"))
	if answer == "" {
		// The answer on the next line of text.
		for j := i + 1; j < len(d.lines) && j <= i+3; j++ {
			t := strings.TrimSpace(tplStripTags(d.lines[j]))
			if t == "" || d.fenced[j] {
				continue
			}
			if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "|") {
				return false, false, false, at
			}
			if y, n, ok, u, _ := tplAnswer(t); ok || u {
				return y || u || !n, false, true, j
			}
			y, uns, kn := tplPlainAnswer(t, true)
			return y, uns, kn, j
		}
		return false, false, false, at
	}
	if y, n, ok, u, _ := tplAnswer(answer); ok || u {
		return y || u || !n, false, true, at
	}
	for _, t := range tplTicks {
		if strings.HasPrefix(answer, t.s) {
			return t.on, false, t.on, at
		}
	}
	ws := tplWords(answer)
	if len(ws) == 0 {
		return false, false, false, at
	}
	next := ""
	if len(ws) > 1 {
		next = ws[1]
	}
	switch ws[0] {
	case "yes", "true", "y", "confirmed":
		return true, false, next != "no" && next != "or", at
	case "no", "false", "n", "none":
		return false, false, next != "yes" && next != "or", at
	}
	return false, false, false, at
}

// tplStripTags removes what looks like HTML tags from l ("<b>",
// "</summary>", "<!-- -->"): a "<" followed by a letter, "/" or "!", up
// to the next ">".
func tplStripTags(l string) string {
	if !strings.Contains(l, "<") {
		return l
	}
	var b strings.Builder
	for i := 0; i < len(l); i++ {
		if l[i] == '<' && i+1 < len(l) && ('a' <= l[i+1]|0x20 && l[i+1]|0x20 <= 'z' || l[i+1] == '/' || l[i+1] == '!') {
			if end := strings.IndexByte(l[i:], '>'); end > 0 {
				i += end
				continue
			}
		}
		b.WriteByte(l[i])
	}
	return b.String()
}

// tplUnsure are the first words of answers that are neither yes nor no.
var tplUnsure = map[string]bool{"maybe": true, "possibly": true, "possible": true, "probably": true,
	"likely": true, "unlikely": true, "unknown": true, "unclear": true, "unsure": true, "uncertain": true,
	"undetermined": true, "tbd": true, "tbc": true, "tba": true, "pending": true, "investigating": true,
	"under": true, "to": true, "partially": true, "partly": true, "perhaps": true, "potentially": true}

// tplPlainAnswer reads the text under the question when it has no
// boxes: "Yes", "No.", "**Answer:** Yes", "Confirmed: yes, ...". known
// says it is a yes or no; unsure that it says neither ("Maybe", "Under
// investigation", "Not sure yet", "No idea"), which counts as yes. Other
// text (a description, a label) is neither. A long answer is read as No
// only when it is short: "No" opening a long text may be "No idea yet".
func tplPlainAnswer(t string, loose bool) (yes, unsure, known bool) {
	ws := tplWords(t)
	if len(ws) >= 2 && strings.Contains(t, ":") {
		switch ws[0] {
		case "answer", "response", "confirmed", "a":
			ws = ws[1:]
		}
	}
	if len(ws) == 0 {
		return false, false, false
	}
	if contains(ws, "yes") && contains(ws, "no") {
		return false, true, false // "~~No~~ Yes", "No / **Yes**"
	}
	next := ""
	if len(ws) > 1 {
		next = ws[1]
	}
	switch w := ws[0]; {
	case w == "yes" || w == "true" || w == "y" || w == "confirmed" || w == "yep":
		return true, false, true
	case w == "no" && (next == "idea" || next == "clue" || next == "answer" || next == "one"):
		return false, true, false
	case w == "not" && (next == "a" || next == "an" || next == "at" || next == "applicable" || next == "relevant"):
		return false, false, true
	case w == "n" && next == "a" && len(ws) == 2: // N/A
		return false, false, true
	case w == "not":
		return false, true, false
	case w == "no" || w == "none" || w == "false" || w == "n" || w == "nope":
		return false, false, len(ws) <= 12
	case tplUnsure[w]:
		return false, true, false
	case contains(ws, "yes"):
		return true, false, true // "Unfortunately, yes."
	}
	// Right under the question, text that answers neither way ("It
	// was: an attacker used a leaked key") is not a clear No; after a
	// question asked in passing it may be anything.
	return false, !loose, false
}

// explanation reads "**Explanation:**" and the value on its line or the
// blockquote (or paragraph) under it.
func (f *tplFill) explanation(spans []tplSpan) {
	const key = "security.explanation"
	d := f.d
	for _, sp := range spans {
		for i := sp.from; i < sp.to; i++ {
			if d.fenced[i] {
				continue
			}
			k, v, ok := tplLabel(strings.TrimLeft(d.lines[i], "#> "), true)
			if !ok || k != "explanation" {
				continue
			}
			line := d.line(i)
			if v == "" {
				var parts []string
				j := i + 1
				for j < sp.to && strings.TrimSpace(d.lines[j]) == "" {
					j++
				}
				quote := j < sp.to && strings.HasPrefix(strings.TrimSpace(d.lines[j]), ">")
				for ; j < sp.to && !d.fenced[j]; j++ {
					t := strings.TrimSpace(d.lines[j])
					if quote {
						if !strings.HasPrefix(t, ">") {
							break
						}
						t = strings.TrimSpace(strings.TrimPrefix(t, ">"))
					} else if t == "" || strings.HasPrefix(t, "#") {
						break
					}
					parts = append(parts, t)
				}
				v = strings.TrimSpace(strings.Join(parts, "\n"))
				if v != "" {
					line = d.line(i + 1)
				}
			}
			if v = f.value(key, line, v); v != "" {
				f.r.Security.Explanation = v
				f.set(key, line)
			}
			return
		}
	}
}

// ---------------------------------------------------------------------
// Attachments.

var tplFileRE = regexp.MustCompile(`^[^\s/\\][^\s]*\.[A-Za-z0-9]{1,8}$`)

func (f *tplFill) attachments() {
	r := f.r
	if len(r.Attachments) > 0 {
		return
	}
	for _, sp := range f.d.spans("attachments", "attachment") {
		items := f.d.items(sp)
		if len(items) == 0 {
			continue
		}
		f.found = true
		for _, it := range items {
			line := f.d.line(it.at)
			names := tplFiles(it.cells[0])
			if len(names) == 0 {
				if tplPlaceholder(it.cells[0]) || tplPlaceholder(tplAfterColon(it.cells[0])) {
					r.warn(line, "placeholder", "attachments: %s is a template placeholder, not a file", tplShort(it.cells[0]))
				}
				continue
			}
			for _, n := range names {
				if tplPlaceholder(n) {
					r.warn(line, "placeholder", "attachments: %s is a template placeholder, not a file", tplShort(n))
					continue
				}
				r.Attachments = append(r.Attachments, n)
				f.mark("attachments", line)
			}
		}
		return
	}
}

func tplAfterColon(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}

// tplFiles takes the file names of an attachment item: its code spans
// (the template's form), else a link destination, else a lone file name
// after the last colon.
func tplFiles(s string) []string {
	var out []string
	parts := strings.Split(s, "`")
	for k := 1; k+1 < len(parts); k += 2 {
		if n := strings.TrimSpace(parts[k]); n != "" {
			out = append(out, n)
		}
	}
	if len(out) > 0 {
		return out
	}
	if i := strings.Index(s, "]("); i >= 0 {
		if j := strings.IndexByte(s[i+2:], ')'); j > 0 {
			if dest := strings.TrimSpace(s[i+2 : i+2+j]); dest != "" && !strings.Contains(dest, "://") {
				return []string{strings.Trim(dest, "<>")}
			}
		}
	}
	if n := tplAfterColon(s); tplFileRE.MatchString(n) && !strings.Contains(n, "://") {
		return []string{n}
	}
	return nil
}
