// Package replace writes a file whole or not at all: into a temporary
// file beside it, then renamed over it, so that a reader, or a crash,
// sees the old file or the new one and never a part of either.
package replace

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File makes path (mode 0644, and its folder when missing) hold what
// write writes.
func File(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Bytes makes path hold data.
func Bytes(path string, data []byte) error {
	return File(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
