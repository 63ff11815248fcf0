package site

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/themes"
)

type searchFile struct {
	Reports []searchDoc `json:"reports"`
}

func readSearch(t *testing.T, dir string) searchFile {
	t.Helper()
	var f searchFile
	if err := json.Unmarshal([]byte(read(t, dir, "data/search.json")), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSearchIndexFields(t *testing.T) {
	dir := render(t, false)
	f := readSearch(t, dir)
	if len(f.Reports) != 4 {
		t.Fatalf("got %d reports, want 4", len(f.Reports))
	}
	var a *searchDoc
	for i := range f.Reports {
		if f.Reports[i].ID == "INC-2026-03-01-001" {
			a = &f.Reports[i]
		}
	}
	if a == nil {
		t.Fatal("INC-2026-03-01-001 not indexed")
	}
	want := searchDoc{
		ID: "INC-2026-03-01-001", Title: "Booking outage after schema migration", URL: "incidents/INC-2026-03-01-001/",
		Severity: "P0", Year: 2026, Services: []string{"booking-api"}, Tags: []string{"database"},
		Owners: []string{"Maria Chen", "maria chen", "SRE Team"},
	}
	if fmt.Sprint(*a) != fmt.Sprint(want) {
		t.Errorf("got\n%+v\nwant\n%+v", *a, want)
	}
	if !strings.Contains(read(t, dir, "search/index.html"), `href="../incidents/INC-2026-03-01-001/"`) {
		t.Error("the search page does not list the reports for readers without JavaScript")
	}
}

func TestSearchIndexPublic(t *testing.T) {
	dir := render(t, true)
	for _, name := range []string{"data/search.json", "search/index.html"} {
		s := strings.ToLower(read(t, dir, name))
		for _, m := range []string{"secret-marker", "secretsvc-marker", "secrettag-marker", "secretowner", "inc-2026-02-10-001"} {
			if strings.Contains(s, m) {
				t.Errorf("%s of a public build holds %q", name, m)
			}
		}
	}
	if n := len(readSearch(t, dir).Reports); n != 3 {
		t.Errorf("public index has %d reports, want 3", n)
	}
}

func TestSearchSummary(t *testing.T) {
	body := "# Title\n\n## Impact\n\nNot this.\n\n## 📝 Executive Summary\n\n" +
		"> On **October 8** the [booking system](https://x.example/) failed;\n> `api_v2` returned errors.\n\n" +
		"```\ncode is skipped\n```\n\n- a list item\n\n## Timeline\n\nNot this either.\n"
	got := searchSummary([]byte(body))
	want := "On October 8 the booking system failed; api_v2 returned errors. a list item"
	if got != want {
		t.Errorf("summary:\n got %q\nwant %q", got, want)
	}
	if s := searchSummary([]byte("## Summary\n\ntext\n")); s != "" {
		t.Errorf("no executive summary: got %q", s)
	}
	long := "## Executive summary\n\n" + strings.Repeat("word ", 200)
	if s := searchSummary([]byte(long)); len([]rune(s)) > searchSummaryLen+10 || !strings.HasSuffix(s, "…") {
		t.Errorf("long summary not cut: %d runes", len([]rune(s)))
	}
}

func TestSearchWords(t *testing.T) {
	got := searchWords([]byte("The tour_availability column; THE Column, an API-gateway at 14:25 and 2025.\n```\nnull value\n```"))
	for _, w := range []string{"tour_availability", "tour", "availability", "column", "api-gateway", "gateway", "null", "value"} {
		if !slices.Contains(got, w) {
			t.Errorf("%q missing from %q", w, got)
		}
	}
	for _, w := range []string{"the", "an", "at", "14", "2025", "Column"} {
		if slices.Contains(got, w) {
			t.Errorf("%q should not be in %q", w, got)
		}
	}
	seen := map[string]bool{}
	for _, w := range got {
		if seen[w] {
			t.Errorf("%q twice", w)
		}
		seen[w] = true
	}
}

func TestSearchIndexScriptSafe(t *testing.T) {
	rs := fixtureReports()[:1]
	rs[0].Title = "</script><b>&"
	cfg, err := config.Default(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := SearchJSON(newEntries(rs, cfg, fixtureNow, false))
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(string(b), "<>&") {
		t.Errorf("index holds raw <, > or &: %s", b)
	}
}

// TestSearchIndexSize renders a synthetic 1,000-report site with a
// realistic body and holds data/search.json to the budget: under 15% of
// the site's HTML.
func TestSearchIndexSize(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 1,000 reports")
	}
	cfg, err := config.Default(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rs := benchReports(1000)
	body := "## Executive Summary\n\nThe booking service failed after a deploy; customers could not book tours for two hours.\n\n" +
		"## Root cause\n\nA migration added a NOT NULL column tour_availability without a default; every insert failed.\n\n"
	for i, r := range rs {
		// distinct words per report, as real reports have
		r.Body = []byte(body + fmt.Sprintf("Ticket ops%d was raised by host%d for customer%d in region%d.\n", i, i%97, i*7, i%11))
	}
	dir := t.TempDir()
	in := Input{Config: cfg, Now: fixtureNow, Theme: themes.Default(), Workers: 4, Reports: rs}
	if _, err := Render(context.Background(), in, dir); err != nil {
		t.Fatal(err)
	}
	var html, index int64
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".html"):
			html += st.Size()
		case strings.HasSuffix(p, "search.json"):
			index = st.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("index %d bytes, HTML %d bytes: %.1f%%", index, html, float64(index)*100/float64(html))
	if index == 0 || float64(index) > 0.15*float64(html) {
		t.Errorf("index is %d bytes, over 15%% of %d bytes of HTML", index, html)
	}
}
