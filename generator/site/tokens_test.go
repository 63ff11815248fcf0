package site

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// referenceTokens is searchTokens written plainly, rune by rune: the
// fast version must cut every text the same way.
func referenceTokens(text string, add func(string)) {
	text = strings.ToLower(text)
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.Trim(text[start:end], "_-.")
		start = -1
		if w == "" {
			return
		}
		add(w)
		if strings.ContainsAny(w, "_-.") {
			for _, p := range strings.FieldsFunc(w, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
				add(p)
			}
		}
	}
	for i, r := range text {
		switch {
		case isWord(r):
			if start < 0 {
				start = i
			}
		case r == '_' || r == '-' || r == '.':
		default:
			flush(i)
		}
	}
	flush(len(text))
}

func collect(f func(string, func(string)), text string) []string {
	var out []string
	f(text, func(w string) { out = append(out, w) })
	return out
}

func FuzzSearchTokens(f *testing.F) {
	for _, s := range []string{"", "The tour_availability column, api-gateway.v2 failed.", "..a..b__", "Ünïcödé Straße ÇA-Va 東京", "x\xffy\x00z", "-_-.", "IPv6 ::1 10.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collect(searchTokens, s), collect(referenceTokens, s); !slices.Equal(got, want) {
			t.Errorf("searchTokens(%q) = %q, want %q", s, got, want)
		}
		if got, want := lower([]byte(s)), strings.ToLower(s); got != want {
			t.Errorf("lower(%q) = %q, want %q", s, got, want)
		}
	})
}
