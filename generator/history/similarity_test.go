package history

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSimilarityBasics(t *testing.T) {
	body := report("a", 30)
	tests := []struct {
		name     string
		src, dst string
		min, max int // expected score range, of 60000
	}{
		{"identical", body, body, maxScore, maxScore},
		{"crlf only", body, strings.ReplaceAll(body, "\n", "\r\n"), 59000, maxScore},
		{"one line edited", body, editLines(body, 4), 55000, 59999},
		{"unrelated", body, report("zzz", 30), 0, 20000},
		{"empty", "", body, 0, 0},
		{"size too different", body, body + body + body, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := similarity(len(tt.src), len(tt.dst), spans([]byte(tt.src)), spans([]byte(tt.dst)))
			if got < tt.min || got > tt.max {
				t.Errorf("similarity = %d, want %d..%d", got, tt.min, tt.max)
			}
		})
	}
}

// TestSimilarityMatchesGit compares the score with the one git prints for
// a rename (R<percent>), across edits on both sides of the 50% threshold.
func TestSimilarityMatchesGit(t *testing.T) {
	needTools(t, "git")
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	// Every case has its own text, so that git cannot pair a destination
	// with another case's source.
	type pair struct{ src, dst string }
	cases := map[string]pair{}
	for n := 0; n <= 40; n += 2 {
		var lines []int
		for i := 1; i <= n; i++ {
			lines = append(lines, i)
		}
		name := fmt.Sprintf("edit%02d", n)
		cases[name] = pair{report(name, 40), editLines(report(name, 40), lines...)}
	}
	cases["grow"] = pair{report("grow", 40), report("grow", 40) + report("extra", 15)}
	cases["shrink"] = pair{report("shrink", 40), report("shrink", 25)}
	cases["no final newline"] = pair{report("nl", 40), strings.TrimSuffix(editLines(report("nl", 40), 2, 9), "\n")}
	cases["crlf"] = pair{report("crlf", 40), strings.ReplaceAll(editLines(report("crlf", 40), 1, 2, 3), "\n", "\r\n")}
	for name, c := range cases {
		os.MkdirAll(filepath.Join(dir, name), 0o755)
		os.WriteFile(filepath.Join(dir, name, "src.md"), []byte(c.src), 0o644)
	}
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "sources")
	for name, c := range cases {
		os.Remove(filepath.Join(dir, name, "src.md"))
		os.WriteFile(filepath.Join(dir, name, "dst.md"), []byte(c.dst), 0o644)
	}
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "renames")
	out := gitRun(t, dir, "-c", "core.autocrlf=false", "diff", "-M", "--name-status", "HEAD~1", "HEAD")
	gitScore := map[string]int{} // percent, -1 = not a rename
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		name := filepath.Dir(f[len(f)-1])
		switch {
		case strings.HasPrefix(f[0], "R"):
			var pct int
			fmt.Sscanf(f[0][1:], "%d", &pct)
			gitScore[name] = pct
		case f[0] == "A":
			gitScore[name] = -1
		}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			score := similarity(len(c.src), len(c.dst), spans([]byte(c.src)), spans([]byte(c.dst)))
			got := -1
			if c.src == c.dst {
				got = 100
			} else if score >= minimumScore {
				got = score * 100 / maxScore
			}
			want, ok := gitScore[name]
			if !ok {
				t.Fatalf("git reported nothing for %s", name)
			}
			if got != want {
				t.Errorf("score %d (%d%%), git says %d%%", score, got, want)
			}
		})
	}
}
