//go:build !unix

package site

import (
	"io/fs"
	"os"
)

// hardLinks is false where a file's count of names is not known: a
// link could then be written through (see create).
const hardLinks = false

func links(fs.FileInfo) uint64 { return 1 }

const noFollow = 0

// unlink removes a file or a link; here, an empty folder too.
func unlink(p string) error { return os.Remove(p) }
