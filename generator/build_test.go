package generator

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hindsight-docs/hindsight/generator/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixture copies testdata/fixture to a temporary folder, so builds never
// write into the source tree.
func fixture(t testing.TB) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS("testdata/fixture")); err != nil {
		t.Fatal(err)
	}
	return dst
}

func buildFixture(t *testing.T, public bool) (string, *Result) {
	t.Helper()
	root := fixture(t)
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), Config{
		Site: s, Now: time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC), Public: public, NoHistory: true, CacheDir: "-",
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "public"), res
}

// TestGolden compares a rendered report page and reports.json with the
// files in testdata/golden; run with -update to accept a change.
func TestGolden(t *testing.T) {
	out, _ := buildFixture(t, false)
	for _, tc := range []struct{ file, golden string }{
		{"incidents/INC-2025-10-08-001/index.html", "report.html"},
		{"data/reports.json", "reports.json"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(out, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", tc.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s differs from %s (-want +got):\n%s", tc.file, path, diff)
			}
		})
	}
}

func TestBuildSafety(t *testing.T) {
	out, res := buildFixture(t, false)
	page, err := os.ReadFile(filepath.Join(out, "incidents/INC-2025-10-08-001/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, tc := range []struct {
		name, want string
		present    bool
	}{
		{"raw html escaped", `&lt;script&gt;alert(&quot;raw html is shown, not run&quot;)&lt;/script&gt;`, true},
		{"no script from the body", `<script>alert`, false},
		{"link to another report rewritten", `href="../INC-2025-09-30-002/#lessons"`, true},
		{"attachment linked beside the page", `href="rollback.sql"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(html, tc.want) != tc.present {
				t.Errorf("page contains %q: %v, want %v", tc.want, !tc.present, tc.present)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(out, "incidents/INC-2025-10-08-001/rollback.sql")); err != nil {
		t.Errorf("attachment not copied: %v", err)
	}
	if res.Reports != 3 {
		t.Errorf("reports = %d, want 3", res.Reports)
	}
}

// TestPublicWithholdsInternal scans every output file for the internal
// report's markers.
func TestPublicWithholdsInternal(t *testing.T) {
	out, res := buildFixture(t, true)
	if res.Reports != 2 {
		t.Errorf("reports = %d, want 2", res.Reports)
	}
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, marker := range []string{"SECRET-MARKER", "INC-2025-06-16-001", "Email provider API key leaked"} {
			if strings.Contains(string(b), marker) {
				t.Errorf("%s contains %q", p, marker)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFailedBuildKeepsSite breaks the theme after a good build: the
// second build fails and the first site is still there, whole.
func TestFailedBuildKeepsSite(t *testing.T) {
	root := fixture(t)
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Site: s, Now: time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC), NoHistory: true, CacheDir: "-"}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(root, "public", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "layouts"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Fails at execution time, after most pages are written.
	if err := os.WriteFile(filepath.Join(root, "layouts", "report.html"), []byte(`{{define "main"}}{{.Nope.Missing}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), cfg); err == nil {
		t.Fatal("build with a broken template succeeded")
	}
	after, err := os.ReadFile(filepath.Join(root, "public", "index.html"))
	if err != nil {
		t.Fatalf("previous site gone: %v", err)
	}
	if string(before) != string(after) {
		t.Error("previous site changed")
	}
	leftovers, _ := filepath.Glob(filepath.Join(root, ".public.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary folders left: %v", leftovers)
	}
}

// corpus makes (once per size) a repository of n synthetic reports with
// ../shared/bench/mkcorpus.py, or skips when it cannot.
func corpus(b testing.TB, n int) string {
	b.Helper()
	script, err := filepath.Abs("../../shared/bench/mkcorpus.py")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(script); err != nil {
		b.Skipf("benchmark corpus generator not found: %v", err)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 not installed")
	}
	dir := filepath.Join(os.TempDir(), "hindsight-corpus-"+strconv.Itoa(n))
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	cmd := exec.Command("python3", script, "--reports", strconv.Itoa(n), "--out", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("mkcorpus: %v\n%s", err, out)
	}
	return dir
}

// benchConfig is the build of the benchmark corpus: 1,000 reports, or
// HINDSIGHT_BENCH_REPORTS.
func benchConfig(b *testing.B) (int, Config) {
	n := 1000
	if s := os.Getenv("HINDSIGHT_BENCH_REPORTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	s, err := config.Load(corpus(b, n), "")
	if err != nil {
		b.Fatal(err)
	}
	return n, Config{Site: s, Out: filepath.Join(b.TempDir(), "site"), Now: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), CacheDir: b.TempDir()}
}

// BenchmarkBuild builds the 1,000-report corpus (HINDSIGHT_BENCH_REPORTS
// changes the size).
func BenchmarkBuild(b *testing.B) {
	n, cfg := benchConfig(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Build(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		// mkcorpus renames a few reports onto each other at 10,000
		if res.Reports < n-n/100 || res.Reports > n {
			b.Fatalf("built %d reports, want %d", res.Reports, n)
		}
	}
}

// BenchmarkRebuild is a build after one new commit, as after a pull
// request that edits a report: the corpus built once, then each time one
// report edited and committed, and the site built again with the caches
// of the build before (HINDSIGHT_BENCH_REPORTS changes the size). The
// commits go to a clone of the corpus, which other benchmarks read.
func BenchmarkRebuild(b *testing.B) {
	_, cfg := benchConfig(b)
	root := filepath.Join(b.TempDir(), "corpus")
	if out, err := exec.Command("git", "clone", "-q", cfg.Site.Root, root).CombinedOutput(); err != nil {
		b.Fatalf("git clone: %v\n%s", err, out)
	}
	s, err := config.Load(root, "")
	if err != nil {
		b.Fatal(err)
	}
	cfg.Site = s
	git := func(args ...string) string {
		b.Helper()
		out, err := exec.Command("git", append([]string{"-C", root, "-c", "user.name=Bench", "-c", "user.email=bench@example.com"}, args...)...).Output()
		if err != nil {
			b.Fatalf("git %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	file := filepath.Join(root, filepath.FromSlash(strings.SplitN(git("ls-files", "docs/incident-reports/*.md"), "\n", 2)[0]))
	if _, err := Build(context.Background(), cfg); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		_, err = f.WriteString("\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		git("commit", "-qam", "bench: one more commit")
		b.StartTimer()
		if _, err := Build(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreview is what the preview server does when a report of the
// benchmark corpus is saved: it renders that report's page into the
// built site (HINDSIGHT_BENCH_REPORTS changes the size).
func BenchmarkPreview(b *testing.B) {
	_, cfg := benchConfig(b)
	root := cfg.Site.Root
	res, err := Build(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(root, filepath.FromSlash(res.Snapshot.in.Reports[len(res.Snapshot.in.Reports)/2].Path))
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.WriteFile(file, orig, 0o644) })
	i := 0
	for b.Loop() {
		i++
		if err := os.WriteFile(file, append(orig, fmt.Sprintf("\nEdit %d.\n", i)...), 0o644); err != nil {
			b.Fatal(err)
		}
		if _, ok, err := Preview(context.Background(), res.Snapshot, []string{file}); err != nil || !ok {
			b.Fatalf("preview: %v %v", ok, err)
		}
	}
}

func TestNamesAny(t *testing.T) {
	ids := map[string]bool{"inc-2025-10-20-001": true, "sec-7": true}
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Compare with INC-2025-10-20-001.", true},
		{"link inc-2025-10-20-001 here", true},
		{"(INC-2025-10-20-001)", true},
		{"Fix SEC-7: typo", true},
		{"INC-2025-10-20-0011 is another", false},
		{"INC-2025-10-20-001x", false},
		{"SEC-70 and sec_7", false},
		{"Close the checklist action item", false},
		{"", false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			if got := namesAny(tc.text, ids); got != tc.want {
				t.Errorf("namesAny(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}
