package history

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
)

// emailShaped is redact.go's definition of an e-mail-shaped token written
// as a regular expression, as an independent check of the code.
var emailShaped = regexp.MustCompile(`[^\x00-\x20\x7f<>@()\[\],;:]@[A-Za-z0-9._\-\x{80}-\x{10FFFF}]*\.[A-Za-z\x{80}-\x{10FFFF}]`)

func TestParseIdent(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		when int64
		tz   int16
	}{
		{"ordinary", "Jane Doe <jane@example.com> 1700000000 +0100", "Jane Doe", 1700000000, 60},
		{"west of UTC", "Jane Doe <jane@example.com> 1700000000 -0530", "Jane Doe", 1700000000, -330},
		{"no date", "Jane Doe <jane@example.com>", "Jane Doe", 0, 0},
		{"odd zone", "Jane Doe <jane@example.com> 1700000000 +1", "Jane Doe", 1700000000, 0},
		{"unicode", "Zoë Ångström 山田 <zoe@example.com> 1700000000 +0900", "Zoë Ångström 山田", 1700000000, 540},
		{"empty name", "<jane@example.com> 1700000000 +0000", "", 1700000000, 0},
		{"empty", "", "", 0, 0},
		{"brackets only", "<> 1700000000 +0000", "", 1700000000, 0},
		{"name is an address", "jane@example.com <jane@example.com> 1700000000 +0000", "jane", 1700000000, 0},
		{"name holds an address", "Jane Doe jane@example.com <jane@example.com> 1700000000 +0000", "Jane Doe", 1700000000, 0},
		{"address in brackets in the name", "Jane Doe (jane.doe@example.com) <x@example.com> 1700000000 +0000", "Jane Doe", 1700000000, 0},
		{"unicode address as name", "ünï@例え.テスト <x@example.com> 1 +0000", "ünï", 1, 0},
		{"two addresses as name", "a@example.com, b@example.com <x@example.com> 1 +0000", "a", 1, 0},
		{"punctuation around the local part", "'jane'@example.com <x@example.com> 1 +0000", "jane", 1, 0},
		{"version is no address", "bot pkg@v1.2.3 <x@example.com> 1 +0000", "bot pkg@v1.2.3", 1, 0},
		{"mention is no address", "@jane <x@example.com> 1 +0000", "@jane", 1, 0},
		// Hand-made commits need not have angle brackets.
		{"no brackets, address only", "jane@example.com 1700000000 +0000", "jane", 1700000000, 0},
		{"no brackets, name and address", "Jane Doe jane@example.com 1700000000 +0000", "Jane Doe", 1700000000, 0},
		{"no brackets, unicode", "José Peña jose@ejemplo.es 1700000000 -0300", "José Peña", 1700000000, -180},
		{"no brackets, no date", "Jane Doe jane@example.com", "Jane Doe", 0, 0},
		{"no brackets, number in name", "Agent 007", "Agent 007", 0, 0},
		{"no brackets, date only", "1700000000 +0000", "", 1700000000, 0},
		{"no brackets, extra spaces", "  Jane   jane@example.com   1700000000   +0000  ", "Jane", 1700000000, 0},
		{"< without >", "Jane Doe <jane@example.com 1700000000 +0000", "Jane Doe", 1700000000, 0},
		{"< without > or date", "Jane Doe <jane@example.com", "Jane Doe", 0, 0},
		{"> without <", "Jane Doe jane@example.com> 1700000000 +0000", "Jane Doe", 1700000000, 0},
		{"> before <", "Jane > Doe < 1700000000 +0000", "Jane Doe", 1700000000, 0},
		{"invalid UTF-8", "Jan\xffe <jane@example.com> 1 +0000", "Jan\uFFFDe", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, when, tz := parseIdent([]byte(tt.in))
			if name != tt.want || when != tt.when || tz != tt.tz {
				t.Errorf("parseIdent(%q) = %q, %d, %d; want %q, %d, %d", tt.in, name, when, tz, tt.want, tt.when, tt.tz)
			}
			if _, w, z := splitIdent([]byte(tt.in)); w != when || z != tz {
				t.Errorf("splitIdent(%q) date %d %d, parseIdent's %d %d", tt.in, w, z, when, tz)
			}
		})
	}
}

func TestSubjectRedaction(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want string
	}{
		{"plain", "Fix the booking outage\n\nBody jane@example.com\n", "Fix the booking outage"},
		{"address", "Thanks jane@example.com for the report\n", "Thanks jane@… for the report"},
		{"in brackets", "Reported by <jane.doe+sec@mail.example.co.uk>\n", "Reported by <jane.doe+sec@…>"},
		{"in parentheses", "Fix (jane@example.com)\n", "Fix (jane@…)"},
		{"sentence end", "Ask jane@example.com.\n", "Ask jane@…."},
		{"joined first paragraph", "Add report\nfrom jane@example.com\n\nbody\n", "Add report from jane@…"},
		{"several", "a@example.com, b@example.org; c@d.io\n", "a@…, b@…; c@…"},
		{"unicode", "Grüße an jürgen@bücher.de\n", "Grüße an jürgen@…"},
		{"mailto", "mailto:jane@example.com\n", "mailto:jane@…"},
		{"chained", "a@b.com.x@c.org\n", "a@…@…"},
		{"quoted local part", `"jane doe"@example.com` + "\n", `"jane doe"@…`},
		{"mention", "Ping @jane about it\n", "Ping @jane about it"},
		{"version", "Bump lodash@4.17.21 and golang.org/x/net@v0.17.0\n", "Bump lodash@4.17.21 and golang.org/x/net@v0.17.0"},
		{"scoped package", "Bump @types/node@18.11.9\n", "Bump @types/node@18.11.9"},
		{"no dot", "Deploy as root@localhost\n", "Deploy as root@…"},
		{"no dot, digits", "From e7@localhost7\n", "From e7@…"},
		{"address literal", "From ops@[10.0.0.6] today\n", "From ops@… today"},
		{"ideographic full stop", "From e5@mail5。test\n", "From e5@…"},
		{"full-width full stop", "From e5@mail．example\n", "From e5@…"},
		{"dotless tag", "Pin react@next\n", "Pin react@…"},
		{"dotless at a sentence end", "Mail root@mailhost.\n", "Mail root@…."},
		{"dotless before an ideographic full stop", "jane@corp。\n", "jane@…。"},
		{"IPv4 domain", "From ops@10.0.0.6 and ops@192.168.1.5\n", "From ops@… and ops@…"},
		{"four-part version", "Bump pkg@1.2.3\n", "Bump pkg@1.2.3"},
		{"full-width at", "From ann＠leak1.example.com\n", "From ann@…"},
		{"literal then text", "x@[0]0 y\n", "x@… y"},
		{"spaced", "Mail jane @ example.com\n", "Mail jane @ example.com"},
		{"lone @", "Meet @ 10:00\n", "Meet @ 10:00"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := subject([]byte(tt.msg))
			if got != tt.want {
				t.Errorf("subject(%q) = %q, want %q", tt.msg, got, tt.want)
			}
			if emailShaped.MatchString(got) {
				t.Errorf("subject(%q) = %q holds an e-mail address", tt.msg, got)
			}
		})
	}
}

func TestParseCommitRedacts(t *testing.T) {
	raw := "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n" +
		"author jane@example.com 1700000000 +0000\n" +
		"committer Bob bob@example.com 1700003600 +0100\n" +
		"\n" +
		"Thanks carol@example.com\n\nCo-authored-by: Dan <dan@example.com>\nSigned-off-by: Jane <jane@example.com>\n"
	c, ok := parseCommit([]byte(raw))
	if !ok {
		t.Fatal("no tree")
	}
	if c.author != "jane" || c.subject != "Thanks carol@…" || c.when != 1700003600 || c.tz != 60 {
		t.Errorf("parseCommit = %+v", c)
	}
}

// TestScanRedacts checks that no address reaches a Result, read from
// loose objects, from a pack, and from the cache.
func TestScanRedacts(t *testing.T) {
	b := newBuilder(t)
	b.authors = []string{"jane@example.com", "Bob Stone bob@example.com"}
	b.write(a24, report("a", 30))
	b.commit("Add a, reported by carol@example.com")
	b.write(a24, editLines(b.read(a24), 3))
	b.commit("Edit a")
	// A commit git would not write: no angle brackets around the address.
	b.write(a24, editLines(b.read(a24), 5))
	b.commit("replaced by the hand-made commit below")
	last, err := b.repo.CommitObject(b.head())
	if err != nil {
		t.Fatal(err)
	}
	raw := "tree " + last.TreeHash.String() + "\n" +
		"parent " + last.ParentHashes[0].String() + "\n" +
		"author Dana Cruz dana@example.com 1709400000 +0000\n" +
		"committer dana@example.com 1709400000 +0000\n" +
		"\nEdit a again for erin@example.com\n"
	obj := b.repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.CommitObject)
	w, err := obj.Writer()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(raw))
	w.Close()
	h, err := b.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("master"), h)); err != nil {
		t.Fatal(err)
	}
	if err := b.repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("master"))); err != nil {
		t.Fatal(err)
	}

	check := func(t *testing.T, res *Result) {
		t.Helper()
		f := res.Files[a24]
		if f == nil || f.Revisions != 3 {
			t.Fatalf("%s: %+v, want 3 revisions", a24, f)
		}
		var subjects []string
		for _, c := range f.History {
			subjects = append(subjects, c.Author+": "+c.Subject)
		}
		want := []string{
			"Dana Cruz: Edit a again for erin@…",
			"Bob Stone: Edit a",
			"jane: Add a, reported by carol@…",
		}
		if strings.Join(subjects, "\n") != strings.Join(want, "\n") {
			t.Errorf("history:\n%s\nwant:\n%s", strings.Join(subjects, "\n"), strings.Join(want, "\n"))
		}
		if got := strings.Join(f.Authors, ", "); got != "Bob Stone, Dana Cruz, jane" {
			t.Errorf("authors %s", got)
		}
		if f.History[0].Date.Unix() != 1709400000 {
			t.Errorf("date of the hand-made commit %v", f.History[0].Date)
		}
	}
	cacheDir := t.TempDir()
	t.Run("loose", func(t *testing.T) { check(t, scanBoth(t, b.dir, cacheDir)) })
	t.Run("cached", func(t *testing.T) {
		res := scanBoth(t, b.dir, cacheDir)
		if res.commitsRead != 0 {
			t.Errorf("read %d commits, want all from the cache", res.commitsRead)
		}
		check(t, res)
	})
	t.Run("packed", func(t *testing.T) {
		needTools(t, "git")
		gitRun(t, b.dir, "gc", "-q")
		res, err := Scan(context.Background(), Options{Root: b.dir, Dir: reportsDir})
		if err != nil {
			t.Fatal(err)
		}
		check(t, res)
	})
}

// TestCacheVersion1 checks that a cache from before names and subjects
// were redacted is not read: it may hold addresses.
func TestCacheVersion1(t *testing.T) {
	b := newBuilder(t)
	b.write(a24, report("a", 30))
	b.commit("add a")
	cacheDir := t.TempDir()
	if _, err := Scan(context.Background(), Options{Root: b.dir, Dir: reportsDir, CacheDir: cacheDir}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(cacheDir, cacheName)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if data[len(cacheMagic)] != cacheVersion {
		t.Fatalf("version byte %d", data[len(cacheMagic)])
	}
	data[len(cacheMagic)] = 1
	if _, err := decodeCache(data); err == nil {
		t.Fatal("a version 1 cache was read")
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Scan(context.Background(), Options{Root: b.dir, Dir: reportsDir, CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	if res.commitsRead != 1 {
		t.Errorf("read %d commits, want the one commit again", res.commitsRead)
	}
	if data, err := os.ReadFile(p); err != nil || data[len(cacheMagic)] != cacheVersion {
		t.Errorf("the version 1 cache was not replaced: %v", err)
	}
}

func FuzzParseCommit(f *testing.F) {
	tree := "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
	for _, s := range []string{
		tree + "author Jane Doe <jane@example.com> 1700000000 +0100\ncommitter Jane Doe <jane@example.com> 1700000000 +0100\n\nFix it\n",
		tree + "author jane@example.com 1700000000 +0000\ncommitter jane@example.com 1700000000 +0000\n\nThanks bob@example.com\n",
		tree + "author Jane Doe jane@example.com 1700000000 +0000\n\nAdd report\nfrom carol@example.co.uk\n\nbody\n",
		tree + "author Jane <jane@example.com 1700000000 +0000\n\nBump lodash@4.17.21\n",
		tree + "author jane@example.com <jane@example.com> 1 -0530\n\n\"jane doe\"@example.com (a@()b.org)\n",
		tree + "author Zoë ünï@例え.テスト> 1 +0900\n\na@b.com.x@c.org.\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, _ := parseCommit(b)
		for what, s := range map[string]string{"author": c.author, "subject": c.subject} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s %q is not valid UTF-8", what, s)
			}
			if emailShaped.MatchString(s) {
				t.Fatalf("%s %q holds an e-mail address", what, s)
			}
		}
		if strings.ContainsAny(c.author, "<>") {
			t.Fatalf("author %q holds angle brackets", c.author)
		}
		// The input as a name and as a subject, directly.
		s := validUTF8(string(b))
		name, subj := redactName(s), redactSubject(s)
		if emailShaped.MatchString(name) || emailShaped.MatchString(subj) {
			t.Fatalf("redacting %q left an e-mail address: name %q, subject %q", s, name, subj)
		}
		if redactName(name) != name || redactSubject(subj) != subj {
			t.Fatalf("redacting %q twice differs", s)
		}
		if s != "" && name == "" {
			t.Fatalf("name %q redacted to nothing", s)
		}
	})
}
