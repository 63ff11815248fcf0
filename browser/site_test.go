package browser

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/config"
)

// exampleReport is the report the accessibility checks and screenshots
// use: the richest example (timeline, attachments, action items, code).
const exampleReport = "incidents/INC-2025-10-08-001/"

// The example site is built and served once for all tests.
var (
	siteOnce sync.Once
	siteDir  string // the built site
	siteURL  string // its address, ending in "/"
	siteErr  error
)

// exampleSite builds this repository's docs/incident-reports, as `hindsight
// build --now 2026-11-27` does, and serves it like a static host would.
func exampleSite(t testing.TB) (dir, base string) {
	t.Helper()
	siteOnce.Do(func() { siteDir, siteURL, siteErr = buildExample() })
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	return siteDir, siteURL
}

func buildExample() (dir, base string, err error) {
	site, err := config.Load("..", "")
	if err != nil {
		return "", "", err
	}
	// The test server serves the site at its root, not at the base
	// address's path, so the pages must not name it.
	site.BaseURL = ""
	tmp, err := os.MkdirTemp("", "hindsight-browser-site-")
	if err != nil {
		return "", "", err
	}
	atExit(func() { os.RemoveAll(tmp) })
	out := filepath.Join(tmp, "site")
	// A fixed "today" keeps overdue counts, and so the screenshots, stable.
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, site.Location)
	if _, err := generator.Build(context.Background(), generator.Config{
		Site: site, Out: out, Now: now, CacheDir: "-",
	}); err != nil {
		return "", "", fmt.Errorf("build the example site: %w", err)
	}
	srv := httptest.NewServer(staticHost(out))
	atExit(srv.Close)
	return out, srv.URL + "/", nil
}

// staticHost serves dir as GitHub Pages and most static hosts do: a
// folder answers with its index.html, and a missing file with 404.html
// and the status 404.
func staticHost(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		st, err := os.Stat(name)
		if err == nil && st.IsDir() {
			_, err = os.Stat(filepath.Join(name, "index.html"))
		}
		if err != nil {
			b, err := os.ReadFile(filepath.Join(dir, "404.html"))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write(b)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// A kind is one type of page, with the page that stands for it.
type kind struct {
	name string // "home", "incidents/YYYY", "services/*", "404"...
	path string // URL path below the site root
}

var yearRE = regexp.MustCompile(`^\d{4}$`)

// pageKinds finds the types of page in a built site from its files, so
// that a page type added to the theme is tested without a change here.
// A folder whose parent holds several page folders is one of a kind
// ("services/*"); year folders are a kind of their own. The first page of
// a kind in path order stands for it, but a report is exampleReport.
func pageKinds(t testing.TB, dir string) []kind {
	t.Helper()
	var pages []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "index.html" {
			rel, err := filepath.Rel(dir, filepath.Dir(p))
			if err != nil {
				return err
			}
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(pages)
	children := map[string]int{} // folder → page folders right below it
	for _, p := range pages {
		if p != "." {
			children[path.Dir(p)]++
		}
	}
	byName := map[string]string{}
	var names []string
	for _, p := range pages {
		name := "home"
		if p != "." {
			segs := strings.Split(p, "/")
			for i := 1; i < len(segs); i++ {
				parent := strings.Join(segs[:i], "/")
				switch {
				case yearRE.MatchString(segs[i]):
					segs[i] = "YYYY"
				case children[parent] > 1:
					segs[i] = "*"
				}
			}
			name = strings.Join(segs, "/")
		}
		url := ""
		if p != "." {
			url = p + "/"
		}
		prev, seen := byName[name]
		switch {
		case !seen:
			names = append(names, name)
			byName[name] = url
		case url == exampleReport && prev != url:
			byName[name] = url
		}
	}
	kinds := make([]kind, 0, len(names)+1)
	for _, n := range names {
		kinds = append(kinds, kind{n, byName[n]})
	}
	// What a reader sees after following a dead link to the site root.
	kinds = append(kinds, kind{"404", "no-such-page"})
	return kinds
}

func hasPage(dir, urlPath string) bool {
	_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(urlPath), "index.html"))
	return err == nil
}
