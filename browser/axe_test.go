package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axe-core is installed once per machine with npm into a cache folder
// (HINDSIGHT_AXE_DIR, else the user cache) and injected into each page.
var (
	axeOnce    sync.Once
	axeSource  string
	axeMissing string // why axe-core cannot be had: skip, or fail under CI
	axeErr     error
)

func needAxe(t testing.TB) string {
	t.Helper()
	axeOnce.Do(func() { axeSource, axeMissing, axeErr = installAxe() })
	if axeMissing != "" {
		unavailable(t, axeMissing)
	}
	if axeErr != nil {
		t.Fatal(axeErr)
	}
	return axeSource
}

func installAxe() (src, missing string, err error) {
	dir := os.Getenv("HINDSIGHT_AXE_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", "", fmt.Errorf("axe-core: no cache folder (set HINDSIGHT_AXE_DIR): %w", err)
		}
		dir = filepath.Join(cache, "hindsight-test", "axe")
	}
	script := func(prefix string) string {
		return filepath.Join(prefix, "node_modules", "axe-core", "axe.min.js")
	}
	if b, err := os.ReadFile(script(dir)); err == nil {
		return string(b), "", nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", "npm not installed: apt-get install npm (the accessibility checks need axe-core)", nil
	}
	// Install beside the cache folder and rename it into place, so that
	// an interrupted install or a parallel test binary never leaves a
	// half-written axe-core behind. A folder that exists already (one
	// HINDSIGHT_AXE_DIR names) is installed into directly.
	prefix := dir
	if _, err := os.Stat(dir); err != nil {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return "", "", err
		}
		if prefix, err = os.MkdirTemp(filepath.Dir(dir), "axe-install-"); err != nil {
			return "", "", err
		}
		defer os.RemoveAll(prefix) // after a successful rename: nothing
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", prefix,
		"--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", "axe-core@4")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("npm install axe-core@4 into %s: %v\n%s", prefix, err, out)
	}
	if prefix != dir {
		if err := os.Rename(prefix, dir); err != nil {
			if _, statErr := os.Stat(script(dir)); statErr != nil {
				return "", "", err
			}
			// Another test binary won the race: use its copy.
		}
	}
	b, err := os.ReadFile(script(dir))
	if err != nil {
		return "", "", err
	}
	return string(b), "", nil
}

// A violation is one failed axe rule with the elements that fail it.
type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %s\n      %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
	}
	return b.String()
}

// runAxe is the axe run the tests use: violations only, each element named
// by its selector (shadow DOM and frames joined by " >>> ").
const runAxe = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		target: n.target.map(s => [].concat(s).join(" >>> ")).join(" "),
		html: n.html.length > 160 ? n.html.slice(0, 160) + "…" : n.html,
		summary: n.failureSummary || "",
	})),
})))`

// axePages are the pages the issue names; actions and metrics are checked
// once the theme has them.
var axePages = []struct{ name, path string }{
	{"home", ""},
	{"report", exampleReport},
	{"actions", "actions/"},
	{"metrics", "metrics/"},
	{"search", "search/"},
}

// TestAccessibility runs axe-core on the main pages in both colour schemes
// and fails on every serious or critical violation. Colour contrast is
// the usual one, so dark mode is checked as carefully as light.
func TestAccessibility(t *testing.T) {
	needBrowser(t)
	src := needAxe(t)
	dir, base := exampleSite(t)
	for _, p := range axePages {
		for _, scheme := range []string{"light", "dark"} {
			t.Run(p.name+"/"+scheme, func(t *testing.T) {
				if p.path != "" && !hasPage(dir, p.path) {
					t.Skipf("the site has no %s page yet", p.path)
				}
				t.Parallel()
				ctx, rec := newTab(t, base)
				if err := chromedp.Do(ctx, emulateScheme(scheme)); err != nil {
					t.Fatal(err)
				}
				if err := load(ctx, rec, base+p.path); err != nil {
					t.Fatal(err)
				}
				if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
					t.Fatalf("inject axe-core: %v", err)
				}
				vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](runAxe, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatalf("axe.run: %v", err)
				}
				for _, v := range vs {
					switch v.Impact {
					case "serious", "critical":
						t.Errorf("/%s in %s mode: %s", p.path, scheme, v)
					default: // minor and moderate: worth a look, not a failure
						t.Logf("/%s in %s mode: %s", p.path, scheme, v)
					}
				}
				rec.check(t)
			})
		}
	}
}
