package history

import (
	"strings"
	"unicode"
)

// E-mail addresses of commit authors are never published (see
// Commit.Author), and neither are addresses that reach a name or a subject
// some other way: a user.name that is itself an address, a hand-made
// commit whose identity has no angle brackets, or a subject that names
// whoever reported a bug. Every name and subject a scan learns passes
// through redactName or redactSubject before it is kept, and so before it
// is cached (cacheVersion says so).
//
// An e-mail-shaped token is a local part, an '@' and a domain, where
//
//   - the local part is the run of bytes before the '@' back to a space, a
//     control character or one of <>@()[],;: — looser than RFC 5322, so
//     quoted and odd local parts are caught too;
//   - the domain is the run after the '@' of ASCII letters and digits,
//     '.', '-', '_' and any non-ASCII character (internationalised names);
//   - some dot in the domain (or an ideographic or full-width full stop,
//     which mail software reads as one) is followed by a letter or a
//     non-ASCII character, or the domain has no dot and a letter
//     (root@localhost), or the domain is four numbers (ops@10.0.0.6) or an
//     address literal in brackets (ops@[10.0.0.6]). A full-width ＠ is
//     an '@'. Top-level domains never start with a digit, so
//     versions (pkg@v1.2.3, lodash@4.17.21) are left alone, as are
//     @mentions, which have no local part.
//
// The rule errs on the side of redacting: foo@1.2.3-beta.rc loses its
// version, and react@next its tag. Checking for an '@' first keeps the
// common case, no '@' at all, to one IndexByte per string.

// emailAt reports whether the '@' at s[at] belongs to an e-mail-shaped
// token, and if so where its local part starts and its domain ends.
// Trailing dots are not part of the domain: they usually end a sentence.
func emailAt(s string, at int) (start, end int, ok bool) {
	start = at
	for start > 0 && isLocalByte(s[start-1]) {
		start--
	}
	if start == at {
		return at, at, false
	}
	end = at + 1
	if end < len(s) && s[end] == '[' {
		if k := strings.IndexByte(s[end:], ']'); k > 1 {
			// What sticks to the literal goes with it, so that redacting
			// again finds nothing new.
			end += k + 1
			for end < len(s) && isDomainByte(s[end]) {
				end++
			}
			return start, end, true
		}
	}
	for end < len(s) && isDomainByte(s[end]) {
		end++
	}
	// Full stops at the end usually end a sentence.
	for end > at+1 {
		if s[end-1] == '.' {
			end--
		} else if t := s[at+1 : end]; strings.HasSuffix(t, "\u3002") || strings.HasSuffix(t, "\uff0e") || strings.HasSuffix(t, "\uff61") {
			end -= 3
		} else {
			break
		}
	}
	dots, letters, digits := 0, false, true
	for i := at + 1; i < end; i++ {
		if n := fullStop(s[i:end]); n > 0 {
			dots++
			if i+n < end && isLabelStart(s[i+n]) {
				ok = true
			}
			i += n - 1
			continue
		}
		letters = letters || isLabelStart(s[i])
		digits = digits && '0' <= s[i] && s[i] <= '9'
	}
	switch {
	case dots == 0 && letters:
		ok = true // root@localhost
	case dots == 3 && digits:
		ok = true // ops@10.0.0.6; versions have fewer parts
	}
	return start, end, ok
}

// fullStop is the length of the full stop s starts with: '.', or
// U+3002, U+FF0E or U+FF61, which mail software reads as a dot in a
// domain; 0 when it starts with none.
func fullStop(s string) int {
	if s[0] == '.' {
		return 1
	}
	for _, d := range []string{"\u3002", "\uff0e", "\uff61"} {
		if strings.HasPrefix(s, d) {
			return len(d)
		}
	}
	return 0
}

func isLocalByte(c byte) bool {
	if c <= ' ' || c == 0x7f {
		return false
	}
	return strings.IndexByte("<>@()[],;:", c) < 0
}

func isDomainByte(c byte) bool {
	return isLabelStart(c) || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_'
}

func isLabelStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// hidden stands in for the domain of an address in a subject. It is not
// a domain byte sequence with a dot, so the result is never e-mail-shaped
// again.
const hidden = "…"

// redactSubject replaces the domain of every e-mail-shaped token in s by
// "…": "thanks jane@example.com" becomes "thanks jane@…", which still
// reads as "an address was here" and says whose, without publishing it.
func redactSubject(s string) string {
	s = strings.ReplaceAll(s, "\uff20", "@") // a full-width ＠ is an @ to mail software
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	var sb strings.Builder
	last := 0 // s[:last] is decided
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		_, end, ok := emailAt(s, at)
		if !ok {
			i = at + 1
			continue
		}
		sb.WriteString(s[last : at+1])
		sb.WriteString(hidden)
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	sb.WriteString(s[last:])
	return sb.String()
}

// redactName removes e-mail-shaped tokens from an author name:
// "Jane Doe jane@example.com" is "Jane Doe". A name that was nothing but
// an address (git -c user.name=jane@example.com) becomes the address's
// local part, "jane", rather than empty: the history still tells authors
// apart, and an empty name stays what it already means, a commit without
// one.
func redactName(s string) string {
	s = strings.ReplaceAll(s, "\uff20", "@")
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	local := ""
	for {
		t, l := dropEmails(s)
		if l == "" {
			break
		}
		if local == "" {
			local = l
		}
		s = tidyName(t)
	}
	if local == "" || strings.IndexFunc(s, isWordRune) >= 0 {
		return s
	}
	if t := strings.TrimFunc(local, func(r rune) bool { return !isWordRune(r) }); t != "" {
		return t
	}
	return local
}

// dropEmails removes the e-mail-shaped tokens of s and returns what is
// left and the first token's local part, "" when there was none.
func dropEmails(s string) (string, string) {
	var sb strings.Builder
	last, local := 0, ""
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		start, end, ok := emailAt(s, at)
		if !ok {
			i = at + 1
			continue
		}
		if local == "" {
			local = s[start:at]
		}
		// The local part may run back into the domain of the token
		// before, which is dropped already.
		if start > last {
			sb.WriteString(s[last:start])
		}
		last, i = end, end
	}
	if local == "" {
		return s, ""
	}
	sb.WriteString(s[last:])
	return sb.String(), local
}

// emptyPairs are what an address in brackets or quotes leaves behind.
var emptyPairs = strings.NewReplacer("()", "", "[]", "", "{}", "", `""`, "", "''", "")

// tidyName collapses the spaces and empty brackets a dropped address
// leaves: "Jane (jane@example.com)" is "Jane", not "Jane ()". Dropping
// brackets can join text into a new address ("a@()b.org"), which is why
// redactName repeats until nothing is dropped.
func tidyName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = emptyPairs.Replace(s)
	s = strings.ReplaceAll(s, "( )", "")
	s = strings.ReplaceAll(s, "[ ]", "")
	return strings.Join(strings.Fields(s), " ")
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
