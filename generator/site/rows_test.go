package site

import (
	"html/template"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// rowTemplate is actionRows as a template: the Go code must write the
// same bytes, so it escapes exactly what html/template would.
const rowTemplate = `{{range .Rows}}
<tr data-status="{{.Status}}" data-owner="{{.OwnerSlug}}" data-priority="{{.PriorityKey}}"{{if .Overdue}} data-due="overdue"{{else if .DueSoon}} data-due="soon"{{end}}>` +
	`<td class="c-title">{{if .Link}}<a href="{{.Link}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}</td>` +
	`<td class="c-owner"><a href="{{$.Root}}{{.OwnerURL}}">{{if .Owner}}{{.Owner}}{{else}}<span class="muted">no owner</span>{{end}}</a></td>` +
	`<td class="c-date">{{if .DueDay}}<time>{{.DueDay}}</time>{{else}}<span class="muted">no due date</span>{{end}}{{if .Overdue}} <span class="overdue">{{.DaysOverdue}} d overdue</span>{{else if .DueSoon}} <span class="soon">due soon</span>{{end}}</td>` +
	`<td class="c-status" data-sort="{{.StatusRank}}"><span class="badge status status-{{.Status}}">{{.StatusLabel}}</span></td>` +
	`<td class="c-sev">{{if .Priority}}<span class="badge sev {{.SevClass}}">{{.Priority}}</span>{{else}}<span class="muted">—</span>{{end}}</td>` +
	`<td class="c-id"><a href="{{$.Root}}{{.ReportURL}}">{{.ReportID}}</a></td>` +
	`<td class="c-closed">{{if .ClosedDay}}<time>{{.ClosedDay}}</time>{{if ge .CloseDays 0}} <span class="muted">{{.CloseDays}} d to close</span>{{end}}{{if .OnTime}} <span class="flag flag-ok">on time</span>{{else if .Late}} <span class="soon">{{.DaysLate}} d late</span>{{end}}{{end}}</td></tr>{{end}}`

func TestActionRowsEscapeLikeTemplates(t *testing.T) {
	r := &report.Report{ID: `INC-1"><script>`, Started: date(2025, 1, 1), Resolved: date(2025, 1, 2)}
	r.ActionItems = []report.ActionItem{
		{Title: `<script>alert("t")</script> & 'x'`, Owner: `"><img src=x onerror=alert(1)>`, Status: "open", Priority: `<b>P1</b>`,
			Due: date(2025, 1, 3), Link: "javascript:alert(1)"},
		{Title: "data", Link: "data:text/html;base64,PHNjcmlwdD4=", Status: "done", Closed: date(2025, 1, 5), Due: date(2025, 1, 4)},
		{Title: "odd link", Link: "https://example.com/a b/ü?q='x'&y=(1)%zz%41", Status: "wont-do", Owner: "Zoë", Closed: date(2025, 1, 2)},
		{Title: "relative", Link: "../x:y/z", Status: `in-progress" onclick="x`, Due: date(2025, 3, 1)},
		{Title: "mail", Link: "MAILTO:a@b.c", Status: "open", Priority: "P0"},
		{Title: "nul\x00byte +plus", Link: "HTTPS://x", Status: "open"},
	}
	e := &Entry{Report: r, URL: URL(r.ID)}
	today := date(2025, 2, 26)
	var items []*Item
	for i := range r.ActionItems {
		it := newInterned().item(e, &r.ActionItems[i], today)
		items = append(items, &it)
	}
	tpl := template.Must(template.New("rows").Parse(rowTemplate))
	for _, root := range []string{"../", "../../../"} {
		var want strings.Builder
		if err := tpl.Execute(&want, map[string]any{"Rows": items, "Root": root}); err != nil {
			t.Fatal(err)
		}
		got := string(actionRows(root, items))
		if diff := cmp.Diff(want.String(), got); diff != "" {
			t.Errorf("actionRows(%q) differs from the template (-template +actionRows):\n%s", root, diff)
		}
	}
	got := string(actionRows("", items))
	for _, bad := range []string{"<script", "javascript:", "data:text", "<img", "<b>", `" onclick`} {
		if strings.Contains(got, bad) {
			t.Errorf("rows contain %q", bad)
		}
	}
}

func TestActionRowsEmpty(t *testing.T) {
	if got := string(actionRows("", nil)); !strings.Contains(got, "No action items.") {
		t.Errorf("empty table: %q", got)
	}
}

// TestRowChunks checks that writing a dashboard's rows a run at a time
// gives the bytes of writing them at once.
func TestRowChunks(t *testing.T) {
	r := &report.Report{ID: "INC-1", Started: date(2025, 1, 1)}
	e := &Entry{Report: r, URL: URL(r.ID)}
	for _, n := range []int{0, 1, rowChunk - 1, rowChunk, rowChunk + 1, 3*rowChunk + 7} {
		var items []*Item
		r.ActionItems = make([]report.ActionItem, n)
		for i := range r.ActionItems {
			r.ActionItems[i] = report.ActionItem{Title: "item " + strings.Repeat("x", i%7), Status: "open"}
			it := newInterned().item(e, &r.ActionItems[i], date(2025, 2, 1))
			items = append(items, &it)
		}
		var got strings.Builder
		chunks := rowChunks(items)
		for _, c := range chunks {
			if len(c) > rowChunk {
				t.Fatalf("%d rows: a run of %d", n, len(c))
			}
			got.WriteString(string(actionRows("../", c)))
		}
		if want := string(actionRows("../", items)); got.String() != want {
			t.Errorf("%d rows in %d runs: rows differ", n, len(chunks))
		}
	}
}

// TestEscMatchesTemplates: esc writes text as html/template does, in
// element content and in a quoted attribute, for every byte alone and
// for text mixing them.
func TestEscMatchesTemplates(t *testing.T) {
	tpl := template.Must(template.New("").Parse(`<p title="{{.}}">{{.}}</p>`))
	inputs := []string{"", "plain text", "Ünïcödé ✓", "a<b>c&d'e\"f+g\x00h", "<script>alert(1)</script>", "\xff\xfe broken"}
	for c := range 256 {
		inputs = append(inputs, string([]byte{byte(c)}), "x"+string([]byte{byte(c)})+"y")
	}
	for _, s := range inputs {
		var b strings.Builder
		if err := tpl.Execute(&b, s); err != nil {
			t.Fatal(err)
		}
		if got := `<p title="` + esc(s) + `">` + esc(s) + `</p>`; got != b.String() {
			t.Errorf("esc(%q) gives %q, html/template %q", s, got, b.String())
		}
	}
}

// TestReportLinks: reportLinks writes the search page's items as the
// template it stands for would, whatever the IDs, titles and roots, and
// entryChunks cuts a list into runs that write it whole.
func TestReportLinks(t *testing.T) {
	tpl := template.Must(template.New("").Parse(`{{range .Es}}<li><a href="{{$.Root}}{{.URL}}">{{.ID}}</a> {{.Title}}</li>
  {{end}}`))
	var es []*Entry
	for _, s := range []string{"INC-1", `INC-"><script>`, "a&b <i>c</i>", "javascript:alert(1)", "ü%zz%41 x/y?z#w", "\x00\xff", "+1 'q'"} {
		r := &report.Report{ID: s, Title: "Title " + s}
		es = append(es, &Entry{Report: r, URL: "incidents/" + s + "/"}, &Entry{Report: r, URL: s})
	}
	for _, root := range []string{"", "../", "../../", "javascript:"} {
		var want strings.Builder
		if err := tpl.Execute(&want, map[string]any{"Es": es, "Root": root}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), string(reportLinks(root, es))); diff != "" {
			t.Errorf("root %q: (-template +reportLinks)\n%s", root, diff)
		}
		for _, size := range []int{0, 1, 3, len(es), 256} {
			var got strings.Builder
			for _, run := range entryChunks(size, es) {
				if len(run) > max(size, 1) {
					t.Fatalf("size %d: a run of %d", size, len(run))
				}
				got.WriteString(string(reportLinks(root, run)))
			}
			if got.String() != want.String() {
				t.Errorf("root %q, runs of %d: the runs differ from the whole", root, size)
			}
		}
	}
	if len(entryChunks(64, nil)) != 0 {
		t.Error("no entries make a run")
	}
}
