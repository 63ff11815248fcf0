package site

import (
	"html/template"
	"strconv"
	"strings"
)

// The action-item dashboards list every item of every report twice (on
// the index and on its owner's page): tens of thousands of rows on a
// large site. Executed row by row, a template costs tens of microseconds
// per row in reflection and escaper calls, so these rows are written
// here instead, escaped as html/template would escape them, and the
// template inserts them with {{actionRows .Root .Rows}}. A theme that
// wants other rows overrides action-table.html and ranges over the rows
// itself.

// rowChunk is how many rows rowChunks puts in one run: about 40 KB of
// HTML, under the 64 KB up to which fmt, which html/template prints the
// run through, reuses its buffer instead of making one per run.
const rowChunk = 64

// rowChunks splits a dashboard's rows into runs for actionRows, so that a
// page of a hundred thousand rows is written tens of kilobytes at a time
// rather than made whole in memory first. No rows are one empty run,
// which actionRows writes as "No action items."
func rowChunks(rows []*Item) [][]*Item {
	if len(rows) == 0 {
		return [][]*Item{nil}
	}
	out := make([][]*Item, 0, (len(rows)+rowChunk-1)/rowChunk)
	for len(rows) > 0 {
		n := min(len(rows), rowChunk)
		out = append(out, rows[:n:n])
		rows = rows[n:]
	}
	return out
}

// entryChunks splits a list of entries into runs of size, each for
// incidentRows or reportLinks to write, in a tbody or list of its own. No
// entries are no runs: the list says so itself.
func entryChunks(size int, es []*Entry) [][]*Entry {
	size = max(size, 1)
	out := make([][]*Entry, 0, (len(es)+size-1)/size)
	for len(es) > 0 {
		n := min(len(es), size)
		out = append(out, es[:n:n])
		es = es[n:]
	}
	return out
}

// reportLinks writes, for a page whose way back to the site root is root,
// a list item for each entry, its ID linking to its page and its title
// after, each followed by a line break: the search page's list of every
// report, escaped as html/template escapes
// <li><a href="{{$root}}{{.URL}}">{{.ID}}</a> {{.Title}}</li>
// (TestReportLinks).
func reportLinks(root string, es []*Entry) template.HTML {
	b := newPage(nil, len(es)*120)
	for _, e := range es {
		b.w(`<li><a href="`)
		b.url(root)
		b.url(e.URL)
		b.w(`">`)
		b.esc(e.ID)
		b.w(`</a> `)
		b.esc(e.Title)
		b.w("</li>\n  ")
	}
	return template.HTML(b.text())
}

// actionRows writes the rows of the dashboards' action table for a page
// whose way back to the site root is root.
func actionRows(root string, rows []*Item) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 720)
	for i := range rows {
		writeActionRow(&b, root, rows[i])
	}
	if len(rows) == 0 {
		b.WriteString(`<tr><td colspan="7" class="empty">No action items.</td></tr>`)
	}
	// Every value below is escaped (esc, attrURL) or a number.
	return template.HTML(b.String())
}

func writeActionRow(b *strings.Builder, root string, it *Item) {
	// Lean markup: the phone layout's labels come from CSS, cells sort by
	// their text, empty cells last. Each piece is written on its own:
	// joined first, they were a string per piece per row.
	w := b.WriteString
	num := func(n int) { b.Write(strconv.AppendInt(make([]byte, 0, 20), int64(n), 10)) }
	w("\n<tr data-status=\"")
	w(esc(it.Status))
	w(`" data-owner="`)
	w(esc(it.OwnerSlug))
	w(`" data-priority="`)
	w(esc(it.PriorityKey))
	w(`"`)
	if it.Overdue {
		w(` data-due="overdue"`)
	} else if it.DueSoon {
		w(` data-due="soon"`)
	}
	w(`><td class="c-title">`)
	if it.Link != "" {
		w(`<a href="`)
		w(attrURL(it.Link))
		w(`">`)
		w(esc(it.Title))
		w(`</a>`)
	} else {
		w(esc(it.Title))
	}
	w(`</td><td class="c-owner"><a href="`)
	w(attrURL(root + it.OwnerURL))
	w(`">`)
	if it.Owner != "" {
		w(esc(it.Owner))
	} else {
		w(`<span class="muted">no owner</span>`)
	}
	w(`</a></td><td class="c-date">`)
	if it.DueDay != "" {
		w(`<time>`)
		w(it.DueDay)
		w(`</time>`)
	} else {
		w(`<span class="muted">no due date</span>`)
	}
	if it.Overdue {
		w(` <span class="overdue">`)
		num(it.DaysOverdue)
		w(` d overdue</span>`)
	} else if it.DueSoon {
		w(` <span class="soon">due soon</span>`)
	}
	w(`</td><td class="c-status" data-sort="`)
	num(it.StatusRank)
	w(`"><span class="badge status status-`)
	w(esc(it.Status))
	w(`">`)
	w(esc(it.StatusLabel))
	w(`</span></td><td class="c-sev">`)
	if it.Priority != "" {
		w(`<span class="badge sev `)
		w(esc(it.SevClass))
		w(`">`)
		w(esc(it.Priority))
		w(`</span>`)
	} else {
		w(`<span class="muted">—</span>`)
	}
	w(`</td><td class="c-id"><a href="`)
	w(attrURL(root + it.ReportURL))
	w(`">`)
	w(esc(it.ReportID))
	w(`</a></td><td class="c-closed">`)
	if it.ClosedDay != "" {
		w(`<time>`)
		w(it.ClosedDay)
		w(`</time>`)
		if it.CloseDays >= 0 {
			w(` <span class="muted">`)
			num(it.CloseDays)
			w(` d to close</span>`)
		}
		if it.OnTime {
			w(` <span class="flag flag-ok">on time</span>`)
		} else if it.Late {
			w(` <span class="soon">`)
			num(it.DaysLate)
			w(` d late</span>`)
		}
	}
	w(`</td></tr>`)
}

// htmlEscaper is html/template's escaping of text and attribute values.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// escaped marks the bytes htmlEscaper replaces.
var escaped = [256]bool{0: true, '"': true, '&': true, '\'': true, '+': true, '<': true, '>': true}

// esc escapes text for element content and quoted attribute values. Most
// text needs no escaping; a site's pages ask this of every title, name
// and link, and a table lookup per byte finds that out in less than half
// the time strings.ContainsAny takes.
func esc(s string) string {
	for i := 0; i < len(s); i++ {
		if escaped[s[i]] {
			return htmlEscaper.Replace(s)
		}
	}
	return s
}

// attrURL is s as html/template writes a URL into a quoted attribute:
// anything but http, https, mailto or a relative address becomes
// "#ZgotmplZ", the rest is percent-encoded where a URL must be, then
// escaped for the attribute.
func attrURL(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		if !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return esc(normaliseURL(s))
}

// normaliseURL percent-encodes the bytes of s that may not appear in a
// URL, keeping valid escapes, like html/template's URL normaliser.
func normaliseURL(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteByte('%')
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
