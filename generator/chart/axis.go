package chart

import (
	"math"
	"strconv"
	"strings"
)

// yScale is a value axis from 0 to top in steps of step.
type yScale struct {
	top, step float64
	percent   bool // label ticks as 0 %–100 % of 1
}

// niceScale picks round ticks (1, 2, 2.5 or 5 times a power of ten) for
// values up to max, about want of them; integral data never gets
// fractional ticks.
func niceScale(max float64, want int, integral bool) yScale {
	if !(max > 0) || !finite(max) {
		return yScale{top: 1, step: 1}
	}
	raw := max / float64(want)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		s := m * mag
		if integral && s != math.Trunc(s) {
			continue
		}
		if raw <= s*(1+1e-9) {
			step = s
			break
		}
	}
	if integral && step < 1 {
		step = 1
	}
	top := math.Ceil(max/step-1e-9) * step
	return yScale{top: top, step: step}
}

// ticks are the tick values from 0 to top.
func (s yScale) ticks() []float64 {
	n := int(math.Round(s.top / s.step))
	out := make([]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		out = append(out, float64(i)*s.step)
	}
	return out
}

// label formats tick v: "25%" on a percent axis, "7.5k" and "1.25M" for
// large values, otherwise with as many decimals as the step needs.
func (s yScale) label(v float64) string {
	if s.percent {
		return strconv.FormatFloat(math.Round(v*100), 'f', 0, 64) + "%"
	}
	if v == 0 {
		return "0" // not "0k"
	}
	div, suffix := 1.0, ""
	switch {
	case s.top >= 1e6:
		div, suffix = 1e6, "M"
	case s.top >= 1e4:
		div, suffix = 1e3, "k"
	}
	return strconv.FormatFloat(v/div, 'f', decimals(s.step/div), 64) + suffix
}

// decimals is how many decimals step needs to be written exactly.
func decimals(step float64) int {
	for d := 0; d < 6; d++ {
		x := step * math.Pow(10, float64(d))
		if math.Abs(x-math.Round(x)) < 1e-6 {
			return d
		}
	}
	return 6
}

// xTick is a category label to print: its index and text.
type xTick struct {
	i    int
	text string
}

// xTicks picks the labels to print under bands of the given width so they
// never overlap. Month ("2025-10") and quarter ("2025-Q4") labels thin on
// calendar boundaries and shrink to the year once only about one label a
// year fits, so 120 months read as ten years; other labels keep every
// k-th.
func xTicks(labels []string, band float64) []xTick {
	n := len(labels)
	if n == 0 {
		return nil
	}
	need := func(chars int) int {
		return max(1, int(math.Ceil((float64(chars)*charW+10)/band)))
	}
	pick := func(keep func(i int) (string, bool)) []xTick {
		var out []xTick
		for i := range labels {
			if t, ok := keep(i); ok {
				out = append(out, xTick{i, t})
			}
		}
		if len(out) == 0 { // a span with no calendar boundary in it
			out = append(out, xTick{0, labels[0]})
		}
		return out
	}
	all := func(i int) (string, bool) { return labels[i], true }

	longest := 0
	for _, l := range labels {
		longest = max(longest, len([]rune(l)))
	}
	k := need(longest)
	years, periods, perYear, ok := calendar(labels)
	if !ok {
		if k == 1 {
			return pick(all)
		}
		return pick(func(i int) (string, bool) { return labels[i], i%k == 0 })
	}
	if k == 1 {
		return pick(all)
	}
	// Within a year: every 2nd, 3rd… period, starting at the year's first.
	for _, step := range []int{2, 3, 4, 6} {
		if step >= perYear || perYear%step != 0 {
			continue
		}
		if step >= k {
			return pick(func(i int) (string, bool) { return labels[i], periods[i]%step == 0 })
		}
	}
	// Years only, every 1, 2, 5, 10… years, at the year's first period.
	ky := int(math.Ceil(float64(need(4)) / float64(perYear)))
	ys := 1
	for _, m := range []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000} {
		ys = m
		if m >= ky {
			break
		}
	}
	return pick(func(i int) (string, bool) {
		return strconv.Itoa(years[i]), periods[i] == 0 && years[i]%ys == 0
	})
}

// calendar reads labels as months "YYYY-MM" or quarters "YYYY-Qn": each
// one's year and zero-based period in it, and periods per year.
func calendar(labels []string) (years, periods []int, perYear int, ok bool) {
	years = make([]int, len(labels))
	periods = make([]int, len(labels))
	for i, l := range labels {
		y, p, ok := strings.Cut(l, "-")
		if !ok || len(y) != 4 {
			return nil, nil, 0, false
		}
		yr, err := strconv.Atoi(y)
		if err != nil {
			return nil, nil, 0, false
		}
		kind, n := 12, 0
		if q, isQ := strings.CutPrefix(p, "Q"); isQ {
			kind, p = 4, q
		} else if len(p) != 2 {
			return nil, nil, 0, false
		}
		n, err = strconv.Atoi(p)
		if err != nil || n < 1 || n > kind || (perYear != 0 && perYear != kind) {
			return nil, nil, 0, false
		}
		perYear = kind
		years[i], periods[i] = yr, n-1
	}
	return years, periods, perYear, true
}
