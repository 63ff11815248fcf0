package browser

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPages loads one page of every type the example site has, found from
// the built files, and fails on any console error, uncaught exception,
// failed or error response, or request to another host.
func TestPages(t *testing.T) {
	needBrowser(t)
	dir, base := exampleSite(t)
	kinds := pageKinds(t, dir)

	// The page types every site has; the others are tested when present.
	have := map[string]bool{}
	for _, k := range kinds {
		have[k.name] = true
	}
	for _, want := range []string{"home", "incidents", "incidents/YYYY", "incidents/*", "404"} {
		if !have[want] {
			t.Errorf("the example site has no %s page", want)
		}
	}

	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			ctx, rec := newTab(t, base)
			url := base + k.path
			if k.name == "404" {
				rec.expectStatus(url, http.StatusNotFound)
			}
			if err := load(ctx, rec, url); err != nil {
				t.Fatal(err)
			}
			// A page that loads without errors but renders nothing is
			// no better: it has a title and a main heading.
			title, err := chromedp.Run(ctx, chromedp.Title())
			if err != nil {
				t.Fatal(err)
			}
			if h1 := heading(t, ctx); strings.TrimSpace(title) == "" || h1 == "" {
				t.Errorf("%s: title %q, h1 %q: want both", k.path, title, h1)
			}
			t.Logf("%s: %s", k.path, title)
			rec.check(t)
		})
	}
}
