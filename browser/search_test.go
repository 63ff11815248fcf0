package browser

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// searchWord occurs only in the body of INC-2025-10-08-001 (a column name
// in its root cause), not in its title, summary, services or tags: a hit
// comes from the index's body words.
const searchWord = "tour_availability"

// timingProbe records, for every key typed into the search box, the time
// from the keypress to the results list changing (DevTools sends keydown
// and the character as two commands, so keydown would time the protocol). A MutationObserver's
// callback runs right after the input handler that changed the list, so
// this is the time a reader waits, short of painting.
const timingProbe = `(function () {
  window.__searchTimes = [];
  var t0 = null;
  document.getElementById("search-q").addEventListener("keypress", function () { t0 = performance.now(); }, true);
  new MutationObserver(function () {
    if (t0 !== null) { window.__searchTimes.push(performance.now() - t0); t0 = null; }
  }).observe(document.getElementById("search-results"), { childList: true });
})()`

// searchReady waits for the index to load: the plain list gives way to
// the results.
func searchReady(t *testing.T, ctx context.Context) {
	t.Helper()
	waitFor(t, ctx, 10*time.Second, "search index", func() bool {
		ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`!!document.querySelector(".search-all") && document.querySelector(".search-all").hidden && document.querySelectorAll("#search-results li").length > 0`))
		return ok
	})
}

// results lists the IDs of the results shown, in order.
func results(t *testing.T, ctx context.Context) []string {
	t.Helper()
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.prototype.map.call(document.querySelectorAll("#search-results .r-id"), function (e) { return e.textContent; })`))
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestSearch(t *testing.T) {
	needBrowser(t)
	dir, base := exampleSite(t)
	if !hasPage(dir, "search/") {
		t.Fatal("the example site has no search page")
	}
	ctx, rec := newTab(t, base)
	if err := load(ctx, rec, base+"search/"); err != nil {
		t.Fatal(err)
	}
	searchReady(t, ctx)
	all := len(results(t, ctx))

	// Typing a body-only word finds its report first, highlighted.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](timingProbe),
		chromedp.SendKeys(chromedp.CSS("#search-q"), searchWord)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, 5*time.Second, "INC-2025-10-08-001 first", func() bool {
		ids := results(t, ctx)
		return len(ids) > 0 && ids[0] == "INC-2025-10-08-001"
	})
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.prototype.map.call(document.querySelectorAll("#search-results li:first-child mark"), function (m) { return m.textContent; })`))
	if err != nil {
		t.Fatal(err)
	}
	if len(marks) == 0 || !strings.EqualFold(marks[0], searchWord) {
		t.Errorf("first result marks %q, want %q", marks, searchWord)
	}
	times, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`window.__searchTimes`))
	if err != nil {
		t.Fatal(err)
	}
	if len(times) == 0 {
		t.Fatal("no keypress changed the results")
	}
	// Every keypress but one must render its results within 50 ms: on
	// these shared 2-core machines a single one is now and then held up
	// by garbage collection or the scheduler (seen once in ten runs, at
	// ~60 ms), which is no property of the search.
	sorted := slices.Sorted(slices.Values(times))
	worst, second := sorted[len(sorted)-1], sorted[max(0, len(sorted)-2)]
	t.Logf("keypress to results: %d keys, median %.1f ms, worst %.1f ms, all %.1f", len(times), sorted[len(sorted)/2], worst, times)
	if second >= 50 || worst >= 200 {
		t.Errorf("results took %.1f ms (and %.1f ms) after a keypress, want < 50 ms", worst, second)
	}

	// Esc clears the query: every report again.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, 5*time.Second, "all reports after Esc", func() bool { return len(results(t, ctx)) == all })

	// A facet narrows the results, and the URL keeps it across a reload.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.search-facets input[name="sev"][value="P0"]`))); err != nil {
		t.Fatal(err)
	}
	var narrowed []string
	waitFor(t, ctx, 5*time.Second, "narrowed results", func() bool {
		narrowed = results(t, ctx)
		return len(narrowed) > 0 && len(narrowed) < all
	})
	sevs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.prototype.map.call(document.querySelectorAll("#search-results .badge.sev"), function (e) { return e.textContent; })`))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sevs {
		if s != "P0" {
			t.Errorf("severity facet P0 shows a %s report", s)
		}
	}
	var loc string
	waitFor(t, ctx, 5*time.Second, "the facet in the URL", func() bool {
		loc, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
		return strings.Contains(loc, "sev=P0")
	})
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := rec.settle(ctx); err != nil {
		t.Fatal(err)
	}
	searchReady(t, ctx)
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('.search-facets input[name="sev"][value="P0"]').checked`))
	if err != nil {
		t.Fatal(err)
	}
	if got := results(t, ctx); !checked || strings.Join(got, " ") != strings.Join(narrowed, " ") {
		t.Errorf("after a reload: facet checked %v, results %q, want %q", checked, got, narrowed)
	}

	// ↓ then Enter opens the first result.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#search-q")),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, 5*time.Second, "the first result's page", func() bool {
		p, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
		return strings.HasPrefix(p, "/incidents/"+narrowed[0])
	})
	rec.check(t)
}

// TestHeaderSearch types into the header box of another page: Enter goes
// to the search page with the query.
func TestHeaderSearch(t *testing.T) {
	needBrowser(t)
	_, base := exampleSite(t)
	ctx, rec := newTab(t, base)
	if err := load(ctx, rec, base+"incidents/"); err != nil {
		t.Fatal(err)
	}
	// "/" from the page focuses the box.
	// DevTools sends a key's keydown and its character as two commands,
	// so a cancelled keydown would still type "/": the keydown alone is
	// sent, as the page sees it.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`document.body.dispatchEvent(new KeyboardEvent("keydown", {key: "/", bubbles: true, cancelable: true}))`)); err != nil {
		t.Fatal(err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className`))
	if err != nil {
		t.Fatal(err)
	}
	if focused != "search-box" {
		t.Fatalf("after /, the focus is on %q, want the header search box", focused)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(searchWord+kb.Enter)); err != nil {
		t.Fatal(err)
	}
	var at string
	waitFor(t, ctx, 5*time.Second, "the search page", func() bool {
		at, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
		return at == "/search/?q="+searchWord
	})
	if err := rec.settle(ctx); err != nil {
		t.Fatal(err)
	}
	searchReady(t, ctx)
	if ids := results(t, ctx); len(ids) == 0 || ids[0] != "INC-2025-10-08-001" {
		t.Errorf("results %q, want INC-2025-10-08-001 first", ids)
	}
	rec.check(t)
}
