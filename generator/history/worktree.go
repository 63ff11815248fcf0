package history

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// wtFile is a report in the work tree.
type wtFile struct {
	key      string // relative to Options.Root, slash-separated
	rel      string // relative to the reports dir, slash-separated
	abs      string
	repoPath string // relative to the repository's work tree root
}

// listReports finds every *.md file below dir. A missing dir has none.
func listReports(root, dir string) ([]wtFile, error) {
	dir = filepath.Clean(dir)
	dirKey, err := filepath.Rel(root, dir)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	dirKey = filepath.ToSlash(dirKey)
	if dirKey == "." {
		dirKey = ""
	}
	var out []wtFile
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipAll
			}
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" && p != dir {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".md") || len(p) <= len(dir) {
			return nil
		}
		if !d.Type().IsRegular() {
			if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
				return nil // a dangling link or a special file is not a report
			}
		}
		// WalkDir joins names onto dir, so p is dir, a separator, then rel.
		rel := filepath.ToSlash(strings.TrimPrefix(p[len(dir):], string(filepath.Separator)))
		out = append(out, wtFile{key: joinPath(dirKey, rel), rel: rel, abs: p})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	return out, nil
}

// modifiedFiles reports which committed reports differ in the work tree
// from HEAD. Like git status it trusts the index when the file's size and
// modification time match what the index recorded (and the index entry is
// HEAD's blob), and hashes the file only otherwise, so a clean checkout
// costs one stat per report.
func modifiedFiles(gitDir string, wt []wtFile, head map[string]change) (map[string]bool, error) {
	entries := make(map[string]*index.Entry)
	var indexTime int64
	if idx, mtime, err := readIndex(gitDir); err == nil {
		indexTime = mtime
		for _, e := range idx.Entries {
			if e.Stage != 0 {
				entries[e.Name] = nil // conflicted: always compare content
				continue
			}
			if _, seen := entries[e.Name]; !seen {
				entries[e.Name] = e
			}
		}
	}
	// Stat and hash in a few goroutines: on a cold disk cache the system
	// calls, not the CPU, are the cost.
	modified := make([]bool, len(wt))
	errs := make([]error, len(wt))
	workers := min(8, max(1, len(wt)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(wt); i += workers {
				modified[i], errs[i] = isModified(wt[i], head, entries, indexTime)
			}
		}()
	}
	wg.Wait()
	out := make(map[string]bool)
	for i, f := range wt {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if modified[i] {
			out[f.repoPath] = true
		}
	}
	return out, nil
}

// readIndex decodes gitDir/index with go-git's decoder, on its own file
// handle so that it can run beside the history walk.
func readIndex(gitDir string) (*index.Index, int64, error) {
	if gitDir == "" {
		return nil, 0, os.ErrNotExist
	}
	f, err := os.Open(filepath.Join(gitDir, "index"))
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	idx := &index.Index{}
	if err := index.NewDecoder(bufio.NewReader(f)).Decode(idx); err != nil {
		return nil, 0, err
	}
	return idx, fi.ModTime().UnixNano(), nil
}

func isModified(f wtFile, head map[string]change, entries map[string]*index.Entry, indexTime int64) (bool, error) {
	hb, ok := head[f.repoPath]
	if !ok {
		return false, nil
	}
	fi, err := os.Lstat(f.abs)
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", f.abs, err)
	}
	if e := entries[f.repoPath]; e != nil && e.Hash == hb.hash &&
		int64(e.Size) == fi.Size()&0xffffffff &&
		e.ModifiedAt.UnixNano() == fi.ModTime().UnixNano() &&
		fi.ModTime().UnixNano() < indexTime {
		return false, nil
	}
	same, err := sameContent(f.abs, fi, hb)
	return !same, err
}

// sameContent says whether the file at abs would be stored as HEAD's blob.
// A file differing only in CRLF line ends counts as the same, since with
// core.autocrlf that is how git checks it out on Windows.
func sameContent(abs string, fi os.FileInfo, hb change) (bool, error) {
	var data []byte
	var err error
	if fi.Mode()&os.ModeSymlink != 0 {
		var target string
		target, err = os.Readlink(abs)
		data = []byte(filepath.ToSlash(target))
	} else {
		data, err = os.ReadFile(abs)
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", abs, err)
	}
	if blobID(data) == hb.hash {
		return true, nil
	}
	if bytes.Contains(data, []byte("\r\n")) {
		return blobID(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))) == hb.hash, nil
	}
	return false, nil
}

// blobID is the id git gives data stored as a blob.
func blobID(data []byte) plumbing.Hash {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	var id plumbing.Hash
	h.Sum(id[:0])
	return id
}
