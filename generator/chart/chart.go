// Package chart draws the metrics charts as inline SVG at build time, so
// the site needs no chart library in the browser.
//
// Every builder is a pure function of its input and returns the same bytes
// for the same input. The SVG scales to its container (a viewBox and
// width="100%"), names itself to assistive technology (role="img" with a
// <title> and <desc> referenced by aria-labelledby) and takes every colour
// from the page: text and axes use currentColor, series use CSS custom
// properties named after their class, with a fallback, such as
// fill="var(--sev-p0, #b3261e)". A theme therefore restyles the charts
// for dark mode and print with CSS alone. All text is escaped; empty or
// unusable data gives a small "No data" chart, never NaN or a panic.
package chart

import (
	"hash/fnv"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one named row of values, one per label. NaN or an infinity
// is a gap: nothing is drawn there.
type Series struct {
	Name string
	// Class is the CSS class of the series and names the custom
	// property its colour comes from: "sev-p0" uses var(--sev-p0, …).
	// Empty means "series-<index>".
	Class  string
	Values []float64
}

// BarChart is a vertical bar chart, one bar per label with the series
// stacked in order, the first at the bottom.
type BarChart struct {
	// ID makes the ids of <title> and <desc> unique on the page;
	// empty derives one from Title and Desc.
	ID     string
	Title  string
	Desc   string
	Labels []string
	Series []Series
	Unit   string // shown above the y axis and in tooltips: "incidents"
}

// LineChart draws each series as a line over the labels; gaps break it.
type LineChart struct {
	ID     string
	Title  string
	Desc   string
	Labels []string
	Series []Series
	Unit   string
}

// PercentChart draws rates as lines on a fixed 0–100 % axis. Values are
// fractions between 0 and 1, as metrics.Rate.Value holds them.
type PercentChart struct {
	ID     string
	Title  string
	Desc   string
	Labels []string
	Series []Series
}

// HBarChart is a ranked list of horizontal bars, one colour.
type HBarChart struct {
	ID    string
	Title string
	Desc  string
	Bars  []HBar
	Class string // empty means "series-0"
}

// HBar is one bar: its label, its length and the text printed at its end
// (Value formatted when empty).
type HBar struct {
	Label string
	Value float64
	Text  string
}

// Geometry, in viewBox units. The width is fixed and the SVG scales, so
// a unit is about a CSS pixel in a 640 px column.
const (
	width      = 640.0
	height     = 260.0
	fontSize   = 11.0
	charW      = 6.2 // average advance of a character at fontSize
	legendRow  = 16.0
	pad        = 8.0
	hbarRow    = 22.0
	hbarHeight = 14.0
	maxLabel   = 26 // runes of a horizontal bar's label before it is cut
)

// fallbacks are the colours used when the page defines no custom
// property: the default theme's severity colours, then a palette that
// reads on light and dark backgrounds alike.
var fallbacks = map[string]string{
	"sev-p0":    "#b3261e",
	"sev-p1":    "#b84205",
	"sev-p2":    "#f0c03a",
	"sev-p3":    "#3d5f99",
	"sev-other": "#8a909c",
}

var palette = []string{"#5c6bc0", "#e07b39", "#3fa564", "#b55fc4", "#2aa0b5", "#c9a227", "#d6587a", "#7f8c8d"}

// colour is the paint of a series: its custom property with a fallback.
func colour(class string, i int) string {
	fb, ok := fallbacks[class]
	if !ok {
		if n, err := strconv.Atoi(strings.TrimPrefix(class, "series-")); err == nil && n >= 0 && strings.HasPrefix(class, "series-") {
			i = n
		}
		fb = palette[i%len(palette)]
	}
	return "var(--" + class + ", " + fb + ")"
}

// seriesClass is s's class made safe for an attribute and a custom
// property name.
func seriesClass(class string, i int) string {
	c := cssIdent(class)
	if c == "" {
		return "series-" + strconv.Itoa(i)
	}
	return c
}

// cssIdent lower-cases s and keeps letters, digits and dashes, so it is
// both a class name and the tail of a custom property name.
func cssIdent(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	c := strings.Trim(b.String(), "-")
	if c != "" && c[0] >= '0' && c[0] <= '9' {
		c = "s-" + c
	}
	return c
}

// chartID is id made safe, or one derived from the title and description
// so two charts on a page rarely collide.
func chartID(id, title, desc string) string {
	var b strings.Builder
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s == "" {
		h := fnv.New32a()
		h.Write([]byte(title))
		h.Write([]byte{0})
		h.Write([]byte(desc))
		return "chart-" + strconv.FormatUint(uint64(h.Sum32()), 36)
	}
	if c := s[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		s = "chart-" + s
	}
	return s
}

// esc escapes s for SVG text and attributes, dropping what XML 1.0 cannot
// hold (control characters, broken UTF-8 becomes U+FFFD) so the chart
// stays well-formed whatever a report says.
func esc(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r >= 0x7f && r < 0xa0 || r == 0xfffe || r == 0xffff:
			// not allowed (or not wanted) in XML text
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// num formats a coordinate with one fixed decimal, trimming ".0", so the
// output is byte-for-byte stable and never "NaN".
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) < 0.05 {
		return "0"
	}
	s := strconv.FormatFloat(x, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// value formats a data value for tooltips and bar ends: whole numbers
// with thousands separators, others with up to two decimals.
func value(x float64) string {
	if !finite(x) {
		return "—"
	}
	if r := math.Round(x); math.Abs(x-r) < 0.005 {
		return thousands(strconv.FormatFloat(r, 'f', 0, 64))
	}
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	whole, frac, _ := strings.Cut(s, ".")
	return thousands(whole) + "." + frac
}

func thousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if s == "0" {
		neg = false
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// at is series value i, or NaN when the series is too short.
func at(vs []float64, i int) float64 {
	if i < len(vs) {
		return vs[i]
	}
	return math.NaN()
}

// textWidth estimates the width of s at fontSize.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * charW }

// svg accumulates one chart's markup.
type svg struct{ strings.Builder }

// open writes the root element with its accessible name and description.
func (b *svg) open(kind, id, title, desc string, h float64) {
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-`)
	b.WriteString(kind)
	b.WriteString(`" role="img" aria-labelledby="`)
	b.WriteString(id + "-title " + id + "-desc")
	b.WriteString(`" viewBox="0 0 `)
	b.WriteString(num(width) + " " + num(h))
	b.WriteString(`" width="100%" font-size="`)
	b.WriteString(num(fontSize))
	b.WriteString(`" fill="currentColor"><title id="`)
	b.WriteString(id)
	b.WriteString(`-title">`)
	b.WriteString(esc(title))
	b.WriteString(`</title><desc id="`)
	b.WriteString(id)
	b.WriteString(`-desc">`)
	b.WriteString(esc(desc))
	b.WriteString("</desc>")
}

func (b *svg) close() template.HTML {
	b.WriteString("</svg>")
	// The markup is built from escaped text and formatted numbers only.
	return template.HTML(b.String())
}

// text writes a text element; anchor is "start", "middle" or "end".
func (b *svg) text(x, y float64, anchor, class, s string) {
	b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if anchor != "start" {
		b.WriteString(` text-anchor="` + anchor + `"`)
	}
	if class != "" {
		b.WriteString(` class="` + class + `"`)
	}
	b.WriteString(">" + esc(s) + "</text>")
}

// empty is the chart for no data: the same accessible name, a short
// message, no axes.
func empty(id, title, desc string) template.HTML {
	if strings.TrimSpace(desc) == "" {
		desc = "No data to chart."
	}
	var b svg
	b.open("empty", id, title, desc, 48)
	b.text(width/2, 28, "middle", "chart-note", "No data")
	return b.close()
}

// legendItem is one entry of a legend.
type legendItem struct {
	name, class, paint string
	dashed, line       bool
}

// legend lays the items out in rows from the top left and returns the
// height it took.
func (b *svg) legend(items []legendItem, y float64) float64 {
	if len(items) == 0 {
		return 0
	}
	b.WriteString(`<g class="chart-legend">`)
	x, rows := pad, 1.0
	for _, it := range items {
		w := 14 + 4 + textWidth(it.name) + 14
		if x > pad && x+w > width-pad {
			x = pad
			rows++
		}
		cy := y + (rows-1)*legendRow + legendRow/2
		// The class goes on the swatch alone: a theme's badge rule for
		// .sev-p0 may set color, which would repaint text beside it.
		if it.line {
			b.WriteString(`<line class="` + it.class + `" x1="` + num(x) + `" y1="` + num(cy) + `" x2="` + num(x+14) + `" y2="` + num(cy) +
				`" stroke="` + it.paint + `" stroke-width="2"`)
			if it.dashed {
				b.WriteString(` stroke-dasharray="4 2"`)
			}
			b.WriteString("/>")
		} else {
			b.WriteString(`<rect class="` + it.class + `" x="` + num(x+2) + `" y="` + num(cy-5) + `" width="10" height="10" fill="` + it.paint + `"/>`)
		}
		b.text(x+18, cy+4, "start", "", it.name)
		x += w
	}
	b.WriteString("</g>")
	return rows * legendRow
}
