//go:build unix

package site

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSafeFile(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "a/plain.txt"), "x")
	write(filepath.Join(outside, "secret.txt"), "secret")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "a/sym.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "a/dir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(outside, "secret.txt"), filepath.Join(root, "a/hard.txt")); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	for _, tc := range []struct {
		rel string
		ok  bool
	}{
		{"a/plain.txt", true},
		{"a/sym.txt", false},
		{"a/dir/secret.txt", false},
		{"a/hard.txt", false},
		{"a", false},
		{"a/missing.txt", false},
		{"", false},
	} {
		t.Run(tc.rel, func(t *testing.T) {
			if _, ok := SafeFile(root, tc.rel); ok != tc.ok {
				t.Errorf("SafeFile(%q) ok = %v, want %v", tc.rel, ok, tc.ok)
			}
		})
	}
}
