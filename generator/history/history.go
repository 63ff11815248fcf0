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
	Author  string    // author name only, never the e-mail address
	Subject string    // first line of the message (git log's %s)
}

// File is the history of one report.
type File struct {
	Path        string    // path relative to the repository's work tree root, slash-separated
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
	Files    map[string]*File
	Head     string // HEAD commit id; "" when not a repository or no commits yet
	Shallow  bool   // a shallow clone: histories are cut off
	NotRepo  bool   // Root is not inside a git repository
	Warnings []string

	commitsRead int // commits read from objects rather than the cache (for tests)
}

// objectCacheBytes bounds the cache of rebuilt tree and blob objects. The
// reports directory of a large corpus is a handful of trees of ~100 KB each,
// rewritten by almost every commit and stored as chains of up to 50 deltas;
// keeping whole chains in memory is what makes a walk linear.
const objectCacheBytes = 160 << 20

// Scan reads the git history of every report below opt.Dir in one walk
// over the commits reachable from HEAD.
func Scan(ctx context.Context, opt Options) (*Result, error) {
	root, err := filepath.Abs(opt.Root)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	reportsAbs := opt.Dir
	if !filepath.IsAbs(reportsAbs) {
		reportsAbs = filepath.Join(root, opt.Dir)
	}
	wt, err := listReports(root, reportsAbs)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	res := &Result{Files: make(map[string]*File, len(wt))}

	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		res.NotRepo = true
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
	for i := range wt {
		wt[i].repoPath = joinPath(repoDir, wt[i].rel)
	}

	ref, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		res.Warnings = append(res.Warnings, "the repository has no commits yet: every report is uncommitted")
		for _, f := range wt {
			res.Files[f.key] = &File{Path: f.repoPath, Uncommitted: true}
		}
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: resolve HEAD: %w", err)
	}
	head := ref.Hash()
	res.Head = head.String()

	shallow, err := repo.Storer.Shallow()
	if err != nil {
		return nil, fmt.Errorf("history: read shallow list: %w", err)
	}
	if len(shallow) > 0 {
		res.Shallow = true
		res.Warnings = append(res.Warnings,
			"this is a shallow clone, so report histories are cut off: created dates, revisions and authors are wrong. "+
				"With actions/checkout set `fetch-depth: 0`; elsewhere run `git fetch --unshallow`")
	}

	db := &objectDB{fallback: repo.Storer}
	if fs, ok := repo.Storer.(*filesystem.Storage); ok {
		// Packs we cannot open are served by go-git instead (see objects.go).
		db.packs, _ = openPacks(objectsDir(fs.Filesystem().Root()))
	}
	defer db.close()
	st := newStore(db, objectCacheBytes)

	s := newScanner(ctx, st, repoDir)
	if len(shallow) > 0 {
		s.shallow = make(map[plumbing.Hash]bool, len(shallow))
		for _, h := range shallow {
			s.shallow[h] = true
		}
	}
	s.cached = loadCache(opt.CacheDir)

	hn, err := s.load(head)
	if err != nil {
		return nil, fmt.Errorf("history: read HEAD: %w", err)
	}
	dirTree, err := s.dirTree(hn)
	if err != nil {
		return nil, fmt.Errorf("history: read HEAD tree: %w", err)
	}
	prefix := ""
	if repoDir != "" {
		prefix = repoDir + "/"
	}
	inHead, err := st.diffTrees(plumbing.ZeroHash, dirTree, prefix, diffAll, nil)
	if err != nil {
		return nil, fmt.Errorf("history: read HEAD tree: %w", err)
	}
	headBlobs := make(map[string]change, len(inHead))
	for _, c := range inHead {
		headBlobs[c.path] = c
	}

	states := make(map[string]*fileState, len(wt))
	for _, f := range wt {
		if _, ok := headBlobs[f.repoPath]; ok {
			states[f.key] = s.track(f.key, f.repoPath)
		}
	}
	if err := s.walk(head); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	res.Warnings = append(res.Warnings, s.warnings...)
	res.commitsRead = s.computed

	modified, err := modifiedFiles(repo, wt, headBlobs)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	zones := make(map[int16]*time.Location)
	for _, f := range wt {
		st := states[f.key]
		if st == nil {
			res.Files[f.key] = &File{Path: f.repoPath, Uncommitted: true}
			continue
		}
		res.Files[f.key] = st.file(f.repoPath, zones)
		res.Files[f.key].Modified = modified[f.repoPath]
	}

	if opt.CacheDir != "" && (s.dirty || len(s.cached) != len(s.nodes)) {
		if err := saveCache(opt.CacheDir, s.nodes); err != nil {
			// A build must not fail because its cache could not be written.
			res.Warnings = append(res.Warnings, fmt.Sprintf("could not write the history cache: %v", err))
		}
	}
	return res, nil
}

// file turns a followed report into its File.
func (fs *fileState) file(repoPath string, zones map[int16]*time.Location) *File {
	f := &File{Path: repoPath, Revisions: len(fs.history)}
	if len(fs.history) == 0 {
		return f // only ever added by a merge, which git log --follow does not show
	}
	f.History = make([]Commit, len(fs.history))
	for i, n := range fs.history {
		f.History[i] = *n.commitValue(zones)
		if !slices.Contains(f.Authors, n.f.author) {
			f.Authors = append(f.Authors, n.f.author)
		}
	}
	slices.Sort(f.Authors)
	f.Updated = f.History[0].Date
	f.Created = f.History[len(f.History)-1].Date
	return f
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
	if b, err := filepath.EvalSymlinks(base); err == nil {
		base = b
	}
	if t, err := filepath.EvalSymlinks(target); err == nil {
		target = t
	}
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

func joinPath(dir, rel string) string {
	if dir == "" {
		return rel
	}
	return dir + "/" + rel
}
