package chart

import (
	"html/template"
	"math"
	"strings"
)

// frame is the plot area of a chart with categories along x.
type frame struct {
	left, right, top, bottom float64
	band                     float64 // width of one category
	y                        yScale
}

// x is the centre of category i.
func (f frame) x(i int) float64 { return f.left + f.band*(float64(i)+0.5) }

// yOf is the vertical position of value v.
func (f frame) yOf(v float64) float64 {
	return f.bottom - v/f.y.top*(f.bottom-f.top)
}

// axes draws the legend, unit, grid and both axes' labels, and returns
// the plot area left for the data.
func (b *svg) axes(labels []string, items []legendItem, unit string, ys yScale) frame {
	top := 6.0
	top += b.legend(items, top)
	if unit != "" {
		b.text(pad, top+10, "start", "chart-unit", unit)
		top += 14
	}
	top += 8 // half a tick label above the top gridline

	ticks := ys.ticks()
	tickText := make([]string, len(ticks))
	widest := 0.0
	for i, t := range ticks {
		tickText[i] = ys.label(t)
		widest = max(widest, textWidth(tickText[i]))
	}
	f := frame{left: pad + widest + 6, right: width - pad, top: top, bottom: height - 24, y: ys}
	f.band = (f.right - f.left) / float64(max(len(labels), 1))

	b.WriteString(`<g class="chart-grid" stroke="currentColor" stroke-opacity="0.15">`)
	for _, t := range ticks[1:] {
		y := num(f.yOf(t))
		b.WriteString(`<line x1="` + num(f.left) + `" y1="` + y + `" x2="` + num(f.right) + `" y2="` + y + `"/>`)
	}
	b.WriteString(`</g><line class="chart-baseline" x1="` + num(f.left) + `" y1="` + num(f.bottom) + `" x2="` + num(f.right) +
		`" y2="` + num(f.bottom) + `" stroke="currentColor" stroke-opacity="0.5"/>`)

	b.WriteString(`<g class="chart-axis chart-y" text-anchor="end">`)
	for i, t := range ticks {
		b.WriteString(`<text x="` + num(f.left-6) + `" y="` + num(f.yOf(t)+4) + `">` + esc(tickText[i]) + `</text>`)
	}
	b.WriteString(`</g><g class="chart-axis chart-x" text-anchor="middle">`)
	for _, t := range xTicks(labels, f.band) {
		// Keep the first and last label inside the viewBox.
		half := textWidth(t.text) / 2
		x := math.Min(math.Max(f.x(t.i), half+1), width-half-1)
		b.WriteString(`<text x="` + num(x) + `" y="` + num(f.bottom+15) + `">` + esc(t.text) + `</text>`)
	}
	b.WriteString(`</g>`)
	return f
}

// hasLegend tells whether series need a legend: more than one, or one
// with a name.
func hasLegend(series []Series) bool {
	return len(series) > 1 || len(series) == 1 && series[0].Name != ""
}

// StackedBars draws c as vertical bars, the series stacked per label.
// Negative and missing values count as zero.
func StackedBars(c BarChart) template.HTML {
	id := chartID(c.ID, c.Title, c.Desc)
	n := len(c.Labels)
	if n == 0 || len(c.Series) == 0 {
		return empty(id, c.Title, c.Desc)
	}
	totals := make([]float64, n)
	integral := true
	for _, s := range c.Series {
		for i := range n {
			v := at(s.Values, i)
			if !finite(v) || v < 0 {
				continue
			}
			totals[i] += v
			integral = integral && v == math.Trunc(v)
		}
	}
	top := 0.0
	for _, t := range totals {
		top = max(top, t)
	}

	if strings.TrimSpace(c.Desc) == "" {
		c.Desc = describe("Bar chart", c.Unit, c.Labels, c.Series)
	}
	var b svg
	b.open("bars", id, c.Title, c.Desc, height)
	var items []legendItem
	if hasLegend(c.Series) {
		for si, s := range c.Series {
			cl := seriesClass(s.Class, si)
			items = append(items, legendItem{name: s.Name, class: cl, paint: colour(cl, si)})
		}
	}
	f := b.axes(c.Labels, items, c.Unit, niceScale(top, 5, integral))
	barW := math.Min(f.band*0.8, 48)
	base := make([]float64, n)
	for si, s := range c.Series {
		cl := seriesClass(s.Class, si)
		b.WriteString(`<g class="` + cl + `" fill="` + colour(cl, si) + `">`)
		for i := range n {
			v := at(s.Values, i)
			if !finite(v) || v <= 0 {
				continue
			}
			y0, y1 := f.yOf(base[i]), f.yOf(base[i]+v)
			base[i] += v
			b.WriteString(`<rect x="` + num(f.x(i)-barW/2) + `" y="` + num(y1) + `" width="` + num(barW) +
				`" height="` + num(y0-y1) + `"><title>` + esc(tip(c.Labels[i], s.Name, value(v), c.Unit)) + `</title></rect>`)
		}
		b.WriteString(`</g>`)
	}
	return b.close()
}

// tip is a tooltip: "2025-10 · P0: 3 incidents".
func tip(label, series, v, unit string) string {
	s := label
	if series != "" {
		s += " · " + series
	}
	s += ": " + v
	if unit != "" {
		s += " " + unit
	}
	return s
}

// Lines draws each series of c as a line; a missing value breaks it.
// Negative values count as zero.
func Lines(c LineChart) template.HTML {
	return lines("lines", chartID(c.ID, c.Title, c.Desc), c.Title, c.Desc, c.Labels, c.Series, c.Unit, false)
}

// Percent draws rates (fractions from 0 to 1) as lines on a 0–100 % axis;
// values outside are clamped.
func Percent(c PercentChart) template.HTML {
	return lines("percent", chartID(c.ID, c.Title, c.Desc), c.Title, c.Desc, c.Labels, c.Series, "", true)
}

// markersUpTo is the number of categories up to which every point gets a
// marker; beyond it only isolated points do, which a line cannot show.
const markersUpTo = 60

func lines(kind, id, title, desc string, labels []string, series []Series, unit string, percent bool) template.HTML {
	n := len(labels)
	clamp := func(v float64) float64 {
		v = max(v, 0)
		if percent {
			v = min(v, 1)
		}
		return v
	}
	top, seen, integral := 0.0, false, true
	for _, s := range series {
		for i := range n {
			if v := at(s.Values, i); finite(v) {
				v = clamp(v)
				top, seen = max(top, v), true
				integral = integral && v == math.Trunc(v)
			}
		}
	}
	if !seen {
		return empty(id, title, desc)
	}
	ys := niceScale(top, 5, integral)
	if percent {
		ys = yScale{top: 1, step: 0.25, percent: true}
	}

	if strings.TrimSpace(desc) == "" {
		if percent {
			unit = "percentages"
		}
		desc = describe("Line chart", unit, labels, series)
	}
	var b svg
	b.open(kind, id, title, desc, height)
	var items []legendItem
	if hasLegend(series) {
		for si, s := range series {
			cl := seriesClass(s.Class, si)
			items = append(items, legendItem{name: s.Name, class: cl, paint: colour(cl, si), line: true, dashed: si%2 == 1})
		}
	}
	f := b.axes(labels, items, unit, ys)
	for si, s := range series {
		cl := seriesClass(s.Class, si)
		paint := colour(cl, si)
		ok := func(i int) bool { return i >= 0 && i < n && finite(at(s.Values, i)) }
		b.WriteString(`<g class="` + cl + `" fill="` + paint + `" stroke="` + paint + `">`)
		var d []byte
		for i := range n {
			if !ok(i) {
				continue
			}
			cmd := "L"
			if !ok(i - 1) {
				cmd = "M"
			}
			d = append(d, cmd+num(f.x(i))+" "+num(f.yOf(clamp(at(s.Values, i))))+" "...)
		}
		if len(d) > 0 {
			b.WriteString(`<path d="` + string(d[:len(d)-1]) + `" fill="none" stroke-width="2" stroke-linejoin="round"`)
			// Dash every other series so they differ in print and for
			// readers who cannot tell the colours apart.
			if si%2 == 1 {
				b.WriteString(` stroke-dasharray="6 3"`)
			}
			b.WriteString(`/>`)
		}
		for i := range n {
			if !ok(i) || n > markersUpTo && (ok(i-1) || ok(i+1)) {
				continue
			}
			v := clamp(at(s.Values, i))
			text := value(v)
			if percent {
				text = pct(v)
			}
			b.WriteString(`<circle cx="` + num(f.x(i)) + `" cy="` + num(f.yOf(v)) + `" r="2.5" stroke="none"><title>` +
				esc(tip(labels[i], s.Name, text, unit)) + `</title></circle>`)
		}
		b.WriteString(`</g>`)
	}
	return b.close()
}

// pct formats a fraction as a whole percentage.
func pct(v float64) string { return value(math.Round(v*100)) + "%" }

// HBars draws c as horizontal bars, in the given order, each labelled on
// the left and with its value at its end. Labels longer than 26
// characters are cut; the tooltip keeps them whole.
func HBars(c HBarChart) template.HTML {
	id := chartID(c.ID, c.Title, c.Desc)
	if len(c.Bars) == 0 {
		return empty(id, c.Title, c.Desc)
	}
	labels := make([]string, len(c.Bars))
	texts := make([]string, len(c.Bars))
	vals := make([]float64, len(c.Bars))
	labelW, textW, top := 0.0, 0.0, 0.0
	for i, bar := range c.Bars {
		v := bar.Value
		if !finite(v) || v < 0 {
			v = 0
		}
		vals[i] = v
		top = max(top, v)
		labels[i] = cut(bar.Label, maxLabel)
		labelW = max(labelW, textWidth(labels[i]))
		texts[i] = bar.Text
		if texts[i] == "" {
			texts[i] = value(bar.Value)
		}
		textW = max(textW, textWidth(texts[i]))
	}
	left := pad + labelW + 8
	avail := max(width-pad-textW-6-left, 40)
	scale := 0.0
	if top > 0 {
		scale = avail / top
	}
	cl := seriesClass(c.Class, 0)
	if strings.TrimSpace(c.Desc) == "" {
		items := make([]string, len(c.Bars))
		for i, bar := range c.Bars {
			items[i] = bar.Label + " (" + texts[i] + ")"
		}
		c.Desc = "Bar chart: " + strings.Join(items, ", ") + "."
	}

	var b svg
	b.open("hbars", id, c.Title, c.Desc, pad*2+float64(len(c.Bars)-1)*hbarRow+hbarHeight)
	b.WriteString(`<g class="chart-axis" text-anchor="end">`)
	for i := range c.Bars {
		b.text(left-8, pad+float64(i)*hbarRow+hbarHeight/2+4, "end", "", labels[i])
	}
	b.WriteString(`</g><g class="` + cl + `" fill="` + colour(cl, 0) + `">`)
	for i, bar := range c.Bars {
		b.WriteString(`<rect x="` + num(left) + `" y="` + num(pad+float64(i)*hbarRow) + `" width="` + num(vals[i]*scale) +
			`" height="` + num(hbarHeight) + `"><title>` + esc(bar.Label+": "+texts[i]) + `</title></rect>`)
	}
	b.WriteString(`</g><g class="chart-value">`)
	for i := range c.Bars {
		b.text(left+vals[i]*scale+6, pad+float64(i)*hbarRow+hbarHeight/2+4, "start", "", texts[i])
	}
	b.WriteString(`</g>`)
	return b.close()
}

// cut shortens s to n runes, ending it with an ellipsis when it was longer.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// describe is the description of a chart whose caller gave none: what it
// plots over which labels, so a screen reader user knows what the data
// table beside it holds.
func describe(what, unit string, labels []string, series []Series) string {
	d := what
	if unit != "" {
		d += " of " + unit
	}
	if n := len(labels); n > 0 {
		d += " for " + labels[0]
		if n > 1 {
			d += " to " + labels[n-1]
		}
	}
	var names []string
	for _, s := range series {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	if len(names) > 0 {
		d += ": " + strings.Join(names, ", ")
	}
	return d + "."
}
