package report

// Front matter is read by a small hand-written decoder first, because
// yaml.v3 is general and slow: a cold build of 10,000 reports spent
// about 2.3 of its 15 CPU-seconds in it. Front matter uses a small,
// regular part of YAML (block mappings and sequences, one-line scalars,
// one-line flow sequences and mappings of scalars). decodeFast builds
// exactly the yaml.Node tree yaml.v3 builds for that part, comments
// aside, and declines everything else, which then goes to yaml.v3 as before.
// Declining is always correct, so whenever the input is not plainly in
// the subset, it declines.

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastYAML turns on decodeFast in Parse; tests turn it off to compare.
var fastYAML = true

// fastMaxDepth bounds nesting so hostile input cannot exhaust the stack;
// real front matter nests three levels at most.
const fastMaxDepth = 64

// fastMaxKey is below the 1024 characters after which yaml.v3 no longer
// takes a scalar for a mapping key.
const fastMaxKey = 1000

// fline is one line of input: src[off:end] without its newline, which
// starts with ind spaces.
type fline struct{ off, end, ind int }

type fdec struct {
	src   string
	ls    []fline
	est   int // estimated number of nodes, for slab sizes
	depth int // nesting of collections being read
	cl    int // line, byte and column col counted to last
	cp    int
	cc    int
	nodes []yaml.Node  // slab the nodes are cut from
	ptrs  []*yaml.Node // slab the Content slices are cut from
	stack []*yaml.Node // children of the collections being read
}

// slabs is memory decodeFast cuts a tree from, for reuse by the next
// report once the last was read. A report's tree is about 20 KB of
// nodes, dead as soon as the report is read: made anew for every report
// it was a tenth of a large build's allocations.
type slabs struct {
	nodes []yaml.Node
	ptrs  []*yaml.Node
	lines []fline
}

// maxSlab is the most nodes a pooled slab holds: one outsized report
// should not keep its tree's memory for the rest of the build.
const maxSlab = 4096

var slabPool = sync.Pool{New: func() any { return new(slabs) }}

// newSlabs is slabs from the pool; free returns them. Nothing decodeFast
// built from them may be used after free.
func newSlabs() *slabs { return slabPool.Get().(*slabs) }

func (s *slabs) free() {
	if cap(s.nodes) <= maxSlab {
		slabPool.Put(s)
	}
}

// decodeFast decodes b into *out as yaml.Unmarshal(b, out) would and
// reports whether it could; when it cannot, out is left untouched.
// Comment fields are left empty: nothing reads them. With s not nil, the
// tree is cut from s where it fits, and lives only until s is freed.
func decodeFast(b []byte, out *yaml.Node, s *slabs) bool {
	d := fdec{src: string(b), cl: -1}
	if s != nil {
		d.ls = s.lines[:0]
	}
	ok := d.split()
	if s != nil && cap(d.ls) <= 2*maxSlab {
		s.lines = d.ls[:0]
	}
	if !ok {
		return false
	}
	i := d.next(0)
	if i == len(d.ls) {
		return true // blank lines and comments only: yaml.v3 sets nothing
	}
	var p []*yaml.Node // the Content slices and the stack
	if s == nil || d.est > maxSlab {
		p = make([]*yaml.Node, 2*d.est)
	} else {
		if cap(s.nodes) < d.est {
			s.nodes = make([]yaml.Node, 0, d.est)
		}
		if cap(s.ptrs) < 2*d.est {
			s.ptrs = make([]*yaml.Node, 2*d.est)
		}
		d.nodes = s.nodes[:0]
		p = s.ptrs[: 2*d.est : 2*d.est]
	}
	d.ptrs, d.stack = p[:0:d.est], p[d.est:d.est]
	root, j, ok := d.block(i, d.ls[i].ind)
	if !ok || j != len(d.ls) {
		// After the root collection yaml.v3 would read a second
		// document, or fail: either way not ours to decide.
		return false
	}
	doc := d.node(yaml.DocumentNode, "", "", 0, root.Line, root.Column)
	d.stack = append(d.stack, root)
	doc.Content = d.pop(0)
	*out = *doc
	return true
}

// split cuts the input into lines and refuses characters that yaml.v3
// treats specially or rejects: tabs, carriage returns, control
// characters, byte-order marks, Unicode line breaks, invalid UTF-8, and
// lines yaml.v3 may read as directives or document markers.
func (d *fdec) split() bool {
	s := d.src
	if strings.Contains(s, "<<") {
		return false // yaml.v3 tags a plain "<<" as a merge, anywhere
	}
	n := strings.Count(s, "\n") + 1
	if cap(d.ls) < n {
		d.ls = make([]fline, 0, n)
	}
	d.est = 2*n + 2
	start, ind, lead := 0, 0, true
	for i := 0; i <= len(s); {
		if i == len(s) || s[i] == '\n' {
			if i > start || i < len(s) {
				l := s[start:i]
				if strings.HasPrefix(l, "---") || strings.HasPrefix(l, "...") || strings.HasPrefix(l, "%") {
					return false
				}
				d.ls = append(d.ls, fline{start, i, ind})
			}
			i++
			start, ind, lead = i, 0, true
			continue
		}
		switch c := s[i]; {
		case c == ' ':
			if lead {
				ind++
			}
		case c > ' ' && c < 0x7f:
			// An entry may hold a mapping, a comma or bracket adds
			// to a flow sequence.
			// A comma adds a key and a value to a flow mapping.
			if c == ',' || c == '[' || c == '{' || (c == '-' && lead) {
				d.est += 2
			}
			lead = false
		case c < 0x80:
			return false
		default:
			r, w := utf8.DecodeRuneInString(s[i:])
			if !printable(r, w) {
				return false
			}
			lead = false
			i += w
			continue
		}
		i++
	}
	return true
}

// printable reports whether yaml.v3 reads the non-ASCII rune r, of w
// bytes, as an ordinary character.
func printable(r rune, w int) bool {
	switch {
	case r == utf8.RuneError && w == 1:
		return false // invalid UTF-8
	case r >= 0xa0 && r <= 0xd7ff:
		return r != 0x2028 && r != 0x2029 // line and paragraph separators break lines
	case r >= 0xe000 && r <= 0xfffd:
		return r != 0xfeff // a byte-order mark is skipped at the start of a line
	}
	return r >= 0x10000 && r <= 0x10ffff
}

// next returns the first line from i on that is neither blank nor a
// comment, or len(d.ls).
func (d *fdec) next(i int) int {
	for ; i < len(d.ls); i++ {
		l := d.ls[i]
		if l.off+l.ind < l.end && d.src[l.off+l.ind] != '#' {
			break
		}
	}
	return i
}

// col is the 1-based column yaml.v3 gives byte p of line i: it counts
// characters, not bytes. Columns are asked for left to right, so it
// counts on from the last one asked for on the same line: a long flow
// sequence would otherwise take quadratic time.
func (d *fdec) col(i, p int) int {
	if i != d.cl || p < d.cp {
		d.cl, d.cp, d.cc = i, d.ls[i].off, 1
	}
	d.cc += utf8.RuneCountInString(d.src[d.cp:p])
	d.cp = p
	return d.cc
}

func (d *fdec) node(k yaml.Kind, tag, v string, st yaml.Style, line, col int) *yaml.Node {
	if len(d.nodes) == cap(d.nodes) {
		d.nodes = make([]yaml.Node, 0, d.est)
	}
	d.nodes = append(d.nodes, yaml.Node{Kind: k, Tag: tag, Value: v, Style: st, Line: line, Column: col})
	return &d.nodes[len(d.nodes)-1]
}

// pop moves the children pushed since base into a Content slice. Its
// capacity is its length, so that appending to it cannot overwrite a
// neighbour in the slab.
func (d *fdec) pop(base int) []*yaml.Node {
	n := len(d.stack) - base
	if n == 0 {
		return nil
	}
	if cap(d.ptrs)-len(d.ptrs) < n {
		d.ptrs = make([]*yaml.Node, 0, max(n, d.est))
	}
	k := len(d.ptrs)
	d.ptrs = append(d.ptrs, d.stack[base:]...)
	clear(d.stack[base:])
	d.stack = d.stack[:base]
	return d.ptrs[k : k+n : k+n]
}

// plain is a plain scalar node: its tag is what yaml.v3 resolves it to.
func (d *fdec) plain(v string, i, p int) *yaml.Node {
	n := d.node(yaml.ScalarNode, plainTag(v), v, 0, i+1, d.col(i, p))
	if n.Tag == "" {
		n.Tag = n.ShortTag() // for an untagged plain scalar, the resolver's tag
	}
	return n
}

// plainTag is the tag yaml.v3's resolver gives the plain scalar v, for
// the common values it can tell cheaply, or "" for the resolver to
// decide: it allocates, and tries time.Parse up to four times.
func plainTag(v string) string {
	switch v[0] {
	case '+', '-', '.':
		return ""
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O', '~':
		// The resolver looks these up in its map; YAML 1.1's yes, no,
		// on and off are not in it.
		switch v {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return "!!bool"
		case "~", "null", "Null", "NULL":
			return "!!null"
		}
		return "!!str"
	}
	if v[0] < '0' || v[0] > '9' {
		return "!!str" // the resolver tries nothing else
	}
	if digits(v) == len(v) && len(v) <= 18 && (v[0] != '0' || len(v) == 1) {
		return "!!int" // no leading 0: that is octal, or a float
	}
	if isTimestamp(v) {
		return "!!timestamp"
	}
	return ""
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// num reads the n-digit number at the start of s.
func num(s string, n int) (int, bool) {
	if len(s) < n || digits(s[:n]) != n {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[:n]) {
		v = v*10 + int(c-'0')
	}
	return v, true
}

// isTimestamp reports whether v is a date "2006-01-02", or a time
// "2006-01-02T15:04:05" with "Z" or an offset "-07:00", with every field
// in range, so that one of the resolver's time.Parse layouts certainly
// accepts it. A false is no answer: the resolver decides.
func isTimestamp(v string) bool {
	y, ok1 := num(v, 4)
	m, ok2 := num(v[min(5, len(v)):], 2)
	dd, ok3 := num(v[min(8, len(v)):], 2)
	if !ok1 || !ok2 || !ok3 || v[4] != '-' || v[7] != '-' || m < 1 || m > 12 || dd < 1 ||
		dd > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return false
	}
	if len(v) == 10 {
		return true
	}
	t := v[10:]
	h, ok1 := num(t[min(1, len(t)):], 2)
	mi, ok2 := num(t[min(4, len(t)):], 2)
	sec, ok3 := num(t[min(7, len(t)):], 2)
	if !ok1 || !ok2 || !ok3 || t[0] != 'T' || t[3] != ':' || t[6] != ':' || h > 23 || mi > 59 || sec > 59 {
		return false
	}
	switch z := t[9:]; {
	case z == "Z":
		return true
	case len(z) == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':':
		zh, ok1 := num(z[1:], 2)
		zm, ok2 := num(z[4:], 2)
		return ok1 && ok2 && zh <= 23 && zm <= 59
	}
	return false
}

// null is the empty scalar yaml.v3 makes for a missing value; p is the
// end of the indicator (":" or "-") before it.
func (d *fdec) null(i, p int) *yaml.Node {
	return d.node(yaml.ScalarNode, "!!null", "", 0, i+1, d.col(i, p))
}

func (d *fdec) quotedNode(v string, i, p int) *yaml.Node {
	st := yaml.DoubleQuotedStyle
	if d.src[p] == '\'' {
		st = yaml.SingleQuotedStyle
	}
	return d.node(yaml.ScalarNode, "!!str", v, st, i+1, d.col(i, p))
}

// entry reports whether byte p of line i starts a block sequence entry.
func (d *fdec) entry(i, p int) bool {
	end := d.ls[i].end
	return p < end && d.src[p] == '-' && (p+1 == end || d.src[p+1] == ' ')
}

// spaces skips spaces from p up to end.
func (d *fdec) spaces(p, end int) int {
	for p < end && d.src[p] == ' ' {
		p++
	}
	return p
}

// rest reports whether only spaces, maybe followed by a comment, come
// after byte p up to end. yaml.v3 takes "#" for a comment even with no
// space before it; the decoder declines that.
func (d *fdec) rest(p, end int) bool {
	q := d.spaces(p, end)
	return q == end || (q > p && d.src[q] == '#')
}

// plainStart reports whether a plain scalar may start at byte p in block
// context; of the indicators it allows only "-" followed by a non-space.
func (d *fdec) plainStart(p, end int) bool {
	c := d.src[p]
	if strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", c) < 0 {
		return true
	}
	return c == '-' && p+1 < end && d.src[p+1] != ' '
}

// block reads the block sequence or mapping at column c of line i,
// returning it and the next content line.
func (d *fdec) block(i, c int) (*yaml.Node, int, bool) {
	if d.depth++; d.depth > fastMaxDepth {
		return nil, 0, false
	}
	defer func() { d.depth-- }()
	p := d.ls[i].off + c
	if d.entry(i, p) {
		return d.seq(i, c, false)
	}
	k, q := d.key(i, p)
	if k == nil {
		return nil, 0, false
	}
	return d.mapping(i, c, k, q)
}

// mapping reads the block mapping whose first key k, at column c of line
// i, ends before byte p.
func (d *fdec) mapping(i, c int, k *yaml.Node, p int) (*yaml.Node, int, bool) {
	m := d.node(yaml.MappingNode, "!!map", "", 0, i+1, c+1)
	base := len(d.stack)
	for {
		v, j, ok := d.value(i, p, c)
		if !ok {
			return nil, 0, false
		}
		d.stack = append(d.stack, k, v)
		if j == len(d.ls) || d.ls[j].ind < c {
			m.Content = d.pop(base)
			return m, j, true
		}
		if d.ls[j].ind > c {
			return nil, 0, false
		}
		i = j
		if k, p = d.key(i, d.ls[i].off+c); k == nil {
			return nil, 0, false
		}
	}
}

// key reads the mapping key at byte p of line i and returns it with the
// byte after its ":", or nil if there is no simple key there.
func (d *fdec) key(i, p int) (*yaml.Node, int) {
	s, end := d.src, d.ls[i].end
	var k *yaml.Node
	e := p
	switch {
	case s[p] == '"' || s[p] == '\'':
		v, q, ok := d.quoted(p, end)
		if !ok {
			return nil, 0
		}
		k, e = d.quotedNode(v, i, p), q
	case d.plainStart(p, end):
		for ; e < end; e++ {
			if s[e] == ':' && (e+1 == end || s[e+1] == ' ') {
				break
			}
			if s[e] == '#' && s[e-1] == ' ' {
				return nil, 0 // a comment ends the scalar before any ":"
			}
		}
		// Spaces before ":" are valid YAML but not worth the risk.
		if e == end || s[e-1] == ' ' {
			return nil, 0
		}
		k = d.plain(s[p:e], i, p)
	default:
		return nil, 0
	}
	if e-p > fastMaxKey || e == end || s[e] != ':' || (e+1 < end && s[e+1] != ' ') {
		return nil, 0
	}
	return k, e + 1
}

// value reads the value of a key of the mapping at column c, starting
// at byte p of line i, just after the ":".
func (d *fdec) value(i, p, c int) (*yaml.Node, int, bool) {
	end := d.ls[i].end
	q := d.spaces(p, end)
	if q == end || d.src[q] == '#' {
		j := d.next(i + 1)
		if j < len(d.ls) {
			if ind := d.ls[j].ind; ind > c {
				return d.block(j, ind)
			} else if ind == c && d.entry(j, d.ls[j].off+c) {
				// YAML lets a mapping's sequence value sit at the
				// mapping's own indentation.
				return d.seq(j, c, true)
			}
		}
		return d.null(i, p), j, true
	}
	n, ok := d.inline(i, q)
	j := d.next(i + 1)
	// A more indented line would continue a plain scalar, or be an
	// error: both are for yaml.v3.
	if !ok || (j < len(d.ls) && d.ls[j].ind > c) {
		return nil, 0, false
	}
	return n, j, true
}

// seq reads the block sequence whose entries start at column c, the
// first on line i. An indentless sequence is a mapping value at the
// mapping's own column: it ends at the next line there that is no entry.
func (d *fdec) seq(i, c int, indentless bool) (*yaml.Node, int, bool) {
	if d.depth++; d.depth > fastMaxDepth {
		return nil, 0, false
	}
	defer func() { d.depth-- }()
	n := d.node(yaml.SequenceNode, "!!seq", "", 0, i+1, c+1)
	base := len(d.stack)
	var j int // the line after the entry
	for {
		l := d.ls[i]
		p := l.off + c + 1 // after "-"
		q := d.spaces(p, l.end)
		var v *yaml.Node
		ok := true
		switch {
		case q == l.end || d.src[q] == '#':
			j = d.next(i + 1)
			if j < len(d.ls) && d.ls[j].ind > c {
				v, j, ok = d.block(j, d.ls[j].ind)
			} else {
				v = d.null(i, p)
			}
		case d.entry(i, q):
			v, j, ok = d.seq(i, q-l.off, false)
		default:
			if k, e := d.key(i, q); k != nil {
				d.depth++
				v, j, ok = d.mapping(i, q-l.off, k, e)
				d.depth--
				break
			}
			v, ok = d.inline(i, q)
			j = d.next(i + 1)
			if j < len(d.ls) && d.ls[j].ind > c {
				return nil, 0, false
			}
		}
		if !ok {
			return nil, 0, false
		}
		d.stack = append(d.stack, v)
		if j == len(d.ls) || d.ls[j].ind < c {
			break
		}
		if d.ls[j].ind > c {
			return nil, 0, false
		}
		if !d.entry(j, d.ls[j].off+c) {
			if indentless {
				break
			}
			return nil, 0, false
		}
		i = j
	}
	n.Content = d.pop(base)
	return n, j, true
}

// inline reads the scalar or flow sequence at byte p of line i, which
// must end the line but for a comment.
func (d *fdec) inline(i, p int) (*yaml.Node, bool) {
	s, end := d.src, d.ls[i].end
	switch {
	case s[p] == '[':
		n, e, ok := d.flow(i, p)
		return n, ok && d.rest(e, end)
	case s[p] == '{':
		n, e, ok := d.flowMap(i, p)
		return n, ok && d.rest(e, end)
	case s[p] == '"' || s[p] == '\'':
		v, e, ok := d.quoted(p, end)
		if !ok || !d.rest(e, end) {
			return nil, false
		}
		return d.quotedNode(v, i, p), true
	case d.plainStart(p, end):
		e := p
		for ; e < end; e++ {
			if s[e] == ':' && (e+1 == end || s[e+1] == ' ') {
				return nil, false // a mapping where a scalar should be
			}
			if s[e] == '#' && s[e-1] == ' ' {
				break
			}
		}
		return d.plain(strings.TrimRight(s[p:e], " "), i, p), true
	}
	return nil, false
}

// flow reads the one-line flow sequence of scalars at byte p of line i
// and returns it with the byte after its "]".
func (d *fdec) flow(i, p int) (*yaml.Node, int, bool) {
	s, end := d.src, d.ls[i].end
	n := d.node(yaml.SequenceNode, "!!seq", "", yaml.FlowStyle, i+1, d.col(i, p))
	base := len(d.stack)
	k := d.spaces(p+1, end)
	if k < end && s[k] == ']' {
		return n, k + 1, true
	}
	for {
		if k == end {
			return nil, 0, false
		}
		switch c := s[k]; {
		case c == '"' || c == '\'':
			v, e, ok := d.quoted(k, end)
			if !ok {
				return nil, 0, false
			}
			d.stack = append(d.stack, d.quotedNode(v, i, k))
			k = e
		case strings.IndexByte("-?:,[]{}#&*!|>'\"%@` ", c) < 0:
			// In a flow, "," "[" "]" "{" "}" "?" and ": " end a plain
			// scalar and " #" starts a comment; the decoder declines
			// all of them but "," and "]", and any ":" or "#".
			e := k
			for e < end && strings.IndexByte(",[]{}?:#", s[e]) < 0 {
				e++
			}
			if e == end || (s[e] != ',' && s[e] != ']') {
				return nil, 0, false
			}
			d.stack = append(d.stack, d.plain(strings.TrimRight(s[k:e], " "), i, k))
			k = e
		default:
			return nil, 0, false
		}
		var done, ok bool
		if k, done, ok = d.flowNext(k, end, ']'); !ok {
			return nil, 0, false
		}
		if done {
			n.Content = d.pop(base)
			return n, k, true
		}
	}
}

// flowNext reads what follows an entry of a one-line flow collection
// that close ends: the byte after close, with done set, or the start of
// the next entry.
func (d *fdec) flowNext(k, end int, close byte) (next int, done, ok bool) {
	s := d.src
	k = d.spaces(k, end)
	if k < end && s[k] == close {
		return k + 1, true, true
	}
	if k == end || s[k] != ',' {
		return 0, false, false
	}
	// A trailing comma is valid YAML, but rare: decline it.
	if k = d.spaces(k+1, end); k == end || s[k] == close {
		return 0, false, false
	}
	return k, false, true
}

// flowMap reads the one-line flow mapping of scalars at byte p of line
// i and returns it with the byte after its "}". Every key must be a
// plain or quoted scalar followed by ": "; every value a plain or
// quoted scalar, or nothing. The decoder declines the rest: nested
// collections, "?", a ":" without a space after a key, a key without a
// value, a trailing comma, comments.
func (d *fdec) flowMap(i, p int) (*yaml.Node, int, bool) {
	s, end := d.src, d.ls[i].end
	n := d.node(yaml.MappingNode, "!!map", "", yaml.FlowStyle, i+1, d.col(i, p))
	base := len(d.stack)
	k := d.spaces(p+1, end)
	if k < end && s[k] == '}' {
		return n, k + 1, true
	}
	for {
		key, e, ok := d.flowScalar(i, k, true)
		// yaml.v3 takes no simple key longer than 1024 characters.
		if !ok || e-k > fastMaxKey || e+1 >= end || s[e] != ':' || s[e+1] != ' ' {
			return nil, 0, false
		}
		k = d.spaces(e+1, end)
		if k == end {
			return nil, 0, false
		}
		var v *yaml.Node
		if s[k] == ',' || s[k] == '}' {
			// yaml.v3 puts a missing value where the "," or "}" is.
			v = d.node(yaml.ScalarNode, "!!null", "", 0, i+1, d.col(i, k))
		} else {
			if v, e, ok = d.flowScalar(i, k, false); !ok {
				return nil, 0, false
			}
			k = d.spaces(e, end)
		}
		d.stack = append(d.stack, key, v)
		var done bool
		if k, done, ok = d.flowNext(k, end, '}'); !ok {
			return nil, 0, false
		}
		if done {
			n.Content = d.pop(base)
			return n, k, true
		}
	}
}

// flowScalar reads the plain or quoted scalar at byte k of line i inside
// a flow mapping and returns it with the byte after it: for a key, the
// ":" of ": " that ends it; for a plain value, the "," or "}" that ends
// it; for a quoted one, the byte after the closing quote.
func (d *fdec) flowScalar(i, k int, key bool) (*yaml.Node, int, bool) {
	s, end := d.src, d.ls[i].end
	if k == end {
		return nil, 0, false
	}
	if c := s[k]; c == '"' || c == '\'' {
		v, e, ok := d.quoted(k, end)
		if !ok {
			return nil, 0, false
		}
		return d.quotedNode(v, i, k), e, true
	}
	if strings.IndexByte("-?:,[]{}#&*!|>'\"%@` ", s[k]) >= 0 {
		return nil, 0, false
	}
	// In a flow, "," "[" "]" "{" "}" "?" and ": " end a plain scalar
	// and " #" starts a comment. The decoder takes only ": " to end a
	// key and "," or "}" to end a value, and a ":" inside only before
	// an ordinary character.
	e := k
	for ; e < end; e++ {
		c := s[e]
		if c == ',' || c == '}' {
			if key {
				return nil, 0, false // a key without a value
			}
			break
		}
		if c == ':' {
			if e+1 < end && s[e+1] == ' ' {
				if !key || s[e-1] == ' ' {
					return nil, 0, false
				}
				break
			}
			if e+1 == end || strings.IndexByte(",[]{}?:#", s[e+1]) >= 0 {
				return nil, 0, false
			}
			continue
		}
		if c == '[' || c == ']' || c == '{' || c == '?' || (c == '#' && s[e-1] == ' ') {
			return nil, 0, false
		}
	}
	if e == end {
		return nil, 0, false
	}
	return d.plain(strings.TrimRight(s[k:e], " "), i, k), e, true
}

// quoted reads the one-line quoted scalar at byte p, which ends before
// end, and returns its value and the byte after the closing quote.
func (d *fdec) quoted(p, end int) (string, int, bool) {
	s := d.src
	var b []byte // the value, once an escape means it is not a substring
	start := p + 1
	if s[p] == '\'' {
		for k := start; k < end; k++ {
			if s[k] != '\'' {
				continue
			}
			if k+1 < end && s[k+1] == '\'' {
				b = append(b, s[start:k+1]...)
				k++
				start = k + 1
				continue
			}
			if b == nil {
				return s[start:k], k + 1, true
			}
			return string(append(b, s[start:k]...)), k + 1, true
		}
		return "", 0, false // continues on the next line
	}
	for k := start; k < end; {
		switch s[k] {
		case '"':
			if b == nil {
				return s[start:k], k + 1, true
			}
			return string(append(b, s[start:k]...)), k + 1, true
		case '\\':
			b = append(b, s[start:k]...)
			if k+1 == end {
				return "", 0, false // an escaped line break
			}
			var ok bool
			if b, k, ok = unescape(b, s, k, end); !ok {
				return "", 0, false
			}
			start = k
		default:
			k++
		}
	}
	return "", 0, false
}

// unescape appends the value of the escape at s[k] (a backslash) to b,
// as yaml.v3 reads it, and returns the byte after the escape.
func unescape(b []byte, s string, k, end int) ([]byte, int, bool) {
	var n int // hex digits that follow
	switch s[k+1] {
	case '0':
		b = append(b, 0)
	case 'a':
		b = append(b, '\a')
	case 'b':
		b = append(b, '\b')
	case 't':
		b = append(b, '\t')
	case 'n':
		b = append(b, '\n')
	case 'v':
		b = append(b, '\v')
	case 'f':
		b = append(b, '\f')
	case 'r':
		b = append(b, '\r')
	case 'e':
		b = append(b, 0x1b)
	case ' ', '"', '\'', '\\':
		b = append(b, s[k+1])
	case 'N':
		b = append(b, "\u0085"...)
	case '_':
		b = append(b, "\u00a0"...)
	case 'L':
		b = append(b, "\u2028"...)
	case 'P':
		b = append(b, "\u2029"...)
	case 'x':
		n = 2
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		return nil, 0, false // yaml.v3 rejects the rest, "\/" included
	}
	k += 2
	if n == 0 {
		return b, k, true
	}
	if k+n > end {
		return nil, 0, false
	}
	v := 0
	for _, c := range []byte(s[k : k+n]) {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 + int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 + int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 + int(c-'A'+10)
		default:
			return nil, 0, false
		}
	}
	if (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff {
		return nil, 0, false
	}
	if v <= 0x7f {
		b = append(b, byte(v))
	} else {
		b = utf8.AppendRune(b, rune(v))
	}
	return b, k + n, true
}
