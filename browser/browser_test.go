package browser

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var writeScreenshots = flag.Bool("screenshots", false, "write full-page PNGs of the main pages to testdata/screenshots")

// pageTimeout bounds the work on one page. It is generous because the race
// detector and a busy 2-core CI machine (go test runs other packages'
// tests beside these) slow Chromium and the test alike: the 3,000-row
// tables of TestLongTables, checked by axe, sorted and filtered, take
// 15 s on an idle machine and over 30 s on a busy one.
const pageTimeout = 2 * time.Minute

// The browser is started once and shared: starting Chromium costs about a
// second, a tab costs milliseconds. Every test opens its own tabs.
var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error

	cleanupMu sync.Mutex
	cleanups  []func() // run by TestMain after all tests, last first
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	cleanupMu.Lock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanupMu.Unlock()
	os.Exit(code)
}

// atExit registers f to run when the whole test binary is done, for what
// the tests share (the browser, the built site, its server).
func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

// unavailable skips the test for want of a tool on a developer's machine,
// but fails it under CI=true: a CI job that silently skips the browser
// tests would report success for tests that never ran.
func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: the browser tests must not be skipped)", msg)
	}
	t.Skip(msg)
}

// chromiumPath finds Debian's chromium, the browser CI installs.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// needBrowser returns the context of the shared, running browser.
func needBrowser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		unavailable(t, "chromium not installed: apt-get install chromium")
	}
	browserOnce.Do(func() { browserCtx, browserErr = startBrowser(path) })
	if browserErr != nil {
		t.Fatal(browserErr)
	}
	return browserCtx
}

func startBrowser(path string) (context.Context, error) {
	dir, err := os.MkdirTemp("", "hindsight-chromium-")
	if err != nil {
		return nil, err
	}
	// The test machines have no network: every flag that stops Chromium
	// from phoning home (updates, sync, QUIC probes) avoids a hang or a
	// slow start. A fresh profile keeps runs independent.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelBrowser()
		cancelAlloc() // waits for the process to end
		os.RemoveAll(dir)
	}
	// The first Do starts the browser, and its context must be the
	// browser's own (a timeout there would end the browser later), so
	// the start is bounded from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = errors.New("no answer in 60 s")
	}
	if err != nil {
		stop()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	atExit(stop)
	return ctx, nil
}

// newTab opens a tab in a browser context of its own (an incognito-like
// profile: no localStorage or cache shared with other tabs) and records
// its events from the first one. The returned context ends after
// pageTimeout; the tab closes when the test ends.
func newTab(t *testing.T, origin string) (context.Context, *recorder) {
	t.Helper()
	rec := newRecorder(origin)
	ctx, cancel := chromedp.NewContext(needBrowser(t),
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(rec.listen))
	t.Cleanup(cancel)
	// The first Do opens the tab, which lives as long as ctx: it must not
	// carry the timeout, so a watchdog bounds it instead.
	watchdog := time.AfterFunc(pageTimeout, cancel)
	err := chromedp.Do(ctx)
	watchdog.Stop()
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, pageTimeout)
	t.Cleanup(cancelT)
	return tctx, rec
}

// recorder collects what goes wrong on a page: console errors, uncaught
// exceptions, failed requests, error responses and requests that leave
// the test server. Its listen method runs on chromedp's read loop, so it
// only records, under a lock.
type recorder struct {
	origin string // "http://127.0.0.1:port": the only host a page may ask

	mu       sync.Mutex
	problems []string
	urls     map[network.RequestID]string
	inflight map[network.RequestID]bool
	last     time.Time      // of the last network event, for settle
	allow    map[string]int // URL → an error status it is meant to answer
}

func newRecorder(origin string) *recorder {
	return &recorder{
		origin:   strings.TrimSuffix(origin, "/"),
		urls:     map[network.RequestID]string{},
		inflight: map[network.RequestID]bool{},
		allow:    map[string]int{},
		last:     time.Now(),
	}
}

// expectStatus lets url answer status without it counting as a problem:
// the 404 page is meant to answer 404.
func (r *recorder) expectStatus(url string, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.allow[url] = status
}

func (r *recorder) addf(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			r.addf("console.%s: %s%s", ev.Type, argsText(ev.Args), stackPlace(ev.StackTrace))
		}
	case *runtime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			r.addf("uncaught exception: %s (%s:%d)", text, d.URL, d.LineNumber+1)
		}
	case *log.EventEntryAdded:
		// The browser's own log: CSP violations, blocked content and the
		// like. Its network entries repeat what the Network events below
		// report with more detail.
		if e := ev.Entry; e != nil && e.Level == log.EntryLevelError && e.Source != log.EntrySourceNetwork {
			r.addf("browser log (%s): %s %s", e.Source, e.Text, e.URL)
		}
	case *network.EventRequestWillBeSent:
		if ev.Request == nil {
			return
		}
		u := ev.Request.URL
		r.urls[ev.RequestID] = u
		if ev.Type == network.ResourceTypeDocument && string(ev.RequestID) == string(ev.LoaderID) {
			// A new page: what the last one still fetched (a favicon,
			// say) ends without an event, and matters no more.
			clear(r.inflight)
		}
		r.last = time.Now()
		if !r.local(u) {
			r.addf("request to another host: %s (the site must work offline)", u)
		}
		// Wait for what the page fetches, but not for an event stream,
		// which never ends, nor for what the browser fetches on its own
		// (the favicon), which can end without an event when the next
		// page starts.
		browserOwn := ev.Type == network.ResourceTypeOther && ev.Initiator != nil && ev.Initiator.Type == network.InitiatorTypeOther
		if ev.Type != network.ResourceTypeEventSource && !browserOwn {
			r.inflight[ev.RequestID] = true
		}
	case *network.EventResponseReceived:
		if res := ev.Response; res != nil && res.Status >= 400 && int64(r.allow[res.URL]) != res.Status {
			r.addf("HTTP %d %s", res.Status, res.URL)
		}
	case *network.EventLoadingFinished:
		delete(r.inflight, ev.RequestID)
		r.last = time.Now()
	case *network.EventLoadingFailed:
		delete(r.inflight, ev.RequestID)
		r.last = time.Now()
		// A reload aborts the page's event stream: that is no failure.
		if ev.Canceled && ev.Type == network.ResourceTypeEventSource {
			return
		}
		r.addf("request failed: %s: %s%s", r.urls[ev.RequestID], ev.ErrorText, blocked(ev))
	}
}

func blocked(ev *network.EventLoadingFailed) string {
	if ev.BlockedReason != "" {
		return " (blocked: " + string(ev.BlockedReason) + ")"
	}
	return ""
}

// local reports whether a page may load u: the test server, or what
// never leaves the browser.
func (r *recorder) local(u string) bool {
	if strings.HasPrefix(u, r.origin+"/") || u == r.origin {
		return true
	}
	for _, scheme := range []string{"data:", "blob:", "about:"} {
		if strings.HasPrefix(u, scheme) {
			return true
		}
	}
	return false
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a == nil {
			continue
		}
		switch {
		case len(a.Value) > 0:
			s := string(a.Value)
			if u, err := strconv.Unquote(s); err == nil {
				s = u
			}
			parts = append(parts, s)
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func stackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d)", f.URL, f.LineNumber+1)
}

// settle waits until the page has had no request in flight for a moment,
// so that what scripts fetch after the load event is checked too.
func (r *recorder) settle(ctx context.Context) error {
	const quiet = 200 * time.Millisecond
	for {
		r.mu.Lock()
		idle := len(r.inflight) == 0 && time.Since(r.last) >= quiet
		var pending []string
		for id := range r.inflight {
			pending = append(pending, r.urls[id])
		}
		r.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("requests still pending: %s: %w", strings.Join(pending, ", "), ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// take returns the problems recorded so far, and forgets them.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	problems := r.problems
	r.problems = nil
	return problems
}

// check fails t with every problem recorded so far, and forgets them.
func (r *recorder) check(t *testing.T) {
	t.Helper()
	for _, p := range r.take() {
		t.Error(p)
	}
}

// load navigates the tab to url, waits for the load event and for the
// network to go quiet.
func load(ctx context.Context, rec *recorder, url string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("load %s: %w", url, err)
	}
	return rec.settle(ctx)
}

// heading is the text of the page's main heading, "" while the page is
// between documents. With t nil it ignores errors, for polling.
func heading(t *testing.T, ctx context.Context) string {
	if t != nil {
		t.Helper()
	}
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(document.querySelector("main h1") || {textContent: ""}).textContent.trim()`))
	if err != nil && t != nil {
		t.Fatal(err)
	}
	return s
}

// waitFor polls cond until it holds, and fails t after limit.
func waitFor(t *testing.T, ctx context.Context, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %s", what, limit)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
