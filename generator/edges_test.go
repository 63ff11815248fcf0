package generator

// Edge cases of the caches and of the folder a build renders into; each
// build with the caches must write what a build from nothing writes.

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/site"
)

func edgeBuild(t *testing.T, root, cacheDir, out string, noHist bool) *Result {
	t.Helper()
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), Config{Site: s, Out: out, Now: time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC), CacheDir: cacheDir, KeepGoing: true, NoHistory: noHist})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A report file renamed without a change of content keeps its ID, URL and
// bytes, but its "View source" link must name the new path.
func TestCachedRenameWithoutHistory(t *testing.T) {
	root := fixture(t)
	reports := filepath.Join(root, "docs/incident-reports/2025")
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	edgeBuild(t, root, cache, out, true)
	if err := os.Rename(filepath.Join(reports, "INC-2025-10-08-001-booking-outage.md"), filepath.Join(reports, "booking.md")); err != nil {
		t.Fatal(err)
	}
	res := edgeBuild(t, root, cache, out, true)
	t.Log(res.Timings())
	matchesFresh(t, root, out)
}

// An edit that keeps the file's size, with its modification time put
// back (cp -p, rsync -a, tar, touch -r ...): its change time tells it,
// as it tells git.
func TestCachedEditWithTimePutBack(t *testing.T) {
	root := fixture(t)
	p := filepath.Join(root, "docs/incident-reports/2025/INC-2025-09-30-002-tours-lock.md")
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(p, hourAgo, hourAgo)
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	b, _ := os.ReadFile(p)
	b = bytes.Replace(b, []byte("severity: P2"), []byte("severity: P0"), 1)
	os.WriteFile(p, b, 0o644)
	os.Chtimes(p, hourAgo, hourAgo)
	edgeBuild(t, root, cache, out, true)
	matchesFresh(t, root, out)
}

// Two builds into one output folder at once (a CI job and a developer, or
// serve's rebuild and a manual build) take turns.
func TestConcurrentBuildsOneOutput(t *testing.T) {
	root := fixture(t)
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	fresh := filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, "-", fresh, true)
	fails := 0
	for i := 0; i < 30; i++ {
		errs := make(chan error, 2)
		// two builds at once, as a CI job and a developer might
		for j := 0; j < 2; j++ {
			go func() {
				_, err := Build(context.Background(), Config{Site: s, Out: out, Now: time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC), CacheDir: "-", KeepGoing: true, NoHistory: true})
				errs <- err
			}()
		}
		for j := 0; j < 2; j++ {
			if err := <-errs; err != nil {
				fails++
				t.Logf("round %d: %v", i, err)
			}
		}
		var n, m int
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		filepath.WalkDir(fresh, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				m++
			}
			return nil
		})
		if n != m {
			t.Errorf("round %d: published site has %d files, a fresh build %d", i, n, m)
		}
	}
	if fails > 0 {
		t.Errorf("%d of 60 builds failed", fails)
	}
}

// An attachment that was a file becomes a folder: the build renders
// into the site before the previous one, where "img" is still a file.
func TestAttachmentFileBecomesFolder(t *testing.T) {
	root := fixture(t)
	dir := filepath.Join(root, "docs/incident-reports/2025/inc9")
	os.MkdirAll(dir, 0o755)
	write := func(att string) {
		os.WriteFile(filepath.Join(dir, "r.md"), []byte("---\nid: INC-2025-07-01-009\ntitle: T\nseverity: P2\nstatus: final\nstarted: 2025-07-01 10:00\nattachments: ["+att+"]\n---\nBody.\n"), 0o644)
	}
	cache, out := imgFileBuilt(t, root, dir, write)
	imgBecomesFolder(dir, write)
	res := edgeBuild(t, root, cache, out, true)
	for _, d := range res.Diagnostics {
		if d.Rule == "attachment" {
			t.Logf("cached build: %s: %s", d.Path, d.Message)
		}
	}
	fresh := filepath.Join(t.TempDir(), "site")
	want := edgeBuild(t, root, "-", fresh, true)
	for _, d := range want.Diagnostics {
		if d.Rule == "attachment" {
			t.Logf("fresh build: %s: %s", d.Path, d.Message)
		}
	}
	sameTree(t, fresh, out)
}

// A report whose ID is a year that has a list page gets a page of its
// own beside the list.
func TestIDThatIsAYear(t *testing.T) {
	root := fixture(t)
	os.WriteFile(filepath.Join(root, "docs/incident-reports/2025/y.md"), []byte("---\nid: \"2025\"\ntitle: Year\nseverity: P2\nstatus: final\nstarted: 2025-07-01 10:00\n---\nBody.\n"), 0o644)
	for i := 0; i < 5; i++ {
		out := filepath.Join(t.TempDir(), "site")
		edgeBuild(t, root, "-", out, true)
		list, _ := os.ReadFile(filepath.Join(out, "incidents/2025/index.html"))
		page, _ := os.ReadFile(filepath.Join(out, "incidents/2025-2/index.html"))
		if !bytes.Contains(list, []byte(`class="page-incidents"`)) || !bytes.Contains(page, []byte(`class="page-report"`)) {
			t.Fatalf("build %d: the year list and the report with the year for ID must have a page each", i)
		}
	}
}

// After every file's times change with its bytes the same (git checkout
// of another branch and back, a fresh clone restoring the cache), the
// parse cache records the new times, so later builds need not read the
// files again.
func TestParseCacheRefreshedAfterNewTimes(t *testing.T) {
	root := fixture(t)
	files, _ := filepath.Glob(filepath.Join(root, "docs/incident-reports/2025/*.md"))
	set := func(d time.Duration) {
		for _, f := range files {
			tm := time.Now().Add(d)
			os.Chtimes(f, tm, tm)
		}
	}
	set(-2 * time.Hour)
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	set(-time.Hour)
	edgeBuild(t, root, cache, out, true)
	edgeBuild(t, root, cache, out, true)
	prior := loadParsed(cache, parseKey(Config{Site: mustLoad(t, root)}))
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		st, _ := os.Lstat(f)
		if c := prior[filepath.ToSlash(rel)]; c.Stat.MTime != st.ModTime().UnixNano() {
			t.Errorf("%s: cached mtime %v, file %v: re-read and hashed on every build", rel, time.Unix(0, c.Stat.MTime), st.ModTime())
		}
	}
}

func mustLoad(t *testing.T, root string) *config.Site {
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A theme override (docs/themes.md: ".Site (title, description, repo
// URL, today, years...)") whose footer lists the years: a report in a
// new year changes every page.
func TestCachedPagesWithThemeShowingSiteFacts(t *testing.T) {
	root := fixture(t)
	os.MkdirAll(filepath.Join(root, "layouts/partials"), 0o755)
	os.WriteFile(filepath.Join(root, "layouts/partials/footer.html"), []byte(`<footer>{{range .Site.Years}}<a href="{{$.Root}}incidents/{{.}}/">{{.}}</a> {{end}} {{when .Site.Generated}}</footer>`), 0o644)
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	edgeBuild(t, root, cache, out, true)
	os.MkdirAll(filepath.Join(root, "docs/incident-reports/2024"), 0o755)
	os.WriteFile(filepath.Join(root, "docs/incident-reports/2024/old.md"), []byte("---\nid: INC-2024-03-01-001\ntitle: Old\nseverity: P3\nstatus: final\nstarted: 2024-03-01 10:00\n---\nBody.\n"), 0o644)
	res := edgeBuild(t, root, cache, out, true)
	t.Log(res.Timings())
	matchesFresh(t, root, out)
}

// A file the body links to that could not be copied once is copied by
// the next build.
func TestFailedCopyRetried(t *testing.T) {
	root := fixture(t)
	dir := filepath.Join(root, "docs/incident-reports/2025/inc9")
	os.MkdirAll(dir, 0o755)
	write := func(link string) {
		os.WriteFile(filepath.Join(dir, "r.md"), []byte("---\nid: INC-2025-07-01-009\ntitle: T\nseverity: P2\nstatus: final\nstarted: 2025-07-01 10:00\n---\nSee [graph]("+link+").\n"), 0o644)
	}
	cache, out := imgFileBuilt(t, root, dir, write)
	imgBecomesFolder(dir, write)
	edgeBuild(t, root, cache, out, true) // copy fails: warning
	for i := 0; i < 3; i++ {
		res := edgeBuild(t, root, cache, out, true)
		t.Logf("build %d: %s", i, res.Timings())
		if _, err := os.Stat(filepath.Join(out, "incidents/INC-2025-07-01-009/img/x.png")); err != nil {
			t.Errorf("build %d after the failure: %v", i, err)
		}
	}
}

// imgBecomesFolder makes the report folder inc9's "img", a file, into a
// folder holding x.png, and rewrites its report with write.
func imgBecomesFolder(dir string, write func(string)) {
	os.Remove(filepath.Join(dir, "img"))
	os.MkdirAll(filepath.Join(dir, "img"), 0o755)
	os.WriteFile(filepath.Join(dir, "img", "x.png"), []byte("png"), 0o644)
	write("img/x.png")
}

// imgFileBuilt gives inc9 a file "img", builds twice with a cache and
// returns the cache and the output folder.
func imgFileBuilt(t *testing.T, root, dir string, write func(string)) (cache, out string) {
	t.Helper()
	os.WriteFile(filepath.Join(dir, "img"), []byte("file"), 0o644)
	write("img")
	cache, out = t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	edgeBuild(t, root, cache, out, true)
	return cache, out
}

// matchesFresh builds root from nothing and compares the site with out.
func matchesFresh(t *testing.T, root, out string) {
	t.Helper()
	fresh := filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, "-", fresh, true)
	sameTree(t, fresh, out)
}

// An edit to one report rewrites only the cache shards holding it: the
// parse cache's and the reports' parts (their entries in reports.json
// and the search index), not the whole of either.
func TestEditRewritesOneShard(t *testing.T) {
	root := fixture(t)
	reports := filepath.Join(root, "docs/incident-reports/2025")
	// Files last changed (and their change times, which only the
	// clock sets) two seconds before a build are taken by their stat
	// data after it.
	hourAgo := time.Now().Add(-time.Hour)
	files, _ := filepath.Glob(filepath.Join(reports, "*"))
	for _, f := range files {
		os.Chtimes(f, hourAgo, hourAgo)
	}
	time.Sleep(2100 * time.Millisecond)
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	times := func() map[string]time.Time {
		m := map[string]time.Time{}
		shards, _ := filepath.Glob(filepath.Join(cache, "*.gob"))
		more, _ := filepath.Glob(filepath.Join(cache, "*.bin"))
		for _, f := range append(shards, more...) {
			if st, err := os.Stat(f); err == nil && strings.Contains(f, "-") && !strings.Contains(f, "pages-") {
				m[filepath.Base(f)] = st.ModTime()
			}
		}
		return m
	}
	before := times()
	if len(before) < 4 {
		t.Fatalf("cache shards: %v", before)
	}
	time.Sleep(20 * time.Millisecond)
	p := filepath.Join(reports, "INC-2025-10-08-001-booking-outage.md")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, "\nOne more line.\n"...), 0o644)
	edgeBuild(t, root, cache, out, true)
	var rewritten []string
	for name, t0 := range times() {
		if !t0.Equal(before[name]) {
			rewritten = append(rewritten, name)
		}
	}
	sort.Strings(rewritten)
	if len(rewritten) != 2 || !strings.HasPrefix(rewritten[0], "parts.") || !strings.HasPrefix(rewritten[1], "reports.") {
		t.Errorf("rewritten: %v, want one shard of the parts and one of the parse cache", rewritten)
	}
	matchesFresh(t, root, out)
}

// A build makes its reports' page folders while history is read. One that
// then fails leaves its folder for the next build, which must not publish
// a folder for a report that is gone by then.
func TestFailedBuildLeavesNoEmptyFolders(t *testing.T) {
	root := fixture(t)
	reports := filepath.Join(root, "docs/incident-reports/2025")
	out := filepath.Join(t.TempDir(), "site")
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Site: s, Out: out, Now: time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC), CacheDir: "-", NoHistory: true}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(reports, "INC-2025-11-01-001-broken.md")
	os.WriteFile(bad, []byte("---\ntitle: [unclosed\n---\n# Broken\n"), 0o644)
	os.WriteFile(filepath.Join(reports, "INC-2025-10-20-001-gone.md"), []byte("---\nid: INC-2025-10-20-001\ntitle: Soon gone\nstarted: 2025-10-20 10:00\n---\n"), 0o644)
	if _, err := Build(context.Background(), cfg); err == nil {
		t.Fatal("a build with an unreadable report succeeded")
	}
	os.Remove(bad)
	os.Remove(filepath.Join(reports, "INC-2025-10-20-001-gone.md"))
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if es, _ := os.ReadDir(p); len(es) == 0 {
				t.Errorf("empty folder %s published", p)
			}
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(out, "incidents/INC-2025-10-20-001")); err == nil {
		t.Error("the removed report's folder is published")
	}
}

// A build into a new folder takes the unchanged pages from the published
// site as hard links. The build after it renders into the folder that
// was published before, whose files then share their data with the site
// being served: an edited page there must get a file of its own, or the
// edit would reach the served site before the swap.
func TestLinkedPagesLeavePublishedAlone(t *testing.T) {
	root := fixture(t)
	reports := filepath.Join(root, "docs/incident-reports/2025")
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	edgeBuild(t, root, cache, out, true) // renders into a new folder
	page := filepath.Join(out, "incidents/INC-2025-10-08-001/index.html")
	st, err := os.Stat(page)
	if err != nil {
		t.Fatal(err)
	}
	if n := nameCount(st); countsLinks(t) && n < 2 {
		t.Errorf("an unchanged page has %d names, want it linked from the published site", n)
	}
	before, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(reports, "INC-2025-10-08-001-booking-outage.md")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, bytes.Replace(b, []byte("title: "), []byte("title: Edited "), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	edgeBuild(t, root, cache, out, true) // renders into the first build's folder
	matchesFresh(t, root, out)
	// The site published during that build is now the folder kept
	// beside out: its page must be as it was.
	kept, err := os.ReadFile(filepath.Join(site.Prev(out), "incidents/INC-2025-10-08-001/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(kept, before) {
		t.Error("the build wrote into the page of the site it replaced")
	}
	if now, _ := os.ReadFile(page); !bytes.Contains(now, []byte("Edited ")) {
		t.Error("the edit is not on the published page")
	}
}

// countsLinks says whether the file system of the test's folders makes
// hard links and counts them.
func countsLinks(t *testing.T) bool {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if os.WriteFile(a, nil, 0o644) != nil || os.Link(a, b) != nil {
		return false
	}
	st, err := os.Stat(a)
	return err == nil && nameCount(st) == 2
}

// A page changed after the build that wrote it, in the folder a build
// renders into or in the published site (an older hindsight writing
// through a hard link, a tool run over the site), is not taken as that
// build wrote it.
func TestChangedPagesNotTrusted(t *testing.T) {
	for _, where := range []string{"staged", "published"} {
		t.Run(where, func(t *testing.T) {
			root, cache, out, prev := builtTwice(t)
			dir := prev
			if where == "published" {
				// With no folder to render into, the build takes pages
				// from the published site.
				dir = out
				if err := os.RemoveAll(prev); err != nil {
					t.Fatal(err)
				}
			}
			page := filepath.Join(dir, "incidents/INC-2025-10-08-001/index.html")
			time.Sleep(20 * time.Millisecond) // a later modification time
			f, err := os.OpenFile(page, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString("<script>changed</script>")
			f.Close()
			edgeBuild(t, root, cache, out, true)
			matchesFresh(t, root, out)
		})
	}
}

// A symbolic link where a page goes, in the folder a build renders
// into, is replaced by the page: nothing is written through it.
func TestLinkInStagedFolder(t *testing.T) {
	root, cache, out, prev := builtTwice(t)
	outside := filepath.Join(t.TempDir(), "outside.html")
	if err := os.WriteFile(outside, []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(prev, "incidents/INC-2025-10-08-001/index.html")
	swapIn(t, page, func() error { return os.Symlink(outside, page) })
	// An edit, so that the page is rendered again, not taken from the
	// published site.
	p := filepath.Join(root, "docs/incident-reports/2025/INC-2025-10-08-001-booking-outage.md")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(b, "\nOne more line.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	edgeBuild(t, root, cache, out, true)
	matchesFresh(t, root, out)
	if b, _ := os.ReadFile(outside); string(b) != "outside" {
		t.Errorf("the build wrote through a link, out of the output folder: %.40q", b)
	}
}

// The folder earlier versions kept beside the output, and rendered into
// in place, is removed rather than reused.
func TestLegacyKeptFolderRemoved(t *testing.T) {
	root := fixture(t)
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	parent, base := filepath.Split(out)
	legacy := filepath.Join(parent, "."+base+".next")
	if err := os.CopyFS(legacy, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	edgeBuild(t, root, cache, out, true)
	if _, err := os.Lstat(legacy); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s is still there: %v", legacy, err)
	}
	matchesFresh(t, root, out)
}

// A site folder that is not the one a build published, even with a
// manifest like it (say, checked out of a repository that holds a folder
// of that name), is not trusted for its files.
func TestForgedKeptFolder(t *testing.T) {
	root, cache, out, prev := builtTwice(t)
	forged := filepath.Join(t.TempDir(), "forged")
	if err := os.CopyFS(forged, os.DirFS(prev)); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(forged, "incidents/INC-2025-10-08-001/index.html")
	if err := os.WriteFile(page, []byte("<script>forged</script>"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The manifest last, as a checkout might write it: no file is newer.
	manifest := filepath.Join(forged, ".hindsight-manifest")
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(manifest)
	if err := os.WriteFile(manifest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	swapIn(t, prev, func() error { return os.Rename(forged, prev) })
	edgeBuild(t, root, cache, out, true)
	matchesFresh(t, root, out)
}

// A link to a folder elsewhere, where a folder of pages goes in the
// folder a build renders into, is replaced by a folder: no page is
// written through it.
func TestFolderLinkInStagedFolder(t *testing.T) {
	root, cache, out, prev := builtTwice(t)
	outside := t.TempDir()
	incidents := filepath.Join(prev, "incidents")
	swapIn(t, incidents, func() error { return os.Symlink(outside, incidents) })
	edgeBuild(t, root, cache, out, true)
	matchesFresh(t, root, out)
	if ents, _ := os.ReadDir(outside); len(ents) > 0 {
		t.Errorf("the build wrote %d entries through a link, out of the output folder", len(ents))
	}
}

// serve's preview rewrites the published site's manifest: the builds
// after it still keep the unchanged pages.
func TestPreviewKeepsFoldersTrusted(t *testing.T) {
	root := fixture(t)
	cache, out := t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	res := edgeBuild(t, root, cache, out, true)
	p := filepath.Join(root, "docs/incident-reports/2025/INC-2025-10-08-001-booking-outage.md")
	for i := range 3 {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(b, "\nOne more line.\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := Preview(context.Background(), res.Snapshot, []string{p}); err != nil || !ok {
			t.Fatalf("preview %d: %v, %v", i, ok, err)
		}
		res = edgeBuild(t, root, cache, out, true)
		if !strings.Contains(res.Timings(), "report pages unchanged") {
			t.Errorf("build %d after a preview kept no page: %s", i, res.Timings())
		}
	}
	matchesFresh(t, root, out)
}

// A link where a page's folder goes, in a site folder a build trusts,
// is not read through: what it leads to is not published as the page.
func TestLinkedFolderInTrustedSite(t *testing.T) {
	root, cache, out, prev := builtTwice(t)
	evil := t.TempDir()
	page := filepath.Join(evil, "index.html")
	if err := os.WriteFile(page, []byte("<script>evil</script>"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-24 * time.Hour)
	os.Chtimes(page, old, old)
	folder := filepath.Join(prev, "incidents/INC-2025-09-30-002")
	swapIn(t, folder, func() error { return os.Symlink(evil, folder) })
	// With no site published, the kept folder is the site again, and
	// the build takes pages from it.
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	edgeBuild(t, root, cache, out, true)
	matchesFresh(t, root, out)
}

// builtTwice builds the fixture twice with a cache, so that a site is
// published and the one before it kept beside it, and returns the
// fixture, the cache, the output folder and the kept folder.
func builtTwice(t *testing.T) (root, cache, out, prev string) {
	t.Helper()
	root = fixture(t)
	cache, out = t.TempDir(), filepath.Join(t.TempDir(), "site")
	edgeBuild(t, root, cache, out, true)
	edgeBuild(t, root, cache, out, true)
	return root, cache, out, site.Prev(out)
}

// swapIn removes p and puts in its place what put makes; the test is
// skipped where put cannot be done (no symbolic links, say).
func swapIn(t *testing.T, p string, put func() error) {
	t.Helper()
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
	if err := put(); err != nil {
		t.Skip("cannot make the case here:", err)
	}
}

// failedBuild adds an invalid report to root and builds it without
// --keep-going, which fails after the site is staged.
func failedBuild(t *testing.T, root, cacheDir, out string) {
	t.Helper()
	bad := filepath.Join(root, "docs/incident-reports/2025/broken.md")
	if err := os.WriteFile(bad, []byte("---\nid: [\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(bad)
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(context.Background(), Config{Site: s, Out: out, Now: time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC), CacheDir: cacheDir, NoHistory: true})
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("build with an invalid report: %v, want a BuildError", err)
	}
}

// A kept folder that no recorded build published is never made the
// site, even when the output folder is missing and the build fails: a
// fresh clone in CI has no output folder, and may hold a folder of that
// name from the repository.
func TestForgedKeptFolderNotPublished(t *testing.T) {
	for _, cached := range []bool{false, true} {
		name := "no cache"
		if cached {
			name = "cache"
		}
		t.Run(name, func(t *testing.T) {
			root := fixture(t)
			cache, out := "-", filepath.Join(t.TempDir(), "site")
			manifest := []byte("hindsight 1\n")
			if cached {
				cache = t.TempDir()
				edgeBuild(t, root, cache, out, true)
				edgeBuild(t, root, cache, out, true)
				b, err := os.ReadFile(filepath.Join(out, site.Manifest))
				if err != nil {
					t.Fatal(err)
				}
				manifest = b
				if err := os.RemoveAll(out); err != nil {
					t.Fatal(err)
				}
			}
			prev := site.Prev(out)
			os.RemoveAll(prev)
			if err := os.MkdirAll(prev, 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(prev, "index.html"), []byte("<script>forged</script>"), 0o644)
			os.WriteFile(filepath.Join(prev, site.Manifest), manifest, 0o644)
			failedBuild(t, root, cache, out)
			if _, err := os.Lstat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a failed build left an output folder: %v", err)
			}
			edgeBuild(t, root, cache, out, true)
			matchesFresh(t, root, out)
		})
	}
}

// A build killed between Publish's two renames, where there is no
// atomic swap, leaves the last good site as the kept folder alone: the
// next build makes it the site again, even if that build fails.
func TestKeptSiteRestored(t *testing.T) {
	root, cache, out, prev := builtTwice(t)
	before := filepath.Join(t.TempDir(), "before")
	if err := os.CopyFS(before, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(prev); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(out, prev); err != nil {
		t.Fatal(err)
	}
	failedBuild(t, root, cache, out)
	sameTree(t, before, out)
}
