package site

import (
	"bufio"
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
	"syscall"
)

// Folders are the folders of a staged site known to exist, and to be
// folders rather than links: MakeFolders fills it while the reports'
// history is read and Render takes it on (Input.Folders), so that each
// folder is looked at once in a build. The zero value knows none.
type Folders struct {
	known sync.Map // folder → whether this build made it
}

// writer creates the files of the output folder.
type writer struct {
	dir   string
	pages atomic.Int64
	dirs  *Folders

	mu      sync.Mutex
	written map[string]bool // every file of the site, as slash paths

	noLinks atomic.Bool // the file system does not count hard links
}

// done records rel as a file of the site this build makes.
func (w *writer) done(rel string) {
	w.mu.Lock()
	if w.written == nil {
		w.written = map[string]bool{}
	}
	w.written[rel] = true
	w.mu.Unlock()
}

// wrote says whether rel is a file of the site this build made.
func (w *writer) wrote(rel string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written[rel]
}

// files is every file of the site, written or kept.
func (w *writer) files() map[string]bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written
}

// madeDir says whether dir, in the folder root, is one mkdir made or
// found to be a folder, not a link, as were all its parents.
func (w *writer) madeDir(root, dir string) bool {
	if filepath.Clean(root) != w.dir {
		return false
	}
	_, ok := w.dirs.known.Load(dir)
	return ok
}

// mkdir makes sure the folder dir (absolute, inside w.dir) exists.
func (w *writer) mkdir(dir string) error {
	if dir == w.dir {
		return nil
	}
	if _, ok := w.dirs.known.Load(dir); ok {
		return nil
	}
	if !within(dir, w.dir) {
		return fmt.Errorf("folder %s is not in the output folder", dir)
	}
	// The parent first: a look at dir goes through its parents, and
	// none of them may be a link that leads out of the folder.
	if err := w.mkdir(filepath.Dir(dir)); err != nil {
		return err
	}
	// Mostly the folder is there from an earlier build; a look costs
	// less than a mkdir, which locks the parent folder. In a folder this
	// build made there is nothing to look at.
	if made, _ := w.dirs.known.Load(filepath.Dir(dir)); made != true {
		if st, err := os.Lstat(dir); err == nil && st.IsDir() {
			w.dirs.known.Store(dir, false)
			return nil
		}
	}
	err := os.Mkdir(dir, 0o755)
	if err != nil && !isDir(dir) {
		// An earlier build had a file here (an attachment that is now a
		// folder), or something put a link here: the folder rendered
		// into is hindsight's own, and nothing is written through a link.
		// unlink never removes a folder another goroutine made meanwhile.
		// A file this build wrote is never given up for a folder: two
		// things of the site would want the same name.
		if w.wrote(w.rel(dir)) {
			return fmt.Errorf("folder %s: the build wrote a file of that name", w.rel(dir))
		}
		if err := unlink(dir); err != nil && !errors.Is(err, fs.ErrNotExist) && !isDir(dir) {
			return err
		}
		if err := os.Mkdir(dir, 0o755); err != nil && !isDir(dir) {
			return err
		}
	}
	// A folder another goroutine made meanwhile may hold its files by now.
	w.dirs.known.Store(dir, err == nil)
	return nil
}

// isDir says whether p is a folder, not a link to one.
func isDir(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.IsDir()
}

// buffers hold pages on their way to their files: a dashboard page is
// tens of megabytes on a large site, so pages are streamed, not built
// whole in memory.
var buffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

func (w *writer) page(tpl *Templates, p *Page) error {
	rel := path.Join(p.Path, "index.html")
	err := w.stream(rel, func(o io.Writer) error {
		if err := tpl.Execute(o, p.Kind, p); err != nil {
			return fmt.Errorf("render %s: %w", rel, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.pages.Add(1)
	return nil
}

// stream writes rel (slash path) under the output folder with fill,
// through a buffer: the data files of a large site are tens of
// megabytes each, too much to make whole in memory first.
func (w *writer) stream(rel string, fill func(io.Writer) error) error {
	dst, f, err := w.open(rel)
	if err != nil {
		return err
	}
	bw := buffers.Get().(*bufio.Writer)
	bw.Reset(f)
	err = fill(bw)
	if err == nil {
		if err = bw.Flush(); err != nil {
			err = fmt.Errorf("write %s: %w", rel, err)
		}
	}
	bw.Reset(nil)
	buffers.Put(bw)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", rel, cerr)
	}
	if err != nil {
		return err
	}
	w.done(w.rel(dst))
	return nil
}

// file writes rel (slash path) under the output folder. rel comes from
// IDs and theme paths; it is cleaned and checked so nothing is written
// outside the folder.
func (w *writer) file(rel string, data []byte) error {
	dst, f, err := w.open(rel)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", rel, err)
	}
	w.done(w.rel(dst))
	return nil
}

// open opens rel (slash path) under the output folder for writing,
// making its folder; it returns the file's path too.
func (w *writer) open(rel string) (string, *out, error) {
	dst, err := w.target(rel)
	if err != nil {
		return "", nil, err
	}
	if err := w.mkdir(filepath.Dir(dst)); err != nil {
		return "", nil, fmt.Errorf("write %s: %w", rel, err)
	}
	f, err := create(dst)
	if err != nil {
		return "", nil, fmt.Errorf("write %s: %w", rel, err)
	}
	return dst, f, nil
}

// out is a file being written over an earlier build's. Truncating it
// first, as os.Create does, makes the file system free its blocks and
// allocate them again, which costs several times the write on the
// build machines; so it is overwritten in place and cut to length at
// the end.
type out struct {
	f      *os.File // not embedded: io.Copy must go through Write
	old, n int64
}

func create(dst string) (*out, error) {
	// Without following a symbolic link: whatever put one in the
	// folder, the build writes a file of its own there, never through
	// the link to somewhere else.
	const flags = os.O_WRONLY | os.O_CREATE | noFollow
	f, err := os.OpenFile(dst, flags, 0o644)
	if errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ELOOP) {
		// An earlier build had a folder here (a folder of attachments
		// that is now a file), or something put a link here.
		if err := os.RemoveAll(dst); err != nil {
			return nil, err
		}
		f, err = os.OpenFile(dst, flags, 0o644)
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if links(st) > 1 {
		// A name of a file the published site has too (see
		// writer.link): writing it in place would change the site
		// being served, so it gets a file of its own.
		f.Close()
		if err := os.Remove(dst); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(dst, flags|os.O_EXCL, 0o644)
		if err != nil {
			return nil, err
		}
		return &out{f: f}, nil
	}
	return &out{f: f, old: st.Size()}, nil
}

// link puts the published site's file src at rel: a second name for the
// same file where the system has hard links, which costs no copy, else
// a copy. Every write goes through create, which never writes into a
// file with two names, so the published site stays as it is.
func (w *writer) link(src, rel string) error {
	if hardLinks && !w.noLinks.Load() {
		dst, err := w.target(rel)
		if err != nil {
			return err
		}
		if err := w.mkdir(filepath.Dir(dst)); err != nil {
			return fmt.Errorf("write %s: %w", rel, err)
		}
		err = os.Link(src, dst)
		if errors.Is(err, fs.ErrExist) && os.Remove(dst) == nil {
			err = os.Link(src, dst)
		}
		if err == nil {
			// create relies on the count of names: a file system that
			// makes links but does not count them (sshfs says 1) gets
			// copies.
			if st, err := os.Lstat(dst); err == nil && links(st) > 1 {
				w.done(w.rel(dst))
				return nil
			}
			w.noLinks.Store(true)
			if err := os.Remove(dst); err != nil {
				return fmt.Errorf("write %s: %w", rel, err)
			}
		}
		// No hard links on this file system, or a folder in the way:
		// a copy, as below, handles both.
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return w.file(rel, b)
}

func (o *out) Write(b []byte) (int, error) {
	n, err := o.f.Write(b)
	o.n += int64(n)
	return n, err
}

func (o *out) Close() error {
	var err error
	if o.n < o.old {
		err = o.f.Truncate(o.n)
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// rel is the slash path of dst, a path target returned, in the site.
func (w *writer) rel(dst string) string {
	return filepath.ToSlash(dst[len(w.dir)+1:])
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
	out, err := create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	w.done(w.rel(dst))
	return nil
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
