package export

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// foldRune is fold without its short-line shortcut.
func foldRune(b *bytes.Buffer, s string) {
	n := 0
	for _, r := range s {
		size := utf8.RuneLen(r)
		if size < 0 {
			size = 3
		}
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
}

func TestFold(t *testing.T) {
	for _, s := range []string{"", "SUMMARY:x", strings.Repeat("a", 74), strings.Repeat("a", 75), strings.Repeat("a", 76),
		strings.Repeat("ü", 37) + "a", strings.Repeat("ü", 38), "bad\xff" + strings.Repeat("b", 70), "東京" + strings.Repeat("c", 200)} {
		var got, want bytes.Buffer
		w := bufio.NewWriter(&got)
		fold(w, s)
		w.Flush()
		foldRune(&want, s)
		if got.String() != want.String() {
			t.Errorf("fold(%q) = %q, want %q", s, got.String(), want.String())
		}
		for _, l := range strings.Split(strings.TrimSuffix(got.String(), "\r\n"), "\r\n") {
			if len(l) > 75 {
				t.Errorf("fold(%q): line of %d octets", s, len(l))
			}
		}
	}
}
