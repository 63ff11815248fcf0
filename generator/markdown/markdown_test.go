package markdown

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hindsight-docs/hindsight/generator/htmlcheck"
)

func TestRender(t *testing.T) {
	links := func(dest string) string { return "resolved:" + dest }
	tests := []struct {
		name, src   string
		want, avoid []string
		toc         int
		reserved    []string
	}{
		{name: "raw html is shown as text", src: "<script>alert(1)</script>\n\nhi <b onclick=\"x()\">b</b>",
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b onclick=&quot;x()&quot;&gt;"}, avoid: []string{"<script", "<b "}},
		{name: "comments are dropped", src: "a\n\n<!-- guidance for the author -->\n\nb <!-- inline -->", avoid: []string{"guidance", "inline", "&lt;!--"}},
		{name: "javascript links", src: "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](java\tscript:x) [d](vbscript:x) [e](data:text/html,x)",
			avoid: []string{"javascript:", "JAVASCRIPT", "vbscript", "data:text"}},
		{name: "javascript autolink", src: "<javascript:alert(1)>", avoid: []string{"href=\"javascript"}},
		{name: "images", src: "![x](javascript:alert(1)) ![y](pic.png)", want: []string{`src="resolved:pic.png"`}, avoid: []string{"javascript:"}},
		{name: "safe links kept", src: "[a](https://example.com) [b](mailto:x@example.com) [c](#frag) [d](../2024/INC-1.md#x)",
			want: []string{`href="https://example.com"`, `href="mailto:x@example.com"`, `href="#frag"`, `href="resolved:../2024/INC-1.md#x"`}},
		{name: "gfm", src: "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ www.example.com\n\nx[^1]\n\n[^1]: note",
			want: []string{"<table>", `checked=""`, "<del>old</del>", `href="http://www.example.com"`, `class="footnotes"`}},
		{name: "highlighting uses classes", src: "```go\nfunc main() {}\n```", want: []string{`class="chroma"`, `class="kd"`}, avoid: []string{"style="}},
		{name: "heading ids ignore emoji and bold", src: "## 📋 **Incident Metadata**\n\n## Why It Wasn't Detected Earlier\n\n## Incident Metadata",
			want: []string{`id="incident-metadata"`, `id="why-it-wasnt-detected-earlier"`, `id="incident-metadata-1"`}, toc: 3},
		{name: "leading title dropped", src: "# Title\n\n## Section", avoid: []string{"<h1"}, toc: 1},
		{name: "root-relative links are resolved", src: "[a](/docs/incident-reports/2025/INC-1.md) [b](//example.com/x)",
			want: []string{`href="resolved:/docs/incident-reports/2025/INC-1.md"`, `href="//example.com/x"`}},
		{name: "reserved ids are not taken", src: "## Main\n\n## Timeline\n\n## Report title", reserved: []string{"main", "timeline", "report-title"},
			want: []string{`id="main-1"`, `id="timeline-1"`, `id="report-title-1"`}, avoid: []string{`id="main"`, `id="timeline"`}, toc: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Render([]byte(tc.src), Options{Links: links, DropTitle: true, Reserved: tc.reserved})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(doc.HTML, w) {
					t.Errorf("missing %q in\n%s", w, doc.HTML)
				}
			}
			for _, a := range tc.avoid {
				if strings.Contains(doc.HTML, a) {
					t.Errorf("unwanted %q in\n%s", a, doc.HTML)
				}
			}
			if tc.toc > 0 && len(doc.TOC) != tc.toc {
				t.Errorf("toc %+v, want %d entries", doc.TOC, tc.toc)
			}
		})
	}
}

func TestSafe(t *testing.T) {
	for u, want := range map[string]bool{
		"https://x": true, "http://x": true, "mailto:a@b": true, "#f": true, "a/b.md": true, "../x?y=1": true,
		"javascript:x": false, " javascript:x": false, "JaVaScRiPt:x": false, "java\nscript:x": false, "data:x": false, "file:///etc/passwd": false, "vbscript:x": false,
	} {
		if got := Safe(u); got != want {
			t.Errorf("Safe(%q) = %v, want %v", u, got, want)
		}
	}
}

// FuzzRender: whatever the Markdown, the HTML can run no script.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# T\n\n<script>x</script>", "[a](javascript:x)", "<img src=x onerror=alert(1)>", "```go\nx\n```", "| a |\n|---|\n| b |", "<javascript:x>", "[a](<java script:x>)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := Render([]byte(src), Options{DropTitle: true})
		if err != nil {
			return
		}
		if err := htmlcheck.Check(strings.NewReader(doc.HTML)); err != nil {
			t.Fatalf("%v in output of %q:\n%s", err, src, doc.HTML)
		}
	})
}

// FuzzLinkify: Markdown in which linkify can find no link renders the
// same with it as without it (Render leaves it out for such text), but
// for white space at the end of a line (before its line break, its
// <br /> or the closing tag of its block): goldmark trims it from the
// line's last piece of text, and linkify cuts the text at every space
// ("a \t\nb" keeps "a " with it, "a" without), which a browser shows
// alike. White space is goldmark's: space, tab, CR, VT and FF.
var endSpace = regexp.MustCompile(`[ \t\r\v\f]+(\n|</|<br />)`)

func FuzzLinkify(f *testing.F) {
	for _, s := range []string{"# T\n\nA *b* _c_ ~d~ (e) f\n", "x www.a.b y", "a@b.c", "see http://x.y", "| a |\n|---|\n| b ~~c~~ |\n\n- [ ] t\n",
		"(*_~ [a](b) ~_*)\\\n  x  \n\n> q\n\n1. o\n", "<b>x</b> &amp; `c` ![i](j) [^1]\n\n[^1]: n\n"} {
		f.Add(s)
	}
	links := func(dest string) string { return "resolved:" + dest }
	f.Fuzz(func(t *testing.T, src string) {
		if mayLink([]byte(src)) {
			return
		}
		for _, raw := range []bool{false, true} {
			opt := Options{RawHTML: raw, Links: links, DropTitle: true, Reserved: []string{"main"}}
			without, err1 := render(engines()[b2i(raw)][0], []byte(src), opt)
			with, err2 := render(engines()[b2i(raw)][1], []byte(src), opt)
			without.HTML = endSpace.ReplaceAllString(without.HTML, "$1")
			with.HTML = endSpace.ReplaceAllString(with.HTML, "$1")
			if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(without, with) {
				t.Fatalf("%q: without linkify\n%+v (%v)\nwith it\n%+v (%v)", src, without, err1, with, err2)
			}
		}
	})
}
