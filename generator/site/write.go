package site

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Manifest is the file in the output folder that lists every file the
// build wrote; the next build uses it to refuse to clobber anything else.
const Manifest = ".hindsight-manifest"

// OutError is an output folder the build refuses to write.
type OutError struct{ Msg string }

func (e *OutError) Error() string { return e.Msg }

// within reports whether p is dir or inside it (both absolute, clean).
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Guard checks that out may be replaced by a build: never the repository
// root, the reports folder, a folder holding either, or a folder inside
// the reports; and, unless force, not a folder holding files that an
// earlier build did not write.
func Guard(out, root, reports string, force bool) error {
	out, _ = filepath.Abs(out)
	for _, p := range []struct{ dir, what string }{{root, "the repository root"}, {reports, "the reports folder"}} {
		if within(p.dir, out) {
			return &OutError{fmt.Sprintf("refusing to write the site to %s: it is or holds %s", out, p.what)}
		}
	}
	if within(out, reports) {
		return &OutError{fmt.Sprintf("refusing to write the site to %s: it is inside the reports folder", out)}
	}
	st, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	if !st.IsDir() {
		return &OutError{fmt.Sprintf("refusing to write the site to %s: it is not a folder", out)}
	}
	if force {
		return nil
	}
	known, err := readManifest(filepath.Join(out, Manifest))
	if err != nil {
		return err
	}
	var stranger string
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || stranger != "" {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		if rel != Manifest && !known[rel] {
			stranger = rel
			return filepath.SkipAll
		}
		return nil
	})
	if stranger != "" {
		return &OutError{fmt.Sprintf("refusing to replace %s: it holds %s, which hindsight did not write (use --force to replace it anyway)", out, stranger)}
	}
	return nil
}

func readManifest(p string) (map[string]bool, error) {
	_, files, changed, err := manifest(p)
	for f := range changed {
		files[f] = true
	}
	return files, err
}

// buildLine starts the manifest: the number of the build that wrote the
// folder, which the page cache compares with its records.
const buildLine = "# hindsight build "

// changedLine marks a file of the site that was rewritten after its
// build (a preview): hindsight wrote it, but not as the build did.
const changedLine = "# changed "

// manifest reads a manifest: the build number (0 when unknown), the
// files as the build wrote them, and the files changed since. A missing
// manifest lists nothing.
func manifest(p string) (build int, files, changed map[string]bool, err error) {
	files, changed = map[string]bool{}, map[string]bool{}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, files, changed, nil
	}
	if err != nil {
		return 0, nil, nil, fmt.Errorf("output manifest: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		l := sc.Text()
		if n, ok := strings.CutPrefix(l, buildLine); ok {
			build, _ = strconv.Atoi(n)
		} else if f, ok := strings.CutPrefix(l, changedLine); ok {
			changed[f] = true
		} else if l != "" && !strings.HasPrefix(l, "#") {
			files[l] = true
		}
	}
	for f := range changed {
		delete(files, f)
	}
	return build, files, changed, nil
}

// manifestText is what manifest reads: the number of the build, the files
// as it wrote them and the files changed since, sorted.
func manifestText(build int, files, changed []string) []byte {
	lines := slices.Clone(files)
	for _, f := range changed {
		lines = append(lines, changedLine+f)
	}
	sort.Strings(lines)
	return []byte(buildLine + strconv.Itoa(build) + "\n" + strings.Join(lines, "\n") + "\n")
}

// Site is a folder holding a complete site: which build wrote it and
// its files.
type Site struct {
	Dir   string
	Build int // 0 when unknown
	Files map[string]bool
	// Written is when the manifest was written. A file changed after
	// it is not as the build wrote it, whatever changed it: say, an
	// older hindsight writing into a file that is linked into this
	// site (see writer.link), or a tool run over the site.
	Written time.Time
}

// ReadSite reads what the manifest of the site in dir says of it; a
// folder without one holds no known files.
func ReadSite(dir string) *Site {
	p := filepath.Join(dir, Manifest)
	build, files, _, err := manifest(p)
	if err != nil {
		build, files = 0, map[string]bool{}
	}
	site := &Site{Dir: dir, Build: build, Files: files}
	if st, err := os.Stat(p); err == nil {
		site.Written = st.ModTime()
	} else {
		site.Build, site.Files = 0, map[string]bool{}
	}
	return site
}

// Prev is the folder beside out that holds the site before the
// published one, which the next build renders into.
func Prev(out string) string {
	parent, base := split(out)
	return filepath.Join(parent, "."+base+".prev")
}

func split(out string) (parent, base string) {
	parent, base = filepath.Split(filepath.Clean(out))
	if parent == "" {
		parent = "."
	}
	return parent, base
}

// Lock waits until no other build writes the site at out and keeps it
// so until unlock: two builds at once would take each other's folders
// and build numbers. What is locked is the folder holding out (no file
// is left behind), so builds into neighbouring folders take turns too.
func Lock(out string) (unlock func(), err error) {
	parent, _ := split(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	f, err := os.Open(parent)
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("output folder: lock: %w", err)
	}
	return func() { f.Close() }, nil
}

// Stage returns the folder a build renders into, beside out so that the
// final swap is a rename on one file system. It reuses the site before
// the previous one, which Publish keeps as .<out>.prev: on many file
// systems creating files and folders costs ten times more than
// overwriting them, and a page that has not changed since need not be
// written at all. The result tells which of that site's files are still
// there as it wrote them; Publish removes what the build did not write
// or keep.
//
// When out is missing and the kept folder is one a build published, which
// known tells (nil knows none), that folder is made the site again first:
// where there is no atomic swap, a build killed between Publish's two
// renames leaves the last good site there alone. Any other folder of that
// name, say one checked out of a repository, is never published.
func Stage(out string, known func(*Site) bool) (*Site, error) {
	st, err := stage(out, known)
	if err != nil {
		return nil, err
	}
	// Once a build starts writing, the files no longer match the
	// manifest: it goes before anything else, so a build that fails
	// leaves a folder the next one trusts for nothing.
	site := ReadSite(st)
	if err := os.Remove(filepath.Join(st, Manifest)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		site.Build, site.Files = 0, map[string]bool{}
	}
	return site, nil
}

func stage(out string, known func(*Site) bool) (string, error) {
	parent, base := split(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("output folder: %w", err)
	}
	// Folders of builds that were killed half way.
	stale, _ := filepath.Glob(filepath.Join(parent, "."+base+".tmp-*"))
	for _, s := range stale {
		os.RemoveAll(s)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return "", fmt.Errorf("output folder: %w", err)
	}
	prev := Prev(out)
	// Earlier versions kept it as .<out>.next and render into it in
	// place: as that folder may share files with the site now (see
	// writer.link), they must not find one to render into, and this
	// version does not trust theirs.
	legacy := filepath.Join(parent, "."+base+".next")
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) && known != nil {
		if st, err := os.Lstat(prev); err == nil && st.IsDir() && known(ReadSite(prev)) {
			_ = os.Rename(prev, out)
		}
	}
	if st, err := os.Lstat(legacy); err == nil && st.IsDir() {
		os.RemoveAll(legacy)
	}
	if st, err := os.Lstat(prev); err == nil && st.IsDir() {
		// Claimed by renaming, so two builds never share it.
		if err := os.Remove(tmp); err == nil {
			if err := os.Rename(prev, tmp); err != nil {
				if err := os.Mkdir(tmp, 0o755); err != nil {
					return "", fmt.Errorf("output folder: %w", err)
				}
			}
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("output folder: %w", err)
	}
	return tmp, nil
}

// Discard gives up a staged folder after a failed build, keeping it for
// reuse by the next one.
func Discard(tmp, out string) {
	prev := Prev(out)
	if _, err := os.Lstat(prev); err == nil || os.Rename(tmp, prev) != nil {
		os.RemoveAll(tmp)
	}
}

// Files lists the files below a staged folder (slash-separated, relative
// to it) before a build renders into it: Publish removes those the build
// did not write or keep. Listing tens of thousands of folders takes a
// good part of a rebuild, so a build lists them while it still reads the
// reports, on a core that would otherwise wait. The folders found, real
// ones and not links to one, go into known (nil for none), so that the
// build need not look at each of them again before writing into it.
func Files(tmp string, known *Folders) ([]string, error) {
	tmp = filepath.Clean(tmp)
	var files []string
	err := filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if known != nil && p != tmp {
				known.known.LoadOrStore(p, false)
			}
			return nil
		}
		rel, _ := filepath.Rel(tmp, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return files, nil
}

// Publish removes from tmp every file of an earlier build that this one
// (number build) did not write or keep (before is what Files listed in
// tmp before the build rendered into it: every file it added is in
// written), writes the manifest and swaps tmp in for out. Until the swap
// the previous site stays whole; the swap is one atomic exchange where
// the system has one.
func Publish(tmp, out string, build int, written map[string]bool, before []string) error {
	var emptied []string
	for _, rel := range before {
		if written[rel] {
			continue
		}
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		// What the build put in place of a listed file is its own: a
		// folder where there was a file or a link (see writer.mkdir),
		// or a file where a folder held the listed one.
		if st, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || err == nil && st.IsDir() {
			continue
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		emptied = append(emptied, filepath.Dir(p))
	}
	files := make([]string, 0, len(written))
	for rel := range written {
		files = append(files, rel)
	}
	// Folders of reports that are gone: deepest first, and only those
	// that are now empty (Remove refuses the others).
	sort.Sort(sort.Reverse(sort.StringSlice(emptied)))
	for _, d := range emptied {
		for d != tmp && strings.HasPrefix(d, tmp) {
			if os.Remove(d) != nil {
				break
			}
			d = filepath.Dir(d)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, Manifest), manifestText(build, files, nil), 0o644); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	prev := Prev(out)
	if _, err := os.Lstat(out); err != nil {
		if err := os.Rename(tmp, out); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		return nil
	}
	if err := exchange(tmp, out); err == nil {
		// tmp now holds the previous site: keep it for the next build.
		os.RemoveAll(prev)
		if os.Rename(tmp, prev) != nil {
			os.RemoveAll(tmp)
		}
		return nil
	}
	// No atomic exchange here: two renames, and the previous site is put
	// back if the second fails.
	os.RemoveAll(prev)
	if err := os.Rename(out, prev); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Rename(prev, out)
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}
