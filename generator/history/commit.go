package history

import (
	"bytes"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
	"unique"

	"github.com/go-git/go-git/v5/plumbing"
)

// commitInfo is what a scan needs from a commit object.
type commitInfo struct {
	tree    plumbing.Hash
	parents []plumbing.Hash
	when    int64 // committer time, Unix seconds
	tz      int16 // committer zone offset, minutes east of UTC
	author  string
	subject string
}

// parseCommit decodes a raw commit object. It is lenient where git is
// lenient: a malformed identity leaves the name or date empty rather than
// failing the build over one odd commit.
func parseCommit(b []byte) (commitInfo, bool) {
	var c commitInfo
	sawTree := false
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		var line []byte
		if nl < 0 {
			line, b = b, nil
		} else {
			line, b = b[:nl], b[nl+1:]
		}
		if len(line) == 0 {
			break // end of headers
		}
		key, val, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree":
			if h, ok := parseHex(val); ok && !sawTree {
				c.tree, sawTree = h, true
			}
		case "parent":
			if h, ok := parseHex(val); ok {
				c.parents = append(c.parents, h)
			}
		case "author":
			name, _, _ := parseIdent(val)
			// One string per author: a history has tens of
			// thousands of commits by a few hundred people.
			c.author = unique.Make(name).Value()
		case "committer":
			// Only the date: the committer's name is not published.
			_, c.when, c.tz = splitIdent(val)
		}
	}
	c.subject = subject(b)
	return c, sawTree
}

func parseHex(b []byte) (plumbing.Hash, bool) {
	var h plumbing.Hash
	if len(b) != 40 {
		return h, false
	}
	_, err := hex.Decode(h[:], b)
	return h, err == nil
}

// parseIdent splits "Name <email> 1700000000 +0100" into the name, the
// time and the zone. The e-mail address is dropped on purpose: it must
// never reach a published page, and neither must an address that is in
// the name (see redact.go). The name is valid UTF-8; it is empty when the
// identity has none.
func parseIdent(b []byte) (string, int64, int16) {
	raw, when, tz := splitIdent(b)
	return identName(raw), when, tz
}

// splitIdent is parseIdent without the work on the name, which is
// returned as it is in the commit.
//
// git always writes the address in angle brackets, but a hand-made commit
// (git hash-object --literally) need not: "jane@example.com 1700000000
// +0000". Such a line still ends in the date, which is then taken from
// the end, and the name is what comes before it or before a '<' without
// its '>'; without this the whole line, address and date included, was
// the name.
func splitIdent(b []byte) ([]byte, int64, int16) {
	lt := bytes.IndexByte(b, '<')
	gt := bytes.LastIndexByte(b, '>')
	if lt >= 0 && gt > lt {
		when, tz := identDate(b[gt+1:])
		return bytes.TrimSpace(b[:lt]), when, tz
	}
	name, when, tz := trailingDate(b)
	if lt >= 0 && lt < len(name) {
		name = name[:lt]
	}
	return bytes.TrimSpace(name), when, tz
}

// identDate parses what follows the address: "1700000000 +0100". It is
// lenient, as git is: a missing or odd zone is UTC, a missing or odd time
// is zero.
func identDate(b []byte) (int64, int16) {
	f1, rest := nextField(b)
	f2, _ := nextField(rest)
	var when int64
	if len(f1) > 0 {
		when, _ = strconv.ParseInt(string(f1), 10, 64)
	}
	tz, _ := parseZone(f2)
	return when, tz
}

// trailingDate takes "<digits> <±hhmm>" off the end of b when it is
// there, and returns the rest. Both fields are required, so that a
// name ending in a number ("Agent 007") keeps it.
func trailingDate(b []byte) ([]byte, int64, int16) {
	s := bytes.TrimRight(b, " \t")
	i := bytes.LastIndexAny(s, " \t")
	if i < 0 {
		return b, 0, 0
	}
	tz, ok := parseZone(s[i+1:])
	if !ok {
		return b, 0, 0
	}
	s = bytes.TrimRight(s[:i], " \t")
	j := bytes.LastIndexAny(s, " \t") + 1 // 0 when the date is all there is
	digits := s[j:]
	if len(digits) == 0 || len(digits) > 18 {
		return b, 0, 0
	}
	var when int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return b, 0, 0
		}
		when = when*10 + int64(c-'0')
	}
	return s[:j], when, tz
}

// parseZone parses "+0100" or "-0530" as minutes east of UTC.
func parseZone(f []byte) (int16, bool) {
	if len(f) != 5 || f[0] != '+' && f[0] != '-' {
		return 0, false
	}
	v := 0
	for _, c := range f[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	m := int16(v/100*60 + v%100)
	if f[0] == '-' {
		m = -m
	}
	return m, true
}

// nextField returns the first space-separated field of b and what
// follows it.
func nextField(b []byte) ([]byte, []byte) {
	b = bytes.TrimLeft(b, " \t")
	i := bytes.IndexAny(b, " \t")
	if i < 0 {
		return b, nil
	}
	return b[:i], b[i:]
}

// identName turns the raw name of an identity into the one published:
// valid UTF-8, no stray '>' (a '<' never gets this far) and no e-mail
// address.
func identName(raw []byte) string {
	s := validUTF8(string(raw))
	if strings.IndexByte(s, '>') >= 0 {
		s = strings.Join(strings.Fields(strings.ReplaceAll(s, ">", " ")), " ")
	}
	return redactName(s)
}

// subject returns the message's subject the way `git log --format=%s`
// does: leading blank lines skipped, then the first paragraph with its
// lines joined by single spaces. For ordinary commits that is the first
// line. Unlike git's, e-mail addresses in it lose their domain
// (redactSubject): subjects are published.
func subject(msg []byte) string {
	var sb strings.Builder
	started := false
	for len(msg) > 0 {
		nl := bytes.IndexByte(msg, '\n')
		var line []byte
		if nl < 0 {
			line, msg = msg, nil
		} else {
			line, msg = msg[:nl], msg[nl+1:]
		}
		line = bytes.TrimRight(line, " \t\r")
		if len(line) == 0 {
			if started {
				break
			}
			continue
		}
		if started {
			sb.WriteByte(' ')
		}
		sb.Write(line)
		started = true
	}
	return redactSubject(validUTF8(sb.String()))
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
