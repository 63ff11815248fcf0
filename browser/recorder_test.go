package browser

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRecorder makes sure the page checks can fail: a page with each kind
// of problem must have each one reported, or a clean run of TestPages
// would prove nothing.
func TestRecorder(t *testing.T) {
	needBrowser(t)
	const bad = `<!doctype html><html lang="en"><title>bad</title>
<img src="missing.png" alt="">
<img src="http://offsite.invalid/pixel.png" alt="">
<script>console.error("boom from console"); setTimeout(function () { fetch("gone.json"); }, 10);</script>
<script>throw new Error("boom from a throw");</script>`
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(bad))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx, rec := newTab(t, srv.URL)
	if err := load(ctx, rec, srv.URL+"/"); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rec.take(), "\n")
	for _, want := range []string{
		"console.error: boom from console",
		"uncaught exception: Uncaught Error: boom from a throw",
		"HTTP 404 " + srv.URL + "/missing.png",
		"HTTP 404 " + srv.URL + "/gone.json", // fetched after the load event
		"request to another host: http://offsite.invalid/pixel.png",
		"request failed: http://offsite.invalid/pixel.png",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the problems:\n%s", want, got)
		}
	}
}
