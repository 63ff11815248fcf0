package history

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wantFile is the expected state of one report: its history as commit
// subjects, newest first.
type wantFile struct {
	history     []string
	uncommitted bool
	modified    bool
	// notGit says this report deliberately differs from git log --follow.
	notGit string
}

const (
	a24 = "docs/incident-reports/2024/a.md"
	b24 = "docs/incident-reports/2024/b.md"
)

func TestScenarios(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *builder)
		root  string // Options.Root relative to the repository ("" = its root)
		want  map[string]wantFile
	}{
		{
			name: "edits",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				b.write("src/main.go", "package main\n")
				b.commit("unrelated")
				b.write(a24, editLines(b.read(a24), 3))
				b.commit("edit a")
			},
			want: map[string]wantFile{a24: {history: []string{"edit a", "add a"}}},
		},
		{
			name: "rename",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				b.write(a24, editLines(b.read(a24), 3))
				b.commit("edit a")
				b.move(a24, b24)
				b.commit("rename a to b")
				b.write(b24, editLines(b.read(b24), 9))
				b.commit("edit b")
			},
			want: map[string]wantFile{b24: {history: []string{"edit b", "rename a to b", "edit a", "add a"}}},
		},
		{
			name: "rename chain and a new file at the old path",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				b.move(a24, b24)
				b.commit("rename a to b")
				b.write(a24, report("new a", 12))
				b.commit("add new a")
				b.move(b24, "docs/incident-reports/2024/c.md")
				b.commit("rename b to c")
			},
			want: map[string]wantFile{
				"docs/incident-reports/2024/c.md": {history: []string{"rename b to c", "rename a to b", "add a"}},
				// git follows the path back through the rename that emptied it.
				a24: {history: []string{"add new a", "rename a to b", "add a"}},
			},
		},
		{
			name: "edit and rename in one commit",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				b.remove(a24)
				b.write(b24, editLines(report("a", 30), 2, 7, 11, 20))
				b.commit("rename a to b with edits")
			},
			want: map[string]wantFile{b24: {history: []string{"rename a to b with edits", "add a"}}},
		},
		{
			name: "rewrite under a new name is not a rename",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				b.remove(a24)
				b.write(b24, editLines(report("a", 30), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20))
				b.commit("replace a with b")
			},
			want: map[string]wantFile{b24: {history: []string{"replace a with b"}}},
		},
		{
			name: "folder move",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.write(b24, report("b", 30))
				b.commit("add a and b")
				b.write(a24, editLines(b.read(a24), 5))
				b.commit("edit a")
				b.move("docs/incident-reports/2024", "docs/incident-reports/archive/2024")
				b.commit("archive 2024")
			},
			want: map[string]wantFile{
				"docs/incident-reports/archive/2024/a.md": {history: []string{"archive 2024", "edit a", "add a and b"}},
				"docs/incident-reports/archive/2024/b.md": {history: []string{"archive 2024", "add a and b"}},
			},
		},
		{
			name: "reports dir moved in from elsewhere",
			build: func(b *builder) {
				b.write("incidents/2023/x.md", report("x", 30))
				b.commit("add x")
				b.write("incidents/notes.txt", "notes\n")
				b.commit("add notes")
				b.write("incidents/2023/x.md", editLines(b.read("incidents/2023/x.md"), 4))
				b.commit("edit x")
				b.move("incidents", "docs/incident-reports")
				b.commit("move reports")
				b.write("docs/incident-reports/2023/x.md", editLines(b.read("docs/incident-reports/2023/x.md"), 8))
				b.commit("edit x again")
			},
			want: map[string]wantFile{
				"docs/incident-reports/2023/x.md": {history: []string{"edit x again", "move reports", "edit x", "add x"}},
			},
		},
		{
			name: "renamed from another extension",
			build: func(b *builder) {
				b.write("docs/incident-reports/2024/draft.txt", report("d", 30))
				b.commit("add draft")
				b.move("docs/incident-reports/2024/draft.txt", a24)
				b.commit("publish draft")
			},
			want: map[string]wantFile{a24: {history: []string{"publish draft", "add draft"}}},
		},
		{
			name: "delete and re-add",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				b.write(a24, editLines(b.read(a24), 3))
				b.commit("edit a")
				b.remove(a24)
				b.commit("delete a")
				b.write(a24, report("something else", 5))
				b.commit("re-add a")
			},
			want: map[string]wantFile{a24: {history: []string{"re-add a", "delete a", "edit a", "add a"}}},
		},
		{
			name: "merge of two branches both editing a report",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				base := b.read(a24)
				b.branch("feature")
				b.write(a24, editLines(base, 3))
				feature := b.commit("feature edits line 3")
				b.checkout("master")
				b.write(a24, editLines(base, 20))
				main := b.commit("main edits line 20")
				b.write(a24, editLines(base, 3, 20))
				b.commit("merge feature", main, feature)
				b.write(a24, editLines(base, 3, 20, 25))
				b.commit("edit after merge")
			},
			want: map[string]wantFile{a24: {history: []string{"edit after merge", "main edits line 20", "feature edits line 3", "add a"}}},
		},
		{
			name: "merge resolving a conflict and a discarded branch",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				base := b.read(a24)
				b.branch("feature")
				b.write(a24, editLines(base, 5))
				feature := b.commit("feature edits line 5")
				b.branch("dropped")
				b.write(a24, editLines(base, 5, 6))
				dropped := b.commit("dropped edit")
				b.checkout("master")
				b.write(a24, strings.Replace(base, "Line 5 ", "MAIN Line 5 ", 1))
				main := b.commit("main edits line 5")
				b.write(a24, strings.Replace(base, "Line 5 ", "RESOLVED Line 5 ", 1))
				m := b.commit("merge with conflict", main, feature)
				b.commit("merge ours", m, dropped) // content unchanged: -s ours
			},
			want: map[string]wantFile{a24: {history: []string{"main edits line 5", "dropped edit", "feature edits line 5", "add a"}}},
		},
		{
			// git's quirk, kept: the walk reaches the main-line edit (newer)
			// before the branch's rename (older), while it still follows the
			// new name, so the edit is not listed.
			name: "rename on a branch, edit on main",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				base := b.read(a24)
				b.branch("feature")
				b.move(a24, b24)
				feature := b.commit("rename a to b on feature")
				b.checkout("master")
				b.write(a24, editLines(base, 9))
				main := b.commit("edit a on main")
				b.remove(a24)
				b.write(b24, editLines(base, 9))
				b.commit("merge feature", main, feature)
			},
			want: map[string]wantFile{b24: {history: []string{"rename a to b on feature", "add a"}}},
		},
		{
			// A committer clock ahead of the others: git log lists by
			// committer date as far as the parents allow, and so does Scan.
			name: "clock skew across a merge",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				base := b.read(a24)
				start := b.when
				b.branch("feature")
				b.write(a24, editLines(base, 3))
				b.when = start.Add(48 * time.Hour) // the future
				feature := b.commit("feature edit from the future")
				b.checkout("master")
				b.when = start
				b.write(a24, editLines(base, 20))
				main := b.commit("main edit")
				b.write(a24, editLines(base, 3, 20))
				b.commit("merge feature", main, feature)
			},
			want: map[string]wantFile{a24: {history: []string{"feature edit from the future", "main edit", "add a"}}},
		},
		{
			name: "copy is not followed",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.commit("add a")
				b.write(b24, report("a", 30))
				b.commit("copy a to b")
			},
			want: map[string]wantFile{
				a24: {history: []string{"add a"}},
				b24: {history: []string{"copy a to b"}, notGit: "git log --follow also follows copies (see package doc)"},
			},
		},
		{
			name: "uncommitted and modified",
			build: func(b *builder) {
				b.write(a24, report("a", 30))
				b.write(b24, report("b", 30))
				b.write("docs/incident-reports/2024/c.md", report("c", 30))
				b.commit("add a b c")
				b.write(a24, editLines(b.read(a24), 1))           // modified, not staged
				b.write("docs/incident-reports/2025/new.md", "x") // new, not staged
				b.write("docs/incident-reports/2024/c.md", strings.ReplaceAll(report("c", 30), "\n", "\r\n"))
			},
			want: map[string]wantFile{
				a24:                                 {history: []string{"add a b c"}, modified: true},
				b24:                                 {history: []string{"add a b c"}},
				"docs/incident-reports/2024/c.md":   {history: []string{"add a b c"}}, // only CRLF differs
				"docs/incident-reports/2025/new.md": {uncommitted: true},
			},
		},
		{
			name: "project in a subfolder of the repository",
			root: "site",
			build: func(b *builder) {
				b.write("site/"+a24, report("a", 30))
				b.commit("add a")
				b.move("site/"+a24, "site/"+b24)
				b.commit("rename a to b")
			},
			want: map[string]wantFile{b24: {history: []string{"rename a to b", "add a"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBuilder(t)
			tt.build(b)
			root := filepath.Join(b.dir, filepath.FromSlash(tt.root))
			res, err := Scan(context.Background(), Options{Root: root, Dir: reportsDir})
			if err != nil {
				t.Fatal(err)
			}
			if res.NotRepo || res.Shallow || res.Head != b.head().String() {
				t.Errorf("NotRepo=%v Shallow=%v Head=%s, want a full repository at %s", res.NotRepo, res.Shallow, res.Head, b.head())
			}
			got := map[string]wantFile{}
			for key, f := range res.Files {
				var ids []string
				for _, c := range f.History {
					ids = append(ids, c.Hash)
				}
				got[key] = wantFile{history: b.subjects(ids), uncommitted: f.Uncommitted, modified: f.Modified}
				checkFile(t, key, f, tt.root)
			}
			want := map[string]wantFile{}
			for k, w := range tt.want {
				w.notGit = ""
				want[k] = w
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(wantFile{})); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			// The same answers as git itself, where git is installed.
			if _, err := exec.LookPath("git"); err != nil {
				return
			}
			for key, w := range tt.want {
				if w.notGit != "" || w.uncommitted {
					continue
				}
				repoPath := res.Files[key].Path
				out, err := exec.Command("git", "-C", b.dir, "log", "--follow", "--format=%H", "--", repoPath).Output()
				if err != nil {
					t.Fatalf("git log: %v", err)
				}
				gitIDs := strings.Fields(string(out))
				if diff := cmp.Diff(b.subjects(gitIDs), got[key].history); diff != "" {
					t.Errorf("%s: differs from git log --follow (-git +got):\n%s", key, diff)
				}
			}
		})
	}
}

// checkFile checks the fields derived from History.
func checkFile(t *testing.T, key string, f *File, root string) {
	t.Helper()
	wantPath := key
	if root != "" {
		wantPath = root + "/" + key
	}
	if f.Path != wantPath {
		t.Errorf("%s: Path = %q, want %q", key, f.Path, wantPath)
	}
	if f.Revisions != len(f.History) {
		t.Errorf("%s: Revisions = %d, history has %d", key, f.Revisions, len(f.History))
	}
	if len(f.History) == 0 {
		if !f.Created.IsZero() || !f.Updated.IsZero() || len(f.Authors) != 0 {
			t.Errorf("%s: no history but Created=%v Updated=%v Authors=%v", key, f.Created, f.Updated, f.Authors)
		}
		return
	}
	if !f.Updated.Equal(f.History[0].Date) || !f.Created.Equal(f.History[len(f.History)-1].Date) {
		t.Errorf("%s: Created/Updated do not match History", key)
	}
	seen := map[string]bool{}
	for _, c := range f.History {
		seen[c.Author] = true
		if strings.Contains(c.Author, "@") || c.Subject == "" || strings.Contains(c.Subject, "\n") || len(c.Hash) != 40 {
			t.Errorf("%s: bad commit %+v", key, c)
		}
		if _, off := c.Date.Zone(); off != -6*3600 {
			t.Errorf("%s: commit date %v not in the committer's zone", key, c.Date)
		}
	}
	if len(seen) != len(f.Authors) {
		t.Errorf("%s: Authors = %v, history authors %v", key, f.Authors, seen)
	}
}
