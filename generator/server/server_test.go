package server

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/config"
)

const good = "---\ntitle: Search slow\nseverity: P3\nstarted: 2025-03-01 10:00\n---\nSearch was slow.\n"

// TestServe builds, serves, reloads after an edit, reports a broken
// report as an error event while the last good page keeps being served,
// and stops when its context ends.
func TestServe(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "docs", "incident-reports", "2025")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "INC-2025-03-01-001.md")
	if err := os.WriteFile(report, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	site, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, Config{
			Build: generator.Config{Site: site, NoHistory: true, CacheDir: t.TempDir()},
			Addr:  "127.0.0.1:0",
			Ready: func(u string) { urls <- u },
		})
	}()
	var base string
	select {
	case base = <-urls:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("listening on %s, want loopback", base)
	}

	page := get(t, base+"incidents/INC-2025-03-01-001/")
	if !strings.Contains(page, "Search slow") || !strings.Contains(page, scriptPath) {
		t.Fatalf("report page lacks its title or the reload script:\n%s", page)
	}
	if code := status(t, base+"no/such/page/"); code != http.StatusNotFound {
		t.Errorf("missing page: status %d", code)
	}

	events := subscribe(t, base)
	if err := os.WriteFile(report, []byte(strings.Replace(good, "Search slow", "Search very slow", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	// The edited report's page first, alone; then the full build, which
	// need not reload that page again.
	if ev := next(t, events); ev != "reload only /incidents/INC-2025-03-01-001/" {
		t.Fatalf("event %q after an edit, want a reload of the report page", ev)
	}
	if page := get(t, base+"incidents/INC-2025-03-01-001/"); !strings.Contains(page, "Search very slow") {
		t.Error("edit not shown after reload")
	}
	if ev := next(t, events); ev != "reload except /incidents/INC-2025-03-01-001/" {
		t.Fatalf("event %q after the full build, want a reload of every other page", ev)
	}
	if page := get(t, base+"incidents/"); !strings.Contains(page, "Search very slow") {
		t.Error("edit not shown in the incidents list")
	}

	// A new year folder is watched too.
	newDir := filepath.Join(root, "docs", "incident-reports", "2026")
	if err := os.MkdirAll(newDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, events); ev != "reload " {
		t.Fatalf("event %q after a new folder, want reload", ev)
	}
	if err := os.WriteFile(filepath.Join(newDir, "INC-2026-01-02-001.md"), []byte("---\ntitle: [broken\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, events); !strings.HasPrefix(ev, "error ") {
		t.Fatalf("event %q after a broken report, want error", ev)
	}
	if page := get(t, base+"incidents/INC-2025-03-01-001/"); !strings.Contains(page, "Search very slow") {
		t.Error("last good site not served after a failed build")
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// subscribe opens the event stream and returns the events seen, as
// name, space, data.
func subscribe(t *testing.T, base string) <-chan string {
	t.Helper()
	resp, err := http.Get(base + strings.TrimPrefix(eventsPath, "/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	ch := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		name := ""
		for sc.Scan() {
			l := sc.Text()
			if n, ok := strings.CutPrefix(l, "event: "); ok {
				name = n
			} else if d, ok := strings.CutPrefix(l, "data: "); ok && name != "" {
				ch <- name + " " + d
				name = ""
			}
		}
		close(ch)
	}()
	return ch
}

func next(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(20 * time.Second):
		t.Fatal("no event")
		return ""
	}
}
