package check_test

// The rule fixtures live in testdata/rules/<rule-id>/: each is a small
// repository (its own hindsight.yaml, so nothing above it is read) whose
// reports trigger exactly that rule, and testdata/rules/clean holds
// reports of every shape that trigger none. want.txt is the expected
// output in text format; go test -update rewrites it.
//
// Fixtures may also hold:
//
//	symlinks.txt  "path -> target" lines: symbolic links made in a copy
//	              of the fixture, so the repository holds none
//	chmod.txt     "path mode" lines, applied to the copy (skipped as
//	              root, whom permissions do not stop)
//	git.txt       "path RFC3339" lines: the first commit the history
//	              engine would give each report
//	history.txt   present: read git history for real (otherwise it is
//	              off, and git.txt stands in for it)

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/check"
	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

var update = flag.Bool("update", false, "rewrite want.txt of the rule fixtures and docs/check-rules.md")

// today is "now" for every fixture.
var today = time.Date(2025, 12, 1, 12, 0, 0, 0, time.UTC)

func TestRuleFixtures(t *testing.T) {
	entries, err := os.ReadDir("testdata/rules")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			src := filepath.Join("testdata", "rules", name)
			got := runFixture(t, src)
			wantFile := filepath.Join(src, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", wantFile, got, want)
			}
			// Each fixture is about one rule: it must trigger it, and
			// nothing else, so a rule that misfires shows up here.
			for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
				if l == "" {
					continue
				}
				if rule := ruleOf(l); rule != name {
					t.Errorf("fixture %s triggers rule %s: %s", name, rule, l)
				}
			}
			if name != "clean" && !strings.Contains(got, " "+name+": ") {
				t.Errorf("fixture %s does not trigger its rule", name)
			}
		})
	}
	for _, ru := range check.Rules {
		if !seen[ru.ID] {
			t.Errorf("rule %s has no fixture in testdata/rules/%s", ru.ID, ru.ID)
		}
	}
	if !seen["clean"] {
		t.Error("no clean fixture")
	}
}

// ruleOf takes the rule out of "path:line:col: severity rule: message".
func ruleOf(l string) string {
	_, rest, _ := strings.Cut(l, ": ")
	f := strings.Fields(rest)
	if len(f) < 2 {
		return ""
	}
	return strings.TrimSuffix(f[1], ":")
}

// runFixture checks a copy of the fixture repository and returns the
// diagnostics in text format.
func runFixture(t *testing.T, src string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines(t, filepath.Join(root, "symlinks.txt")) {
		from, to, ok := strings.Cut(l, " -> ")
		if !ok {
			t.Fatalf("symlinks.txt: %q is not \"path -> target\"", l)
		}
		if err := os.Symlink(to, filepath.Join(root, from)); err != nil {
			t.Fatal(err)
		}
	}
	if chmod := lines(t, filepath.Join(root, "chmod.txt")); len(chmod) > 0 {
		if os.Geteuid() == 0 {
			t.Skip("permissions do not stop root")
		}
		for _, l := range chmod {
			p, m, _ := strings.Cut(l, " ")
			mode, err := strconv.ParseUint(m, 8, 32)
			if err != nil {
				t.Fatal(err)
			}
			full := filepath.Join(root, p)
			if err := os.Chmod(full, fs.FileMode(mode)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(full, 0o755) })
		}
	}
	site, err := config.Load(root, filepath.Join(root, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	_, err = os.Stat(filepath.Join(root, "history.txt"))
	withHistory := err == nil
	set, err := generator.Load(context.Background(), generator.Config{Site: site, NoHistory: !withHistory, CacheDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*report.Report{}
	for _, r := range set.Reports {
		byPath[r.Path] = r
	}
	for _, l := range lines(t, filepath.Join(root, "git.txt")) {
		p, when, _ := strings.Cut(l, " ")
		r := byPath[p]
		if r == nil {
			t.Fatalf("git.txt: no report %s", p)
		}
		created, err := time.Parse(time.RFC3339, when)
		if err != nil {
			t.Fatal(err)
		}
		r.Git = &report.Git{Created: created, Revisions: 1}
	}
	ds := check.Run(set.Reports, check.Options{Site: site, Today: today})
	ds = append(ds, set.Errors...)
	ds = append(ds, set.Diagnostics...)
	check.Sort(ds)
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s:%d:%d: %s %s: %s\n", d.Path, max(d.Line, 1), max(d.Col, 1), d.Severity, d.Rule, d.Message)
	}
	// Messages may name the temporary copy.
	return strings.ReplaceAll(b.String(), root, "$ROOT")
}

// lines reads the non-blank lines of an optional file.
func lines(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}
