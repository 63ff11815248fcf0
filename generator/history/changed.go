package history

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Changed returns the files below reportsDir that differ between the
// merge base of ref and HEAD and the working tree, as slash paths
// relative to repoRoot: what `git diff $(git merge-base REF HEAD)` shows,
// plus untracked files that are not ignored. Commits on the branch,
// staged and unstaged edits and new files all count, so a pull request
// check and a check before committing see the same reports. Deleted files
// are left out: there is nothing left to check.
//
// repoRoot is any folder inside the work tree (the site root); reportsDir
// is absolute or relative to repoRoot.
//
// The working tree is compared with the merge base's tree directly,
// rather than diffing commits and then the index, so only one tree (the
// reports folder of one commit) is read from history. A file whose size
// and modification time match its index entry takes the index's hash, as
// git does, so only edited files are read and hashed.
func Changed(repoRoot, reportsDir, ref string) ([]string, error) {
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		return nil, fmt.Errorf("changed files: %w", err)
	}
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s is not inside a git repository: %w", root, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open work tree: %w", err)
	}
	top := wt.Filesystem.Root()
	dir := reportsDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, filepath.FromSlash(dir))
	}
	prefix, err := changedRel(top, dir)
	if err != nil {
		return nil, err
	}

	base, err := changedBase(repo, ref)
	if err != nil {
		return nil, err
	}
	old, err := changedTreeFiles(base, prefix)
	if err != nil {
		return nil, err
	}
	staged := changedIndex(repo, top)

	var out []string
	ign := changedIgnores(top, prefix)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipAll // no reports folder: nothing changed in it
			}
			return err
		}
		rel, rerr := filepath.Rel(top, p)
		if rerr != nil {
			return rerr
		}
		rel = filepath.ToSlash(rel)
		parts := strings.Split(rel, "/")
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			ign.read(p, parts)
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		e, tracked := staged.entries[rel]
		if !tracked && ign.match(parts) {
			return nil
		}
		h, herr := staged.hash(p, d, e)
		if herr != nil {
			return herr
		}
		if was, ok := old[rel]; ok && was == h {
			return nil
		}
		back, rerr := filepath.Rel(root, p)
		if rerr != nil {
			return rerr
		}
		out = append(out, filepath.ToSlash(back))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("changed files: %w", err)
	}
	sort.Strings(out)
	return out, nil
}

// changedRel is dir as a slash path inside the work tree top ("" for top
// itself). Both are resolved through symbolic links first, since go-git
// reports the work tree by its real path.
func changedRel(top, dir string) (string, error) {
	realTop, err := filepath.EvalSymlinks(top)
	if err != nil {
		realTop = top
	}
	realDir := dir
	// The reports folder may not exist (yet); resolve the part that does.
	for p, rest := dir, ""; ; {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			realDir = filepath.Join(r, rest)
			break
		}
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
	rel, err := filepath.Rel(realTop, realDir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("reports folder %s is outside the repository %s", dir, top)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel), nil
}

// changedBase is the merge base of ref and HEAD; nil when HEAD has no
// commit yet, so every file is new.
func changedBase(repo *git.Repository, ref string) (*object.Commit, error) {
	shallow := ""
	if s, err := repo.Storer.Shallow(); err == nil && len(s) > 0 {
		shallow = " (this is a shallow clone: fetch the history first, e.g. actions/checkout with fetch-depth: 0)"
	}
	h, err := repo.ResolveRevision(plumbing.Revision(ref))
	if err != nil {
		return nil, fmt.Errorf("unknown revision %q%s: %w", ref, shallow, err)
	}
	other, err := repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("revision %q: %w", ref, err)
	}
	head, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("HEAD: %w", err)
	}
	hc, err := repo.CommitObject(head.Hash())
	if err != nil {
		return nil, fmt.Errorf("HEAD: %w", err)
	}
	bases, err := hc.MergeBase(other)
	if err != nil {
		return nil, fmt.Errorf("merge base of %s and HEAD%s: %w", ref, shallow, err)
	}
	if len(bases) == 0 {
		return nil, fmt.Errorf("%s and HEAD have no common history%s", ref, shallow)
	}
	return bases[0], nil
}

// changedTreeFiles maps the files below prefix in c's tree to their blob
// hashes, reading only the trees of that folder.
func changedTreeFiles(c *object.Commit, prefix string) (map[string]plumbing.Hash, error) {
	files := map[string]plumbing.Hash{}
	if c == nil {
		return files, nil
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("tree of %s: %w", c.Hash, err)
	}
	if prefix != "" {
		tree, err = tree.Tree(prefix)
		if errors.Is(err, object.ErrDirectoryNotFound) {
			return files, nil // the folder is new since the base
		}
		if err != nil {
			return nil, fmt.Errorf("tree of %s/%s: %w", c.Hash, prefix, err)
		}
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tree of %s: %w", c.Hash, err)
		}
		if e.Mode.IsFile() {
			files[path.Join(prefix, name)] = e.Hash
		}
	}
	return files, nil
}

// changedStage is the index as far as hashing the work tree needs it.
type changedStage struct {
	entries map[string]*index.Entry
	// written is when the index was written: an entry whose file was
	// modified in the same instant may hide a later edit ("racy git"),
	// so its hash is only trusted for files older than that.
	written time.Time
}

func changedIndex(repo *git.Repository, top string) changedStage {
	st := changedStage{entries: map[string]*index.Entry{}}
	idx, err := repo.Storer.Index()
	if err != nil {
		return st // no index: every file is hashed
	}
	for _, e := range idx.Entries {
		if e.Stage == index.Merged && !e.IntentToAdd {
			st.entries[e.Name] = e
		}
	}
	if fi, err := os.Stat(filepath.Join(top, ".git", "index")); err == nil {
		st.written = fi.ModTime()
	}
	return st
}

// hash is the blob hash of the work-tree file at p: the index's when the
// file's size and time match its entry, else computed from the content
// (the link target for a symbolic link, as git stores it).
func (st changedStage) hash(p string, d fs.DirEntry, e *index.Entry) (plumbing.Hash, error) {
	if d.Type()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(p)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return plumbing.ComputeHash(plumbing.BlobObject, []byte(filepath.ToSlash(target))), nil
	}
	fi, err := d.Info()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if e != nil && e.Mode != filemode.Symlink && int64(e.Size) == fi.Size()&0xffffffff && sameTime(e.ModifiedAt, fi.ModTime()) && fi.ModTime().Before(st.written) {
		return e.Hash, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer f.Close()
	h := plumbing.NewHasher(plumbing.BlobObject, fi.Size())
	if _, err := io.Copy(h, f); err != nil {
		return plumbing.ZeroHash, err
	}
	return h.Sum(), nil
}

// sameTime compares an index time with a file time; git built without
// nanosecond support stores whole seconds.
func sameTime(idx, file time.Time) bool {
	if idx.Nanosecond() == 0 {
		return idx.Unix() == file.Unix()
	}
	return idx.Equal(file)
}

// changedIgnore holds the ignore patterns that apply below the reports
// folder: .git/info/exclude, the .gitignore files of the folders above it
// and those found while walking it. A pattern only matches below the
// folder of its file, so collecting them all in walk order keeps git's
// precedence (deeper files win).
type changedIgnore struct {
	patterns []gitignore.Pattern
}

func changedIgnores(top, prefix string) *changedIgnore {
	ig := &changedIgnore{}
	ig.file(filepath.Join(top, ".git", "info", "exclude"), nil)
	ig.file(filepath.Join(top, ".gitignore"), nil)
	if prefix != "" {
		parts := strings.Split(prefix, "/")
		// The reports folder's own .gitignore is read by the walk.
		for i := 1; i < len(parts); i++ {
			ig.file(filepath.Join(top, filepath.FromSlash(strings.Join(parts[:i], "/")), ".gitignore"), parts[:i])
		}
	}
	return ig
}

// read takes the .gitignore of a folder being walked.
func (ig *changedIgnore) read(dir string, parts []string) {
	if len(parts) == 1 && parts[0] == "." {
		return // the work tree itself: read up front
	}
	ig.file(filepath.Join(dir, ".gitignore"), parts)
}

func (ig *changedIgnore) file(p string, domain []string) {
	f, err := os.Open(p)
	if err != nil {
		return // no such file, or unreadable: git ignores it too
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") || strings.TrimSpace(l) == "" {
			continue
		}
		ig.patterns = append(ig.patterns, gitignore.ParsePattern(l, domain))
	}
}

func (ig *changedIgnore) match(parts []string) bool {
	if len(ig.patterns) == 0 {
		return false
	}
	return gitignore.NewMatcher(ig.patterns).Match(parts, false)
}
