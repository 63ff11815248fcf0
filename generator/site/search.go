package site

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The search page (search/index.html) loads data/search.json with fetch
// and searches it in the browser. The index has to stay small — under
// 15% of the site's HTML on 10,000 reports — and a keypress on such a
// site has to show its results within 50 ms, so the index holds, per
// report, only the fields shown in a result, and, once for the site, a
// sorted vocabulary: every word of the reports' titles, services, tags,
// owners, summaries and bodies, with the reports holding it and in which
// field. A prefix is then a binary search and a merge of posting lists;
// there are no positions and no counts: enough for prefix matching and a
// simple ranking, not for phrase search. docs/search.md describes the
// format.

// searchVersion is the index format's "v": search.js refuses another.
const searchVersion = 2

// searchSummaryLen caps the summary in runes: a result shows two lines.
const searchSummaryLen = 300

// searchDoc is one report in data/search.json. Short keys keep the index
// small: it repeats them for every report.
type searchDoc struct {
	ID       string   `json:"id"`
	Title    string   `json:"t"`
	URL      string   `json:"u"` // relative to the site root
	Severity string   `json:"s,omitempty"`
	Year     int      `json:"y,omitempty"`
	Services []string `json:"sv,omitempty"`
	Tags     []string `json:"tg,omitempty"`
	Owners   []string `json:"o,omitempty"`
	Summary  string   `json:"x,omitempty"`
}

// The fields a word can come from, best last. A posting keeps the best
// field of its word in its report; search.js ranks a title hit above a
// service, tag or owner, those above the summary, and the body last.
const (
	fieldBody = iota
	fieldSummary
	fieldMeta // services, tags and owners
	fieldTitle
)

// The digits of the posting lists: a number is written in base 32, most
// significant digit first, its last digit from searchLast and the others
// from searchMore, so that numbers need no separator. Neither alphabet
// needs escaping in JSON or holds <, > or &.
const (
	searchLast = "0123456789abcdefghijklmnopqrstuv"
	searchMore = "ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz_-"
)

// SearchJSON is data/search.json: the search index of entries, which come
// from Input.Reports, so a public build never indexes an internal report.
func SearchJSON(entries []*Entry) ([]byte, error) {
	var b bytes.Buffer
	if err := searchJSON(&b, entries, nil); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// searchPart is what one report gives the search index: its document
// and its words, each with the best field it is in, encoded as a field
// byte, a length and the word. A build keeps it while the report's page
// inputs are unchanged: taking the words apart is most of the index's
// cost.
type searchPart struct {
	Key   [32]byte
	Doc   []byte
	Words []byte
}

// searchEntry works out e's part of the index.
func searchEntry(e *Entry) (*searchPart, error) {
	d := searchDoc{
		ID: e.ID, Title: e.Title, URL: e.URL, Severity: e.Severity, Year: e.Year(),
		Services: nonEmpty(e.Services), Tags: nonEmpty(e.Tags),
		Summary: searchSummary(e.Body),
	}
	seen := map[string]bool{}
	for _, a := range e.ActionItems {
		if o := strings.TrimSpace(a.Owner); o != "" && !seen[o] {
			seen[o] = true
			d.Owners = append(d.Owners, o)
		}
	}
	// encoding/json escapes <, > and & as \u003c..., so the index is
	// safe even if a theme ever inlines it in a <script>.
	doc, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("data/search.json: %w", err)
	}
	ws := wordSets.Get().(*wordSet)
	defer ws.free()
	bodyWords(e.Body, func(w string) { ws.add(w, fieldBody) })
	inHead := func(text string, field int8) {
		searchTokens(text, func(w string) { ws.add(w, field) })
	}
	inHead(d.Summary, fieldSummary)
	for _, m := range [][]string{d.Services, d.Tags, d.Owners} {
		for _, v := range m {
			inHead(v, fieldMeta)
		}
	}
	inHead(d.Title, fieldTitle)
	n := 0
	var tmp [binary.MaxVarintLen64]byte
	for _, w := range ws.words {
		n += 1 + binary.PutUvarint(tmp[:], uint64(len(w))) + len(w)
	}
	words := make([]byte, 0, n)
	for i, w := range ws.words {
		words = append(words, byte(ws.best[i]))
		words = binary.AppendUvarint(words, uint64(len(w)))
		words = append(words, w...)
	}
	return &searchPart{Doc: doc, Words: words}, nil
}

// wordSet is the distinct words of a report in first-seen order, each
// with the best field it is in.
type wordSet struct {
	at    map[string]int32 // index in words
	words []string
	best  []int8
}

// wordSets are wordSets for reuse: a report has hundreds of distinct
// words, and a map grown to hold them anew for each report was a fifth
// of the index's cost.
var wordSets = sync.Pool{New: func() any { return &wordSet{at: make(map[string]int32, 512)} }}

// add notes w in field: a word seen before costs one map lookup.
func (s *wordSet) add(w string, field int8) {
	if i, ok := s.at[w]; ok {
		s.best[i] = max(s.best[i], field)
		return
	}
	s.at[w] = int32(len(s.words))
	s.words = append(s.words, w)
	s.best = append(s.best, field)
}

// maxPooledWords is the most distinct words a wordSet may have held to go
// back to wordSets: clearing a map costs its capacity, which one very
// long report would otherwise leave on every report after it.
const maxPooledWords = 4096

// free empties s and gives it back to wordSets.
func (s *wordSet) free() {
	if len(s.words) > maxPooledWords {
		return
	}
	clear(s.at)
	clear(s.words) // the words hold their report's text
	s.words, s.best = s.words[:0], s.best[:0]
	wordSets.Put(s)
}

// searchJSON writes SearchJSON to w; part, when not nil, gives each
// entry's part of the index, else searchEntry works it out.
func searchJSON(w io.Writer, entries []*Entry, part func(*Entry) (*searchPart, error)) error {
	if part == nil {
		part = searchEntry
	}
	docs := make([][]byte, 0, len(entries))
	// postings[w] lists, in report order, the reports holding w, each
	// with the best field it is in.
	type posting struct {
		report int32
		field  int8
	}
	postings := map[string][]posting{}
	for i, e := range entries {
		sp, err := part(e)
		if err != nil {
			return err
		}
		docs = append(docs, sp.Doc)
		for b := sp.Words; len(b) > 0; {
			f := int8(b[0])
			n, k := binary.Uvarint(b[1:])
			if k <= 0 || uint64(len(b)-1-k) < n {
				return fmt.Errorf("data/search.json: %s: damaged word list", e.Path)
			}
			w := b[1+k : 1+k+int(n)]
			b = b[1+k+int(n):]
			if p, ok := postings[string(w)]; ok {
				postings[string(w)] = append(p, posting{int32(i), f})
			} else {
				postings[string(w)] = []posting{{int32(i), f}}
			}
		}
	}
	words := make([]string, 0, len(postings))
	for w := range postings {
		words = append(words, w)
	}
	slices.SortFunc(words, compareUTF16)

	buf := bufio.NewWriter(w)
	fmt.Fprintf(buf, `{"v":%d,"reports":[`, searchVersion)
	for i, d := range docs {
		if i > 0 {
			buf.WriteByte(',')
		}
		// One report a line, and one word a line below: a diff of two
		// indexes stays readable, and the newlines cost a byte each.
		buf.WriteByte('\n')
		buf.Write(d)
	}
	buf.WriteString("\n],\"words\":[")
	var head, body []byte
	for i, w := range words {
		// head lists the reports with w in a title, service, tag,
		// owner or summary: each as the gap from the last one listed
		// (less one) times three, plus its field less one. body lists
		// the other reports, the gaps alone.
		head, body = head[:0], body[:0]
		lastHead, lastBody := int32(-1), int32(-1)
		for _, p := range postings[w] {
			if p.field == fieldBody {
				body = appendSearchNum(body, uint64(p.report-lastBody-1))
				lastBody = p.report
			} else {
				head = appendSearchNum(head, uint64(p.report-lastHead-1)*3+uint64(p.field-1))
				lastHead = p.report
			}
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		b, err := json.Marshal([3]string{w, string(head), string(body)})
		if err != nil {
			return fmt.Errorf("data/search.json: %w", err)
		}
		buf.Write(b)
	}
	buf.WriteString("\n]}\n")
	if err := buf.Flush(); err != nil {
		return fmt.Errorf("write data/search.json: %w", err)
	}
	return nil
}

// appendSearchNum appends n in the posting lists' digits.
func appendSearchNum(b []byte, n uint64) []byte {
	var tmp [13]byte
	i := len(tmp) - 1
	tmp[i] = searchLast[n%32]
	for n /= 32; n > 0; n /= 32 {
		i--
		tmp[i] = searchMore[n%32]
	}
	return append(b, tmp[i:]...)
}

// compareUTF16 orders strings as JavaScript's < does, by UTF-16 code
// units: search.js finds a prefix in the vocabulary by binary search.
// That is the order of code points, except that U+E000..U+FFFF come after
// the supplementary planes, whose surrogates precede them.
func compareUTF16(a, b string) int {
	key := func(r rune) rune {
		if r >= 0xE000 && r <= 0xFFFF {
			return r + 0x100000
		}
		return r
	}
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return cmp.Compare(key(ra), key(rb))
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// searchSummary is the plain text of the body's "Executive Summary"
// section, cut to searchSummaryLen runes at a word boundary; "" when the
// report has no such section. It reads lines, not a Markdown tree: only
// generator/markdown may parse Markdown, and a summary needs no more than
// its paragraphs without the markup.
func searchSummary(body []byte) string {
	var words []string
	in, fence := false, ""
	n := 0
	for _, line := range strings.Split(string(body), "\n") {
		t := strings.TrimSpace(line)
		if f := fenceOf(t); f != "" {
			if fence == "" {
				fence = f
			} else if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue
		}
		if strings.HasPrefix(t, "#") {
			if in {
				break // the next section
			}
			// "## 📝 Executive Summary", "## 1. Executive summary": the
			// heading's words alone decide.
			h := strings.ToLower(strings.Join(strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }), " "))
			in = h == "executive summary"
			continue
		}
		if !in || strings.HasPrefix(t, "|") || strings.HasPrefix(t, "<!--") {
			continue
		}
		for _, w := range strings.Fields(plainText(t)) {
			words = append(words, w)
			n += utf8.RuneCountInString(w) + 1
			if n > searchSummaryLen {
				return strings.Join(words, " ") + "…"
			}
		}
	}
	return strings.Join(words, " ")
}

// fenceOf is the fence a line opens or closes (``` or ~~~), or "".
func fenceOf(t string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			return f
		}
	}
	return ""
}

// plainText drops the Markdown markup of one line: list and quote
// markers, emphasis, code ticks, and link targets (keeping link text).
func plainText(s string) string {
	s = strings.TrimLeft(s, ">-*+ \t")
	// an ordered list marker
	if i := strings.IndexAny(s, ".)"); i > 0 && i < 4 {
		if _, err := strconv.Atoi(s[:i]); err == nil {
			s = strings.TrimSpace(s[i+1:])
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '*', '`', '[', ']':
			continue
		case '_':
			// __bold__ goes, snake_case stays
			if i+1 < len(s) && s[i+1] == '_' || i == 0 || s[i-1] == ' ' || i+1 == len(s) || s[i+1] == ' ' {
				continue
			}
		case '(':
			// the target of a link: "](...)"
			if i > 0 && s[i-1] == ']' {
				if j := strings.IndexByte(s[i:], ')'); j > 0 {
					i += j
					continue
				}
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// searchStopWords are words too common in incident reports to narrow a
// search.
const searchStopWords = `the and for are but not you all any can had her was one our out has
		have him his how its may new now old see two way who did get let put say she too use from that this
		with they them then than there their these those what when where which while will would could should
		been being were into onto over under about after before again also only other some such very just
		more most much each both few own same here why because does doing done our ours your yours via per
		off upon within without between during against through until yes`

// searchStop holds searchStopWords keyed by stopKey, in a table of
// stopSlots open-addressed by stopSlot: every word of every report is
// looked up, and a multiplication and a compare or two are cheaper than
// a map's hashing.
var searchStop = func() *[stopSlots]uint64 {
	var t [stopSlots]uint64
	for _, w := range strings.Fields(searchStopWords) {
		k, _ := stopKey(w) // each fits: TestStopWords
		i := stopSlot(k)
		for t[i] != 0 && t[i] != k {
			i = (i + 1) % stopSlots
		}
		t[i] = k
	}
	return &t
}()

// stopSlots is searchStop's size, a power of two at least four times
// the number of stop words, so that probes stay short.
const stopSlots = 1024

// stopSlot is where key k's probe in searchStop starts.
func stopSlot(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> (64 - 10)) }

// stopKey packs a word of up to eight bytes into an integer, one for each
// such word. A zero byte would read as the end of a shorter word, so a
// word holding one has no key.
func stopKey(w string) (uint64, bool) {
	if len(w) > 8 {
		return 0, false
	}
	var k uint64
	for i := 0; i < len(w); i++ {
		if w[i] == 0 {
			return 0, false
		}
		k |= uint64(w[i]) << (8 * i)
	}
	return k, true
}

// isStop says whether w is one of searchStop.
func isStop(w string) bool {
	k, ok := stopKey(w)
	if !ok || k == 0 {
		return false
	}
	for i := stopSlot(k); searchStop[i] != 0; i = (i + 1) % stopSlots {
		if searchStop[i] == k {
			return true
		}
	}
	return false
}

// searchWords are the distinct lower-cased words of body of three or more
// characters, stopwords left out, in first-seen order: the body's words
// in the index. The summary, title, services, tags and owners add all
// their words (searchTokens), so that a query such as "the api" still
// finds reports by their summaries.
func searchWords(body []byte) []string {
	seen := map[string]bool{}
	var out []string
	bodyWords(body, func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	})
	return out
}

// bodyWords calls add with each word of body the index keeps, repeats
// included.
func bodyWords(body []byte, add func(string)) {
	tokens(lower(shown(body)), func(w string) {
		if len(w) < 3 || (len(w) < 12 && utf8.RuneCountInString(w) < 3) || isStop(w) || !hasLetter(w) {
			return
		}
		add(w)
	})
}

// lower is strings.ToLower(string(b)), made in one copy when b is ASCII,
// as report text nearly always is: ToLower's copy goes a byte at a time,
// and the conversion to a string before it was a second one.
func lower(b []byte) string {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return strings.ToLower(string(b))
		}
	}
	var s strings.Builder
	s.Grow(len(b))
	var run [512]byte
	for len(b) > 0 {
		n := copy(run[:], b)
		for i, c := range run[:n] {
			if 'A' <= c && c <= 'Z' {
				run[i] = c + 'a' - 'A'
			}
		}
		s.Write(run[:n])
		b = b[n:]
	}
	return s.String()
}

// searchTokens calls add with every lower-cased word of text, repeats
// included. A word is letters, digits and the joiners "_", "-" and "."
// inside it, so identifiers such as tour_availability or api-gateway stay
// whole; their parts are added too, so that "availability" finds them.
// search.js takes a word to start after any character that is neither a
// letter nor a digit, which is where these words and parts start.
func searchTokens(text string, add func(string)) {
	tokens(strings.ToLower(text), add)
}

// tokens is searchTokens for text already lower-cased.
func tokens(text string, add func(string)) {
	// This runs over every report's whole text at every build: bytes,
	// not runes, wherever the text is ASCII.
	start := -1
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z':
				if start < 0 {
					start = i
				}
			case joiner(c):
				// a joiner only inside a word
			default:
				if start >= 0 {
					word(text[start:i], add)
					start = -1
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			word(text[start:i], add)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		word(text[start:], add)
	}
}

// word calls add with w, a run of letters, digits and joiners that
// starts with a letter or digit, without the joiners it ends with, and
// with its parts when joiners are left inside it.
func word(w string, add func(string)) {
	e := len(w)
	for e > 0 && joiner(w[e-1]) {
		e--
	}
	if e == 0 {
		return
	}
	w = w[:e]
	add(w)
	parts := false
	for k := 0; k < len(w); k++ {
		if joiner(w[k]) {
			parts = true
			break
		}
	}
	if !parts {
		return
	}
	from := 0
	for k := 0; k <= len(w); k++ {
		if k == len(w) || joiner(w[k]) {
			if k > from {
				add(w[from:k])
			}
			from = k + 1
		}
	}
}

func joiner(c byte) bool { return c == '_' || c == '-' || c == '.' }

// hasLetter leaves out numbers, times and dates: a search for them is
// better served by the IDs and titles.
func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// shown is body with what its page does not show blanked out: link
// destinations ("](...)", reference definitions) and HTML comments. A
// link to an internal report's file becomes "#" on the page; its file
// name must not be found through the index either. Blanks keep the
// words around apart. body itself is never changed.
func shown(body []byte) []byte {
	if !bytes.Contains(body, []byte("](")) && !bytes.Contains(body, []byte("]:")) && !bytes.Contains(body, []byte("<!--")) {
		return body
	}
	b := bytes.Clone(body)
	blank := func(from, to int) {
		for i := from; i < to; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '<' && bytes.HasPrefix(b[i:], []byte("<!--")):
			end := bytes.Index(b[i+4:], []byte("-->"))
			if end < 0 {
				blank(i, len(b))
				return b
			}
			blank(i, i+4+end+3)
			i += 4 + end + 2
		case b[i] == ']' && i+1 < len(b) && b[i+1] == '(':
			if end := linkEnd(b, i+2); end > 0 {
				blank(i+1, end)
				i = end - 1
			}
		case b[i] == '[' && lineIndent(b, i):
			// a reference definition: "[label]: destination"
			eol := bytes.IndexByte(b[i:], '\n')
			if eol < 0 {
				eol = len(b) - i
			}
			line := b[i : i+eol]
			if j := bytes.Index(line, []byte("]:")); j > 0 && bytes.IndexByte(line, ']') == j {
				blank(i, i+eol)
				i += eol - 1
			}
		}
	}
	return b
}

// linkEnd is the index just past the ")" closing the link destination
// (and title) that starts at from, or -1. Parentheses nest; a blank line
// ends the search, as it ends a Markdown paragraph.
func linkEnd(b []byte, from int) int {
	depth := 0
	for i := from; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return i + 1
			}
			depth--
		case '\n':
			if i+1 < len(b) && (b[i+1] == '\n' || b[i+1] == '\r') {
				return -1
			}
		}
	}
	return -1
}

// lineIndent says whether only up to three spaces come before b[i] on
// its line.
func lineIndent(b []byte, i int) bool {
	j := i
	for j > 0 && i-j < 3 && b[j-1] == ' ' {
		j--
	}
	return j == 0 || b[j-1] == '\n'
}
