package replace

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "f.txt")
	if err := Bytes(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := Bytes(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("file holds %q", b)
	}
	// A write that fails leaves the file as it was and no temporary one.
	err := File(p, func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("broken")
	})
	if err == nil {
		t.Fatal("no error from a failed write")
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("after a failed write the file holds %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "sub", ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
}
