package history

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// builder makes small repositories with go-git, so the hand-built cases
// run without a git binary; each commit is an hour after the previous one
// and is labelled by its subject.
type builder struct {
	t       *testing.T
	dir     string
	repo    *git.Repository
	wt      *git.Worktree
	when    time.Time
	authors []string
	n       int
	commits map[string]plumbing.Hash // subject -> id
}

func newBuilder(t *testing.T) *builder {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &builder{
		t: t, dir: dir, repo: repo, wt: wt,
		when:    time.Date(2024, 3, 1, 9, 0, 0, 0, time.FixedZone("", -6*3600)),
		authors: []string{"Ana Reyes", "Ben Okafor"},
		commits: map[string]plumbing.Hash{},
	}
}

// report returns a report body of n numbered lines, distinct per seed.
func report(seed string, n int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# Report %s\n\n", seed)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "Line %d of report %s: the booking api returned errors after a deploy.\n", i, seed)
	}
	return sb.String()
}

// editLines replaces the given 1-based lines of a report body.
func editLines(body string, lines ...int) string {
	parts := strings.Split(body, "\n")
	for _, l := range lines {
		parts[l+1] = "EDITED " + parts[l+1]
	}
	return strings.Join(parts, "\n")
}

func (b *builder) write(path, content string) {
	b.t.Helper()
	p := filepath.Join(b.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *builder) read(path string) string {
	b.t.Helper()
	data, err := os.ReadFile(filepath.Join(b.dir, filepath.FromSlash(path)))
	if err != nil {
		b.t.Fatal(err)
	}
	return string(data)
}

func (b *builder) remove(path string) {
	b.t.Helper()
	if err := os.RemoveAll(filepath.Join(b.dir, filepath.FromSlash(path))); err != nil {
		b.t.Fatal(err)
	}
}

func (b *builder) move(from, to string) {
	b.t.Helper()
	dst := filepath.Join(b.dir, filepath.FromSlash(to))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(b.dir, filepath.FromSlash(from)), dst); err != nil {
		b.t.Fatal(err)
	}
}

// commit stages everything (git add -A) and commits it; parents default to HEAD.
func (b *builder) commit(subject string, parents ...plumbing.Hash) plumbing.Hash {
	b.t.Helper()
	if err := b.wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		b.t.Fatal(err)
	}
	b.when = b.when.Add(time.Hour)
	sig := &object.Signature{Name: b.authors[b.n%len(b.authors)], Email: "someone@example.com", When: b.when}
	b.n++
	h, err := b.wt.Commit(subject+"\n\nBody text.\n", &git.CommitOptions{
		Author: sig, Committer: sig, Parents: parents, AllowEmptyCommits: true,
	})
	if err != nil {
		b.t.Fatal(err)
	}
	b.commits[subject] = h
	return h
}

// branch creates branch name at the current HEAD and checks it out.
func (b *builder) branch(name string) {
	b.t.Helper()
	if err := b.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name), Create: true}); err != nil {
		b.t.Fatal(err)
	}
}

func (b *builder) checkout(name string) {
	b.t.Helper()
	if err := b.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name), Force: true}); err != nil {
		b.t.Fatal(err)
	}
}

func (b *builder) head() plumbing.Hash {
	b.t.Helper()
	ref, err := b.repo.Head()
	if err != nil {
		b.t.Fatal(err)
	}
	return ref.Hash()
}

// subjects maps commit ids back to labels, for readable failures.
func (b *builder) subjects(ids []string) []string {
	rev := map[string]string{}
	for s, h := range b.commits {
		rev[h.String()] = s
	}
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		if s, ok := rev[id]; ok {
			out[i] = s
		} else {
			out[i] = id
		}
	}
	return out
}
