package browser

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/server"
)

// The reports the live-reload site is made of: two plain examples.
var reloadReports = []string{
	"2024/INC-2024-02-14-001-expired-api-tls-certificate.md",
	"2024/INC-2024-05-20-001-runaway-availability-sync-cron.md",
}

var titleRE = regexp.MustCompile(`(?m)^title: .*$`)

// TestLiveReload runs `hindsight serve` on a small copy of the examples,
// opens a report, edits its title on disk and waits for the open page to
// show the new title by itself; then breaks the report and waits for the
// error overlay over the last good page.
func TestLiveReload(t *testing.T) {
	needBrowser(t)

	root := t.TempDir()
	// A config of its own, so that no hindsight.yaml above the temporary
	// folder is picked up.
	if err := os.WriteFile(filepath.Join(root, "hindsight.yaml"), []byte("title: Live reload\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, r := range reloadReports {
		b, err := os.ReadFile(filepath.Join("..", "docs", "incident-reports", r))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(root, "docs", "incident-reports", r)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	site, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}

	base := serve(t, server.Config{Build: generator.Config{
		Site: site, NoHistory: true, CacheDir: "-",
		Now: time.Date(2026, 11, 27, 12, 0, 0, 0, site.Location),
	}}, pageTimeout)

	tab, rec := newTab(t, base)
	// The page must be listening before the edit, or it misses the
	// reload: wait for the event stream's response headers.
	streaming := make(chan struct{})
	if err := chromedp.Listen(tab, func(ev any) {
		if ev, ok := ev.(*network.EventResponseReceived); ok && strings.HasSuffix(ev.Response.URL, "/_hindsight/events") {
			select {
			case <-streaming:
			default:
				close(streaming)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	page := base + "incidents/INC-2024-02-14-001/"
	if err := load(tab, rec, page); err != nil {
		t.Fatal(err)
	}
	select {
	case <-streaming:
	case <-tab.Done():
		t.Fatal("the page did not open the event stream")
	}
	h1 := heading(t, tab)
	if !strings.Contains(h1, "Expired TLS certificate") {
		t.Fatalf("h1 %q before the edit", h1)
	}

	file := filepath.Join(root, "docs", "incident-reports", reloadReports[0])
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const newTitle = "Certificate expiry found by a browser test"
	edited := titleRE.ReplaceAll(body, []byte("title: "+newTitle))
	if err := os.WriteFile(file, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	// The test never navigates: only reload.js can bring the new title.
	waitFor(t, tab, 10*time.Second, "the new title in the h1", func() bool {
		return strings.Contains(heading(nil, tab), newTitle)
	})
	nav, err := chromedp.Run(tab, chromedp.Evaluate[string](`performance.getEntriesByType("navigation")[0].type`))
	if err != nil || nav != "reload" {
		t.Errorf("navigation type %q (%v), want reload: the page did not reload itself", nav, err)
	}
	if err := rec.settle(tab); err != nil {
		t.Fatal(err)
	}
	rec.check(t)

	// Invalid YAML fails the build: the page keeps the last good site
	// and shows the error over it, naming the file.
	if err := os.WriteFile(file, []byte("---\ntitle: [broken\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var alert string
	waitFor(t, tab, 10*time.Second, "the error overlay", func() bool {
		alert, _ = chromedp.Run(tab, chromedp.Evaluate[string](
			`(document.querySelector("[role=alert]") || {textContent: ""}).textContent`))
		return alert != ""
	})
	if !strings.Contains(alert, "last build failed") || !strings.Contains(alert, filepath.Base(file)) {
		t.Errorf("overlay %q: want the failure and the file name", alert)
	}
	if h1 := heading(t, tab); !strings.Contains(h1, newTitle) {
		t.Errorf("h1 %q under the overlay, want the last good page", h1)
	}
	rec.check(t)
}

// serve runs the preview server on a free loopback port until the test
// ends and returns its URL once it has built the site (within limit).
func serve(t *testing.T, cfg server.Config, limit time.Duration) string {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	cfg.Addr = "127.0.0.1:0"
	cfg.Ready = func(u string) { urls <- u }
	go func() { done <- server.Serve(ctx, cfg) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	select {
	case base := <-urls:
		return base
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(limit):
		t.Fatal("serve did not start")
	}
	return ""
}
