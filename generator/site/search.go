package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The search page (search/index.html) loads data/search.json with fetch
// and searches it in the browser. The index has to stay small — under
// 15% of the site's HTML on 10,000 reports — so it holds, per report,
// the fields shown in a result, a short summary, and the body's distinct
// words once each (no positions, no counts): enough for prefix matching
// and a simple ranking, not for phrase search.

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
	Words    string   `json:"w,omitempty"` // distinct body words, space-separated
}

// SearchJSON is data/search.json: the search index of entries, which come
// from Input.Reports, so a public build never indexes an internal report.
func SearchJSON(entries []*Entry) ([]byte, error) {
	docs := make([]searchDoc, 0, len(entries))
	for _, e := range entries {
		d := searchDoc{
			ID: e.ID, Title: e.Title, URL: e.URL, Severity: e.Severity, Year: e.Year(),
			Services: nonEmpty(e.Services), Tags: nonEmpty(e.Tags),
			Summary: searchSummary(e.Body),
			Words:   strings.Join(searchWords(e.Body), " "),
		}
		seen := map[string]bool{}
		for _, a := range e.ActionItems {
			if o := strings.TrimSpace(a.Owner); o != "" && !seen[o] {
				seen[o] = true
				d.Owners = append(d.Owners, o)
			}
		}
		docs = append(docs, d)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"v":1,"reports":[`)
	for i, d := range docs {
		if i > 0 {
			buf.WriteByte(',')
		}
		// One report a line: a diff of two indexes stays readable, and
		// the newlines cost a byte per report.
		buf.WriteByte('\n')
		// encoding/json escapes <, > and & as \u003c..., so the index
		// is safe even if a theme ever inlines it in a <script>.
		b, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("data/search.json: %w", err)
		}
		buf.Write(b)
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes(), nil
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

// searchStop are words too common in incident reports to narrow a search.
var searchStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the and for are but not you all any can had her was one our out has
		have him his how its may new now old see two way who did get let put say she too use from that this
		with they them then than there their these those what when where which while will would could should
		been being were into onto over under about after before again also only other some such very just
		more most much each both few own same here why because does doing done our ours your yours via per
		off upon within without between during against through until yes`) {
		m[w] = true
	}
	return m
}()

// searchWords are the distinct lower-cased words of body of three or more
// characters, stopwords left out, in first-seen order. A word is letters,
// digits and the joiners "_", "-" and "." inside it, so identifiers such
// as tour_availability or api-gateway stay whole; their parts are added
// too, so that "availability" finds them.
func searchWords(body []byte) []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		w = strings.Trim(w, "_-.")
		if utf8.RuneCountInString(w) < 3 || seen[w] || searchStop[w] || !hasLetter(w) {
			return
		}
		seen[w] = true
		out = append(out, w)
	}
	text := strings.ToLower(string(body))
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.Trim(text[start:end], "_-.")
		start = -1
		add(w)
		if strings.ContainsAny(w, "_-.") {
			for _, p := range strings.FieldsFunc(w, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
				add(p)
			}
		}
	}
	for i, r := range text {
		switch {
		case isWord(r):
			if start < 0 {
				start = i
			}
		case r == '_' || r == '-' || r == '.':
			// a joiner only inside a word
		default:
			flush(i)
		}
	}
	flush(len(text))
	return out
}

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
