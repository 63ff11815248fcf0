//go:build unix

package site

import (
	"io/fs"
	"syscall"
)

// hardLinks says whether the published site's unchanged files are linked
// into the folder rendered into, rather than copied (see writer.link).
const hardLinks = true

// links returns how many names the file of fi has.
func links(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// noFollow makes create refuse to open a symbolic link.
const noFollow = syscall.O_NOFOLLOW

// unlink removes a file or a link, never a folder.
func unlink(p string) error {
	if err := syscall.Unlink(p); err != nil {
		return &fs.PathError{Op: "unlink", Path: p, Err: err}
	}
	return nil
}
