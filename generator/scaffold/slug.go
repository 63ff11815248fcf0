package scaffold

import (
	"strings"
	"unicode"
)

// SlugWords is how many words of a title go into a file name: enough to
// tell reports of the same day apart in a listing, short enough that the
// name still fits a terminal beside its ID.
const SlugWords = 6

// maxSlugLen bounds a slug in bytes, whatever the words, so file names
// stay well below the 255-byte limit of common filesystems.
const maxSlugLen = 60

// stopWords carry no meaning in a file name; they are dropped unless
// a title is made of nothing else.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true,
	"of": true, "to": true, "in": true, "on": true, "for": true, "at": true,
	"by": true, "with": true, "from": true,
	"is": true, "was": true, "are": true, "were": true, "be": true,
}

// Slug turns a title into the file-name part after the ID: lowercase
// ASCII words joined by '-', at most SlugWords of them, stop words
// dropped. "Booking system outage after the schema migration" becomes
// "booking-system-outage-after-schema-migration". Accented Latin letters
// lose their accents; other scripts are dropped, so the result may be
// "" (the file is then named by its ID alone).
func Slug(title string) string {
	words := slugWords(title)
	kept := words[:0:0]
	for _, w := range words {
		if !stopWords[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = words
	}
	if len(kept) > SlugWords {
		kept = kept[:SlugWords]
	}
	return joinSlug(kept)
}

// CleanSlug normalises a slug the user gave: the same alphabet as Slug,
// but every word kept, since the user chose them.
func CleanSlug(s string) string { return joinSlug(slugWords(s)) }

func joinSlug(words []string) string {
	var b strings.Builder
	for _, w := range words {
		if b.Len() > 0 && b.Len()+1+len(w) > maxSlugLen {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	if b.Len() > maxSlugLen {
		// One word longer than the limit: cut it rather than have none.
		return b.String()[:maxSlugLen]
	}
	return b.String()
}

// slugWords splits s into lowercase ASCII words. Apostrophes join
// ("don't" is "dont"), every other character outside [a-z0-9] after
// folding separates.
func slugWords(s string) []string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range s {
		switch r {
		case '\'', '\u2019', '\u02bc':
			continue
		}
		r = unicode.ToLower(r)
		if r < unicode.MaxASCII {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				w.WriteRune(r)
			} else {
				flush()
			}
			continue
		}
		if f, ok := fold[r]; ok {
			w.WriteString(f)
			continue
		}
		flush()
	}
	flush()
	return words
}

// fold spells accented Latin letters in ASCII. It is a table rather than
// Unicode decomposition because the standard library has none, and
// these letters cover the titles teams actually write.
var fold = map[rune]string{}

func init() {
	for _, g := range []struct{ from, to string }{
		{"àáâãäåāăą", "a"}, {"æ", "ae"}, {"çćĉċč", "c"}, {"ďđð", "d"},
		{"èéêëēĕėęě", "e"}, {"ĝğġģ", "g"}, {"ĥħ", "h"}, {"ìíîïĩīĭįı", "i"},
		{"ĵ", "j"}, {"ķ", "k"}, {"ĺļľŀł", "l"}, {"ñńņňŉ", "n"},
		{"òóôõöøōŏő", "o"}, {"œ", "oe"}, {"ŕŗř", "r"}, {"śŝşšș", "s"},
		{"ß", "ss"}, {"ţťŧț", "t"}, {"þ", "th"}, {"ùúûüũūŭůűų", "u"},
		{"ŵ", "w"}, {"ýÿŷ", "y"}, {"źżž", "z"},
	} {
		for _, r := range g.from {
			fold[r] = g.to
		}
	}
}
