package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Commit is one commit in a report's history.
type Commit struct {
	Hash    string    // full id, 40 hex digits
	Date    time.Time // committer date, in the committer's zone (what git log orders by)
	Author  string    // author name only, never the e-mail address; addresses in the name are removed too (redact.go)
	Subject string    // subject line as git log's %s gives it (a first paragraph of several lines is joined), with e-mail addresses cut to "local@…"
	// Blob is the id of the file's content after this commit, for
	// ReadBlobs; "" when the commit deleted the file.
	Blob string
}

// File is the history of one report.
type File struct {
	Path        string    // relative to the repository's work tree root, slash-separated (to Root when NotRepo)
	Created     time.Time // date of the oldest commit in History (the one that created it)
	Updated     time.Time // date of the newest commit in History
	Revisions   int       // commits that changed it, following renames
	Authors     []string  // distinct author names, sorted
	History     []Commit  // newest first, in `git log --follow` order
	Uncommitted bool      // in the work tree but not in HEAD; Created etc. are zero
	Modified    bool      // in HEAD, but the work tree content differs
}

// Options says where to look.
type Options struct {
	Root     string // project root, absolute; the repository is found from here upwards
	Dir      string // reports dir relative to Root, e.g. "docs/incident-reports"
	CacheDir string // where to keep the incremental cache; "" = no cache
}

// Result is the history of every report.
type Result struct {
	// Files is keyed by slash path relative to Root, for every *.md file
	// below Dir in the work tree.
	Files   map[string]*File
	Head    string // HEAD commit id; "" when not a repository or no commits yet
	Shallow bool   // a shallow clone: histories are cut off
	NotRepo bool   // Root is not inside a git repository
	// Warnings are for the user, one sentence each: not a repository, a
	// shallow clone (naming actions/checkout's `fetch-depth: 0`), missing
	// contents, an unwritable cache.
	Warnings []string

	commitsRead int // commits read from objects rather than the cache (for tests)
}

// objectCacheBytes is the initial size of the cache of rebuilt trees and
// blobs. The reports directory of a large corpus is a handful of trees of
// ~100 KB each, rewritten by almost every commit and stored as chains of up
// to 50 deltas; a walk is linear when a whole chain stays cached, and the
// cache grows for larger trees (see lru). Measured on the 10,000-report
// corpus, a bigger cache is slower: the garbage collector marks its entries
// again on every cycle, and rebuilt trees make garbage fast.
const objectCacheBytes = 32 << 20

// Scan reads the git history of every report below opt.Dir in one walk
// over the commits reachable from HEAD.
func Scan(ctx context.Context, opt Options) (*Result, error) {
	root, err := filepath.Abs(opt.Root)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if _, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	reportsAbs := opt.Dir
	if !filepath.IsAbs(reportsAbs) {
		reportsAbs = filepath.Join(root, opt.Dir)
	}
	// Listing the work tree is system calls; it overlaps with opening the
	// repository and walking the history.
	listed := make(chan listing, 1)
	go func() {
		wt, err := listReports(root, reportsAbs)
		listed <- listing{wt, err}
	}()
	reports := func() ([]wtFile, error) {
		l := <-listed
		listed <- l
		return l.wt, l.err
	}

	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		wt, err := reports()
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		res := &Result{Files: make(map[string]*File, len(wt)), NotRepo: true}
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"%s is not inside a git repository: reports have no created or updated dates, revisions or authors", root))
		for _, f := range wt {
			res.Files[f.key] = &File{Path: f.key, Uncommitted: true}
		}
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: open repository: %w", err)
	}
	w, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	repoDir, err := relPath(w.Filesystem.Root(), reportsAbs)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	withRepoPaths := func() ([]wtFile, error) {
		wt, err := reports()
		for i := range wt {
			wt[i].repoPath = joinPath(repoDir, wt[i].rel)
		}
		return wt, err
	}

	ref, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		wt, err := withRepoPaths()
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		res := &Result{Files: make(map[string]*File, len(wt))}
		res.Warnings = append(res.Warnings, "the repository has no commits yet: every report is uncommitted")
		for _, f := range wt {
			res.Files[f.key] = &File{Path: f.repoPath, Uncommitted: true}
		}
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: resolve HEAD: %w", err)
	}
	res, err := scanRepo(ctx, repo, ref.Hash(), repoDir, opt.CacheDir, withRepoPaths)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return res, nil
}

type listing struct {
	wt  []wtFile
	err error
}

// scanRepo follows the reports from commit head. reports waits for the
// work tree listing.
func scanRepo(ctx context.Context, repo *git.Repository, head plumbing.Hash, repoDir, cacheDir string,
	reports func() ([]wtFile, error)) (*Result, error) {
	res := &Result{Head: head.String()}
	shallow, err := repo.Storer.Shallow()
	if err != nil {
		return nil, fmt.Errorf("read shallow list: %w", err)
	}
	if len(shallow) > 0 {
		res.Shallow = true
		res.Warnings = append(res.Warnings,
			"this is a shallow clone, so report histories are cut off: created dates, revisions and authors are wrong. "+
				"With actions/checkout set `fetch-depth: 0`; elsewhere run `git fetch --unshallow`")
	}

	db := &objectDB{fallback: repo.Storer}
	gitDir := ""
	if fs, ok := repo.Storer.(*filesystem.Storage); ok {
		gitDir = fs.Filesystem().Root()
		// Packs this package cannot open are served by go-git (see objects.go).
		db.packs, _ = openPacks(objectsDir(gitDir))
	}
	defer db.close()

	s := newScanner(ctx, db, repoDir)
	if len(shallow) > 0 {
		s.shallow = make(map[plumbing.Hash]bool, len(shallow))
		for _, h := range shallow {
			s.shallow[h] = true
		}
	}
	if s.cache = loadCache(cacheDir); s.cache != nil {
		s.nodes = make(map[plumbing.Hash]*node, len(s.cache.facts)+64)
	}
	inHead, err := s.headFiles(head)
	if err != nil {
		return nil, err
	}

	// Comparing the work tree with HEAD overlaps with the walk.
	type status struct {
		wt       []wtFile
		modified map[string]bool
		err      error
	}
	statusDone := make(chan status, 1)
	go func() {
		wt, err := reports()
		if err != nil {
			statusDone <- status{err: err}
			return
		}
		modified, err := modifiedFiles(gitDir, wt, inHead)
		statusDone <- status{wt, modified, err}
	}()

	// Follow every report HEAD has; the ones the work tree lacks are
	// dropped at the end, which is cheaper than waiting for the listing.
	states := make(map[string]*fileState)
	for p := range inHead {
		if strings.HasSuffix(p, ".md") {
			states[p] = s.track(p)
		}
	}
	walkErr := error(nil)
	if len(states) > 0 {
		walkErr = s.walk(head)
	}
	st := <-statusDone
	if walkErr != nil {
		return nil, walkErr
	}
	if st.err != nil {
		return nil, st.err
	}
	res.Warnings = append(res.Warnings, s.warnings...)
	res.commitsRead = s.computed
	s.dirty = s.dirty || s.computed > 0

	res.Files = make(map[string]*File, len(st.wt))
	zones := make(map[int16]*time.Location)
	for _, f := range st.wt {
		state := states[f.repoPath]
		if state == nil {
			res.Files[f.key] = &File{Path: f.repoPath, Uncommitted: true}
			continue
		}
		file := state.file(f.repoPath, zones)
		file.Modified = st.modified[f.repoPath]
		res.Files[f.key] = file
	}

	if len(states) > 0 && cacheDir != "" && (s.dirty || s.cache == nil || s.reachedCached != len(s.cache.facts)) {
		if err := saveCache(cacheDir, s.cache, s.order, s.reachedCached); err != nil {
			// A build must not fail because its cache could not be written.
			res.Warnings = append(res.Warnings, fmt.Sprintf("could not write the history cache: %v", err))
		}
	}
	return res, nil
}

// headFiles lists the blobs below the reports dir in commit head.
func (s *scanner) headFiles(head plumbing.Hash) (map[string]change, error) {
	hn, err := s.load(head)
	if err != nil {
		return nil, fmt.Errorf("read HEAD: %w", err)
	}
	dirTree, err := s.st.treeAt(hn.f.tree, s.dir)
	if err != nil {
		return nil, fmt.Errorf("read HEAD tree: %w", err)
	}
	prefix := ""
	if s.dir != "" {
		prefix = s.dir + "/"
	}
	blobs, err := s.st.diffTrees(plumbing.ZeroHash, dirTree, prefix, diffAll, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("read HEAD tree: %w", err)
	}
	m := make(map[string]change, len(blobs))
	for _, c := range blobs {
		m[c.path] = c
	}
	return m, nil
}

// file turns a followed report into its File.
func (f *fileState) file(repoPath string, zones map[int16]*time.Location) *File {
	out := &File{Path: repoPath, Revisions: len(f.history)}
	if len(f.history) == 0 {
		return out // only ever added by a merge, which git log --follow does not show
	}
	out.History = make([]Commit, len(f.history))
	for i, n := range f.history {
		out.History[i] = *n.commitValue(zones)
		if i < len(f.blobs) && !f.blobs[i].IsZero() {
			out.History[i].Blob = f.blobs[i].String()
		}
		if !slices.Contains(out.Authors, n.f.author) {
			out.Authors = append(out.Authors, n.f.author)
		}
	}
	slices.Sort(out.Authors)
	out.Updated = out.History[0].Date
	out.Created = out.History[len(out.History)-1].Date
	return out
}

func (n *node) commitValue(zones map[int16]*time.Location) *Commit {
	if n.commit == nil {
		loc := zones[n.f.tz]
		if loc == nil {
			loc = time.FixedZone("", int(n.f.tz)*60)
			zones[n.f.tz] = loc
		}
		n.commit = &Commit{
			Hash:    n.hash.String(),
			Date:    time.Unix(n.f.when, 0).In(loc),
			Author:  n.f.author,
			Subject: n.f.subject,
		}
	}
	return n.commit
}

// objectsDir finds the object database of a git directory; a linked work
// tree's git directory points at the shared one with a "commondir" file.
func objectsDir(gitDir string) string {
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common := strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		return filepath.Join(common, "objects")
	}
	return filepath.Join(gitDir, "objects")
}

// relPath returns target relative to base, slash-separated, "" for base
// itself. Symbolic links are resolved first so that /tmp and /private/tmp
// (macOS) or a linked checkout still line up.
func relPath(base, target string) (string, error) {
	base, target = resolve(base), resolve(target)
	rel, err := filepath.Rel(base, target)
	if err != nil {
		return "", err
	}
	rel = filepath.ToSlash(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("reports dir %s is outside the repository at %s", target, base)
	}
	if rel == "." {
		return "", nil
	}
	return rel, nil
}

// resolve evaluates the symbolic links of p, or of its longest existing
// ancestor when p does not exist (yet).
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p
	}
	return filepath.Join(resolve(parent), filepath.Base(p))
}

func joinPath(dir, rel string) string {
	if dir == "" {
		return rel
	}
	return dir + "/" + rel
}
