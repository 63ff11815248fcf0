//go:build unix

package site

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile holds an exclusive lock on f until it is closed.
func lockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_EX) }
