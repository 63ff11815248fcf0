package check

import (
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// This file scans a report's Markdown body once for what the rules need:
// headings, relative links and template placeholders. It is line-based
// and linear, like the template reader in generator/report, rather than
// a full CommonMark parse: only generator/markdown may use goldmark, and
// the rules need exact lines and columns, which a line scan gives for
// free. Fenced code, inline code and HTML comments are skipped, since
// what they hold is shown verbatim or not at all.

// bodyInfo is what a body scan found.
type bodyInfo struct {
	heads [][]string // the words of each heading and bold-only line
	links []link     // link and image destinations
	holes []hole     // placeholders, in line order
}

type link struct {
	dest      string
	line, col int
}

// hole is a placeholder left in: its text and position (col 0: unknown).
type hole struct {
	text      string
	line, col int
}

// def is the spans of a reference definition, "[label]: dest".
type def struct{ label, labelEnd, dest, destEnd int }

// refDef reads a reference definition line: up to three spaces, a
// bracketed label, a colon and the destination. (Hand-written rather
// than a regular expression: it runs on every line with a bracket.)
func refDef(l string) (def, bool) {
	i := 0
	for i < len(l) && i < 3 && l[i] == ' ' {
		i++
	}
	if i >= len(l) || l[i] != '[' {
		return def{}, false
	}
	end := strings.IndexAny(l[i+1:], "[]")
	if end <= 0 || l[i+1+end] != ']' {
		return def{}, false
	}
	d := def{label: i + 1, labelEnd: i + 1 + end}
	j := d.labelEnd + 1
	if j >= len(l) || l[j] != ':' {
		return def{}, false
	}
	j++
	for j < len(l) && (l[j] == ' ' || l[j] == '\t') {
		j++
	}
	d.dest = j
	for j < len(l) && l[j] != ' ' && l[j] != '\t' {
		j++
	}
	d.destEnd = j
	return d, true
}

func scanBody(body []byte, base int) *bodyInfo {
	b := &bodyInfo{}
	// One copy of the body; lines are slices of it.
	src := string(body)
	// Reference definitions can follow their use, so their labels are
	// collected first: "[label]" with a definition is a link, not a slot.
	var labels map[string]bool
	if strings.Contains(src, "]:") {
		for rest := src; rest != ""; {
			var l string
			l, rest = cutLine(rest)
			if d, ok := refDef(l); ok {
				if labels == nil {
					labels = map[string]bool{}
				}
				labels[strings.ToLower(strings.TrimSpace(l[d.label:d.labelEnd]))] = true
			}
		}
	}
	var (
		fenceCh   byte
		fenceLen  int
		inComment bool
		signOff   bool // under a sign-off heading
	)
	for n, rest := 0, src; rest != ""; n++ {
		var l string
		l, rest = cutLine(rest)
		line := base + n
		if fenceLen > 0 {
			if report.FenceClose(l, fenceCh, fenceLen) {
				fenceLen = 0
			}
			continue
		}
		if !inComment {
			if ch, k, ok := report.FenceOpen(l); ok {
				fenceCh, fenceLen = ch, k
				continue
			}
			// Most lines are prose with nothing to find.
			if !interesting(l) {
				continue
			}
		}
		if inComment || strings.Contains(l, "<!--") {
			l, inComment = maskComments(l, inComment)
		}
		if strings.IndexByte(l, '`') >= 0 {
			l = maskCode(l)
		}
		if h, ok := headingWords(l); ok {
			b.heads = append(b.heads, h)
			signOff = isSignOff(h)
		}
		brackets := strings.IndexByte(l, '[') >= 0
		if brackets {
			if d, ok := refDef(l); ok {
				if l[d.label] != '^' { // "[^1]: ..." is a footnote, not a link
					b.links = append(b.links, link{dest: l[d.dest:d.destEnd], line: line, col: col(l, d.dest)})
				}
				l = blank(l, 0, d.destEnd)
			}
			l = b.inlineLinks(l, line)
		}
		l = maskURLs(l)
		if brackets {
			for _, h := range findBrackets(l, line, labels) {
				// A sign-off date stays empty until the reviewer signs:
				// a pending approval, which the reviewers rule judges,
				// not a forgotten slot.
				if signOff && isDateSlot(h.text) {
					continue
				}
				b.holes = append(b.holes, h)
			}
		}
		b.holes = append(b.holes, findWords(l, line)...)
	}
	return b
}

// signOffHeads are the headings of the template's sign-off table, as
// generator/report reads it.
var signOffHeads = words("sign off", "signoff", "sign offs", "reviewed by", "approvals", "reviewers")

func isSignOff(h []string) bool {
	for _, p := range signOffHeads {
		if hasPhrase(h, p) {
			return true
		}
	}
	return false
}

// isDateSlot reports a bracketed date slot: "[YYYY-MM-DD]", "[Date]".
func isDateSlot(s string) bool {
	inner := strings.Trim(s, "[]")
	ws := wordsOf(inner)
	return strings.Contains(inner, "YYYY") || len(ws) == 1 && ws[0] == "date"
}

// cutLine splits off the first line of s.
func cutLine(s string) (line, rest string) {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// interesting reports whether l may hold a heading, a link, a placeholder
// or the start of a comment; the rest of a line needs no closer look.
func interesting(l string) bool {
	t := strings.TrimLeft(l, " ")
	if t != "" && (t[0] == '#' || t[0] == '*' || t[0] == '_') {
		return true
	}
	if strings.IndexByte(l, '[') >= 0 || strings.Contains(l, "<!--") {
		return true
	}
	for _, w := range todoWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// inlineLinks records the destinations of "[text](dest)" and
// "![alt](dest)" in l and returns l with each "(dest ...)" blanked, so a
// path or URL is not read as a placeholder.
func (b *bodyInfo) inlineLinks(l string, line int) string {
	for from := 0; ; {
		i := strings.Index(l[from:], "](")
		if i < 0 {
			return l
		}
		open := from + i + 1
		start, end, close, ok := destination(l, open+1)
		if !ok {
			from = open + 1
			continue
		}
		b.links = append(b.links, link{dest: l[start:end], line: line, col: col(l, start)})
		l = blank(l, open, close+1)
		from = close + 1
	}
}

// destination reads a link destination starting at i (just after the
// opening parenthesis): "<dest>" or a run without spaces in which
// parentheses balance, then an optional title, then ")". It returns the
// destination's span and the index of the closing parenthesis.
func destination(l string, i int) (start, end, close int, ok bool) {
	for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	start = i
	if i < len(l) && l[i] == '<' {
		j := strings.IndexByte(l[i+1:], '>')
		if j < 0 {
			return 0, 0, 0, false
		}
		start, end = i+1, i+1+j
		i = end + 1
	} else {
		depth := 0
	dest:
		for ; i < len(l); i++ {
			switch l[i] {
			case '\\':
				i++
			case '(':
				depth++
			case ')':
				if depth == 0 {
					break dest
				}
				depth--
			case ' ', '\t':
				break dest
			}
		}
		end = min(i, len(l))
	}
	// Skip a title ("...", '...' or (...)) up to the closing parenthesis.
	j := strings.IndexByte(l[min(i, len(l)):], ')')
	if j < 0 {
		return 0, 0, 0, false
	}
	return start, end, i + j, true
}

// maskURLs blanks autolinks ("<https://...>") and bare web addresses,
// which GitHub links too: their text is an address, not prose with slots.
func maskURLs(l string) string {
	for from := 0; ; {
		i := strings.Index(l[from:], "://")
		if i < 0 {
			return l
		}
		i += from
		start := i
		for start > 0 && schemeByte(l[start-1]) {
			start--
		}
		end := i + 3
		if start > 0 && l[start-1] == '<' {
			if j := strings.IndexByte(l[end:], '>'); j >= 0 {
				l = blank(l, start-1, end+j+1)
				from = end + j + 1
				continue
			}
		}
		for end < len(l) && l[end] != ' ' && l[end] != '\t' && l[end] != '<' && l[end] != '>' {
			end++
		}
		if start < i {
			l = blank(l, start, end)
		}
		from = end
	}
}

func schemeByte(c byte) bool {
	return alnum(c) || c == '+' || c == '.' || c == '-'
}

// blank replaces l[from:to] with spaces, keeping columns.
func blank(l string, from, to int) string {
	return l[:from] + strings.Repeat(" ", to-from) + l[to:]
}

// col is the 1-based column of byte offset i, counted in characters as
// editors and GitHub do.
func col(l string, i int) int { return utf8.RuneCountInString(l[:i]) + 1 }

// maskCode blanks inline code spans: a run of n backticks up to the next
// run of exactly n. An unmatched run is literal text.
func maskCode(l string) string {
	out := []byte(l)
	for i := 0; i < len(out); {
		if out[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(out) && out[i+n] == '`' {
			n++
		}
		closeAt := -1
		for j := i + n; j < len(out); {
			if out[j] != '`' {
				j++
				continue
			}
			k := 0
			for j+k < len(out) && out[j+k] == '`' {
				k++
			}
			if k == n {
				closeAt = j
				break
			}
			j += k
		}
		if closeAt < 0 {
			i += n
			continue
		}
		for k := i; k < closeAt+n; k++ {
			out[k] = ' '
		}
		i = closeAt + n
	}
	return string(out)
}

// maskComments blanks HTML comments in l, which may open or close on
// another line; it returns whether a comment is still open at the end.
func maskComments(l string, open bool) (string, bool) {
	out := []byte(l)
	i := 0
	for i < len(out) {
		if open {
			j := strings.Index(string(out[i:]), "-->")
			end := len(out)
			if j >= 0 {
				end = i + j + 3
				open = false
			}
			for k := i; k < end; k++ {
				out[k] = ' '
			}
			i = end
			continue
		}
		j := strings.Index(string(out[i:]), "<!--")
		if j < 0 {
			break
		}
		i += j
		open = true
	}
	return string(out), open
}

// headingWords returns the words of an ATX heading ("## 📝 **Executive
// Summary**") or of a line that is all bold ("**Root Cause:**"), which
// hand-written reports use as headings.
func headingWords(l string) ([]string, bool) {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || t == "" {
		return nil, false
	}
	if t[0] == '#' {
		n := 0
		for n < len(t) && t[n] == '#' {
			n++
		}
		if n > 6 || (n < len(t) && t[n] != ' ' && t[n] != '\t') {
			return nil, false
		}
		return wordsOf(t[n:]), true
	}
	b := strings.TrimSuffix(strings.TrimSpace(t), ":")
	for _, m := range []string{"**", "__"} {
		if len(b) > 2*len(m) && strings.HasPrefix(b, m) && strings.HasSuffix(b, m) && !strings.Contains(b[len(m):len(b)-len(m)], m) {
			return wordsOf(b), true
		}
	}
	return nil, false
}

// wordsOf lowercases the ASCII letter and digit runs of s. Emoji, their
// Mac Roman mojibake (bytes ≥ 0x80), Markdown markers and punctuation
// all separate words, so headings match however they are decorated.
// The words share one lower-cased copy of s.
func wordsOf(s string) []string {
	buf := make([]byte, 0, len(s))
	var fixed [32]int
	bounds := fixed[:0] // start, end pairs into buf
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && alnum(s[i]) {
			if start < 0 {
				start = len(buf)
			}
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			continue
		}
		if start >= 0 {
			bounds = append(bounds, start, len(buf))
			start = -1
		}
	}
	if len(bounds) == 0 {
		return nil
	}
	all := string(buf)
	ws := make([]string, 0, len(bounds)/2)
	for k := 0; k < len(bounds); k += 2 {
		ws = append(ws, all[bounds[k]:bounds[k+1]])
	}
	return ws
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// ---------------------------------------------------------------------
// Placeholders.

// masks are the format masks the template writes inside brackets.
var masks = []string{"YYYY", "MM-DD", "HH:MM", "###", "X hours", "Y minutes"}

// slotWords are one-word slots ("[Name]", "[Date]").
var slotWords = map[string]bool{
	"name": true, "names": true, "role": true, "date": true, "owner": true, "team": true,
	"title": true, "description": true, "link": true, "url": true, "email": true,
	"tbd": true, "todo": true, "tbc": true, "placeholder": true, "value": true, "service": true,
}

// leadWords start the template's longer slots: instructions ("[Write
// 3-5 sentences ...]", "[Brief descriptive headline]") and named fields
// ("[Name, Role]", "[Event description]", "[Person/Team]"). Prose in
// brackets rarely starts this way; log levels ("[ERROR]") and editorial
// marks ("[sic]", "[redacted]") never do.
var leadWords = map[string]bool{
	"write": true, "describe": true, "detailed": true, "brief": true, "insert": true,
	"add": true, "list": true, "explain": true, "summarize": true, "summarise": true,
	"enter": true, "fill": true, "name": true, "names": true, "root": true, "gaps": true,
	"link": true, "event": true, "person": true, "owner": true, "team": true, "your": true,
}

// slot reports whether the inside of a bracketed span is a template slot.
// It runs on every bracket of every report, so it looks at the first
// word in place instead of splitting the text into words.
func slot(inner string) bool {
	for _, m := range masks {
		if strings.Contains(inner, m) {
			return true
		}
	}
	i := 0
	for i < len(inner) && !alnum(inner[i]) {
		i++
	}
	j := i
	var buf [16]byte
	for j < len(inner) && alnum(inner[j]) {
		if j-i < len(buf) {
			c := inner[j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[j-i] = c
		}
		j++
	}
	if j == i || j-i > len(buf) {
		return false // no word, or one longer than any slot word
	}
	first := buf[:j-i]
	more := false
	for k := j; k < len(inner); k++ {
		if alnum(inner[k]) {
			more = true
			break
		}
	}
	if more {
		return leadWords[string(first)]
	}
	return slotWords[string(first)]
}

// findBrackets returns the bracketed slots of l: "[...]" spans that are
// not links ("[text](url)", "[text][ref]", a defined "[ref]"), footnotes
// ("[^1]") or task boxes ("[ ]", "[x]").
func findBrackets(l string, line int, labels map[string]bool) []hole {
	var out []hole
	for i := 0; i < len(l); i++ {
		if l[i] != '[' {
			continue
		}
		j := strings.IndexAny(l[i+1:], "[]")
		if j < 0 {
			break
		}
		if l[i+1+j] == '[' {
			i += j // an inner bracket: start again from it
			continue
		}
		end := i + 1 + j // the closing bracket
		inner := l[i+1 : end]
		next := byte(0)
		if end+1 < len(l) {
			next = l[end+1]
		}
		prev := byte(0)
		if i > 0 {
			prev = l[i-1]
		}
		link := next == '(' || next == '[' || prev == ']' || prev == '!' || labels[strings.ToLower(strings.TrimSpace(inner))]
		if !link && !strings.HasPrefix(inner, "^") && slot(inner) {
			out = append(out, hole{text: l[i : end+1], line: line, col: col(l, i)})
		}
		i = end
	}
	return out
}

// todoWords are the markers people leave for later. Only the upper-case
// forms count: "todo" in prose is a word, "TODO" is a note to self.
var todoWords = []string{"TODO", "TBD", "TBC", "FIXME"}

// findWords returns the to-do markers of l that stand as words.
func findWords(l string, line int) []hole {
	var out []hole
	for from := 0; ; {
		i := strings.IndexAny(l[from:], "TF")
		if i < 0 {
			return out
		}
		i += from
		from = i + 1
		if i > 0 && wordByte(l[i-1]) {
			continue
		}
		for _, w := range todoWords {
			end := i + len(w)
			if strings.HasPrefix(l[i:], w) && (end == len(l) || !wordByte(l[end])) {
				out = append(out, hole{text: w, line: line, col: col(l, i)})
				from = end
				break
			}
		}
	}
}

func wordByte(c byte) bool { return alnum(c) || c == '_' }

// findHoles returns the placeholders of a front-matter value.
func findHoles(v string, line int) []hole {
	if v == "" {
		return nil
	}
	if strings.IndexByte(v, '`') >= 0 {
		v = maskCode(v)
	}
	v = maskURLs(v) // an action item's link may well contain "TODO"
	out := findBrackets(v, line, nil)
	return append(out, findWords(v, line)...)
}

// ---------------------------------------------------------------------
// Links.

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)

// linkProblem says what is wrong with a link destination of the report,
// or "" when it is fine or not a relative link.
func (s *state) linkProblem(dest string) string {
	// Reports in one folder link the same files; the answer depends on
	// the folder and the destination only.
	key := linkKey{path.Dir(s.r.Path), dest}
	if v, ok := s.c.links.Load(key); ok {
		return v.(string)
	}
	msg := s.c.linkProblem(key.dir, dest)
	s.c.links.Store(key, msg)
	return msg
}

type linkKey struct{ dir, dest string }

func (c *checker) linkProblem(dir, dest string) string {
	raw := dest
	if dest == "" || dest[0] == '#' || strings.HasPrefix(dest, "//") || schemeRE.MatchString(dest) {
		return ""
	}
	p := dest
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return ""
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	if strings.HasPrefix(p, "/") {
		// GitHub reads such a link from the repository root, but the
		// built site is served under any base path, where it breaks.
		return "link " + raw + " is an absolute path; write it relative to the report's folder"
	}
	target := path.Join(dir, p)
	if target == ".." || strings.HasPrefix(target, "../") {
		return "link " + raw + " leads outside the repository"
	}
	switch k, at := c.stat.lookup(c.opt.Root, target); k {
	case kindMissing:
		return "link " + raw + " is broken: there is no " + target
	case kindLink:
		return "link " + raw + " goes through the symbolic link " + at + ", which is not published; link to the file itself"
	case kindFile:
		// A file beside the report is published with its page, when its
		// type may be; a report's Markdown file becomes its page.
		if rel, ok := strings.CutPrefix(target, dir+"/"); ok {
			if ext := strings.ToLower(path.Ext(rel)); ext != ".md" && ext != ".markdown" {
				if why := report.AttachmentProblem(rel); why != "" {
					return "link " + raw + " leads to a file that is not published: it " + why
				}
			}
		}
	}
	return ""
}
