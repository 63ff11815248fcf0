package site

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// writer creates the files of the output folder.
type writer struct {
	dir   string
	pages atomic.Int64
	// dirs are the folders known to exist: a report page's folder is
	// made with one system call, not MkdirAll's stat of every parent.
	dirs sync.Map
}

// mkdir makes sure the folder dir (absolute, inside w.dir) exists.
func (w *writer) mkdir(dir string) error {
	if _, ok := w.dirs.Load(dir); ok {
		return nil
	}
	parent := filepath.Dir(dir)
	if _, ok := w.dirs.Load(parent); !ok && parent != w.dir {
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return err
		}
		w.dirs.Store(parent, true)
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	w.dirs.Store(dir, true)
	return nil
}

func (w *writer) page(tpl *Templates, p *Page) error {
	var buf bytes.Buffer
	buf.Grow(32 << 10)
	if err := tpl.Execute(&buf, p.Kind, p); err != nil {
		return fmt.Errorf("render %sindex.html: %w", p.Path, err)
	}
	w.pages.Add(1)
	return w.file(path.Join(p.Path, "index.html"), buf.Bytes())
}

// file writes rel (slash path) under the output folder. rel comes from
// IDs and theme paths; it is cleaned and checked so nothing is written
// outside the folder.
func (w *writer) file(rel string, data []byte) error {
	dst, err := w.target(rel)
	if err != nil {
		return err
	}
	if err := w.mkdir(filepath.Dir(dst)); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	return nil
}

func (w *writer) target(rel string) (string, error) {
	clean := path.Clean("/" + rel)
	if clean == "/" || strings.Contains(rel, "\x00") {
		return "", fmt.Errorf("write %q: not a file path", rel)
	}
	return filepath.Join(w.dir, filepath.FromSlash(clean[1:])), nil
}

func (w *writer) copyFile(src, rel string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("attachment: %w", err)
	}
	defer in.Close()
	dst, err := w.target(rel)
	if err != nil {
		return err
	}
	if err := w.mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// static copies the theme's static/ tree to assets/.
func (w *writer) static(theme fs.FS) error {
	err := fs.WalkDir(theme, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		return w.file("assets/"+strings.TrimPrefix(p, "static/"), b)
	})
	if err != nil {
		return fmt.Errorf("theme static files: %w", err)
	}
	return w.file("assets/chroma.css", chromaCSS())
}
