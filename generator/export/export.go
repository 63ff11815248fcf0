// Package export writes the machine-readable files of a site: the
// action-item exports (JSON, CSV, iCalendar), the Atom feed and the
// sitemap. Each format is written by hand to its standard so that the
// output is byte-for-byte reproducible.
package export

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hindsight-docs/hindsight/generator/markdown"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// Action is one action item with its report, as every export lists it.
type Action struct {
	ReportID    string
	ReportTitle string
	Index       int // position in its report, for a stable identity
	Title       string
	Owner       string
	Due         time.Time // a date; zero when none
	Status      string
	Priority    string
	Link        string
	URL         string // the report page, relative to the site root
	Overdue     bool
	Closed      time.Time // when git history shows it closed; zero when unknown
}

func date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format("2006-01-02")
}

// jsonAction is an action item in data/actions.json.
type jsonAction struct {
	ReportID string `json:"report_id"`
	Title    string `json:"title"`
	Owner    string `json:"owner"`
	Due      any    `json:"due"`
	Status   string `json:"status"`
	Priority string `json:"priority"`
	Link     string `json:"link"`
	Overdue  bool   `json:"overdue"`
	URL      string `json:"url"`
	Closed   any    `json:"closed"`
}

// encode writes a as json.MarshalIndent writes it (TestActionsJSONStreamed).
func (a jsonAction) encode(j *JSON) {
	j.Open('{')
	j.Pair("report_id", a.ReportID)
	j.Pair("title", a.Title)
	j.Pair("owner", a.Owner)
	j.Key("due")
	j.date(a.Due)
	j.Pair("status", a.Status)
	j.Pair("priority", a.Priority)
	j.Pair("link", a.Link)
	j.Key("overdue")
	j.Bool(a.Overdue)
	j.Pair("url", a.URL)
	j.Key("closed")
	j.date(a.Closed)
	j.Close('}')
}

// date writes what date returned: a string, or null.
func (j *JSON) date(d any) {
	if s, ok := d.(string); ok {
		j.String(s)
	} else {
		j.Null()
	}
}

// ActionsJSON writes data/actions.json, with the names DESIGN.md fixes,
// to w: the object encoding/json would write with a one-space indent,
// an item at a time, as a large site has a hundred thousand.
func ActionsJSON(w io.Writer, generated time.Time, as []Action) error {
	gen := AppendJSONString(nil, generated.Format(time.RFC3339))
	j := NewJSON("  ", 512)
	err := Listing(w, gen, "actions", len(as), func(i int) ([]byte, error) {
		a := &as[i]
		j.Reset()
		jsonAction{a.ReportID, a.Title, a.Owner, date(a.Due), a.Status, a.Priority, a.Link, a.Overdue, a.URL, date(a.Closed)}.encode(j)
		return j.B, nil
	})
	if err != nil {
		return fmt.Errorf("actions.json: %w", err)
	}
	return nil
}

// Listing writes to w the object {"generated": gen, key: [n items]} as
// encoding/json indents it with one space, an item at a time: item(i)
// gives the i-th already indented for its place in the list (as
// json.MarshalIndent with prefix "  " and indent " " does). gen is
// encoded JSON; key needs no escaping.
func Listing(w io.Writer, gen []byte, key string, n int, item func(i int) ([]byte, error)) error {
	b := bufio.NewWriter(w)
	b.WriteString("{\n \"generated\": ")
	b.Write(gen)
	b.WriteString(",\n \"" + key + "\": [")
	for i := range n {
		p, err := item(i)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  ")
		b.Write(p)
	}
	if n > 0 {
		b.WriteString("\n ")
	}
	b.WriteString("]\n}\n")
	return b.Flush()
}

// ActionsCSV writes data/actions.csv to out: RFC 4180, CRLF line ends, a
// header row.
func ActionsCSV(out io.Writer, as []Action) error {
	w := csv.NewWriter(out)
	w.UseCRLF = true
	_ = w.Write([]string{"report_id", "title", "owner", "due", "status", "priority", "link", "overdue", "url", "closed"})
	for _, a := range as {
		due, closed := "", ""
		if !a.Due.IsZero() {
			due = a.Due.Format("2006-01-02")
		}
		if !a.Closed.IsZero() {
			closed = a.Closed.Format("2006-01-02")
		}
		_ = w.Write([]string{csvSafe(a.ReportID), csvSafe(a.Title), csvSafe(a.Owner), due, a.Status, csvSafe(a.Priority), csvSafe(a.Link), fmt.Sprint(a.Overdue), a.URL, closed})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("actions.csv: %w", err)
	}
	return nil
}

// csvSafe defuses cells a spreadsheet would run as a formula: the
// export is opened in spreadsheets and its text comes from pull requests.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// UID is an action item's stable calendar identity: it survives edits of
// the item's title, owner or date, so a subscribed calendar updates the
// event instead of adding a new one.
func UID(reportID string, index int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s#%d", reportID, index)))
	return hex.EncodeToString(sum[:12]) + "@hindsight"
}

// ActionsICS writes data/actions.ics (RFC 5545) to w: one all-day VEVENT
// per open item with a due date. baseURL, when known, makes the event
// link absolute.
func ActionsICS(w io.Writer, title string, generated time.Time, baseURL string, as []Action) error {
	b := bufio.NewWriter(w)
	line := func(s string) { fold(b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//hindsight//action items//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + text(title+" action items"))
	stamp := generated.UTC().Format("20060102T150405Z")
	for _, a := range as {
		if a.Due.IsZero() || (a.Status != "open" && a.Status != "in-progress") {
			continue
		}
		line("BEGIN:VEVENT")
		line("UID:" + UID(a.ReportID, a.Index))
		line("DTSTAMP:" + stamp)
		line("DTSTART;VALUE=DATE:" + a.Due.Format("20060102"))
		line("DTEND;VALUE=DATE:" + a.Due.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY:" + text(a.Title+" ("+a.ReportID+")"))
		desc := fmt.Sprintf("Action item of %s: %s\nOwner: %s\nPriority: %s\nStatus: %s", a.ReportID, a.ReportTitle, orNone(a.Owner), orNone(a.Priority), a.Status)
		if a.Link != "" {
			desc += "\nTracker: " + a.Link
		}
		line("DESCRIPTION:" + text(desc))
		if baseURL != "" {
			line("URL:" + strings.TrimRight(baseURL, "/") + "/" + a.URL)
		}
		if a.Owner != "" {
			line("CATEGORIES:" + text(a.Owner))
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	if err := b.Flush(); err != nil {
		return fmt.Errorf("actions.ics: %w", err)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// text escapes an RFC 5545 TEXT value.
func text(s string) string { return textEscaper.Replace(s) }

var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// fold writes one content line, folded at 75 octets without splitting
// a UTF-8 character, ended by CRLF.
func fold(b *bufio.Writer, s string) {
	if len(s) <= 75 && utf8.ValidString(s) {
		b.WriteString(s)
		b.WriteString("\r\n")
		return
	}
	n := 0
	for _, r := range s {
		size := utf8.RuneLen(r)
		if size < 0 {
			size = 3 // invalid runes are written as U+FFFD
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

// FeedEntry is one report in the Atom feed.
type FeedEntry struct {
	ID        string // report ID
	Title     string
	URL       string // relative to the site root
	Summary   string
	Published time.Time
	Updated   time.Time
	Authors   []string
	Category  []string
}

// Atom is feed.xml (Atom 1.0, RFC 4287), entries newest first as given.
// Without a base URL the links stay relative to the feed and the IDs are
// tag URIs, which feed readers accept.
func Atom(title, baseURL string, updated time.Time, entries []FeedEntry) ([]byte, error) {
	type link struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
	}
	type person struct {
		Name string `xml:"name"`
	}
	type category struct {
		Term string `xml:"term,attr"`
	}
	type entry struct {
		Title     string     `xml:"title"`
		ID        string     `xml:"id"`
		Link      link       `xml:"link"`
		Published string     `xml:"published,omitempty"`
		Updated   string     `xml:"updated"`
		Authors   []person   `xml:"author"`
		Category  []category `xml:"category"`
		Summary   string     `xml:"summary,omitempty"`
	}
	type feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string   `xml:"title"`
		ID      string   `xml:"id"`
		Links   []link   `xml:"link"`
		Updated string   `xml:"updated"`
		Author  person   `xml:"author"`
		Gen     string   `xml:"generator"`
		Entries []entry  `xml:"entry"`
	}
	base := strings.TrimRight(baseURL, "/")
	abs := func(rel string) string {
		if base == "" {
			return rel
		}
		return base + "/" + rel
	}
	// IDs must never change: without a base URL they are tag URIs on a
	// fixed date, naming the report ID rather than the build's year.
	id := func(rel, report string) string {
		if base == "" {
			if report == "" {
				report = "feed"
			}
			return "tag:hindsight,2024:" + report
		}
		return base + "/" + rel
	}
	f := feed{Title: title, ID: id("", ""), Updated: updated.UTC().Format(time.RFC3339), Author: person{title}, Gen: "hindsight"}
	f.Links = []link{{Href: abs("feed.xml"), Rel: "self", Type: "application/atom+xml"}, {Href: abs(""), Rel: "alternate", Type: "text/html"}}
	if base == "" {
		f.Links = []link{{Href: "./", Rel: "alternate", Type: "text/html"}}
	}
	for _, e := range entries {
		u := e.Updated
		if u.IsZero() {
			u = e.Published
		}
		if u.IsZero() {
			u = updated
		}
		en := entry{Title: e.ID + ": " + e.Title, ID: id(e.URL, e.ID), Link: link{Href: abs(e.URL), Rel: "alternate", Type: "text/html"},
			Updated: u.UTC().Format(time.RFC3339), Summary: e.Summary}
		if !e.Published.IsZero() {
			en.Published = e.Published.UTC().Format(time.RFC3339)
		}
		for _, a := range e.Authors {
			en.Authors = append(en.Authors, person{a})
		}
		if len(en.Authors) == 0 {
			en.Authors = []person{{title}}
		}
		for _, c := range e.Category {
			en.Category = append(en.Category, category{c})
		}
		f.Entries = append(f.Entries, en)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("feed.xml: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// SitemapURL is one page of the sitemap.
type SitemapURL struct {
	Path    string // relative to the site root
	LastMod time.Time
}

// Sitemap is sitemap.xml (sitemaps.org 0.9). Locations must be absolute,
// so without a base URL the paths are written relative and the caller
// warns.
func Sitemap(baseURL string, urls []SitemapURL) ([]byte, error) {
	type u struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	type set struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []u      `xml:"url"`
	}
	base := strings.TrimRight(baseURL, "/")
	s := set{}
	for _, x := range urls {
		loc := x.Path
		if base != "" {
			loc = base + "/" + x.Path
		}
		e := u{Loc: loc}
		if !x.LastMod.IsZero() {
			e.LastMod = x.LastMod.UTC().Format("2006-01-02")
		}
		s.URLs = append(s.URLs, e)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("sitemap.xml: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Actions lists the action items of reports (in the order given) with
// their overdue state on today; url gives a report's page.
func Actions(rs []*report.Report, today time.Time, url func(id string) string) []Action {
	// Sized first: a large site has a hundred thousand items, and a
	// growing list would copy them over and over.
	n := 0
	for _, r := range rs {
		n += len(r.ActionItems)
	}
	if n == 0 {
		return nil
	}
	as := make([]Action, 0, n)
	for _, r := range rs {
		u := url(r.ID)
		for i := range r.ActionItems {
			it := &r.ActionItems[i]
			link := it.Link
			if !markdown.Safe(link) {
				// a javascript: link must not survive into a spreadsheet
				// or a calendar any more than into a page
				link = ""
			}
			as = append(as, Action{
				ReportID: r.ID, ReportTitle: r.Title, Index: i, Title: it.Title, Owner: it.Owner, Due: it.Due,
				Status: it.Status, Priority: it.Priority, Link: link, URL: u, Overdue: it.Overdue(today), Closed: it.Closed,
			})
		}
	}
	return as
}
