package browser

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// screenshotWidth is the width of the README's screenshots, in CSS pixels
// at scale 1: a common laptop window.
const screenshotWidth = 1280

// fullPage captures the whole page, not only the viewport, as a PNG.
func fullPage() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		h := math.Ceil(m.CSSContentSize.Height)
		beyond := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			Clip:                  &page.Viewport{Width: screenshotWidth, Height: h, Scale: 1},
			CaptureBeyondViewport: &beyond,
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}
}

// TestScreenshots writes testdata/screenshots/*.png of the main pages
// (the home page one is in the README). It runs only when asked with
// -screenshots, so a test run never changes the tree.
func TestScreenshots(t *testing.T) {
	if !*writeScreenshots {
		t.Skip("run with -screenshots to write testdata/screenshots/*.png")
	}
	needBrowser(t)
	dir, base := exampleSite(t)
	out := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := []struct{ file, path, scheme string }{
		{"home.png", "", "light"},
		{"home-dark.png", "", "dark"},
		{"report.png", exampleReport, "light"},
		{"actions.png", "actions/", "light"},
		{"metrics.png", "metrics/", "light"},
	}
	for _, s := range shots {
		t.Run(s.file, func(t *testing.T) {
			if s.path != "" && !hasPage(dir, s.path) {
				t.Skipf("the site has no %s page yet", s.path)
			}
			ctx, rec := newTab(t, base)
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(screenshotWidth, 900),
				emulateScheme(s.scheme)); err != nil {
				t.Fatal(err)
			}
			if err := load(ctx, rec, base+s.path); err != nil {
				t.Fatal(err)
			}
			png, err := chromedp.Run(ctx, fullPage())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, s.file), png, 0o644); err != nil {
				t.Fatal(err)
			}
			rec.check(t)
		})
	}
}
