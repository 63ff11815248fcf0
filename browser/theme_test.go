package browser

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// command runs one DevTools command in the tab, ignoring its answer.
func command[P, R any](c cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, c, params)
		return err
	})
}

// emulateScheme makes the tab report prefers-color-scheme: scheme, as a
// reader's system setting does. It holds for later navigations of the tab.
func emulateScheme(scheme string) chromedp.Action[chromedp.Void] {
	return command(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
}

var rgbRE = regexp.MustCompile(`^rgba?\((\d+(?:\.\d+)?),? (\d+(?:\.\d+)?),? (\d+(?:\.\d+)?)`)

// bodyLuminance is the WCAG relative luminance of the page's background:
// 0 is black, 1 is white.
func bodyLuminance(ctx context.Context) (float64, string, error) {
	color, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if err != nil {
		return 0, "", err
	}
	m := rgbRE.FindStringSubmatch(color)
	if m == nil {
		return 0, color, fmt.Errorf("body background %q: not an rgb() colour", color)
	}
	var lin [3]float64
	for i := range lin {
		v, _ := strconv.ParseFloat(m[i+1], 64)
		v /= 255
		if v <= 0.04045 {
			lin[i] = v / 12.92
		} else {
			lin[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*lin[0] + 0.7152*lin[1] + 0.0722*lin[2], color, nil
}

// dataTheme is the reader's choice as theme.js and hindsight.js set it on
// <html>: "", "light" or "dark".
func dataTheme(ctx context.Context) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dataset.theme || ""`))
}

// wantScheme fails t unless the page's background is dark (luminance
// below 0.2) or light (above 0.5), as scheme says.
func wantScheme(t *testing.T, ctx context.Context, scheme, when string) {
	t.Helper()
	l, color, err := bodyLuminance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if dark := l < 0.2; (scheme == "dark") != dark || (scheme == "light" && l <= 0.5) {
		t.Errorf("%s: body background %s (luminance %.2f), want %s", when, color, l, scheme)
	}
}

// TestDarkMode checks that the site follows the system colour scheme, and
// that the toggle overrides it and is remembered across page loads.
func TestDarkMode(t *testing.T) {
	needBrowser(t)
	_, base := exampleSite(t)

	for _, scheme := range []string{"light", "dark"} {
		t.Run("system-"+scheme, func(t *testing.T) {
			t.Parallel()
			ctx, rec := newTab(t, base)
			if err := chromedp.Do(ctx, emulateScheme(scheme)); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"", exampleReport} {
				if err := load(ctx, rec, base+p); err != nil {
					t.Fatal(err)
				}
				wantScheme(t, ctx, scheme, "/"+p)
				if th, err := dataTheme(ctx); err != nil || th != "" {
					t.Errorf("/%s: data-theme %q (%v), want none: no choice was made", p, th, err)
				}
			}
			rec.check(t)
		})
	}

	t.Run("toggle", func(t *testing.T) {
		t.Parallel()
		ctx, rec := newTab(t, base)
		if err := chromedp.Do(ctx, emulateScheme("light")); err != nil {
			t.Fatal(err)
		}
		if err := load(ctx, rec, base); err != nil {
			t.Fatal(err)
		}
		wantScheme(t, ctx, "light", "before the toggle")

		// Each click flips the scheme; the choice holds after a reload
		// and on the next page, since theme.js reads it from
		// localStorage before the page paints.
		for _, want := range []string{"dark", "light"} {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".theme-toggle"))); err != nil {
				t.Fatal(err)
			}
			for _, step := range []string{"after the click", "after a reload", "on the next page"} {
				switch step {
				case "after a reload":
					if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
						t.Fatal(err)
					}
					if err := rec.settle(ctx); err != nil {
						t.Fatal(err)
					}
				case "on the next page":
					if err := load(ctx, rec, base+"incidents/"); err != nil {
						t.Fatal(err)
					}
				}
				th, err := dataTheme(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if th != want {
					t.Errorf("%s to %s: data-theme %q", step, want, th)
				}
				wantScheme(t, ctx, want, step+" to "+want)
			}
			stored, err := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem("hindsight-theme") || ""`))
			if err != nil || stored != want {
				t.Errorf("localStorage hindsight-theme = %q (%v), want %q", stored, err, want)
			}
			// The button names what it will do next, for screen readers.
			label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".theme-toggle").getAttribute("aria-label") || ""`))
			other := map[string]string{"dark": "light", "light": "dark"}[want]
			if err != nil || label != "Switch to "+other+" colour scheme" {
				t.Errorf("toggle label %q (%v) in %s mode", label, err, want)
			}
			if err := load(ctx, rec, base); err != nil {
				t.Fatal(err)
			}
		}
		rec.check(t)
	})
}
