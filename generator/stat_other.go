//go:build !linux

package generator

import "os"

// statOf is what tells a file unchanged without reading it: its size and
// modification time.
func statOf(fi os.FileInfo) fileStat {
	return fileStat{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
}
