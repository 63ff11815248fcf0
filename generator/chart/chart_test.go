package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/metrics"
	"github.com/hindsight-docs/hindsight/generator/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var zone = time.FixedZone("CST", -6*3600)

// summary computes the metrics of n deterministic reports spread over
// months months before 2025-12-31.
func summary(n, months int) *metrics.Summary {
	sevs := []string{"P0", "P1", "P2", "P3"}
	end := time.Date(2025, 12, 31, 12, 0, 0, 0, zone)
	var rs []*report.Report
	for i := range n {
		x := i*7919 + 13
		start := end.AddDate(0, -(x % months), -(x % 27))
		r := &report.Report{
			ID:       fmt.Sprintf("INC-%s-%03d", start.Format("2006-01-02"), i),
			Severity: sevs[x%4],
			Started:  start,
			Detected: start.Add(time.Duration(5+x%55) * time.Minute),
			Resolved: start.Add(time.Duration(30+x%600) * time.Minute),
			Services: []string{fmt.Sprintf("service-%d", x%7), "shared-<db>"[:6+x%5]},
		}
		if x%3 != 0 {
			r.Git = &report.Git{Created: r.Resolved.Add(time.Duration(x%90) * time.Hour)}
		}
		if x%2 == 0 {
			u, v := x%500, float64(x%7000)
			r.Impact = report.Impact{Users: &u, Revenue: &v}
		}
		for j := range 3 {
			st := []string{"open", "done", "wont-do", "done"}[(x+j)%4]
			it := report.ActionItem{Title: "Fix", Status: st, Priority: sevs[(x+j)%4], Due: start.AddDate(0, 0, 10)}
			if st != "open" {
				it.Closed = start.AddDate(0, 0, 3+(x+j)%15)
			}
			r.ActionItems = append(r.ActionItems, it)
		}
		rs = append(rs, r)
	}
	return metrics.Compute(rs, metrics.Options{Today: end, Location: zone, Severities: sevs, DeadlineHours: 48})
}

// cases are every chart the tests check, by golden file name.
func cases() []struct {
	name string
	svg  template.HTML
} {
	s := summary(40, 24)
	decade := summary(600, 120)
	nasty := "<script>alert('x')</script> & \"quotes\" \x00\x1b bad\xff utf-8"
	return []struct {
		name string
		svg  template.HTML
	}{
		{"incidents-month", IncidentsByMonth(s)},
		{"incidents-month-decade", IncidentsByMonth(decade)},
		{"ttd", TimeToDetect(s)},
		{"ttr", TimeToResolve(s)},
		{"ttr-decade", TimeToResolve(decade)},
		{"timeliness", ReportTimeliness(s)},
		{"actions", ActionRates(s)},
		{"services-count", TopServicesByCount(s)},
		{"services-duration", TopServicesByDuration(s)},
		{"users", UsersAffected(s)},
		{"revenue", Revenue(s, "USD")},
		{"empty-summary", IncidentsByMonth(nil)},
		{"empty-bars", StackedBars(BarChart{Title: "Nothing", Desc: "Nothing at all."})},
		{"empty-lines", Lines(LineChart{Title: "Gaps", Labels: []string{"a", "b"}, Series: []Series{{Values: []float64{math.NaN(), math.Inf(1)}}}})},
		{"empty-percent", Percent(PercentChart{Title: "None"})},
		{"empty-hbars", HBars(HBarChart{ID: "x", Title: "None"})},
		{"escaped", StackedBars(BarChart{ID: nasty, Title: nasty, Desc: nasty, Unit: nasty, Labels: []string{nasty, "b"},
			Series: []Series{{Name: nasty, Class: nasty, Values: []float64{1, 2.5}}}})},
		{"escaped-hbars", HBars(HBarChart{Title: nasty, Desc: nasty, Class: "sev-p0", Bars: []HBar{{Label: nasty, Value: 3}, {Label: "ok", Value: math.NaN()}}})},
		{"lines-gaps", Lines(LineChart{Title: "Gaps", Desc: "A line with holes.", Unit: "hours", Labels: []string{"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"},
			Series: []Series{{Name: "Median", Values: []float64{1, math.NaN(), 3, 4, -2}}, {Name: "p90", Values: []float64{2}}}})},
		{"percent-clamped", Percent(PercentChart{Title: "Rates", Labels: []string{"x", "y"}, Series: []Series{{Name: "r", Values: []float64{1.7, -0.2}}}})},
		{"one-bar", StackedBars(BarChart{Title: "One", Labels: []string{"2025-10"}, Series: []Series{{Name: "P0", Class: "sev-p0", Values: []float64{3}}}})},
		{"zeros", StackedBars(BarChart{Title: "Zeros", Labels: []string{"a", "b"}, Series: []Series{{Values: []float64{0, 0}}}})},
		{"big-numbers", StackedBars(BarChart{Title: "Big", Labels: []string{"a", "b", "c"}, Unit: "EUR", Series: []Series{{Values: []float64{1234567.89, 25000, 999}}}})},
	}
}

func TestGolden(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join("testdata", "golden", c.name+".svg")
			got := []byte(string(c.svg) + "\n")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file; run go test -update and review the diff", path)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	a, b := cases(), cases()
	for i := range a {
		t.Run(a[i].name, func(t *testing.T) {
			if a[i].svg != b[i].svg {
				t.Error("two renderings differ")
			}
		})
	}
}

// paint is what a fill or stroke may be: the text colour, nothing, or a
// custom property with a fallback.
var paint = regexp.MustCompile(`^(currentColor|none|var\(--[a-z][a-z0-9-]*, #[0-9a-f]{6}\))$`)

// TestWellFormed parses every chart as XML and checks what every chart
// promises: an accessible name and description, a responsive viewBox,
// colours only from the page, nothing executable or external, no NaN.
func TestWellFormed(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			s := string(c.svg)
			for _, bad := range []string{"NaN", "Inf", "<script", "href", "style=", "url(", "on"} {
				if bad == "on" {
					if regexp.MustCompile(`\son[a-z]+=`).MatchString(s) {
						t.Errorf("has an event handler attribute")
					}
					continue
				}
				if strings.Contains(s, bad) {
					t.Errorf("contains %q", bad)
				}
			}
			d := xml.NewDecoder(strings.NewReader(s))
			var root *xml.StartElement
			ids := map[string]string{} // id → element
			text := map[string]string{}
			depth := 0
			var stack []string
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed XML: %v\n%s", err, s)
				}
				switch tok := tok.(type) {
				case xml.StartElement:
					if depth == 0 {
						e := tok.Copy()
						root = &e
					}
					depth++
					stack = append(stack, tok.Name.Local)
					for _, a := range tok.Attr {
						switch a.Name.Local {
						case "id":
							ids[a.Value] = tok.Name.Local
						case "fill", "stroke":
							if !paint.MatchString(a.Value) {
								t.Errorf("<%s %s=%q>: colours must come from the page", tok.Name.Local, a.Name.Local, a.Value)
							}
						}
					}
				case xml.EndElement:
					depth--
					stack = stack[:len(stack)-1]
				case xml.CharData:
					if len(stack) == 2 { // the root's own title and desc, not tooltips
						text[stack[len(stack)-1]] += string(tok)
					}
				}
			}
			if root == nil || root.Name.Local != "svg" {
				t.Fatalf("root is not <svg>")
			}
			attr := map[string]string{}
			for _, a := range root.Attr {
				attr[a.Name.Local] = a.Value
			}
			if attr["role"] != "img" || attr["width"] != "100%" || !strings.HasPrefix(attr["viewBox"], "0 0 640 ") || attr["height"] != "" {
				t.Errorf("root attributes %v", attr)
			}
			refs := strings.Fields(attr["aria-labelledby"])
			if len(refs) != 2 || ids[refs[0]] != "title" || ids[refs[1]] != "desc" {
				t.Errorf("aria-labelledby %q does not name the title and desc (ids %v)", attr["aria-labelledby"], ids)
			}
			if strings.TrimSpace(text["title"]) == "" || strings.TrimSpace(text["desc"]) == "" {
				t.Errorf("empty title or desc: %q %q", text["title"], text["desc"])
			}
		})
	}
}

func TestNiceScale(t *testing.T) {
	tests := []struct {
		max       float64
		integral  bool
		top, step float64
	}{
		{0, true, 1, 1},
		{math.NaN(), false, 1, 1},
		{1, true, 1, 1},
		{3, true, 3, 1},
		{7, true, 8, 2},
		{37, true, 40, 10},
		{0.8, false, 0.8, 0.2},
		{12.5, false, 12.5, 2.5},
		{13, false, 15, 5},
		{24, true, 25, 5},
		{1234567.89, false, 1250000, 250000},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			s := niceScale(tc.max, 5, tc.integral)
			if math.Abs(s.top-tc.top) > 1e-9 || math.Abs(s.step-tc.step) > 1e-9 {
				t.Errorf("got top %v step %v, want %v %v", s.top, s.step, tc.top, tc.step)
			}
		})
	}
	labels := []struct {
		s    yScale
		v    float64
		want string
	}{
		{yScale{top: 0.8, step: 0.2}, 0.6000000000000001, "0.6"},
		{yScale{top: 40000, step: 10000}, 30000, "30k"},
		{yScale{top: 15000, step: 2500}, 7500, "7.5k"},
		{yScale{top: 2e7, step: 5e6}, 1.5e7, "15M"},
		{yScale{top: 1.25e6, step: 2.5e5}, 7.5e5, "0.75M"},
		{yScale{top: 40000, step: 10000}, 0, "0"},
		{yScale{top: 1, step: 0.25, percent: true}, 0.75, "75%"},
	}
	for _, tc := range labels {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.s.label(tc.v); got != tc.want {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestXTicks(t *testing.T) {
	months := func(from time.Time, n int) []string {
		var out []string
		for i := range n {
			out = append(out, from.AddDate(0, i, 0).Format("2006-01"))
		}
		return out
	}
	quarters := func(y, n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("%d-Q%d", y+i/4, i%4+1))
		}
		return out
	}
	plot := width - 2*pad - 30
	tests := []struct {
		name   string
		labels []string
		want   string
	}{
		{"a year of months", months(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 12), "2025-01 2025-03 2025-05 2025-07 2025-09 2025-11"},
		{"120 months show years", months(time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), 120), "2016 2017 2018 2019 2020 2021 2022 2023 2024 2025"},
		{"40 years of months", months(time.Date(1986, 3, 1, 0, 0, 0, 0, time.UTC), 480), "1990 1995 2000 2005 2010 2015 2020 2025"},
		{"eight quarters", quarters(2024, 8), "2024-Q1 2024-Q2 2024-Q3 2024-Q4 2025-Q1 2025-Q2 2025-Q3 2025-Q4"},
		{"40 quarters", quarters(2016, 40), "2016 2017 2018 2019 2020 2021 2022 2023 2024 2025"},
		{"no boundary in span", []string{"2025-02", "2025-03"}, "2025-02 2025-03"},
		{"other labels", strings.Fields(strings.Repeat("service-name ", 60)), "service-name service-name service-name service-name service-name service-name service-name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			band := plot / float64(len(tc.labels))
			ticks := xTicks(tc.labels, band)
			var got []string
			for i, tk := range ticks {
				got = append(got, tk.text)
				if i > 0 {
					gap := float64(tk.i-ticks[i-1].i) * band
					if need := (textWidth(tk.text) + textWidth(ticks[i-1].text)) / 2; gap < need {
						t.Errorf("labels %q and %q overlap: %.1f apart, need %.1f", ticks[i-1].text, tk.text, gap, need)
					}
				}
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("got %q, want %q", strings.Join(got, " "), tc.want)
			}
		})
	}
}

func TestColour(t *testing.T) {
	tests := []struct {
		class string
		i     int
		want  string
	}{
		{"sev-p0", 0, "var(--sev-p0, #b3261e)"},
		{"series-3", 0, "var(--series-3, #b55fc4)"},
		{"series-9", 0, "var(--series-9, #e07b39)"},
		{"sev-sev9", 5, "var(--sev-sev9, #c9a227)"},
	}
	for _, tc := range tests {
		t.Run(tc.class, func(t *testing.T) {
			if got := colour(tc.class, tc.i); got != tc.want {
				t.Errorf("got %q", got)
			}
		})
	}
	if got := seriesClass("  Sev 1 / Major!", 2); got != "sev-1-major" {
		t.Errorf("seriesClass: got %q", got)
	}
	if got := seriesClass("<>", 2); got != "series-2" {
		t.Errorf("seriesClass of nothing usable: got %q", got)
	}
}

func BenchmarkIncidentsByMonth(b *testing.B) {
	s := summary(2000, 120)
	for b.Loop() {
		IncidentsByMonth(s)
	}
}
