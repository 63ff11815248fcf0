package site

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/themes"
)

type searchFile struct {
	V       int         `json:"v"`
	Reports []searchDoc `json:"reports"`
	Words   [][3]string `json:"words"`
}

// searchPosting is one report of a word's posting lists, decoded.
type searchPosting struct {
	Report int
	Field  int
}

// decodeSearchNums reads the numbers of a posting list.
func decodeSearchNums(t *testing.T, s string) []uint64 {
	t.Helper()
	var out []uint64
	var n uint64
	for _, c := range []byte(s) {
		if i := strings.IndexByte(searchMore, c); i >= 0 {
			n = n*32 + uint64(i)
		} else if i := strings.IndexByte(searchLast, c); i >= 0 {
			out = append(out, n*32+uint64(i))
			n = 0
		} else {
			t.Fatalf("%q in the posting list %q", c, s)
		}
	}
	return out
}

// postings decodes the posting lists of every word.
func (f searchFile) postings(t *testing.T) map[string][]searchPosting {
	t.Helper()
	m := map[string][]searchPosting{}
	for _, w := range f.Words {
		r := -1
		for _, n := range decodeSearchNums(t, w[1]) {
			r += int(n/3) + 1
			m[w[0]] = append(m[w[0]], searchPosting{r, int(n%3) + 1})
		}
		r = -1
		for _, n := range decodeSearchNums(t, w[2]) {
			r += int(n) + 1
			m[w[0]] = append(m[w[0]], searchPosting{r, fieldBody})
		}
	}
	return m
}

func readSearch(t *testing.T, dir string) searchFile {
	t.Helper()
	var f searchFile
	if err := json.Unmarshal([]byte(read(t, dir, "data/search.json")), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSearchIndexFields(t *testing.T) {
	dir := render(t, false)
	f := readSearch(t, dir)
	if f.V != searchVersion {
		t.Errorf("v is %d, want %d", f.V, searchVersion)
	}
	if len(f.Reports) != 4 {
		t.Fatalf("got %d reports, want 4", len(f.Reports))
	}
	var a *searchDoc
	for i := range f.Reports {
		if f.Reports[i].ID == "INC-2026-03-01-001" {
			a = &f.Reports[i]
		}
	}
	if a == nil {
		t.Fatal("INC-2026-03-01-001 not indexed")
	}
	want := searchDoc{
		ID: "INC-2026-03-01-001", Title: "Booking outage after schema migration", URL: "incidents/INC-2026-03-01-001/",
		Severity: "P0", Year: 2026, Services: []string{"booking-api"}, Tags: []string{"database"},
		Owners: []string{"Maria Chen", "maria chen", "SRE Team"},
	}
	if fmt.Sprint(*a) != fmt.Sprint(want) {
		t.Errorf("got\n%+v\nwant\n%+v", *a, want)
	}
	if !strings.Contains(read(t, dir, "search/index.html"), `href="../incidents/INC-2026-03-01-001/"`) {
		t.Error("the search page does not list the reports for readers without JavaScript")
	}
}

// TestSearchIndexWords checks the vocabulary: sorted, and each word with
// the reports that hold it in its best field.
func TestSearchIndexWords(t *testing.T) {
	rs := fixtureReports()[:3]
	rs[0].Body = []byte("## Executive Summary\n\nThe booking service failed after a deploy.\n\n" +
		"## Root cause\n\nThe column tour_availability had no default; the booking table locked.\n")
	rs[2].Body = []byte("The search cluster's booking index was slow.\n")
	b := searchIndex(t, rs)
	var f searchFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for i, d := range f.Reports {
		n[d.ID] = i
	}
	a, c := n["INC-2026-03-01-001"], n["INC-2024-05-05-001"]
	for i := 1; i < len(f.Words); i++ {
		if compareUTF16(f.Words[i-1][0], f.Words[i][0]) >= 0 {
			t.Errorf("words out of order: %q before %q", f.Words[i-1][0], f.Words[i][0])
		}
	}
	got := f.postings(t)
	for w, want := range map[string][]searchPosting{
		"booking":           {{a, fieldTitle}, {n["INC-2025-12-20-001"], fieldMeta}, {c, fieldBody}}, // a service of the second
		"the":               {{a, fieldSummary}},                                                     // a stopword: no body word
		"tour_availability": {{a, fieldBody}},
		"availability":      {{a, fieldBody}},
		"maria":             {{a, fieldMeta}}, // an owner
		"slow":              {{c, fieldTitle}},
		"api":               {{a, fieldMeta}, {n["INC-2025-12-20-001"], fieldMeta}}, // booking-api, "Booking API"
	} {
		p := got[w]
		slices.SortFunc(p, func(x, y searchPosting) int { return x.Report - y.Report })
		if fmt.Sprint(p) != fmt.Sprint(want) {
			t.Errorf("%q: postings %v, want %v", w, p, want)
		}
	}
	if _, ok := got["inc-2026-03-01-001"]; ok {
		t.Error("IDs are in the vocabulary: search.js matches them by substring")
	}
}

func TestSearchNum(t *testing.T) {
	var b []byte
	nums := []uint64{0, 1, 31, 32, 33, 1023, 1024, 1 << 40}
	for _, n := range nums {
		b = appendSearchNum(b, n)
	}
	if got := decodeSearchNums(t, string(b)); fmt.Sprint(got) != fmt.Sprint(nums) {
		t.Errorf("%q decodes to %v, want %v", b, got, nums)
	}
	if string(appendSearchNum(nil, 0)) != "0" || string(appendSearchNum(nil, 33)) != "B1" {
		t.Errorf("0 is %q, 33 is %q", appendSearchNum(nil, 0), appendSearchNum(nil, 33))
	}
}

func TestCompareUTF16(t *testing.T) {
	ws := []string{"", "a", "ab", "b", "z\u00e9", "\u4e2d", "\U0001F600", "\U0001F601", "\uff21", "\ufffd"}
	for _, x := range ws {
		for _, y := range ws {
			want := slices.Compare(utf16.Encode([]rune(x)), utf16.Encode([]rune(y)))
			if got := compareUTF16(x, y); got != want {
				t.Errorf("compareUTF16(%q, %q) = %d, want %d", x, y, got, want)
			}
		}
	}
}

func TestSearchIndexPublic(t *testing.T) {
	dir := render(t, true)
	for _, name := range []string{"data/search.json", "search/index.html"} {
		s := strings.ToLower(read(t, dir, name))
		for _, m := range []string{"secret-marker", "secretsvc-marker", "secrettag-marker", "secretowner", "inc-2026-02-10-001"} {
			if strings.Contains(s, m) {
				t.Errorf("%s of a public build holds %q", name, m)
			}
		}
	}
	if n := len(readSearch(t, dir).Reports); n != 3 {
		t.Errorf("public index has %d reports, want 3", n)
	}
}

func TestSearchSummary(t *testing.T) {
	body := "# Title\n\n## Impact\n\nNot this.\n\n## 📝 Executive Summary\n\n" +
		"> On **October 8** the [booking system](https://x.example/) failed;\n> `api_v2` returned errors.\n\n" +
		"```\ncode is skipped\n```\n\n- a list item\n\n## Timeline\n\nNot this either.\n"
	got := searchSummary([]byte(body))
	want := "On October 8 the booking system failed; api_v2 returned errors. a list item"
	if got != want {
		t.Errorf("summary:\n got %q\nwant %q", got, want)
	}
	if s := searchSummary([]byte("## Summary\n\ntext\n")); s != "" {
		t.Errorf("no executive summary: got %q", s)
	}
	long := "## Executive summary\n\n" + strings.Repeat("word ", 200)
	if s := searchSummary([]byte(long)); len([]rune(s)) > searchSummaryLen+10 || !strings.HasSuffix(s, "…") {
		t.Errorf("long summary not cut: %d runes", len([]rune(s)))
	}
}

func TestSearchWords(t *testing.T) {
	got := searchWords([]byte("The tour_availability column; THE Column, an API-gateway at 14:25 and 2025.\n```\nnull value\n```"))
	for _, w := range []string{"tour_availability", "tour", "availability", "column", "api-gateway", "gateway", "null", "value"} {
		if !slices.Contains(got, w) {
			t.Errorf("%q missing from %q", w, got)
		}
	}
	for _, w := range []string{"the", "an", "at", "14", "2025", "Column"} {
		if slices.Contains(got, w) {
			t.Errorf("%q should not be in %q", w, got)
		}
	}
	seen := map[string]bool{}
	for _, w := range got {
		if seen[w] {
			t.Errorf("%q twice", w)
		}
		seen[w] = true
	}
}

func TestSearchIndexScriptSafe(t *testing.T) {
	rs := fixtureReports()[:1]
	rs[0].Title = "</script><b>&"
	b := searchIndex(t, rs)
	if strings.ContainsAny(string(b), "<>&") {
		t.Errorf("index holds raw <, > or &: %s", b)
	}
}

// TestSearchIndexSize renders a synthetic 1,000-report site with a
// realistic body and holds data/search.json to the budget: under 15% of
// the site's HTML.
func TestSearchIndexSize(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 1,000 reports")
	}
	cfg, err := config.Default(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rs := benchReports(1000)
	body := "## Executive Summary\n\nThe booking service failed after a deploy; customers could not book tours for two hours.\n\n" +
		"## Root cause\n\nA migration added a NOT NULL column tour_availability without a default; every insert failed.\n\n"
	for i, r := range rs {
		// distinct words per report, as real reports have
		r.Body = []byte(body + fmt.Sprintf("Ticket ops%d was raised by host%d for customer%d in region%d.\n", i, i%97, i*7, i%11))
	}
	dir := t.TempDir()
	in := Input{Config: cfg, Now: fixtureNow, Theme: themes.Default(), Workers: 4, Reports: rs}
	if _, err := Render(context.Background(), in, dir); err != nil {
		t.Fatal(err)
	}
	var html, index int64
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".html"):
			html += st.Size()
		case strings.HasSuffix(p, "search.json"):
			index = st.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("index %d bytes, HTML %d bytes: %.1f%%", index, html, float64(index)*100/float64(html))
	if index == 0 || float64(index) > 0.15*float64(html) {
		t.Errorf("index is %d bytes, over 15%% of %d bytes of HTML", index, html)
	}
}

// BenchmarkSearchJSON builds the index of 1,000 reports with a body each.
func BenchmarkSearchJSON(b *testing.B) {
	cfg, err := config.Default(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	rs := benchReports(1000)
	for i, r := range rs {
		r.Body = []byte(fmt.Sprintf("## Executive Summary\n\nThe booking service failed after a deploy of build %d.\n\n"+
			"## Root cause\n\nA migration added a NOT NULL column tour_availability without a default; host%d failed.\n", i, i%97))
	}
	entries := newEntries(rs, cfg, fixtureNow, false)
	for b.Loop() {
		if _, err := SearchJSON(entries); err != nil {
			b.Fatal(err)
		}
	}
}

// searchIndex is data/search.json for rs.
func searchIndex(t *testing.T, rs []*report.Report) []byte {
	t.Helper()
	cfg, err := config.Default(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := SearchJSON(newEntries(rs, cfg, fixtureNow, false))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStopWords: every stop word fits stopKey, and isStop tells the stop
// words from words that share bytes or a prefix with them.
func TestStopWords(t *testing.T) {
	for _, w := range []string{"the", "because", "between", "without", "yes"} {
		if !isStop(w) {
			t.Errorf("isStop(%q) = false", w)
		}
	}
	for _, w := range []string{"", "th", "thee", "them2", "because-", "api", "database", "betweenness", "eht", "th\u00e9", "the\x00", "yes\x00\x00"} {
		if isStop(w) {
			t.Errorf("isStop(%q) = true", w)
		}
	}
	distinct := map[string]bool{}
	for _, w := range strings.Fields(searchStopWords) {
		if _, ok := stopKey(w); !ok {
			t.Errorf("stop word %q is longer than stopKey takes", w)
		}
		distinct[w] = true
	}
	kept := 0
	for _, k := range searchStop {
		if k != 0 {
			kept++
		}
	}
	if kept != len(distinct) || kept > stopSlots/4 {
		t.Errorf("%d stop words kept of %d in %d slots", kept, len(distinct), stopSlots)
	}
}

// TestShown: what a page hides (link destinations, reference
// definitions, comments) is not in the index.
func TestShown(t *testing.T) {
	for _, tc := range []struct {
		name, body  string
		want, avoid []string
	}{
		{"inline link", "See [the db report](../2024/inc-2024-03-01-001-yrmark.md#x) now.", []string{"see", "the", "db", "report", "now"}, []string{"yrmark", "inc-2024-03-01-001-yrmark.md"}},
		{"image", "![graph](shots/secret-graph.png) after", []string{"graph", "after"}, []string{"secret-graph"}},
		{"nested parens", "[a](x(yy)zzmark) tail", []string{"tail"}, []string{"zzmark", "yy"}},
		{"angle destination", "[a](<hid den.md>) tail", []string{"tail"}, []string{"den"}},
		{"reference", "Text [ref].\n\n   [ref]: ./inc-secretmark.md \"title\"\nafter", []string{"text", "ref", "after"}, []string{"secretmark"}},
		{"comment", "one <!-- hidden\nmarkcomment --> two", []string{"one", "two"}, []string{"hidden", "markcomment"}},
		{"open comment", "one <!-- never closed markcomment", []string{"one"}, []string{"markcomment"}},
		{"unclosed link", "[a](no close\n\nnext para", []string{"close", "next"}, nil},
		{"bracket text kept", "a [note] and ]( alone", []string{"note", "and", "alone"}, nil},
		{"escaped paren", `[a](x\)ymark) z`, []string{"z"}, []string{"ymark"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(shown([]byte(tc.body)))
			if len(got) != len(tc.body) || strings.Count(got, "\n") != strings.Count(tc.body, "\n") {
				t.Errorf("shown(%q) = %q: lengths or lines differ", tc.body, got)
			}
			words := collect(searchTokens, got)
			for _, w := range tc.want {
				if !slices.Contains(words, w) {
					t.Errorf("shown(%q) = %q lost %q", tc.body, got, w)
				}
			}
			for _, w := range tc.avoid {
				if strings.Contains(got, w) {
					t.Errorf("shown(%q) = %q kept %q", tc.body, got, w)
				}
			}
		})
	}
}

// FuzzShown: shown keeps the length and the lines of any text, blanks
// only, and never changes its argument.
func FuzzShown(f *testing.F) {
	for _, s := range []string{"", "[a](b)", "<!--", "x](", "[r]: y\n", "](((((", "[a](<b>) <!-- c -->", "\\](x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := []byte(s)
		got := shown(in)
		if string(in) != s {
			t.Fatalf("shown changed its argument")
		}
		if len(got) != len(s) {
			t.Fatalf("shown(%q) = %q: length changed", s, got)
		}
		for i := range got {
			if got[i] != s[i] && (got[i] != ' ' || s[i] == '\n') {
				t.Fatalf("shown(%q) = %q: byte %d is neither kept nor blanked", s, got, i)
			}
		}
	})
}
