package history

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const reportsDir = "docs/incident-reports"

// mkcorpusScript finds the benchmark corpus generator: $HINDSIGHT_MKCORPUS,
// or shared/bench/mkcorpus.py beside the repository (DESIGN.md's ../shared).
func mkcorpusScript(t testing.TB) string {
	t.Helper()
	p := os.Getenv("HINDSIGHT_MKCORPUS")
	if p == "" {
		p = filepath.Join("..", "..", "..", "shared", "bench", "mkcorpus.py")
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("mkcorpus.py not found (set HINDSIGHT_MKCORPUS): %v", err)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

type expectation struct {
	ID        string   `json:"id"`
	Created   int64    `json:"created"`
	Updated   int64    `json:"updated"`
	Revisions int      `json:"revisions"`
	Authors   []string `json:"authors"`
}

// makeCorpus runs mkcorpus.py and returns the repository and its ground truth.
func makeCorpus(t testing.TB, dir string, args ...string) (string, map[string]expectation) {
	t.Helper()
	needTools(t, "python3", "git")
	out := filepath.Join(dir, "corpus")
	cmd := exec.Command("python3", append([]string{mkcorpusScript(t), "--out", out}, args...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mkcorpus: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out + ".expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]expectation
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	return out, exp
}

// duplicateIDs returns the report ids mkcorpus used for more than one
// report. mkcorpus numbers reports per UTC day but names them by local
// day, so two reports can share an id; when both are renamed to <id>.md,
// the second rename overwrites the first file and expected.json keeps the
// facts of only one of them. For those paths git itself is the reference.
func duplicateIDs(t testing.TB, repo string) map[string]bool {
	t.Helper()
	out, err := exec.Command("git", "-C", repo, "log", "--format=%s").Output()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		if id, ok := strings.CutPrefix(line, "Add post-incident report "); ok {
			seen[id]++
		}
	}
	dup := map[string]bool{}
	for id, n := range seen {
		if n > 1 {
			dup[id] = true
		}
	}
	return dup
}

// gitFollow returns what `git log --follow` says about path.
func gitFollow(t testing.TB, repo, path string) expectation {
	t.Helper()
	out, err := exec.Command("git", "-C", repo, "log", "--follow", "--format=%ct %an", "--", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var e expectation
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ts, name, _ := strings.Cut(line, " ")
		when, _ := strconv.ParseInt(ts, 10, 64)
		if e.Revisions == 0 {
			e.Updated = when
		}
		e.Created = when
		e.Revisions++
		if !slices.Contains(e.Authors, name) {
			e.Authors = append(e.Authors, name)
		}
	}
	slices.Sort(e.Authors)
	return e
}

func sameFacts(a, b expectation) bool {
	return a.Created == b.Created && a.Updated == b.Updated && a.Revisions == b.Revisions && slices.Equal(a.Authors, b.Authors)
}

func checkGroundTruth(t *testing.T, repo string, res *Result, exp map[string]expectation) {
	t.Helper()
	dup := duplicateIDs(t, repo)
	if len(res.Files) != len(exp) {
		t.Errorf("got %d files, want %d", len(res.Files), len(exp))
	}
	bad, viaGit := 0, 0
	defer func() {
		if viaGit > 0 {
			t.Logf("%d of %d paths hold two reports with the same id; checked against git log --follow", viaGit, len(exp))
		}
	}()
	for p, want := range exp {
		f := res.Files[p]
		if f == nil {
			t.Errorf("%s: missing", p)
			bad++
			continue
		}
		got := expectation{want.ID, f.Created.Unix(), f.Updated.Unix(), f.Revisions, f.Authors}
		if dup[want.ID] && !sameFacts(got, want) {
			want = gitFollow(t, repo, p)
			want.ID = got.ID
			viaGit++
		}
		if !sameFacts(got, want) {
			t.Errorf("%s: got %+v, want %+v", p, got, want)
			bad++
		}
		if f.Uncommitted || f.Modified {
			t.Errorf("%s: uncommitted=%v modified=%v", p, f.Uncommitted, f.Modified)
		}
		if bad > 10 {
			t.Fatal("too many differences")
		}
	}
}

func TestGroundTruth(t *testing.T) {
	for _, seed := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			repo, exp := makeCorpus(t, t.TempDir(), "--reports", "300", "--seed", fmt.Sprint(seed), "--renames", "0.2")
			res, err := Scan(context.Background(), Options{Root: repo, Dir: reportsDir})
			if err != nil {
				t.Fatal(err)
			}
			checkGroundTruth(t, repo, res, exp)
		})
	}
}

// TestGroundTruthSmallCache checks a corpus whose year folders are large
// enough to be indexed and recycled, with caches small enough that the
// goroutines diffing commits evict and reuse objects all the time.
func TestGroundTruthSmallCache(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a 2,500-report corpus")
	}
	defer func(n int64) { differCacheBytes = n }(differCacheBytes)
	differCacheBytes = 16 << 10
	repo, exp := makeCorpus(t, t.TempDir(), "--reports", "2500", "--seed", "4", "--renames", "0.2")
	res, err := Scan(context.Background(), Options{Root: repo, Dir: reportsDir})
	if err != nil {
		t.Fatal(err)
	}
	checkGroundTruth(t, repo, res, exp)
}

// TestGroundTruthLarge checks a big existing corpus: HINDSIGHT_CORPUS=/tmp/big10k.
func TestGroundTruthLarge(t *testing.T) {
	repo := os.Getenv("HINDSIGHT_CORPUS")
	if repo == "" {
		t.Skip("HINDSIGHT_CORPUS not set")
	}
	b, err := os.ReadFile(filepath.Clean(repo) + ".expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]expectation
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	res, err := Scan(context.Background(), Options{Root: repo, Dir: reportsDir})
	if err != nil {
		t.Fatal(err)
	}
	checkGroundTruth(t, repo, res, exp)
}
