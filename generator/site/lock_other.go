//go:build !unix

package site

import "os"

// lockFile does nothing here: builds into one folder are not kept apart.
func lockFile(f *os.File) error { return nil }
