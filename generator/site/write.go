package site

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("output manifest: %w", err)
	}
	known := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if l := sc.Text(); l != "" {
			known[l] = true
		}
	}
	return known, nil
}

// Stage creates the empty folder a build renders into, beside out so the
// final rename stays on one file system, after removing what killed
// builds left there.
func Stage(out string) (string, error) {
	parent, base := filepath.Split(filepath.Clean(out))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("output folder: %w", err)
	}
	for _, pattern := range []string{"." + base + ".tmp-*", "." + base + ".old-*"} {
		stale, _ := filepath.Glob(filepath.Join(parent, pattern))
		for _, s := range stale {
			os.RemoveAll(s)
		}
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return "", fmt.Errorf("output folder: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("output folder: %w", err)
	}
	return tmp, nil
}

// Publish writes the manifest into tmp and swaps it in for out. Until
// the final rename the previous site stays whole; a failure restores it.
func Publish(tmp, out string) error {
	var files []string
	err := filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(tmp, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	sort.Strings(files)
	if err := os.WriteFile(filepath.Join(tmp, Manifest), []byte(strings.Join(files, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	parent, base := filepath.Split(filepath.Clean(out))
	if parent == "" {
		parent = "."
	}
	var old string
	if _, err := os.Lstat(out); err == nil {
		old, err = os.MkdirTemp(parent, "."+base+".old-")
		if err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		os.Remove(old) // only the unique name is wanted
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out)
		}
		return fmt.Errorf("publish: %w", err)
	}
	if old != "" {
		_ = os.RemoveAll(old)
	}
	return nil
}
