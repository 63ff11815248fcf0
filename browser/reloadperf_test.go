package browser

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/server"
)

var idRE = regexp.MustCompile(`(?m)^id: *(\S+)`)

// logLines passes on the lines of the preview server's log that end a
// build.
type logLines struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			return len(p), nil
		}
		// Only the lines that end a build: a large site's diagnostics
		// would fill the channel.
		if strings.HasPrefix(line, "built ") || strings.HasPrefix(line, "build failed") {
			l.lines <- strings.TrimSpace(line)
		}
	}
}

// TestReloadLatency measures how long after a report is saved the page
// open in Chromium shows the change: from the write to the reloaded
// page's DOMContentLoaded, by the page's own clock. It runs `serve` on
// the repository in HINDSIGHT_RELOAD_CORPUS (one made by mkcorpus, such
// as scripts/bench.sh's corpus-10000; its report is restored after) or
// on a copy of the examples, and logs the times; it asserts only that
// every edit is shown.
func TestReloadLatency(t *testing.T) {
	needBrowser(t)
	root := os.Getenv("HINDSIGHT_RELOAD_CORPUS")
	if root == "" {
		root = t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "hindsight.yaml"), []byte("title: Reload latency\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(filepath.Join(root, "docs", "incident-reports"), os.DirFS(filepath.Join("..", "docs", "incident-reports"))); err != nil {
			t.Fatal(err)
		}
	}
	site, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	_ = filepath.WalkDir(site.ReportsPath(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	var file, id string
	var orig []byte
	for _, f := range files[len(files)/2:] {
		b, err := os.ReadFile(f)
		if m := idRE.FindSubmatch(b); err == nil && m != nil && titleRE.Match(b) {
			file, id, orig = f, string(m[1]), b
			break
		}
	}
	if file == "" {
		t.Fatal("no report with an id and a title line")
	}
	t.Cleanup(func() { os.WriteFile(file, orig, 0o644) })

	log := &logLines{lines: make(chan string, 64)}
	base := serve(t, server.Config{
		Build: generator.Config{Site: site, CacheDir: t.TempDir(), Now: time.Date(2026, 11, 27, 12, 0, 0, 0, site.Location)},
		Log:   log,
	}, 5*time.Minute)
	// built waits for the end of the full build that follows an edit, so
	// that each edit is measured from an idle server.
	built := func() {
		t.Helper()
		deadline := time.After(5 * time.Minute)
		for {
			select {
			case l := <-log.lines:
				if strings.HasPrefix(l, "built ") || strings.HasPrefix(l, "build failed") {
					return
				}
			case <-deadline:
				t.Fatal("no build finished")
			}
		}
	}

	built() // the first build
	tab, rec := newTab(t, base)
	streaming := make(chan struct{}, 1)
	if err := chromedp.Listen(tab, func(ev any) {
		if ev, ok := ev.(*network.EventResponseReceived); ok && strings.HasSuffix(ev.Response.URL, "/_hindsight/events") {
			select {
			case streaming <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	page := base + "incidents/" + id + "/"
	if err := load(tab, rec, page); err != nil {
		t.Fatal(err)
	}
	var took []time.Duration
	for i := range 5 {
		select {
		case <-streaming:
		case <-time.After(pageTimeout):
			t.Fatal("the page did not open the event stream")
		}
		marker := fmt.Sprintf("Reload probe %d", i)
		edited := titleRE.ReplaceAll(orig, []byte("title: "+marker))
		start := time.Now()
		if err := os.WriteFile(file, edited, 0o644); err != nil {
			t.Fatal(err)
		}
		waitFor(t, tab, time.Minute, "the edit on the page", func() bool {
			return strings.Contains(heading(nil, tab), marker)
		})
		shown, err := chromedp.Run(tab, chromedp.Evaluate[float64](
			`performance.timeOrigin + performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd`))
		if err != nil {
			t.Fatal(err)
		}
		took = append(took, time.Duration((shown-float64(start.UnixMicro())/1000)*float64(time.Millisecond)))
		built()
	}
	slices.Sort(took)
	t.Logf("%d reports: save to page shown: median %s, all %v", len(files), took[len(took)/2].Round(time.Millisecond), took)
}
