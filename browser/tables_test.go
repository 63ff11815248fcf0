package browser

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// visibleRows counts the rows of a table that a filter has not hidden.
func visibleRows(t *testing.T, ctx context.Context, table string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`Array.prototype.filter.call(document.querySelectorAll("#`+table+` tbody tr"), function (r) { return !r.hidden; }).length`))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTableFilter: the incidents table filter narrows the rows, the URL
// keeps it, and a reload shows the same rows.
func TestTableFilter(t *testing.T) {
	needBrowser(t)
	_, base := exampleSite(t)
	ctx, rec := newTab(t, base)
	if err := load(ctx, rec, base+"incidents/"); err != nil {
		t.Fatal(err)
	}
	all := visibleRows(t, ctx, "incident-list")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#f-severity"), "P0"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-severity").dispatchEvent(new Event("change", {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	var p0 int
	waitFor(t, ctx, 5*time.Second, "fewer rows", func() bool {
		p0 = visibleRows(t, ctx, "incident-list")
		return p0 > 0 && p0 < all
	})
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(href, "severity=P0") {
		t.Fatalf("URL query %q does not keep the filter", href)
	}
	if err := load(ctx, rec, base+"incidents/"+href); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, 5*time.Second, "the same rows after a reload", func() bool {
		return visibleRows(t, ctx, "incident-list") == p0
	})
	rec.check(t)
}
