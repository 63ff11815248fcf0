package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

var now = time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)

func actions() []Action {
	return []Action{
		{ReportID: "INC-2025-10-08-001", ReportTitle: "Booking outage", Index: 0, Title: "Update the checklist, then; review\\it", Owner: "Engineering Lead",
			Due: time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC), Status: "open", Priority: "P0", URL: "incidents/INC-2025-10-08-001/", Overdue: true},
		{ReportID: "INC-2025-10-08-001", ReportTitle: "Booking outage", Index: 1, Title: "=HYPERLINK(\"http://evil\")", Owner: "DevOps",
			Due: time.Date(2025, 10, 22, 0, 0, 0, 0, time.UTC), Status: "done", Priority: "P1", URL: "incidents/INC-2025-10-08-001/",
			Closed: time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC)},
		{ReportID: "INC-2025-09-30-002", ReportTitle: "Lock", Index: 0, Title: "Set lock_timeout on every migration " + strings.Repeat("ü", 40), Owner: "SRE, Platform",
			Due: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), Status: "in-progress", Priority: "P2", Link: "https://example.com/1", URL: "incidents/INC-2025-09-30-002/"},
		{ReportID: "INC-2025-09-30-002", Index: 1, Title: "No date", Status: "open"},
	}
}

func TestActionsJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := ActionsJSON(&buf, now, actions()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	var got struct {
		Generated string           `json:"generated"`
		Actions   []map[string]any `json:"actions"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Generated != "2025-11-01T12:00:00Z" || len(got.Actions) != 4 {
		t.Fatalf("%+v", got)
	}
	a := got.Actions[0]
	for k, want := range map[string]any{"report_id": "INC-2025-10-08-001", "owner": "Engineering Lead", "due": "2025-10-15", "status": "open",
		"priority": "P0", "link": "", "overdue": true, "url": "incidents/INC-2025-10-08-001/"} {
		if a[k] != want {
			t.Errorf("%s = %v, want %v", k, a[k], want)
		}
	}
	if got.Actions[3]["due"] != nil {
		t.Errorf("missing due = %v, want null", got.Actions[3]["due"])
	}
}

func TestActionsCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := ActionsCSV(&buf, actions()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.Contains(b, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("records must end in CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][0] != "report_id" || len(rows[0]) != 10 {
		t.Fatalf("rows %v", rows)
	}
	for i, tc := range []struct {
		row, col int
		want     string
	}{
		{1, 1, "Update the checklist, then; review\\it"},
		{2, 1, "'=HYPERLINK(\"http://evil\")"}, // never a formula
		{2, 9, "2025-10-20"},
		{3, 2, "SRE, Platform"},
		{3, 6, "https://example.com/1"},
		{4, 3, ""},
	} {
		if got := rows[tc.row][tc.col]; got != tc.want {
			t.Errorf("case %d: row %d col %d = %q, want %q", i, tc.row, tc.col, got, tc.want)
		}
	}
}

// TestActionsJSONStreamed checks that writing the items one at a time
// gives the bytes encoding/json gives for the whole object at once.
func TestActionsJSONStreamed(t *testing.T) {
	hostile := Action{ReportID: "INC-<1>", Title: "</script><b>\"x\" & \u2028\u2029\t\x7f", Owner: "\x00\xff\xe2\x80", Link: "javascript:alert(1)"}
	for _, as := range [][]Action{nil, actions()[:1], actions(), append(actions(), hostile)} {
		whole := struct {
			Generated string       `json:"generated"`
			Actions   []jsonAction `json:"actions"`
		}{Generated: now.Format(time.RFC3339), Actions: []jsonAction{}}
		for _, a := range as {
			whole.Actions = append(whole.Actions, jsonAction{a.ReportID, a.Title, a.Owner, date(a.Due), a.Status, a.Priority, a.Link, a.Overdue, a.URL, date(a.Closed)})
		}
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", " ")
		if err := enc.Encode(whole); err != nil {
			t.Fatal(err)
		}
		if err := ActionsJSON(&got, now, as); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d items: got\n%s\nwant\n%s", len(as), got.String(), want.String())
		}
	}
}

// unfold undoes RFC 5545 line folding.
func unfold(s string) []string {
	s = strings.ReplaceAll(s, "\r\n ", "")
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}

func TestActionsICS(t *testing.T) {
	var b bytes.Buffer
	if err := ActionsICS(&b, "ACME", now, "https://acme.example/incidents/", actions()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, l := range strings.Split(s, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
	}
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
		t.Error("bare LF in calendar")
	}
	lines := unfold(s)
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Fatalf("not a calendar: %q", lines)
	}
	var events []map[string]string
	var cur map[string]string
	for _, l := range lines {
		switch {
		case l == "BEGIN:VEVENT":
			cur = map[string]string{}
		case l == "END:VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			k, v, _ := strings.Cut(l, ":")
			cur[k] = v
		}
	}
	// Only open items with a due date: the done one and the undated one are left out.
	if len(events) != 2 {
		t.Fatalf("%d events, want 2: %q", len(events), lines)
	}
	e := events[0]
	for k, want := range map[string]string{
		"UID":                UID("INC-2025-10-08-001", 0),
		"DTSTART;VALUE=DATE": "20251015",
		"DTEND;VALUE=DATE":   "20251016",
		"DTSTAMP":            "20251101T120000Z",
		"SUMMARY":            `Update the checklist\, then\; review\\it (INC-2025-10-08-001)`,
		"URL":                "https://acme.example/incidents/incidents/INC-2025-10-08-001/",
	} {
		if e[k] != want {
			t.Errorf("%s = %q, want %q", k, e[k], want)
		}
	}
	if !strings.Contains(e["DESCRIPTION"], `\nOwner: Engineering Lead`) {
		t.Errorf("description %q", e["DESCRIPTION"])
	}
	if events[1]["CATEGORIES"] != `SRE\, Platform` {
		t.Errorf("categories %q", events[1]["CATEGORIES"])
	}
	// UIDs are stable across builds and distinct per item.
	first := UID("INC-2025-10-08-001", 0)
	if first == UID("INC-2025-10-08-001", 1) || first != UID("INC-2025-10-08-001", 0) {
		t.Error("UID not stable or not distinct")
	}
}

func TestAtom(t *testing.T) {
	entries := []FeedEntry{
		{ID: "INC-2025-10-08-001", Title: "Booking <outage> & more", URL: "incidents/INC-2025-10-08-001/", Summary: "P0 · 2h 30m",
			Published: time.Date(2025, 10, 9, 12, 0, 0, 0, time.UTC), Updated: time.Date(2025, 10, 12, 9, 0, 0, 0, time.UTC), Authors: []string{"Jordan Blake"}, Category: []string{"P0", "booking-api"}},
		{ID: "INC-2025-09-30-002", Title: "Lock", URL: "incidents/INC-2025-09-30-002/"},
	}
	for _, base := range []string{"https://acme.example/site/", ""} {
		t.Run("base="+base, func(t *testing.T) {
			b, err := Atom("ACME incidents", base, now, entries)
			if err != nil {
				t.Fatal(err)
			}
			var f struct {
				XMLName xml.Name
				Title   string `xml:"title"`
				ID      string `xml:"id"`
				Updated string `xml:"updated"`
				Entries []struct {
					Title     string `xml:"title"`
					ID        string `xml:"id"`
					Updated   string `xml:"updated"`
					Published string `xml:"published"`
					Link      struct {
						Href string `xml:"href,attr"`
					} `xml:"link"`
					Author []struct {
						Name string `xml:"name"`
					} `xml:"author"`
					Category []struct {
						Term string `xml:"term,attr"`
					} `xml:"category"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(b, &f); err != nil {
				t.Fatal(err)
			}
			if f.XMLName.Space != "http://www.w3.org/2005/Atom" || f.XMLName.Local != "feed" {
				t.Errorf("root %v", f.XMLName)
			}
			if f.Title != "ACME incidents" || f.Updated != "2025-11-01T12:00:00Z" || f.ID == "" {
				t.Errorf("feed %+v", f)
			}
			if len(f.Entries) != 2 {
				t.Fatalf("%d entries", len(f.Entries))
			}
			e := f.Entries[0]
			wantHref := "incidents/INC-2025-10-08-001/"
			if base != "" {
				wantHref = "https://acme.example/site/" + wantHref
			}
			if e.Title != "INC-2025-10-08-001: Booking <outage> & more" || e.Link.Href != wantHref || e.Updated != "2025-10-12T09:00:00Z" ||
				e.Published != "2025-10-09T12:00:00Z" || e.Author[0].Name != "Jordan Blake" || e.Category[1].Term != "booking-api" {
				t.Errorf("entry %+v", e)
			}
			if f.Entries[1].ID == e.ID || f.Entries[1].Author[0].Name != "ACME incidents" || f.Entries[1].Updated != "2025-11-01T12:00:00Z" {
				t.Errorf("second entry %+v", f.Entries[1])
			}
		})
	}
}

func TestSitemap(t *testing.T) {
	b, err := Sitemap("https://acme.example/site", []SitemapURL{{Path: ""}, {Path: "incidents/INC-1/", LastMod: time.Date(2025, 10, 12, 9, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		XMLName xml.Name
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || len(s.URLs) != 2 {
		t.Fatalf("%+v", s)
	}
	if s.URLs[0].Loc != "https://acme.example/site/" || s.URLs[1].Loc != "https://acme.example/site/incidents/INC-1/" || s.URLs[1].LastMod != "2025-10-12" {
		t.Errorf("%+v", s.URLs)
	}
}

// TestActionsUnsafeLink: a link a page would not publish is not exported
// either.
func TestActionsUnsafeLink(t *testing.T) {
	r := &report.Report{ID: "INC-1", ActionItems: []report.ActionItem{
		{Title: "a", Link: "javascript:alert(1)"},
		{Title: "b", Link: " JaVaScRiPt:alert(1)"},
		{Title: "c", Link: "data:text/html,x"},
		{Title: "d", Link: "https://tracker.example/1"},
		{Title: "e", Link: "JIRA-12"},
	}}
	as := Actions([]*report.Report{r}, time.Now(), func(id string) string { return id })
	want := []string{"", "", "", "https://tracker.example/1", "JIRA-12"}
	for i, a := range as {
		if a.Link != want[i] {
			t.Errorf("action %s: link %q, want %q", a.Title, a.Link, want[i])
		}
	}
}
