package browser

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/config"
)

// perfReports is the size of the synthetic site TestSearchLatency builds:
// large enough that a search which scans every report shows in the
// numbers, small enough to build in a few seconds.
const perfReports = 3000

// perfWord occurs in the body of one synthetic report only.
const perfWord = "quetzalcoatl_ledger"

// perfVocab is the synthetic reports' words: few and common, so that
// short prefixes and common words match most of the site, the worst case
// for drawing results.
var perfVocab = strings.Fields(`api booking payments deploy deployment rollback database schema
	migration errors alert alerts monitoring staging production server service customers requests
	latency timeout cache queue worker certificate dns config table index replica failover capacity
	the and was were after before during while because from into with restored changed failed
	returned watched signal team reports support first back only change happened detected earlier`)

var perfServices = []string{"api-gateway", "booking-api", "payments", "search", "email", "cdn", "database", "auth", "reporting", "tours"}

// writePerfReports writes n reports to dir/docs/incident-reports, with
// words drawn from perfVocab, one of them (the middle one) holding
// perfWord in its root cause only. It returns that report's ID.
func writePerfReports(dir string, n int) (string, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = perfVocab[rng.IntN(len(perfVocab))]
		}
		return strings.Join(ws, " ")
	}
	start := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC)
	var special string
	perDay := map[string]int{}
	for i := range n {
		s := start.Add(time.Duration(i) * 17 * time.Hour)
		day := s.Format("2006-01-02")
		perDay[day]++
		id := fmt.Sprintf("INC-%s-%03d", day, perDay[day])
		cause := words(40)
		if i == n/2 {
			special = id
			cause += " The column " + perfWord + " had no default."
		}
		var b strings.Builder
		title := words(6)
		fmt.Fprintf(&b, "---\nid: %s\ntitle: %q\nseverity: P%d\nstatus: final\n", id, strings.ToUpper(title[:1])+title[1:], i%4)
		fmt.Fprintf(&b, "started: %s\ndetected: %s\nresolved: %s\n", s.Format(time.RFC3339), s.Add(15*time.Minute).Format(time.RFC3339), s.Add(2*time.Hour).Format(time.RFC3339))
		fmt.Fprintf(&b, "services: [%s, %s]\ntags: [tag-%d]\n", perfServices[i%len(perfServices)], perfServices[(i/3)%len(perfServices)], i%7)
		fmt.Fprintf(&b, "action_items:\n  - title: %q\n    owner: Team %d\n    due: %s\n    status: done\n    priority: P2\n", words(5), i%9, s.AddDate(0, 0, 14).Format("2006-01-02"))
		fmt.Fprintf(&b, "---\n\n## Executive Summary\n\n%s.\n\n## Root Cause Analysis\n\n%s.\n\n## What Went Well\n\n- %s\n\n## Lessons Learned\n\n- %s\n",
			words(45), cause, words(12), words(10))
		p := filepath.Join(dir, "docs", "incident-reports", s.Format("2006"), id+".md")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			return "", err
		}
	}
	return special, nil
}

// The synthetic site is built and served once for the tests that use it.
var (
	perfOnce    sync.Once
	perfURL     string // its address, ending in "/"
	perfSpecial string // the report holding perfWord
	perfErr     error
)

// perfSite builds and serves a site of perfReports synthetic reports, or
// serves the built site in $HINDSIGHT_SEARCH_SITE (to measure a real one
// by hand). It returns the address and the ID of the report holding
// perfWord ("" for a site given by the environment).
func perfSite(t *testing.T) (base, special string) {
	t.Helper()
	perfOnce.Do(func() { perfURL, perfSpecial, perfErr = buildPerfSite(t) })
	if perfErr != nil {
		t.Fatal(perfErr)
	}
	return perfURL, perfSpecial
}

func buildPerfSite(t *testing.T) (base, special string, err error) {
	out := os.Getenv("HINDSIGHT_SEARCH_SITE")
	if out == "" {
		tmp, err := os.MkdirTemp("", "hindsight-search-site-")
		if err != nil {
			return "", "", err
		}
		atExit(func() { os.RemoveAll(tmp) })
		src := filepath.Join(tmp, "src")
		if special, err = writePerfReports(src, perfReports); err != nil {
			return "", "", err
		}
		site, err := config.Default(src)
		if err != nil {
			return "", "", err
		}
		site.BaseURL = ""
		out = filepath.Join(tmp, "site")
		started := time.Now()
		res, err := generator.Build(context.Background(), generator.Config{
			Site: site, Out: out, Now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), CacheDir: "-", NoHistory: true,
		})
		if err != nil {
			return "", "", err
		}
		if res.Reports != perfReports {
			return "", "", fmt.Errorf("built %d reports, want %d", res.Reports, perfReports)
		}
		t.Logf("built %d reports in %s", perfReports, time.Since(started).Round(time.Millisecond))
	}
	srv := httptest.NewServer(staticHost(out))
	atExit(srv.Close)
	return srv.URL + "/", special, nil
}

// latencyProbe measures, in the page, one query: from setting the box's
// value and dispatching an input event to the results being in the DOM
// (the status line, written after the list, changes), to the first
// layout of them (forced by reading a size, as the next frame would),
// and to the end of the next frame, painted (a task posted from the
// frame's animation callback runs after its paint; this one includes the
// wait for the frame, up to 16 ms). It resolves to {dom, layout, frame, n,
// status, first, marked} for the query.
const latencyProbe = `window.__searchOnce = function (q) {
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-results");
  var status = document.querySelector(".search-status");
  return new Promise(function (resolve) {
    var t0, done = false;
    var mo = new MutationObserver(function () {
      if (done) return;
      done = true;
      mo.disconnect();
      var dom = performance.now() - t0;
      void list.offsetHeight;
      var layout = performance.now() - t0;
      var first = list.querySelector(".r-id");
      var r = { dom: dom, layout: layout, n: list.children.length, status: status.textContent, first: first ? first.textContent : "" };
      // Every result drawn shows where each term matched, marked.
      var terms = q.toLowerCase().split(/[^\p{L}\p{N}_.\-]+/u).filter(Boolean);
      r.marked = Array.prototype.every.call(list.children, function (li) {
        var marks = Array.prototype.map.call(li.querySelectorAll("mark"), function (m) { return m.textContent.toLowerCase(); });
        return terms.every(function (t) { return marks.indexOf(t) >= 0; });
      });
      requestAnimationFrame(function () {
        var ch = new MessageChannel();
        ch.port1.onmessage = function () { r.frame = performance.now() - t0; resolve(r); };
        ch.port2.postMessage(null);
      });
    });
    mo.observe(status, { childList: true, characterData: true, subtree: true });
    t0 = performance.now();
    input.value = q;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
};`

// latency is one measured query.
type latency struct {
	Dom    float64 `json:"dom"`
	Layout float64 `json:"layout"`
	Frame  float64 `json:"frame"`
	N      int     `json:"n"`
	Status string  `json:"status"`
	First  string  `json:"first"`
	Marked bool    `json:"marked"` // every result drawn marks every term
}

func searchOnce(t *testing.T, ctx context.Context, q string) latency {
	t.Helper()
	l, err := chromedp.Run(ctx, chromedp.Evaluate[latency](fmt.Sprintf(`window.__searchOnce(%q)`, q), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return l
}

// perfQueries are broad queries (one or two letters, words in most
// reports) and narrow ones.
var perfQueries = []string{"a", "th", "the", "api", "deploy", "INC-2025", "payments", "zzzz"}

// perfPage opens the search page of the site of perfSite, ready to
// measure; it returns the special report's word as perfSite does.
func perfPage(t *testing.T) (context.Context, *recorder, string) {
	t.Helper()
	needBrowser(t)
	if testing.Short() {
		t.Skip("builds a few thousand reports")
	}
	base, special := perfSite(t)
	ctx, rec := newTab(t, base)
	if err := load(ctx, rec, base+"search/"); err != nil {
		t.Fatal(err)
	}
	searchReady(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](latencyProbe)); err != nil {
		t.Fatal(err)
	}
	return ctx, rec, special
}

// TestSearchLatency builds a site of a few thousand reports and measures
// how long the search page takes to show results: for each query typed
// into an empty box, and for each keypress of a word typed letter by
// letter. The times are logged, not asserted (a shared machine's
// scheduler would make a timed assertion flaky); what is asserted is that
// every query shows the right results.
func TestSearchLatency(t *testing.T) {
	ctx, rec, special := perfPage(t)
	const rounds = 7
	// stats is the median and the worst of one measure.
	stats := func(ls []latency, of func(latency) float64) (median, worst float64) {
		xs := make([]float64, len(ls))
		for i, l := range ls {
			xs[i] = of(l)
		}
		slices.Sort(xs)
		return xs[len(xs)/2], xs[len(xs)-1]
	}
	report := func(what string, ls []latency, status string) {
		dm, dw := stats(ls, func(l latency) float64 { return l.Dom })
		lm, lw := stats(ls, func(l latency) float64 { return l.Layout })
		fm, fw := stats(ls, func(l latency) float64 { return l.Frame })
		t.Logf("%-20s in DOM %5.1f ms (worst %5.1f), laid out %5.1f (%5.1f), painted %5.1f (%5.1f): %s",
			what, dm, dw, lm, lw, fm, fw, status)
	}
	if all := searchOnce(t, ctx, ""); all.N == 0 {
		t.Fatal("an empty query shows no reports")
	}
	queries := perfQueries
	if special != "" {
		queries = append(queries, perfWord)
	}
	for _, q := range queries {
		var ls []latency
		for range rounds {
			searchOnce(t, ctx, "")
			ls = append(ls, searchOnce(t, ctx, q))
		}
		l := ls[0]
		report(fmt.Sprintf("%q", q), ls, l.Status)
		if !l.Marked {
			t.Errorf("%q: a result does not mark where it matched", q)
		}
		switch {
		case q == "zzzz":
			if l.N != 0 {
				t.Errorf("%q shows %d results, want none", q, l.N)
			}
		case q == perfWord:
			if l.N != 1 || l.First != special {
				t.Errorf("%q shows %d results, %q first, want %s alone", q, l.N, l.First, special)
			}
		default:
			if l.N == 0 {
				t.Errorf("%q shows no results (status %q)", q, l.Status)
			}
		}
	}
	// Typing letter by letter: each keypress extends the last query.
	for _, word := range []string{"deploy", "payments", "the api"} {
		var ls []latency
		for range rounds {
			searchOnce(t, ctx, "")
			for i := 1; i <= len(word); i++ {
				ls = append(ls, searchOnce(t, ctx, word[:i]))
			}
		}
		l := ls[len(ls)-1]
		report(fmt.Sprintf("typing %q", word), ls, l.Status)
		if l.N == 0 {
			t.Errorf("typing %q shows no results", word)
		}
		for _, l := range ls {
			if !l.Marked {
				t.Errorf("typing %q: a result does not mark where it matched (status %q)", word, l.Status)
				break
			}
		}
	}
	rec.check(t)
}

// TestSearchMore checks that the results past the first batch are drawn
// on demand: by the button below the list, by scrolling near it, and by
// moving down past the last result drawn.
func TestSearchMore(t *testing.T) {
	ctx, rec, _ := perfPage(t)
	count := func() int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#search-results li").length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	l := searchOnce(t, ctx, "a")
	if l.N != 20 {
		t.Fatalf(`"a" draws %d results at first, want 20 (status %q)`, l.N, l.Status)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".search-more button"))); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 40 {
		t.Errorf("after the button, %d results are drawn, want 40", n)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, 5*time.Second, "more results after scrolling to the end", func() bool { return count() > 40 })

	// ↓ past the last result drawn draws the next ones (and scrolling
	// to the result may draw more).
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
		t.Fatal(err)
	}
	searchOnce(t, ctx, "")
	if l := searchOnce(t, ctx, "api"); l.N != 20 {
		t.Fatalf(`"api" draws %d results at first, want 20`, l.N)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#search-q"))); err != nil {
		t.Fatal(err)
	}
	for range 21 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
			t.Fatal(err)
		}
	}
	cur, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#search-results li[aria-current="true"]') || {id: ""}).id`))
	if err != nil {
		t.Fatal(err)
	}
	if n := count(); cur != "sr-20" || n < 40 {
		t.Errorf("after 21 × ↓: %q is current and %d results are drawn, want sr-20 and at least 40", cur, n)
	}
	rec.check(t)
}
