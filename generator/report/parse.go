package report

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Options are the config values parsing needs.
type Options struct {
	Zones             Zones
	Severities        []string
	DefaultVisibility string
}

// FileError is input that cannot be read at all: it names file and line.
type FileError struct {
	Path string
	Line int
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// MaxSize is the largest report read; larger files are refused so one
// stray file cannot exhaust memory.
const MaxSize = 32 << 20

// Normalize strips a byte-order mark, turns CRLF and lone CR line ends
// into LF, so that every later line count agrees with an editor's, and
// repairs emoji mangled into Mac Roman mojibake.
func Normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	if mojibake(data) {
		data = []byte(Demojibake(string(data)))
	}
	return data
}

// mojibake reports whether data may hold Mac Roman mojibake. It looks for
// the UTF-8 bytes of the characters such runs start with; bytes.Contains
// is many times faster than decoding every rune.
func mojibake(data []byte) bool {
	for _, s := range []string{"\uf8ff", "‚", "Ô", "√", "¬"} {
		if bytes.Contains(data, []byte(s)) {
			return true
		}
	}
	return false
}

// Parse reads one report. relPath is the slash path relative to the
// repository root. It returns a *FileError only when the file cannot be
// read at all (invalid YAML, binary content); every other problem is a
// diagnostic on the returned report, which is always usable.
func Parse(relPath string, data []byte, opt Options) (*Report, error) {
	r := &Report{Path: relPath, Lines: map[string]int{}, Layout: "front-matter"}
	if len(data) > MaxSize {
		return nil, &FileError{Path: relPath, Line: 1, Msg: fmt.Sprintf("file is %d MB, more than the %d MB a report may have", len(data)>>20, MaxSize>>20)}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &FileError{Path: relPath, Line: 1, Msg: "binary file (it contains NUL bytes), not Markdown"}
	}
	data = Normalize(data)
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidAt(data)], []byte("\n"))
		r.Diagnostics = append(r.Diagnostics, diag(relPath, line, "warning", "encoding", "file is not valid UTF-8; invalid bytes shown as \uFFFD"))
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}

	var doc yaml.Node
	fmLine := 0 // line of the opening ---
	// doc is read into the report by fromYAML below and is not kept.
	sl := newSlabs()
	defer sl.free()
	fm, body, found := splitFront(data)
	if found && !(fastYAML && decodeFast(fm, &doc, sl)) {
		if err := yaml.Unmarshal(fm, &doc); err != nil {
			return nil, yamlError(relPath, err, openingLine(data))
		}
	}
	if !found {
		if l := openingLine(data); l > 0 && firstLineIs(data, "---") {
			r.warn(l, "front-matter", "front matter opened with --- is never closed; the file is read as Markdown only, and treated as internal")
			// Its visibility: internal, if it has one, is now body text.
			r.Visibility = "internal"
		} else if l, what := foreignFront(data); what != "" {
			r.warn(l, "front-matter", "%s is not read: front matter is YAML between two --- lines at the top of the file; the report is treated as internal", what)
			r.Visibility = "internal"
		}
	} else {
		fmLine = openingLine(data)
	}
	// A copy of its own: data is the whole file.
	r.Body = bytes.Clone(body)
	r.BodyLine = 1 + bytes.Count(data[:len(data)-len(body)], []byte("\n"))

	if fmLine > 0 {
		if err := r.fromYAML(&doc, fmLine, opt); err != nil {
			return nil, err
		}
		if l := docMarker(fm); l > 0 {
			// YAML reads only the first document: a "visibility:
			// internal" after the marker would be ignored.
			r.warn(fmLine+l, "front-matter", "a line starting with --- or ... inside the front matter ends its YAML document, and what follows would be ignored; the report is treated as internal")
			r.Visibility = "internal"
		}
	}
	applyTemplate(r, opt)
	r.finish(opt)
	return r, nil
}

// splitFront cuts data into front matter and body as the front matter
// readers of static site generators do: after any blank lines, a line
// that is "---" once trimmed of white space opens the front matter, and
// the next such line closes it. fm is the lines between the two, body
// what follows the closing line. Without a front matter both opened and
// closed, found is false and body is data. A last line without a line
// end may close the front matter but not open it.
func splitFront(data []byte) (fm, body []byte, found bool) {
	pos := 0
	for {
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			return nil, data, false
		}
		line := bytes.TrimSpace(data[pos : pos+i])
		pos += i + 1
		if len(line) == 0 {
			continue
		}
		if string(line) != "---" {
			return nil, data, false
		}
		break
	}
	start := pos
	for {
		end := len(data)
		i := bytes.IndexByte(data[pos:], '\n')
		if i >= 0 {
			end = pos + i + 1
		}
		if string(bytes.TrimSpace(data[pos:end])) == "---" {
			return data[start:pos], data[end:], true
		}
		if i < 0 {
			return nil, data, false
		}
		pos = end
	}
}

// docMarker is the line of fm, counted from 1, that starts or ends a
// YAML document ("--- #", "...", "--- !tag"), or 0 when there is none.
// Only a marker at the start of a line counts, as in YAML.
func docMarker(fm []byte) int {
	line := 1
	for len(fm) > 0 {
		l := fm
		if i := bytes.IndexByte(fm, '\n'); i >= 0 {
			l, fm = fm[:i], fm[i+1:]
		} else {
			fm = nil
		}
		if len(l) >= 3 && (string(l[:3]) == "---" || string(l[:3]) == "...") &&
			(len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r') {
			return line
		}
		line++
	}
	return 0
}

// foreignFront finds front matter hindsight does not read at the top of
// data: TOML between +++ lines or JSON, as Hugo reads, YAML opened by
// another line than "---" ("--- # meta", "----"), or any of these after
// an HTML comment or a heading. It returns the line and what it is, or
// "" when data opens with none of them. Left as body text, a
// "visibility: internal" in it would be ignored.
func foreignFront(data []byte) (int, string) {
	return foreignAt(data, 0, 0)
}

func foreignAt(data []byte, skipped, depth int) (int, string) {
	l := openingLine(data)
	if l == 0 || depth > 2 {
		return 0, ""
	}
	rest := data
	for range l - 1 {
		rest = rest[bytes.IndexByte(rest, '\n')+1:]
	}
	first := rest
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		first = rest[:i]
	}
	first = bytes.TrimSpace(first)
	line := skipped + l
	switch {
	case bytes.HasPrefix(first, []byte("+++")):
		return line, "TOML front matter (between +++ lines)"
	case bytes.HasPrefix(first, []byte("{")):
		return line, "JSON front matter"
	case bytes.HasPrefix(first, []byte("---")) && string(first) != "---":
		return line, fmt.Sprintf("front matter opened with %q rather than ---", first)
	}
	// After a comment or a heading, what would be front matter at the
	// top of the file.
	var after []byte
	var what string
	switch {
	case bytes.HasPrefix(first, []byte("<!--")):
		end := bytes.Index(rest, []byte("-->"))
		if end < 0 {
			return 0, ""
		}
		after, what = rest[end+3:], "an HTML comment"
	case bytes.HasPrefix(first, []byte("#")) && depth < 2:
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			return 0, ""
		}
		after, what = rest[nl+1:], "a heading"
	default:
		// Any other first line ("DRAFT", "[//]: # (note)") before
		// what reads as front matter with keys hindsight knows.
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 || depth > 0 {
			return 0, ""
		}
		after, what = rest[nl+1:], "the first line"
	}
	at := line + bytes.Count(rest[:len(rest)-len(after)], []byte("\n"))
	if fm, _, ok := splitFront(after); ok {
		if what != "an HTML comment" && !frontLike(fm) {
			// A thematic break under the title, not front matter.
			return 0, ""
		}
		return at + openingLine(after) - 1, "front matter after " + what
	}
	if l, inner := foreignAt(after, at-1, depth+1); inner != "" {
		return l, inner + " after " + what
	}
	return 0, ""
}

// frontLike says whether fm reads as front matter: a YAML mapping
// with a key hindsight reads or one that looks like a privacy key.
func frontLike(fm []byte) bool {
	var doc yaml.Node
	if yaml.Unmarshal(fm, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i].Value
		if _, ok := privacyKey(k); ok || contains(knownKeys, strings.ToLower(strings.TrimSpace(k))) || nearPrivacy(k, m.Content[i+1]) != "" {
			return true
		}
	}
	return false
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		c, n := utf8.DecodeRune(b[i:])
		if c == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// Fallback is the report published for a file Parse refused, when the
// build is told to keep going: its name gives the ID, its Markdown after
// any front matter is the body, and the error is its one diagnostic.
func Fallback(relPath string, data []byte, err *FileError) *Report {
	r := &Report{Path: relPath, Lines: map[string]int{}, Layout: "front-matter", Status: "draft", Visibility: "internal"}
	r.Diagnostics = []Diagnostic{diag(relPath, err.Line, "error", "invalid-file", "%s", err.Msg)}
	if bytes.IndexByte(data, 0) < 0 && len(data) <= MaxSize {
		data = bytes.ToValidUTF8(Normalize(data), []byte("\uFFFD"))
		r.Body, r.BodyLine = data, 1
		if firstLineIs(data, "---") {
			// skip to the line after the closing ---, if there is one
			lines := bytes.SplitAfter(data, []byte("\n"))
			for i := 1; i < len(lines); i++ {
				if string(bytes.TrimSpace(lines[i])) == "---" {
					r.Body = bytes.Join(lines[i+1:], nil)
					r.BodyLine = i + 2
					break
				}
			}
		}
	}
	name := path.Base(relPath)
	r.ID = IDFromName(name)
	if r.ID == "" {
		r.ID = strings.TrimSuffix(name, path.Ext(name))
	}
	r.Title = firstHeading(r.Body)
	if r.Title == "" {
		r.Title = r.ID
	}
	return r
}

// FileNames are the words of b that could name an attachment: a file
// name of a type that may be published (see AttachmentProblem).
func FileNames(b []byte) []string {
	var out []string
	for _, w := range bytes.FieldsFunc(b, func(r rune) bool {
		return r <= ' ' || strings.ContainsRune(",[]{}\"'`;|()<>*!?=", r)
	}) {
		// Punctuation that ends a sentence or marks emphasis around a
		// name ("see notice.pdf.", "_notice.pdf_", "notice.pdf:").
		n := strings.Trim(string(w), ".:_~")
		if AttachmentProblem(n) == "" {
			out = append(out, n)
		}
	}
	return out
}

// openingLine is the 1-based line of the first non-blank line.
func openingLine(data []byte) int {
	line := 1
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		l := data
		if i >= 0 {
			l = data[:i]
		}
		if len(bytes.TrimSpace(l)) > 0 {
			return line
		}
		if i < 0 {
			break
		}
		data = data[i+1:]
		line++
	}
	return 0
}

func firstLineIs(data []byte, s string) bool {
	for _, l := range strings.SplitN(string(data[:min(len(data), 4096)]), "\n", 64) {
		if t := strings.TrimSpace(l); t != "" {
			return t == s
		}
	}
	return false
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError rewrites a yaml.v3 error to name the file line: yaml counts
// from the line after the opening ---.
func yamlError(p string, err error, opening int) error {
	msg := err.Error()
	first := strings.SplitN(msg, "\n", 2)[0]
	if m := yamlLineRE.FindStringSubmatch(first); m != nil {
		n, _ := strconv.Atoi(m[1])
		// yaml.v3 counts lines from 1 for scanner errors but from 0 for
		// parser errors, which all start with "did not find expected".
		if strings.HasPrefix(m[2], "did not find expected") {
			n++
		}
		return &FileError{Path: p, Line: opening + n, Msg: "invalid YAML in front matter: " + m[2]}
	}
	return &FileError{Path: p, Line: opening, Msg: "invalid YAML in front matter: " + strings.TrimPrefix(first, "yaml: ")}
}

func diag(p string, line int, sev, rule, format string, a ...any) Diagnostic {
	return Diagnostic{Path: p, Line: line, Severity: sev, Rule: rule, Message: fmt.Sprintf(format, a...)}
}

// maxDepth bounds nesting and alias expansion so hostile YAML cannot
// make decoding take unbounded time or memory.
const maxDepth = 16

// node is a front-matter value with the file line of its key.
type node struct {
	*yaml.Node
	line int
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

func (r *Report) fromYAML(doc *yaml.Node, fmLine int, opt Options) error {
	if len(doc.Content) == 0 {
		return nil // empty front matter
	}
	m := deref(doc.Content[0])
	if m == nil || m.Kind != yaml.MappingNode {
		return &FileError{Path: r.Path, Line: fmLine + 1, Msg: "front matter must be a mapping of keys to values"}
	}
	off := fmLine
	p := &fm{r: r, off: off, z: opt.Zones}
	fields := map[string]node{}
	// Every occurrence of the two keys that decide whether the report
	// may be published, in order: for them, the last one must not
	// silently win, nor a capital letter make one an unknown key.
	var vis, sec []node
	content, over := merged(m)
	near := false // a key that looks like visibility or security
	type nearKey struct {
		key, meant string
		line       int
	}
	var nearKeys []nearKey
	if over {
		r.warn(fmLine+1, "front-matter", "merge keys (<<) bring in more than %d keys; the rest are not read, and the report is treated as internal", mergeBudget)
		near = true
	}
	for i := 0; i+1 < len(content); i += 2 {
		k, v := content[i], deref(content[i+1])
		line := k.Line + off
		if v == nil {
			continue
		}
		key := keyName(k)
		if name, ok := privacyKey(key); ok {
			if name != key {
				r.warn(line, "front-matter", "key %q is read as %q; write it in lower case", key, name)
			}
			if name == "visibility" {
				vis = append(vis, node{v, line})
			} else {
				sec = append(sec, node{v, line})
			}
			r.Lines[name] = line
			continue
		}
		if _, dup := fields[key]; dup {
			r.warn(line, "front-matter", "key %q appears twice; the last one is used", key)
		}
		fields[key] = node{v, line}
		r.Lines[key] = line
	}
	for key, n := range fields {
		switch key {
		case "id":
			r.ID = p.str(key, n)
		case "title":
			r.Title = p.str(key, n)
		case "severity":
			r.Severity = p.str(key, n)
		case "status":
			r.Status = strings.ToLower(p.str(key, n))
		case "started", "detected", "acknowledged", "mitigated", "resolved":
			// read after the loop: they depend on each other only for
			// the day of bare clock times, which started provides.
		case "commander":
			r.Commander = p.str(key, n)
		case "author":
			r.Author = p.str(key, n)
		case "report_date":
			r.ReportDate = p.date(key, n)
		case "services":
			r.Services = p.list(key, n)
		case "tags":
			r.Tags = p.list(key, n)
		case "related":
			r.Related = p.list(key, n)
		case "attachments":
			r.Attachments = p.list(key, n)
		case "impact":
			p.impact(n)
		case "action_items":
			p.actions(n)
		case "timeline":
			// after times
		case "reviewers":
			p.reviewers(n)
		case "meeting":
			p.meeting(n)
		default:
			if meant := nearPrivacy(key, n.Node); meant != "" {
				nearKeys = append(nearKeys, nearKey{key, meant, n.line})
				break
			}
			r.warn(n.line, "unknown-field", "unknown front-matter key %q", key)
		}
	}
	if n, ok := fields["started"]; ok {
		r.Started = p.time("started", n, time.Time{})
	}
	for _, k := range []struct {
		key string
		t   *time.Time
	}{{"detected", &r.Detected}, {"acknowledged", &r.Acknowledged}, {"mitigated", &r.Mitigated}, {"resolved", &r.Resolved}} {
		if n, ok := fields[k.key]; ok {
			*k.t = p.time(k.key, n, r.Started)
		}
	}
	if n, ok := fields["timeline"]; ok {
		p.timeline(n)
	}
	for i, n := range sec {
		if i == 1 {
			r.warn(n.line, "front-matter", "key \"security\" appears %d times; all are read, and a security incident in any of them counts", len(sec))
		}
		p.security(n)
	}
	p.visibility(vis)
	for _, k := range nearKeys {
		if k.meant == "security" {
			r.warn(k.line, "front-matter", "unknown front-matter key %q reads as a security incident flag; it counts as security.incident: true (write security: {incident: true} or {incident: false})", k.key)
			p.incident(k.line, true)
			continue
		}
		r.warn(k.line, "front-matter", "unknown front-matter key %q reads as a visibility setting; it is not read, and the report is treated as internal (write visibility: internal or visibility: public)", k.key)
		near = true
	}
	if p.misplaced(m, "", 0) || near {
		r.Visibility = "internal"
	}
	return nil
}

// privacyKey reports whether key is, in any case and trimmed of spaces,
// "visibility" or "security", and which. An unknown key is only a
// warning, so "Visibility: internal" read as one would leave the report
// to the default visibility, which may be public.
func privacyKey(key string) (string, bool) {
	k := strings.TrimSpace(key)
	for _, name := range []string{"visibility", "security"} {
		if strings.EqualFold(k, name) {
			return name, true
		}
	}
	return "", false
}

// visibility reads every visibility key of the front matter. Only a
// clean "public" may publish the report: a value that is empty, not a
// single value, or contradicted by another visibility key makes it
// internal rather than leave it to the default, which may be public.
// An unknown single value is kept for finish, which reports it and
// treats it as internal.
func (p *fm) visibility(ns []node) {
	if len(ns) == 0 {
		return
	}
	first := p.visibilityValue(ns[0])
	got := first
	for _, n := range ns[1:] {
		if v := p.visibilityValue(n); v == first {
			p.r.warn(n.line, "front-matter", "key \"visibility\" appears twice; the last one is used")
		} else {
			p.r.warn(n.line, "front-matter", "visibility %q contradicts %q at line %d; treated as internal", v, first, ns[0].line)
			got = "internal"
		}
	}
	p.r.Visibility = got
}

func (p *fm) visibilityValue(n node) string {
	v := deref(n.Node)
	if v.Kind != yaml.ScalarNode {
		p.r.warn(n.line, "invalid-field", "visibility: want public or internal, not a list or mapping; treated as internal")
		return "internal"
	}
	s := ""
	if v.Tag != "!!null" {
		s = strings.ToLower(strings.TrimSpace(v.Value))
	}
	if s == "" {
		p.r.warn(n.line, "invalid-field", "visibility is empty; treated as internal (write public or internal)")
		return "internal"
	}
	return s
}

// misplaced warns about each visibility or security key below the top
// level of the front matter, where an indentation slip puts it
// ("visibility: internal" inside impact:), and reports whether there was
// one. Read there as an unknown key it would be ignored, and the report
// published by default; which mapping it was meant for cannot be known,
// so the report is internal. Aliases are not followed: what they point
// at is in the tree and is walked there, so a chain of aliases cannot
// make the walk longer than the front matter.
func (p *fm) misplaced(n *yaml.Node, in string, depth int) bool {
	found := false
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			name := keyName(k)
			where := in
			if depth == 0 {
				where = name
			} else if _, ok := privacyKey(name); ok || len(name) >= 6 && misspelt(skeleton(name)) != "" {
				p.r.warn(p.line(k), "front-matter", "%q belongs at the top level of the front matter, not inside %q; the report is treated as internal", name, in)
				found = true
			}
			if p.misplaced(n.Content[i+1], where, depth+1) {
				found = true
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if p.misplaced(c, in, depth+1) {
				found = true
			}
		}
	}
	return found
}

// fm decodes front-matter values leniently: a value of the wrong shape
// is a warning and is skipped, never a failure of the whole report.
type fm struct {
	r   *Report
	off int
	z   Zones
}

func (p *fm) line(n *yaml.Node) int { return n.Line + p.off }

func (p *fm) str(key string, n node) string {
	return p.scalar(key, n.Node)
}

func (p *fm) scalar(key string, n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.r.warn(p.line(n), "invalid-field", "%s: want a single value, not a list or mapping", key)
		return ""
	}
	if n.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (p *fm) list(key string, n node) []string {
	v := deref(n.Node)
	if v.Kind == yaml.ScalarNode {
		if s := p.scalar(key, v); s != "" {
			// "services: booking-api, payments" is a common slip.
			var out []string
			for _, f := range strings.Split(s, ",") {
				if f = strings.TrimSpace(f); f != "" {
					out = append(out, f)
				}
			}
			return out
		}
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.r.warn(n.line, "invalid-field", "%s: want a list", key)
		return nil
	}
	var out []string
	nested := false
	for _, c := range v.Content {
		if c = deref(c); c != nil && c.Kind != yaml.ScalarNode {
			nested = true
			continue
		}
		if s := p.scalar(key, c); s != "" {
			out = append(out, s)
		}
	}
	if nested {
		p.r.warn(n.line, "invalid-field", "%s: want a list of single values; nested lists and mappings are ignored", key)
	}
	return out
}

func (p *fm) time(key string, n node, on time.Time) time.Time {
	s := p.scalar(key, n.Node)
	if s == "" {
		return time.Time{}
	}
	t, err := ParseTime(s, p.z, on)
	if err != nil {
		p.r.warn(n.line, ruleOf(err), "%s: %v", key, err)
		return time.Time{}
	}
	return t
}

func (p *fm) date(key string, n node) time.Time {
	s := p.scalar(key, n.Node)
	if s == "" {
		return time.Time{}
	}
	t, err := ParseDate(s, p.z)
	if err != nil {
		p.r.warn(n.line, ruleOf(err), "%s: %v", key, err)
	}
	return t
}

func ruleOf(err error) string {
	var te *TimeError
	if errors.As(err, &te) {
		return te.Rule
	}
	return "invalid-field"
}

// pairs walks a mapping, merge keys expanded, calling f for each key
// with its value. It reports whether the merges were cut short.
func (p *fm) pairs(key string, n *yaml.Node, f func(k string, v node)) bool {
	n = deref(n)
	if n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		p.r.warn(p.line(n), "invalid-field", "%s: want a mapping of keys to values", key)
		return false
	}
	content, over := merged(n)
	if over {
		p.r.warn(p.line(n), "invalid-field", "%s: merge keys (<<) bring in more than %d keys; the rest are not read", key, mergeBudget)
	}
	for i := 0; i+1 < len(content); i += 2 {
		k, v := content[i], deref(content[i+1])
		if v == nil {
			continue
		}
		f(keyName(k), node{v, p.line(k)})
	}
	return over
}

func (p *fm) seq(key string, n *yaml.Node, f func(i int, v *yaml.Node)) {
	n = deref(n)
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.r.warn(p.line(n), "invalid-field", "%s: want a list", key)
		return
	}
	for i, c := range n.Content {
		f(i, c)
	}
}

// seqLen is how many entries the list n has, 0 when it is not a list:
// the lists built from it are sized once, as a large site keeps every
// report's lists for the whole build.
func seqLen(n *yaml.Node) int {
	if n = deref(n); n != nil && n.Kind == yaml.SequenceNode {
		return len(n.Content)
	}
	return 0
}

func (p *fm) boolean(key string, n node) *bool {
	s := strings.ToLower(p.scalar(key, n.Node))
	if s == "" {
		return nil
	}
	if b, ok := boolWord(s); ok {
		return &b
	}
	p.r.warn(n.line, "invalid-field", "%s: want true or false, not %q", key, s)
	return nil
}

// boolWord reads the lower-case words people write for yes and no.
func boolWord(s string) (val, ok bool) {
	switch s {
	case "true", "yes", "y", "on":
		return true, true
	case "false", "no", "n", "off", "none":
		return false, true
	}
	return false, false
}

func (p *fm) number(key string, n node) (float64, bool) {
	s := p.scalar(key, n.Node)
	if s == "" {
		return 0, false
	}
	clean := numberNoise.Replace(s)
	f, err := strconv.ParseFloat(clean, 64)
	if err != nil || f < 0 {
		p.r.warn(n.line, "invalid-field", "%s: want a non-negative number, not %q", key, s)
		return 0, false
	}
	return f, true
}

func (p *fm) impact(n node) {
	p.pairs("impact", n.Node, func(k string, v node) {
		key := "impact." + k
		switch k {
		case "users":
			if f, ok := p.number(key, v); ok {
				u := int(f)
				p.r.Impact.Users = &u
			}
		case "revenue":
			if f, ok := p.number(key, v); ok {
				p.r.Impact.Revenue = &f
			}
		case "data_loss":
			p.r.Impact.DataLoss = p.boolean(key, v)
		case "data_exposure":
			p.r.Impact.DataExposure = p.boolean(key, v)
		default:
			p.r.warn(v.line, "unknown-field", "unknown key %q", key)
		}
	})
}

// security reads one security key. A security incident is internal
// unless the report says visibility: public, so an answer that cannot be
// read counts as a security incident, never as none: a security value
// that is not a mapping ("security: true", a list, nothing), an
// incident that is empty or not a clean true or false ("1", "maybe",
// [no]), and occurrences that contradict one another. The one exception
// is a scalar that is a clean no ("security: false"): it answers the
// question as plainly as incident: false does, only not in the shape the
// format asks for, so it is read as that, with a warning.
func (p *fm) security(n node) {
	v := deref(n.Node)
	switch v.Kind {
	case yaml.MappingNode:
	case yaml.ScalarNode:
		s := ""
		if v.Tag != "!!null" {
			s = strings.TrimSpace(v.Value)
		}
		b, ok := boolWord(strings.ToLower(s))
		switch {
		case ok && !b:
			p.r.warn(n.line, "invalid-field", "security: want a mapping such as {incident: false}; read as incident: false")
			p.incident(n.line, false)
			return
		case s == "":
			p.r.warn(n.line, "invalid-field", "security is empty; treated as a security incident until it says {incident: false}")
		default:
			p.r.warn(n.line, "invalid-field", "security: want a mapping such as {incident: true}, not %q; treated as a security incident", s)
		}
		p.incident(n.line, true)
		return
	default:
		p.r.warn(n.line, "invalid-field", "security: want a mapping such as {incident: true}, not a list; treated as a security incident")
		p.incident(n.line, true)
		return
	}
	over := p.pairs("security", v, func(k string, v node) {
		name := strings.ToLower(strings.TrimSpace(k))
		switch name {
		case "incident", "pii", "payment_data", "regulatory_notification", "explanation":
			if name != k {
				p.r.warn(v.line, "front-matter", "key %q in security is read as %q; write it in lower case", k, name)
			}
		default:
			name = k
		}
		key := "security." + name
		s := &p.r.Security
		switch name {
		case "incident":
			p.incident(v.line, p.incidentValue(key, v))
		case "pii":
			s.PII = p.boolean(key, v)
		case "payment_data":
			s.PaymentData = p.boolean(key, v)
		case "regulatory_notification":
			s.RegulatoryNotification = p.boolean(key, v)
		case "explanation":
			s.Explanation = p.str(key, v)
		default:
			if nearIncident(k) {
				p.r.warn(v.line, "invalid-field", "unknown key %q looks like security.incident; treated as a security incident", key)
				p.incident(v.line, true)
				break
			}
			p.r.warn(v.line, "unknown-field", "unknown key %q", key)
		}
	})
	if over {
		p.incident(n.line, true)
	}
}

// incidentValue reads security.incident; anything but a clean true or
// false is a security incident (see security).
func (p *fm) incidentValue(key string, n node) bool {
	v := deref(n.Node)
	if v.Kind != yaml.ScalarNode {
		p.r.warn(n.line, "invalid-field", "%s: want true or false, not a list or mapping; treated as a security incident", key)
		return true
	}
	s := ""
	if v.Tag != "!!null" {
		s = strings.TrimSpace(v.Value)
	}
	if b, ok := boolWord(strings.ToLower(s)); ok {
		return b
	}
	if s == "" {
		p.r.warn(n.line, "invalid-field", "%s is empty; treated as a security incident until it says true or false", key)
	} else {
		p.r.warn(n.line, "invalid-field", "%s: want true or false, not %q; treated as a security incident", key, s)
	}
	return true
}

// incident records one answer to security.incident. Answers that
// disagree (two security keys, or incident given twice) make it a
// security incident: the last one winning would let a stale "false"
// publish the report.
func (p *fm) incident(line int, b bool) {
	s := &p.r.Security
	if s.Incident != nil && *s.Incident != b {
		p.r.warn(line, "invalid-field", "security.incident is given as both true and false; treated as a security incident")
		b = true
	}
	s.Incident = &b
}

func (p *fm) actions(n node) {
	p.r.ActionItems = slices.Grow(p.r.ActionItems, seqLen(n.Node))
	p.seq("action_items", n.Node, func(i int, c *yaml.Node) {
		a := ActionItem{Line: p.line(c)}
		key := fmt.Sprintf("action_items[%d]", i)
		if c = deref(c); c != nil && c.Kind == yaml.ScalarNode {
			a.Title = p.scalar(key, c)
			a.Status = "open"
			p.r.ActionItems = append(p.r.ActionItems, a)
			return
		}
		p.pairs(key, c, func(k string, v node) {
			switch k {
			case "title":
				a.Title = p.str(key+".title", v)
			case "owner":
				a.Owner = p.str(key+".owner", v)
			case "due":
				a.Due = p.date(key+".due", v)
			case "status":
				a.Status = normStatus(p.str(key+".status", v))
			case "priority":
				a.Priority = strings.ToUpper(p.str(key+".priority", v))
			case "link":
				a.Link = p.str(key+".link", v)
			default:
				p.r.warn(v.line, "unknown-field", "unknown key %q in %s", k, key)
			}
		})
		p.r.ActionItems = append(p.r.ActionItems, a)
	})
}

// numberNoise is what people write around a number ("$1,200").
var numberNoise = strings.NewReplacer(",", "", "_", "", "$", "", "€", "", "£", "")

// statusNoise makes "In Progress", "in_progress" and "won't do" one
// spelling each. A Replacer is built on first use, which costs more
// than the replacing: every action item of every version of every report
// comes through here.
var statusNoise = strings.NewReplacer(" ", "-", "_", "-", "'", "", "’", "")

// normStatus accepts the spellings people write ("In Progress", "Done",
// "won't do") for the four action-item states.
func normStatus(s string) string {
	k := statusNoise.Replace(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "in-progress", "inprogress", "doing", "started", "wip":
		return "in-progress"
	case "done", "closed", "complete", "completed", "fixed", "resolved":
		return "done"
	case "wont-do", "wontdo", "wontfix", "wont-fix", "cancelled", "canceled", "dropped":
		return "wont-do"
	case "open", "todo", "to-do", "new", "not-started":
		return "open"
	}
	return k
}

func (p *fm) timeline(n node) {
	p.r.Timeline = slices.Grow(p.r.Timeline, seqLen(n.Node))
	p.seq("timeline", n.Node, func(i int, c *yaml.Node) {
		e := Event{Line: p.line(c)}
		key := fmt.Sprintf("timeline[%d]", i)
		p.pairs(key, c, func(k string, v node) {
			switch k {
			case "at", "time":
				s := p.str(key+".at", v)
				t, err := ParseTime(s, p.z, p.r.Started)
				if err != nil {
					p.r.warn(v.line, ruleOf(err), "%s.at: %v", key, err)
					e.Label = s
				}
				e.At = t
			case "event", "text", "description":
				e.Text = p.str(key+".event", v)
			case "who", "by":
				e.Who = p.str(key+".who", v)
			default:
				p.r.warn(v.line, "unknown-field", "unknown key %q in %s", k, key)
			}
		})
		p.r.Timeline = append(p.r.Timeline, e)
	})
}

func (p *fm) reviewers(n node) {
	p.seq("reviewers", n.Node, func(i int, c *yaml.Node) {
		var rv Reviewer
		key := fmt.Sprintf("reviewers[%d]", i)
		p.pairs(key, c, func(k string, v node) {
			switch k {
			case "role":
				rv.Role = p.str(key+".role", v)
			case "name":
				rv.Name = p.str(key+".name", v)
			case "approved", "date":
				rv.Approved = p.date(key+".approved", v)
			default:
				p.r.warn(v.line, "unknown-field", "unknown key %q in %s", k, key)
			}
		})
		p.r.Reviewers = append(p.r.Reviewers, rv)
	})
}

func (p *fm) meeting(n node) {
	m := &Meeting{}
	p.pairs("meeting", n.Node, func(k string, v node) {
		switch k {
		case "at", "date":
			m.At = p.time("meeting.at", v, time.Time{})
		case "attendees":
			m.Attendees = p.list("meeting.attendees", v)
		case "notes":
			m.Notes = p.str("meeting.notes", v)
		default:
			p.r.warn(v.line, "unknown-field", "unknown key %q in meeting", k)
		}
	})
	p.r.Meeting = m
}

// finish fills defaults and derived values and warns about what is
// missing or unknown; it runs after both front matter and template
// extraction.
func (r *Report) finish(opt Options) {
	line := func(key string) int {
		if l, ok := r.Lines[key]; ok {
			return l
		}
		return 1
	}
	name := path.Base(r.Path)
	if r.ID == "" {
		r.ID = IDFromName(name)
		if r.ID == "" {
			r.ID = strings.TrimSuffix(name, path.Ext(name))
			r.warn(1, "id-format", "no id in front matter and none in the file name; using %q", r.ID)
		}
	}
	if r.Title == "" {
		r.Title = firstHeading(r.Body)
		if r.Title == "" {
			r.Title = r.ID
			r.warn(1, "missing-field", "no title; using the id")
		}
	}
	if r.Severity == "" {
		r.warn(1, "missing-field", "no severity")
	} else {
		r.Severity = strings.ToUpper(r.Severity)
		if !contains(opt.Severities, r.Severity) {
			r.warn(line("severity"), "unknown-severity", "severity %q is not one of %s", r.Severity, strings.Join(opt.Severities, ", "))
		}
	}
	if r.Status == "" {
		r.Status = "draft"
	} else if !contains(Statuses, r.Status) {
		r.warn(line("status"), "unknown-status", "status %q is not one of draft, review, final; treated as draft", r.Status)
		r.Status = "draft"
	}
	if r.Visibility == "" {
		r.Visibility = opt.DefaultVisibility
		// A security incident is internal unless marked public.
		if r.Security.Incident != nil && *r.Security.Incident {
			r.Visibility = "internal"
		}
	}
	if r.Visibility != "public" && r.Visibility != "internal" {
		r.warn(line("visibility"), "invalid-field", "visibility %q is not public or internal; treated as internal", r.Visibility)
		r.Visibility = "internal"
	}
	if _, given := r.Lines["started"]; r.Started.IsZero() && !given {
		r.warn(1, "missing-field", "no start time")
	}
	if r.Resolved.IsZero() && r.Status == "final" {
		r.warn(line("resolved"), "missing-field", "final report without a resolution time")
	}
	for i := range r.ActionItems {
		a := &r.ActionItems[i]
		if a.Status == "" {
			a.Status = "open"
		} else if !contains(ActionStatuses, a.Status) {
			r.warn(a.Line, "invalid-field", "action item status %q is not one of open, in-progress, done, wont-do; treated as open", a.Status)
			a.Status = "open"
		}
	}
	r.Services = dedupe(r.Services)
	r.Tags = dedupe(r.Tags)
}

// firstHeading returns the text of the body's first level-1 heading:
// "# Title", or "Title" over a line of "=", in its first 64 KB.
func firstHeading(body []byte) string {
	head := body[:min(len(body), 64<<10)]
	for len(head) > 0 {
		l, rest, _ := bytes.Cut(head, []byte("\n"))
		line := strings.TrimRight(string(l), "\r")
		if level, text, ok := tplATX(line); ok && level == 1 {
			return strings.TrimSpace(strings.Trim(strings.TrimRight(strings.TrimSpace(text), "#"), "*_ "))
		}
		if n, _, _ := bytes.Cut(rest, []byte("\n")); len(rest) > 0 {
			if level, ok := tplSetext(line, string(n)); ok && level == 1 {
				return strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "*_ "))
			}
		}
		head = rest
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
