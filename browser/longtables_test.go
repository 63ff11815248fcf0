package browser

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// viewport sets the tab's layout viewport to width by 900 CSS pixels.
func viewport(width int64) chromedp.Action[chromedp.Void] {
	return command(emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: 900, DeviceScaleFactor: 1,
	})
}

// TestLongTables: the tables of every action item and of every incident
// come in runs of rows, one tbody each, and past 1,000 rows a browser
// lays out only the runs near the screen. The runs line up as one
// table, and sorting and filtering treat them as one.
func TestLongTables(t *testing.T) {
	needBrowser(t)
	base, _ := perfSite(t)
	for _, tc := range []struct {
		name, path, table string
		field, value      string // a filter and the value it is set to
		attr              string // the row attribute that filter matches
		sortCol           int    // a column whose cells are all dates
	}{
		{"actions", "actions/", "items", "owner", "team-3", "data-owner", 2},
		{"incidents", "incidents/", "incident-list", "severity", "P1", "data-severity", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, rec := newTab(t, base)
			if err := chromedp.Do(ctx, viewport(1280)); err != nil {
				t.Fatal(err)
			}
			if err := load(ctx, rec, base+tc.path); err != nil {
				t.Fatal(err)
			}
			js := func(body string) string {
				return `(function () { var t = document.getElementById("` + tc.table + `"); ` + body + ` })()`
			}
			sizes := func() []int {
				t.Helper()
				n, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](js(
					`return Array.prototype.map.call(t.tBodies, function (b) { return b.rows.length; });`)))
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			runs := sizes()
			total := 0
			for _, n := range runs {
				total += n
			}
			if len(runs) < 2 || total != perfReports {
				t.Fatalf("table has %d rows in %d bodies, want %d rows in several", total, len(runs), perfReports)
			}

			// A table this long is laid out a run at a time.
			lazy, err := chromedp.Run(ctx, chromedp.Evaluate[string](js(`return getComputedStyle(t.tBodies[1]).contentVisibility;`)))
			if err != nil {
				t.Fatal(err)
			}
			if lazy != "auto" {
				t.Errorf("the runs of a table of %d rows have content-visibility %q, want auto", total, lazy)
			}

			// No serious or critical accessibility problem, in the runs
			// laid out or not.
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](needAxe(t))); err != nil {
				t.Fatalf("inject axe-core: %v", err)
			}
			vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](runAxe, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("axe.run: %v", err)
			}
			for _, v := range vs {
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("/%s: %s", tc.path, v)
				} else {
					t.Logf("/%s: %s", tc.path, v)
				}
			}

			// Every column starts and ends at the same place in the
			// header, the first run and the last.
			cols, err := chromedp.Run(ctx, chromedp.Evaluate[[][]int](js(`
				var rows = [t.tHead.rows[0], t.tBodies[0].rows[0], t.tBodies[t.tBodies.length - 1].rows[0]];
				return rows.map(function (r) {
					return Array.prototype.map.call(r.cells, function (c) { var b = c.getBoundingClientRect(); return [Math.round(b.left), Math.round(b.right)]; }).flat();
				});`)))
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) != 3 || len(cols[0]) < 10 || !slices.Equal(cols[0], cols[1]) || !slices.Equal(cols[0], cols[2]) {
				t.Errorf("columns of the header, first run and last run do not line up: %v", cols)
			}

			// A filter hides rows in every run, and the runs left with none.
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(function () {
				var f = document.querySelector(".filters [name='`+tc.field+`']");
				f.value = "`+tc.value+`";
				f.dispatchEvent(new Event("change", {bubbles: true}));
			})()`)); err != nil {
				t.Fatal(err)
			}
			var shown int
			waitFor(t, ctx, 5*time.Second, "fewer rows", func() bool {
				shown = visibleRows(t, ctx, tc.table)
				return shown > 0 && shown < total
			})
			state, err := chromedp.Run(ctx, chromedp.Evaluate[string](js(`
				var bad = [];
				Array.prototype.forEach.call(t.tBodies, function (b, i) {
					var any = false;
					Array.prototype.forEach.call(b.rows, function (r) {
						if (r.hidden) return;
						any = true;
						if (r.getAttribute("`+tc.attr+`") !== "`+tc.value+`") bad.push("row of " + r.getAttribute("`+tc.attr+`") + " shown");
					});
					if (b.hidden === any) bad.push("run " + i + (any ? " hidden with rows shown" : " shown with no rows"));
				});
				var more = bad.length > 3 ? "; and " + (bad.length - 3) + " more" : "";
				return bad.slice(0, 3).join("; ") + more + "|" + document.querySelector(".filter-count").textContent;`)))
			if err != nil {
				t.Fatal(err)
			}
			bad, count, _ := strings.Cut(state, "|")
			if bad != "" {
				t.Error(bad)
			}
			if want := fmt.Sprintf("Showing %d of %d ", shown, total); !strings.HasPrefix(count, want) {
				t.Errorf("filter count %q, want %q…", count, want)
			}

			// Sorting orders the rows across all runs; each run keeps its size.
			for _, dir := range []string{"ascending", "descending"} {
				if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js(fmt.Sprintf(
					`t.tHead.rows[0].cells[%d].querySelector("button").click();`, tc.sortCol)))); err != nil {
					t.Fatal(err)
				}
				keys, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js(fmt.Sprintf(`
					var out = [];
					Array.prototype.forEach.call(t.tBodies, function (b) {
						Array.prototype.forEach.call(b.rows, function (r) {
							var c = r.cells[%d];
							out.push(c.getAttribute("data-sort") || c.textContent.trim());
						});
					});
					return out;`, tc.sortCol))))
				if err != nil {
					t.Fatal(err)
				}
				want := slices.Clone(keys)
				slices.Sort(want)
				if dir == "descending" {
					slices.Reverse(want)
				}
				if !slices.Equal(keys, want) {
					t.Errorf("after sorting %s by column %d, the rows are not in order", dir, tc.sortCol)
				}
				if got := sizes(); !slices.Equal(got, runs) {
					t.Errorf("after sorting %s, the runs hold %v rows, want %v", dir, got, runs)
				}
				if n := visibleRows(t, ctx, tc.table); n != shown {
					t.Errorf("after sorting %s, %d rows shown, want %d", dir, n, shown)
				}
			}
			rec.check(t)
		})
	}
}

// TestLongSearchList: the search page's list of every report, which shows
// until the index has loaded (and always without JavaScript), comes in
// lists of 256 past 1,000 reports, each laid out only near the screen.
func TestLongSearchList(t *testing.T) {
	needBrowser(t)
	base, _ := perfSite(t)
	ctx, rec := newTab(t, base)
	if err := load(ctx, rec, base+"search/"); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () {
		var lists = document.querySelectorAll(".search-all.lazy .search-all-list"), n = 0;
		lists.forEach(function (l) { n += l.children.length; });
		return [String(lists.length), String(n), lists.length > 1 ? getComputedStyle(lists[1]).contentVisibility : ""];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{fmt.Sprint((perfReports + 255) / 256), fmt.Sprint(perfReports), "auto"}; !slices.Equal(got, want) {
		t.Errorf("lists, reports listed and content-visibility are %v, want %v", got, want)
	}
	rec.check(t)
}
