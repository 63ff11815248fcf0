// Package server previews a site while it is written: it builds into a
// temporary folder, serves it on the loopback interface, rebuilds when a
// report, the config or the theme changes, and reloads the browser by
// server-sent events. A failed rebuild keeps the last good site and shows
// the error over the page.
package server

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/site"
)

// DefaultAddr is where serve listens unless told otherwise: loopback
// only, so a draft post-mortem is not shown to the network.
const DefaultAddr = "127.0.0.1:1313"

// Config is a preview server's settings.
type Config struct {
	Build generator.Config
	Addr  string
	Log   io.Writer
	// Ready is called with the site's URL once it is built and listening.
	Ready func(url string)
	// Debounce is how long to wait for more changes before rebuilding.
	Debounce time.Duration
}

//go:embed reload.js
var reloadJS []byte

const eventsPath = "/_hindsight/events"
const scriptPath = "/_hindsight/reload.js"

// Serve builds, serves and rebuilds until ctx is done.
func Serve(ctx context.Context, cfg Config) error {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Debounce == 0 {
		cfg.Debounce = 40 * time.Millisecond
	}
	tmp, err := os.MkdirTemp("", "hindsight-serve-")
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer os.RemoveAll(tmp)
	cfg.Build.Out = filepath.Join(tmp, "site")
	cfg.Build.Force = true
	defer generator.ForgetPages(cfg.Build)

	s := &server{cfg: cfg, dir: cfg.Build.Out, hub: newHub()}
	s.rebuild(ctx, "start", nil)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String() + "/"
	if cfg.Ready != nil {
		cfg.Ready(url)
	}
	fmt.Fprintf(cfg.Log, "serving %s on %s (Ctrl-C to stop)\n", cfg.Build.Site.Title, url)

	w, err := s.watch()
	if err != nil {
		ln.Close()
		return err
	}
	defer w.Close()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go s.loop(ctx, w)

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	s.hub.close()
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	return nil
}

type server struct {
	cfg Config
	dir string
	hub *hub

	mu      sync.Mutex
	lastErr string // the last build error, "" after a good build

	snap *generator.Snapshot // the last good build's, for previews (loop only)
}

// preview shows edited reports at once, before the full build: it
// renders their pages alone and reloads only the pages showing them. It
// returns the pages, or nil when the change needs the full build.
func (s *server) preview(ctx context.Context, changed map[string]bool) []site.Preview {
	var files []string
	reports := s.cfg.Build.Site.ReportsPath() + string(filepath.Separator)
	for p := range changed {
		if !strings.HasPrefix(p, reports) || !strings.EqualFold(filepath.Ext(p), ".md") {
			return nil
		}
		files = append(files, p)
	}
	s.mu.Lock()
	failing := s.lastErr != ""
	s.mu.Unlock()
	if failing {
		return nil
	}
	start := time.Now()
	pages, ok, err := generator.Preview(ctx, s.snap, files)
	if err != nil || !ok {
		return nil
	}
	urls := make([]string, len(pages))
	for i, p := range pages {
		urls[i] = "/" + p.URL
	}
	fmt.Fprintf(s.cfg.Log, "previewed %s in %s\n", strings.Join(urls, " "), time.Since(start).Round(time.Millisecond))
	s.hub.send("reload", "only "+strings.Join(urls, " "))
	return pages
}

// rebuild builds the whole site; pages a preview already showed as the
// build writes them are not reloaded again.
func (s *server) rebuild(ctx context.Context, why string, shown []site.Preview) {
	res, err := generator.Build(ctx, s.cfg.Build)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.lastErr = err.Error()
		fmt.Fprintf(s.cfg.Log, "build failed (%s): %v\n", why, err)
		s.hub.send("error", s.lastErr)
		return
	}
	for _, d := range res.Diagnostics {
		fmt.Fprintf(s.cfg.Log, "%s:%d: %s %s: %s\n", d.Path, max(d.Line, 1), d.Severity, d.Rule, d.Message)
	}
	fmt.Fprintln(s.cfg.Log, res.Summary())
	s.lastErr = ""
	s.snap = res.Snapshot
	var same []string
	for _, p := range shown {
		b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(p.URL), "index.html"))
		if err != nil || !bytes.Equal(b, p.HTML) {
			same = nil
			break
		}
		same = append(same, "/"+p.URL)
	}
	if len(same) > 0 {
		s.hub.send("reload", "except "+strings.Join(same, " "))
		return
	}
	s.hub.send("reload", "")
}

// watch watches the reports folder (every subfolder, new ones included),
// the config file and the theme folder.
func (s *server) watch() (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("serve: watch: %w", err)
	}
	site := s.cfg.Build.Site
	addTree(w, site.ReportsPath())
	if site.Path != "" {
		_ = w.Add(filepath.Dir(site.Path)) // editors replace the file: watch its folder
	} else {
		_ = w.Add(site.Root)
	}
	if dir, _ := site.ThemeDir(); dir != "" {
		addTree(w, filepath.Join(dir, "layouts"))
		addTree(w, filepath.Join(dir, "static"))
	}
	return w, nil
}

func addTree(w *fsnotify.Watcher, root string) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = w.Add(p)
		}
		return nil
	})
}

// relevant reports whether a change to p can change the site.
func (s *server) relevant(p string) bool {
	if strings.HasPrefix(p, s.dir) {
		return false
	}
	base := filepath.Base(p)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") {
		return false // editor temporaries; the final rename is seen
	}
	site := s.cfg.Build.Site
	if filepath.Dir(p) == site.Root || (site.Path != "" && filepath.Dir(p) == filepath.Dir(site.Path)) {
		return base == "hindsight.yaml" || base == "layouts" || strings.HasPrefix(p, site.ReportsPath())
	}
	return true
}

func (s *server) loop(ctx context.Context, w *fsnotify.Watcher) {
	var timer *time.Timer
	var fire <-chan time.Time
	why := ""
	changed := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					addTree(w, ev.Name) // a new year folder
				}
			}
			if !s.relevant(ev.Name) {
				continue
			}
			why = filepath.Base(ev.Name)
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				// A report gone or renamed: only a full build shows it.
				changed[""] = true
			} else {
				changed[ev.Name] = true
			}
			if timer == nil {
				timer = time.NewTimer(s.cfg.Debounce)
			} else {
				timer.Reset(s.cfg.Debounce)
			}
			fire = timer.C
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			fmt.Fprintf(s.cfg.Log, "watch: %v\n", err)
		case <-fire:
			fire = nil
			shown := s.preview(ctx, changed)
			clear(changed)
			s.rebuild(ctx, why+" changed", shown)
		}
	}
}

// ServeHTTP serves the built site, with the reload script added to
// every HTML page, and the event stream.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case eventsPath:
		s.events(w, r)
		return
	case scriptPath:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(reloadJS)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	name := path.Clean("/" + r.URL.Path)
	full := filepath.Join(s.dir, filepath.FromSlash(name))
	st, err := os.Stat(full)
	if err == nil && st.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		full = filepath.Join(full, "index.html")
		st, err = os.Stat(full)
	}
	status := http.StatusOK
	if err != nil || st.IsDir() {
		full = filepath.Join(s.dir, "404.html")
		status = http.StatusNotFound
	}
	if !strings.HasSuffix(full, ".html") {
		http.ServeFile(w, r, full)
		return
	}
	b, err := os.ReadFile(full)
	if err != nil {
		s.mu.Lock()
		msg := s.lastErr
		s.mu.Unlock()
		if msg == "" {
			msg = "the site is not built yet"
		}
		b = []byte("<!doctype html><title>hindsight</title><body><pre>" + html.EscapeString(msg) + "</pre></body>")
		status = http.StatusServiceUnavailable
	}
	if status == http.StatusNotFound {
		// 404.html links relative to the site root, and here it is served
		// at any depth: a base element makes its links and styles work.
		if i := bytes.Index(b, []byte("<head>")); i >= 0 {
			i += len("<head>")
			b = append(b[:i:i], append([]byte(`<base href="/">`), b[i:]...)...)
		}
	}
	tag := []byte(`<script src="` + scriptPath + `"></script>`)
	if i := bytes.LastIndex(b, []byte("</body>")); i >= 0 {
		b = append(b[:i:i], append(tag, b[i:]...)...)
	} else {
		b = append(b, tag...)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
	// A page opened while the last build failed shows the error at once.
	s.mu.Lock()
	if s.lastErr != "" {
		writeEvent(w, "error", s.lastErr)
	} else {
		_, _ = io.WriteString(w, ": connected\n\n")
	}
	s.mu.Unlock()
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			writeEvent(w, ev.name, ev.data)
			fl.Flush()
		}
	}
}

func writeEvent(w io.Writer, name, data string) {
	fmt.Fprintf(w, "event: %s\n", name)
	for _, line := range strings.Split(data, "\n") {
		fmt.Fprintf(w, "data: %s\n", line)
	}
	_, _ = io.WriteString(w, "\n")
}

type event struct{ name, data string }

// hub fans build events out to the open pages.
type hub struct {
	mu     sync.Mutex
	subs   map[chan event]bool
	closed bool
}

func newHub() *hub { return &hub{subs: map[chan event]bool{}} }

func (h *hub) subscribe() chan event {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan event, 4)
	if h.closed {
		close(ch)
		return ch
	}
	h.subs[ch] = true
	return ch
}

func (h *hub) unsubscribe(ch chan event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[ch] {
		delete(h.subs, ch)
		close(ch)
	}
}

func (h *hub) send(name, data string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- event{name, data}:
		default: // a stalled page misses one event, not the server
		}
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		close(ch)
		delete(h.subs, ch)
	}
}
