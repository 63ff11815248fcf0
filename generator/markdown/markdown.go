// Package markdown renders report narratives to safe HTML with the one
// goldmark instance of the project: GitHub-flavoured Markdown, footnotes,
// heading IDs, chroma highlighting, escaped raw HTML, sanitised links and
// links between reports rewritten to their pages.
package markdown

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"sync"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Heading is one entry of a table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Doc is a rendered narrative.
type Doc struct {
	HTML string
	TOC  []Heading
}

// Links rewrites a relative or root-relative link destination of a
// report (to another report's Markdown file, to an attachment); it
// returns dest unchanged when it has nothing to say.
type Links func(dest string) string

// Options change how one document is rendered.
type Options struct {
	// Links resolves relative destinations; nil leaves them as written.
	Links Links
	// DropTitle removes a leading level-1 heading, which the page header
	// already shows.
	DropTitle bool
	// RawHTML passes raw HTML through. Off by default: reports come
	// from pull requests and are published on the internet.
	RawHTML bool
	// Reserved are element IDs the page around the document uses: a
	// heading that would take one gets the next free ID instead, so
	// that the page's anchors and scripts find their own elements.
	Reserved []string
}

var linksKey = parser.NewContextKey()
var dropTitleKey = parser.NewContextKey()

// engines are the goldmark instances Render uses, indexed by whether
// they keep raw HTML and whether they find bare links (linkify).
var engines = sync.OnceValue(func() (e [2][2]goldmark.Markdown) {
	for _, unsafe := range []bool{false, true} {
		for _, linkify := range []bool{false, true} {
			e[b2i(unsafe)][b2i(linkify)] = build(unsafe, linkify)
		}
	}
	return e
})

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mayLink says whether GFM's linkify could find a bare link in src: each
// it finds starts with "http:", "https:", "ftp:" or "www.", or holds an
// "@". Linkify looks for one after every space, so a report without any
// is parsed without it, in three quarters of the time, into the same
// HTML but for spaces before the end of a line or block, which
// goldmark drops from text as CommonMark says where linkify is not
// there to cut the text at them (FuzzLinkify).
func mayLink(src []byte) bool {
	return bytes.Contains(src, []byte("http")) || bytes.Contains(src, []byte("ftp:")) ||
		bytes.Contains(src, []byte("www.")) || bytes.IndexByte(src, '@') >= 0
}

func build(unsafe, linkify bool) goldmark.Markdown {
	rendererOpts := []renderer.Option{html.WithXHTML(), renderer.WithNodeRenderers(util.Prioritized(&accessible{}, 100))}
	if unsafe {
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	} else {
		rendererOpts = append(rendererOpts, renderer.WithNodeRenderers(util.Prioritized(&escaper{}, 100)))
	}
	// GFM is bare links (linkify), tables, strikethrough and task lists.
	gfm := []goldmark.Extender{extension.GFM}
	if !linkify {
		gfm = []goldmark.Extender{extension.Table, extension.Strikethrough, extension.TaskList}
	}
	return goldmark.New(
		goldmark.WithExtensions(gfm...),
		goldmark.WithExtensions(
			extension.Footnote,
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true), chromahtml.WithPreWrapper(focusablePre{})),
				highlighting.WithGuessLanguage(false),
				highlighting.WithWrapperRenderer(plainFence),
			),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(&transformer{}, 100)),
		),
		goldmark.WithRendererOptions(rendererOpts...),
	)
}

// Render turns Markdown into HTML and its table of contents (levels 2
// and 3).
func Render(src []byte, opt Options) (Doc, error) {
	return render(engines()[b2i(opt.RawHTML)][b2i(mayLink(src))], src, opt)
}

// render is Render with the goldmark instance md.
func render(md goldmark.Markdown, src []byte, opt Options) (Doc, error) {
	ctx := parser.NewContext(parser.WithIDs(newIDs(opt.Reserved)))
	if opt.Links != nil {
		ctx.Set(linksKey, opt.Links)
	}
	ctx.Set(dropTitleKey, opt.DropTitle)
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	var toc []Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if h, ok := n.(*ast.Heading); ok {
			if h.Level >= 2 && h.Level <= 3 {
				id, _ := h.AttributeString("id")
				idb, _ := id.([]byte)
				toc = append(toc, Heading{Level: h.Level, ID: string(idb), Text: plain(h, src)})
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	o := outputs.Get().(*output)
	o.buf.Reset()
	o.buf.Grow(len(src) * 2)
	o.w.Reset(&o.buf)
	err := md.Renderer().Render(o.w, src, doc)
	if err == nil {
		err = o.w.Flush()
	}
	html := o.buf.String()
	if o.buf.Cap() <= maxOutput {
		outputs.Put(o)
	}
	if err != nil {
		return Doc{}, err
	}
	return Doc{HTML: html, TOC: toc}, nil
}

// output is what Render writes a page into: goldmark buffers what it
// writes unless given a util.BufWriter, and a site renders tens of
// thousands of bodies, so both buffers are kept for reuse.
type output struct {
	buf bytes.Buffer
	w   *bufio.Writer
}

var outputs = sync.Pool{New: func() any {
	o := &output{}
	o.w = bufio.NewWriter(&o.buf)
	return o
}}

// maxOutput is the largest buffer kept for reuse.
const maxOutput = 1 << 20

// plain is the visible text of a node, without emoji or mojibake noise
// trimmed: the TOC shows what the author wrote.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan:
			for cc := t.FirstChild(); cc != nil; cc = cc.NextSibling() {
				if tx, ok := cc.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(b.String()), ":"))
}

// transformer sanitises link destinations, rewrites relative ones and
// drops the leading title heading.
type transformer struct{}

func (t *transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	links, _ := pc.Get(linksKey).(Links)
	if drop, _ := pc.Get(dropTitleKey).(bool); drop {
		if h, ok := doc.FirstChild().(*ast.Heading); ok && h.Level == 1 {
			doc.RemoveChild(doc, h)
		}
	}
	src := reader.Source()
	var unsafeAuto []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			l.Destination = []byte(fix(string(l.Destination), links))
		case *ast.Image:
			l.Destination = []byte(fix(string(l.Destination), links))
		case *ast.AutoLink:
			if l.AutoLinkType == ast.AutoLinkURL && !Safe(string(l.URL(src))) {
				unsafeAuto = append(unsafeAuto, l)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unsafeAuto {
		label := n.(*ast.AutoLink).Label(src)
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(label))
	}
}

func fix(dest string, links Links) string {
	if !Safe(dest) {
		return "#"
	}
	if links != nil && relative(dest) {
		return links(dest)
	}
	return dest
}

// relative says whether dest names a file of the repository: a relative
// path, or a path from its root ("/docs/..."), which GitHub reads so and
// which may name an internal report.
func relative(dest string) bool {
	return dest != "" && !strings.HasPrefix(dest, "#") && !strings.HasPrefix(dest, "//") && !strings.Contains(strings.SplitN(dest, "/", 2)[0], ":")
}

// Safe reports whether a URL may be published as a link: relative,
// fragment, http(s) or mailto. Browsers ignore tabs and newlines inside
// a scheme and accept any case, so both are removed before comparing.
func Safe(u string) bool {
	clean := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, u)
	lower := strings.ToLower(clean)
	i := strings.IndexAny(lower, ":/?#")
	if i < 0 || lower[i] != ':' {
		return true // no scheme: relative
	}
	switch lower[:i] {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// Code blocks scroll sideways, so keyboard users must be able to focus
// them (WCAG scrollable-region-focusable): every <pre> gets tabindex="0".
const preOpen = `<pre tabindex="0"`

// focusablePre is chroma's <pre> for highlighted code.
type focusablePre struct{}

func (focusablePre) Start(code bool, styleAttr string) string {
	if code {
		return preOpen + styleAttr + "><code>"
	}
	return preOpen + styleAttr + ">"
}

func (focusablePre) End(code bool) string {
	if code {
		return "</code></pre>"
	}
	return "</pre>"
}

// plainFence wraps fenced code that is not highlighted (no or unknown
// language); highlighted code is wrapped by focusablePre.
func plainFence(w util.BufWriter, c highlighting.CodeBlockContext, entering bool) {
	if c.Highlighted() {
		return
	}
	if !entering {
		_, _ = w.WriteString("</code></pre>\n")
		return
	}
	_, _ = w.WriteString(preOpen + "><code")
	if lang, ok := c.Language(); ok && len(lang) > 0 {
		_, _ = w.WriteString(` class="language-`)
		_, _ = w.Write(util.EscapeHTML(lang))
		_, _ = w.WriteString(`"`)
	}
	_, _ = w.WriteString(">")
}

// accessible renders indented code blocks focusable and task-list
// checkboxes with a label, which screen readers need.
type accessible struct{}

func (a *accessible) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindCodeBlock, a.codeBlock)
	reg.Register(east.KindTaskCheckBox, a.checkBox)
}

func (a *accessible) codeBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</code></pre>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(preOpen + "><code>")
	for i := 0; i < n.Lines().Len(); i++ {
		line := n.Lines().At(i)
		_, _ = w.Write(util.EscapeHTML(line.Value(src)))
	}
	return ast.WalkContinue, nil
}

func (a *accessible) checkBox(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if n.(*east.TaskCheckBox).IsChecked {
		_, _ = w.WriteString(`<input checked="" disabled="" type="checkbox" aria-label="done" /> `)
	} else {
		_, _ = w.WriteString(`<input disabled="" type="checkbox" aria-label="not done" /> `)
	}
	return ast.WalkContinue, nil
}

// escaper shows raw HTML as text instead of dropping or passing it;
// HTML comments, which carry guidance for authors, are left out.
type escaper struct{}

func (e *escaper) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, e.block)
	reg.Register(ast.KindRawHTML, e.inline)
}

func (e *escaper) block(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	b := n.(*ast.HTMLBlock)
	if b.HTMLBlockType == ast.HTMLBlockType2 {
		return ast.WalkContinue, nil // a comment: guidance for authors, not readers
	}
	_, _ = w.WriteString(`<pre class="raw-html"><code>`)
	for i := 0; i < b.Lines().Len(); i++ {
		seg := b.Lines().At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
	}
	if b.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(b.ClosureLine.Value(src)))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkContinue, nil
}

func (e *escaper) inline(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	r := n.(*ast.RawHTML)
	if r.Segments.Len() > 0 {
		if first := r.Segments.At(0); bytes.HasPrefix(first.Value(src), []byte("<!--")) {
			return ast.WalkSkipChildren, nil
		}
	}
	for i := 0; i < r.Segments.Len(); i++ {
		seg := r.Segments.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
	}
	return ast.WalkSkipChildren, nil
}

// ids makes heading IDs from the ASCII words of a heading, so that
// "📋 **Incident Metadata**" and its mojibake twin both become
// "incident-metadata".
type ids struct{ used map[string]bool }

func newIDs(reserved []string) *ids {
	s := &ids{used: make(map[string]bool, len(reserved))}
	for _, id := range reserved {
		s.used[id] = true
	}
	return s
}

func (s *ids) Generate(value []byte, kind ast.NodeKind) []byte {
	base := Slug(string(value))
	if base == "" {
		base = "section"
	}
	id := base
	for n := 1; s.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.used[string(value)] = true }

// Slug lower-cases the ASCII letters and digits of s and joins its words
// with hyphens; everything else (emoji, mojibake, punctuation) separates.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r + 'a' - 'A')
			dash = false
		case r == '\'' || r == '’':
			// "Wasn't" → "wasnt"
		default:
			dash = true
		}
	}
	return b.String()
}
