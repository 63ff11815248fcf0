package browser

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// viewport sets the tab's layout viewport to width by 900 CSS pixels.
func viewport(width int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: 900, DeviceScaleFactor: 1,
		})
		return err
	})
}

// bodySizes is the number of rows in each tbody of the dashboard's table.
func bodySizes(t *testing.T, ctx context.Context) []int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](
		`Array.prototype.map.call(document.getElementById("items").tBodies, function (b) { return b.rows.length; })`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestActionTableRuns: the dashboard's table of every action item comes
// in runs of rows, one tbody each, and past 1,000 rows a browser lays out
// only the runs near the screen. The runs line up as one table, and
// sorting and filtering treat them as one.
func TestActionTableRuns(t *testing.T) {
	needBrowser(t)
	base, _ := perfSite(t)
	ctx, rec := newTab(t, base)
	if err := chromedp.Do(ctx, viewport(1280)); err != nil {
		t.Fatal(err)
	}
	if err := load(ctx, rec, base+"actions/"); err != nil {
		t.Fatal(err)
	}
	sizes := bodySizes(t, ctx)
	total := 0
	for _, n := range sizes {
		total += n
	}
	if len(sizes) < 2 || total != perfReports {
		t.Fatalf("action table has %d rows in %d bodies, want %d rows in several", total, len(sizes), perfReports)
	}

	// A table this long is laid out a run at a time.
	lazy, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`getComputedStyle(document.getElementById("items").tBodies[1]).contentVisibility`))
	if err != nil {
		t.Fatal(err)
	}
	if lazy != "auto" {
		t.Errorf("the runs of a table of %d rows have content-visibility %q, want auto", total, lazy)
	}

	// Every column starts and ends at the same place in the header, the
	// first run and the last.
	cols, err := chromedp.Run(ctx, chromedp.Evaluate[[][]int](`(function () {
		var t = document.getElementById("items");
		var rows = [t.tHead.rows[0], t.tBodies[0].rows[0], t.tBodies[t.tBodies.length - 1].rows[0]];
		return rows.map(function (r) {
			return Array.prototype.map.call(r.cells, function (c) { var b = c.getBoundingClientRect(); return [Math.round(b.left), Math.round(b.right)]; }).flat();
		});
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 3 || len(cols[0]) != 14 || !slices.Equal(cols[0], cols[1]) || !slices.Equal(cols[0], cols[2]) {
		t.Errorf("columns of the header, first run and last run do not line up: %v", cols)
	}

	// A filter hides rows in every run, and the runs left with none.
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#items-owner, .filters [name='owner']"), "team-3"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(".filters [name='owner']").dispatchEvent(new Event("change", {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	var shown int
	waitFor(t, ctx, 5*time.Second, "fewer rows", func() bool {
		shown = visibleRows(t, ctx, "items")
		return shown > 0 && shown < total
	})
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var t = document.getElementById("items"), bad = [];
		Array.prototype.forEach.call(t.tBodies, function (b, i) {
			var any = false;
			Array.prototype.forEach.call(b.rows, function (r) {
				if (r.hidden) return;
				any = true;
				if (r.getAttribute("data-owner") !== "team-3") bad.push("row of " + r.getAttribute("data-owner") + " shown");
			});
			if (b.hidden === any) bad.push("run " + i + (any ? " hidden with rows shown" : " shown with no rows"));
		});
		var more = bad.length > 3 ? "; and " + (bad.length - 3) + " more" : "";
		return bad.slice(0, 3).join("; ") + more + "|" + document.querySelector(".filter-count").textContent;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	bad, count, _ := strings.Cut(state, "|")
	if bad != "" {
		t.Error(bad)
	}
	if want := fmt.Sprintf("Showing %d of %d action items", shown, total); count != want {
		t.Errorf("filter count %q, want %q", count, want)
	}

	// Sorting orders the rows across all runs; each run keeps its size.
	for _, dir := range []string{"ascending", "descending"} {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
			`document.querySelector("#items th[data-key='due'] button").click()`)); err != nil {
			t.Fatal(err)
		}
		dues, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () {
			var out = [];
			Array.prototype.forEach.call(document.getElementById("items").tBodies, function (b) {
				Array.prototype.forEach.call(b.rows, function (r) { out.push(r.cells[2].textContent.trim()); });
			});
			return out;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(dues)
		slices.Sort(want)
		if dir == "descending" {
			slices.Reverse(want)
		}
		if !slices.Equal(dues, want) {
			t.Errorf("after sorting %s by due date, the rows are not in order", dir)
		}
		if got := bodySizes(t, ctx); !slices.Equal(got, sizes) {
			t.Errorf("after sorting %s, the runs hold %v rows, want %v", dir, got, sizes)
		}
		if n := visibleRows(t, ctx, "items"); n != shown {
			t.Errorf("after sorting %s, %d rows shown, want %d", dir, n, shown)
		}
	}
	rec.check(t)
}
