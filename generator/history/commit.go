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
			c.author = unique.Make(validUTF8(name)).Value()
		case "committer":
			_, c.when, c.tz = parseIdent(val)
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

// parseIdent splits "Name <email> 1700000000 +0100". The e-mail address is
// dropped on purpose: it must never reach a published page.
func parseIdent(b []byte) (string, int64, int16) {
	lt := bytes.IndexByte(b, '<')
	gt := bytes.LastIndexByte(b, '>')
	if lt < 0 || gt < lt {
		return string(bytes.TrimSpace(b)), 0, 0
	}
	name := string(bytes.TrimSpace(b[:lt]))
	f := strings.Fields(string(b[gt+1:]))
	var when int64
	var tz int16
	if len(f) >= 1 {
		when, _ = strconv.ParseInt(f[0], 10, 64)
	}
	if len(f) >= 2 && len(f[1]) == 5 && (f[1][0] == '+' || f[1][0] == '-') {
		if v, err := strconv.Atoi(f[1][1:]); err == nil {
			m := int16(v/100*60 + v%100)
			if f[1][0] == '-' {
				m = -m
			}
			tz = m
		}
	}
	return name, when, tz
}

// subject returns the message's subject the way `git log --format=%s`
// does: leading blank lines skipped, then the first paragraph with its
// lines joined by single spaces. For ordinary commits that is the first
// line.
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
	return validUTF8(sb.String())
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
