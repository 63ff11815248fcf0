package site

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Masterminds/sprig/v3"

	"github.com/hindsight-docs/hindsight/generator/markdown"
)

// Report pages are nine in ten of a site's pages. Executed by
// html/template, the default report.html costs most of a build's CPU in
// reflection and escaper calls, so when a theme leaves report.html and
// the partials it includes as the default theme has them, the page's
// main block is written here instead: the same bytes, escaped as
// html/template escapes them (TestNativeMatchesTemplates renders every
// test report both ways and compares). A theme that overrides any of
// those files gets its templates executed as written. Icons come from
// the theme's icon.html either way.

// nativeReportFiles are the theme files reportMain stands in for.
var nativeReportFiles = []string{
	"layouts/report.html",
	"layouts/partials/severity.html",
	"layouts/partials/status.html",
	"layouts/partials/stamp.html",
	"layouts/partials/action-table.html",
}

// nativeRowFiles are the theme files incidentRowHTML stands in for.
var nativeRowFiles = []string{
	"layouts/partials/incident-row.html",
	"layouts/partials/severity.html",
	"layouts/partials/status.html",
}

// iconNames are the icons the default pages use.
var iconNames = []string{"check", "check-circle", "clock", "file", "link", "alert", "lock", "shield", "arrow", "edit", "users", "search", "pencil", "info", "list", "home", "data"}

// sprigSubf is sprig's subf, which the phases bar uses: it subtracts in
// decimal, so the Go code must too to write the same numbers.
var sprigSubf = sprig.HtmlFuncMap()["subf"].(func(any, ...any) float64)

// subf is sprigSubf. Whole numbers, as minutes between times to the
// minute are, subtract exactly in float64 too, at a hundredth of the
// cost; both ways give the nearest float64 to the exact difference.
func subf(a, b float64) float64 {
	const exact = 1 << 52
	if a == math.Trunc(a) && b == math.Trunc(b) && math.Abs(a) < exact && math.Abs(b) < exact {
		return a - b + 0 // + 0: decimal has no negative zero
	}
	return sprigSubf(a, b)
}

// page is HTML being written.
type page struct {
	bytes.Buffer
	icons map[string]string
}

// pages are page buffers for reuse. A large site writes tens of
// thousands of report pages of about 20 KB each; made anew, their
// buffers were a tenth of a build's allocations.
var pages = sync.Pool{New: func() any { return new(page) }}

// newPage is an empty page from pages with room for size bytes; free
// gives it back.
func newPage(icons map[string]string, size int) *page {
	b := pages.Get().(*page)
	b.icons = icons
	b.Grow(size)
	return b
}

// maxPooled is the largest buffer free keeps: one outsized page should
// not stay in memory for the rest of the build.
const maxPooled = 256 << 10

func (b *page) free() {
	if b.Cap() > maxPooled {
		return
	}
	b.Reset()
	b.icons = nil
	pages.Put(b)
}

// text is what b holds, as a string of its own, and frees b.
func (b *page) text() string {
	s := b.String()
	b.free()
	return s
}

func (b *page) w(s string)    { b.WriteString(s) }
func (b *page) esc(s string)  { b.WriteString(esc(s)) }
func (b *page) int(n int)     { b.WriteString(strconv.Itoa(n)) }
func (b *page) icon(n string) { b.WriteString(b.icons[n]) }

// float writes f as text/template prints a float64.
func (b *page) float(f float64) { b.WriteString(esc(strconv.FormatFloat(f, 'g', -1, 64))) }

// url writes the value of one {{...}} action at the start of an
// attribute holding a URL.
func (b *page) url(s string) { b.WriteString(attrURL(s)) }

// urlPart writes the value of an action that follows literal text in the
// path of a URL attribute.
func (b *page) urlPart(s string) { b.WriteString(esc(normaliseURL(s))) }

// frag writes the value of an action in the fragment of a URL attribute.
func (b *page) frag(s string) { b.WriteString(esc(urlEscape(s))) }

// urlEscape percent-encodes every byte of s but letters, digits and
// -._~, like html/template's escaper for query and fragment parts.
func urlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
	}
	return b.String()
}

func sevClass(s string) string { return "sev-" + strings.ToLower(markdown.Slug(s)) }

// severity is partials/severity.html.
func (b *page) severity(s string) {
	if s != "" {
		b.w(`<span class="badge sev `)
		b.esc(sevClass(s))
		b.w(`">`)
		b.esc(s)
		b.w("</span>\n")
		return
	}
	b.w(`<span class="badge sev sev-unknown" title="severity not stated">?</span>` + "\n")
}

// status is partials/status.html.
func (b *page) status(s string) {
	b.w(`<span class="badge status status-`)
	b.esc(s)
	b.w(`">`)
	switch s {
	case "in-progress":
		b.w("in progress")
	case "wont-do":
		b.w("won't do")
	default:
		b.esc(s)
	}
	b.w("</span>\n")
}

// stamp is partials/stamp.html.
func (b *page) stamp(t time.Time) {
	b.w(`<time datetime="`)
	b.esc(ISO(t))
	b.w(`"><span class="d">`)
	b.esc(Day(t))
	b.w(`</span> <span class="t">`)
	b.esc(strings.TrimPrefix(When(t), Day(t)+" "))
	b.w(`</span></time>`)
}

// incidentRowHTML is partials/incident-row.html.
func incidentRowHTML(root string, e *Entry) string {
	b := newPage(nil, 1200)
	b.w("\n    <tr class=\"accent-")
	b.esc(sevClass(e.Severity))
	b.w(`" data-severity="`)
	b.esc(e.Severity)
	b.w(`" data-status="`)
	b.esc(e.Status)
	b.w("\">\n      <td class=\"c-id nowrap\" data-sort=\"")
	b.esc(e.ID)
	b.w(`"><a href="`)
	b.url(root)
	b.url(e.URL)
	b.w(`">`)
	b.esc(e.ID)
	b.w("</a></td>\n      <td class=\"c-title\">")
	b.esc(e.Title)
	if e.Visibility == "internal" {
		b.w(` <span class="badge internal">internal</span>`)
	}
	b.w("</td>\n      <td class=\"c-sev\" data-sort=\"")
	b.esc(e.Severity)
	b.w(`">`)
	b.severity(e.Severity)
	b.w("</td>\n      <td class=\"c-date nowrap\" data-sort=\"")
	b.esc(ISO(e.Started))
	b.w(`">`)
	if e.Started.IsZero() {
		b.w(`<span class="muted">—</span>`)
	} else {
		b.w(`<time datetime="`)
		b.esc(ISO(e.Started))
		b.w(`">`)
		b.esc(Day(e.Started))
		b.w(`</time>`)
	}
	b.w("</td>\n      <td class=\"c-num nowrap\" data-sort=\"")
	if e.HasTTR {
		b.float(e.TTRMinutes)
	} else {
		b.w("-1")
	}
	b.w(`">`)
	if e.TTR != "" {
		b.w(`<span class="cell-label">lasted </span>`)
		b.esc(e.TTR)
	} else {
		b.w(`<span class="muted">—</span>`)
	}
	b.w("</td>\n      <td class=\"c-status\">")
	b.status(e.Status)
	b.w("</td>\n      <td class=\"c-svc\">")
	for i, s := range e.ServiceLinks {
		if i > 0 {
			b.w(", ")
		}
		b.w(`<a class="svc" href="`)
		b.url(root)
		b.url(s.URL)
		b.w(`">`)
		b.esc(s.Title)
		b.w(`</a>`)
	}
	b.w("</td>\n      <td class=\"c-date nowrap\" data-sort=\"")
	if e.HasDelay {
		b.float(e.DelayHours)
	} else {
		b.w("-1")
	}
	b.w(`">`)
	switch {
	case e.HasDelay:
		b.w(`<span class="cell-label">filed </span>`)
		h := esc(strconv.FormatFloat(e.DelayHours, 'f', 0, 64))
		if e.OnTime {
			b.w(`<span class="flag flag-ok" title="`)
			b.esc(e.Filed)
			b.w(`">` + h + ` h</span>`)
		} else {
			b.w(`<span class="soon" title="`)
			b.esc(e.Filed)
			b.w(`">` + h + ` h, late</span>`)
		}
	case e.Git != nil && e.Git.Uncommitted:
		b.w(`<span class="muted">not committed</span>`)
	default:
		b.w(`<span class="muted">—</span>`)
	}
	b.w("</td>\n      <td class=\"c-date nowrap\" data-sort=\"")
	if e.Git != nil {
		b.esc(ISO(e.Git.Updated))
	}
	b.w(`">`)
	if e.Git != nil && !e.Git.Updated.IsZero() {
		b.w(`<span class="cell-label">updated </span><time datetime="`)
		b.esc(ISO(e.Git.Updated))
		b.w(`">`)
		b.esc(Day(e.Git.Updated))
		b.w(`</time>`)
	} else {
		b.w(`<span class="muted">—</span>`)
	}
	b.w("</td>\n    </tr>\n")
	return b.text()
}

// reportMain is the main block of layouts/report.html.
func reportMain(p *Page, icons map[string]string) string {
	b := newPage(icons, 24<<10)
	b.reportMain(p)
	return b.text()
}

// reportMain writes the main block of layouts/report.html.
func (b *page) reportMain(p *Page) {
	e := p.Report
	root := p.Root
	b.w("\n\n\n<article class=\"report\" aria-labelledby=\"report-title\">\n<header class=\"report-head card accent-")
	b.esc(sevClass(e.Severity))
	b.w("\">\n  <nav class=\"crumbs\" aria-label=\"Breadcrumb\">\n    <ol>\n      <li><a href=\"")
	b.url(root)
	b.w("incidents/\">Incidents</a></li>\n      ")
	if y := e.Year(); y != 0 {
		b.w(`<li><a href="`)
		b.url(root)
		b.w("incidents/")
		b.urlPart(strconv.Itoa(y))
		b.w(`/">`)
		b.int(y)
		b.w(`</a></li>`)
	}
	b.w("\n      <li><span aria-current=\"page\">")
	b.esc(e.ID)
	b.w("</span></li>\n    </ol>\n  </nav>\n  <p class=\"print-only print-line\">")
	b.esc(p.Site.Title)
	b.w(" · ")
	b.esc(e.ID)
	b.w(` · site generated <time datetime="`)
	b.esc(Day(p.Site.Generated))
	b.w(`">`)
	b.esc(Day(p.Site.Generated))
	b.w("</time></p>\n  <h1 id=\"report-title\">")
	b.esc(e.Title)
	b.w("</h1>\n  <p class=\"badges\">\n    ")
	b.severity(e.Severity)
	b.w("\n    <span class=\"badge report-status status-")
	b.esc(e.Status)
	b.w(`">`)
	b.esc(e.Status)
	b.w("</span>\n    ")
	internal := e.Visibility == "internal"
	security := e.Security.Incident != nil && *e.Security.Incident
	if internal {
		b.w(`<span class="badge internal">`)
		b.icon("lock")
		b.w(`internal</span>`)
	}
	b.w("\n    ")
	if security {
		b.w(`<span class="badge security">`)
		b.icon("shield")
		b.w(`security incident</span>`)
	}
	b.w("\n  </p>\n\n  ")
	switch e.Status {
	case "draft":
		b.w(`<p class="notice notice-draft">`)
		b.icon("pencil")
		b.w("<span><strong>Draft.</strong> This report is still being written; its facts and action items may change.</span></p>\n  ")
	case "review":
		b.w(`<p class="notice notice-draft">`)
		b.icon("clock")
		b.w(`<span><strong>In review.</strong> This report is awaiting sign-off`)
		if len(e.Reviewers) > 0 {
			b.w(" (")
			b.int(e.Approved)
			b.w(" of ")
			b.int(len(e.Reviewers))
			b.w(" approved)")
		}
		b.w(`.</span></p>`)
	}
	b.w("\n  ")
	if internal {
		b.w(`<p class="notice notice-internal">`)
		b.icon("lock")
		b.w(`<span><strong>Internal report.</strong> It is left out of public builds of this site.</span></p>`)
	}
	b.w("\n\n  \n  ")
	if e.HasTTR && !e.Started.IsZero() {
		b.w("\n  <div class=\"phases\" aria-hidden=\"true\">")
		s, prev := e.Started, 0.0
		for _, m := range []struct {
			name string
			t    time.Time
		}{{"detect", e.Detected}, {"ack", e.Acknowledged}, {"mitigate", e.Mitigated}, {"resolve", e.Resolved}} {
			if m.t.IsZero() || m.t.Before(s) {
				continue
			}
			if min := m.t.Sub(s).Minutes(); min >= prev {
				b.w(`<span class="ph ph-` + m.name + `" style="flex-grow: `)
				b.float(subf(min, prev))
				b.w(`"></span>`)
				prev = min
			}
		}
		b.w("</div>\n  ")
	}
	b.w("\n  <ol class=\"milestones\">\n    <li class=\"ms ms-start\"><span class=\"ms-label\">Started</span>")
	if e.Started.IsZero() {
		b.w(`<span class="ms-time muted">unknown</span>`)
	} else {
		b.w(`<span class="ms-time">`)
		b.stamp(e.Started)
		b.w(`</span>`)
	}
	b.w("</li>\n    <li class=\"ms")
	milestone := func(t time.Time, after string) {
		b.w(`<span class="ms-time">`)
		b.stamp(t)
		b.w(`</span>`)
		if after != "" {
			b.w(`<span class="ms-after">after `)
			b.esc(after)
			b.w(`</span>`)
		}
	}
	if !e.Detected.IsZero() {
		b.w(" ms-detect")
	}
	b.w(`"><span class="ms-label">Detected</span>`)
	if e.Detected.IsZero() {
		b.w(`<span class="ms-time muted">—</span>`)
	} else {
		milestone(e.Detected, e.TTD)
	}
	b.w("</li>\n    ")
	if !e.Acknowledged.IsZero() {
		b.w(`<li class="ms ms-ack"><span class="ms-label">Acknowledged</span>`)
		milestone(e.Acknowledged, e.TTA)
		b.w(`</li>`)
	}
	b.w("\n    ")
	if !e.Mitigated.IsZero() {
		b.w(`<li class="ms ms-mitigate"><span class="ms-label">Mitigated</span>`)
		milestone(e.Mitigated, e.TTM)
		b.w(`</li>`)
	}
	b.w("\n    <li class=\"ms")
	if !e.Resolved.IsZero() {
		b.w(" ms-resolve")
	}
	b.w(`"><span class="ms-label">Resolved</span>`)
	if e.Resolved.IsZero() {
		b.w(`<span class="ms-time muted">—</span>`)
	} else {
		milestone(e.Resolved, e.TTR)
	}
	b.w("</li>\n  </ol>\n\n  <dl class=\"meta\">\n    <div><dt>Time to detect</dt><dd>")
	b.esc(or(e.TTD, "—"))
	b.w("</dd></div>\n    <div><dt>Time to resolve</dt><dd>")
	b.esc(or(e.TTR, "—"))
	b.w("</dd></div>\n    ")
	if u := e.Impact.Users; u != nil {
		b.w(`<div><dt>Users affected</dt><dd>`)
		b.esc(Thousands(*u))
		b.w(`</dd></div>`)
	}
	b.w("\n    ")
	if r := e.Impact.Revenue; r != nil {
		b.w(`<div><dt>Revenue impact</dt><dd>`)
		b.esc(Money(*r, p.Site.Currency))
		b.w(`</dd></div>`)
	}
	b.w("\n    ")
	yesNone := func(label string, v *bool) {
		if v == nil {
			return
		}
		b.w(`<div><dt>` + label + `</dt><dd>`)
		if *v {
			b.w(`<span class="flag flag-yes">yes</span>`)
		} else {
			b.w("none")
		}
		b.w(`</dd></div>`)
	}
	yesNone("Data loss", e.Impact.DataLoss)
	b.w("\n    ")
	yesNone("Data exposure", e.Impact.DataExposure)
	b.w("\n    ")
	if e.Commander != "" {
		b.w(`<div><dt>Incident commander</dt><dd>`)
		b.esc(e.Commander)
		b.w(`</dd></div>`)
	}
	b.w("\n    ")
	if e.Author != "" {
		b.w(`<div><dt>Report author</dt><dd>`)
		b.esc(e.Author)
		b.w(`</dd></div>`)
	}
	b.w("\n    ")
	if !e.ReportDate.IsZero() {
		b.w(`<div><dt>Report date</dt><dd><time datetime="`)
		b.esc(Day(e.ReportDate))
		b.w(`">`)
		b.esc(Day(e.ReportDate))
		b.w(`</time></dd></div>`)
	}
	b.w("\n    ")
	if e.HasDelay {
		b.w(`<div class="meta-wide"><dt>Report filed</dt><dd>`)
		if e.OnTime {
			b.w(`<span class="flag flag-ok">on time</span>`)
		} else {
			b.w(`<span class="soon">late</span>`)
		}
		b.w(` <span class="muted">`)
		b.esc(e.Filed)
		b.w(" (deadline ")
		b.float(p.Site.DeadlineHours)
		b.w(` h)</span></dd></div>`)
	}
	b.w("\n    ")
	if g := e.Git; g != nil {
		if g.Uncommitted {
			b.w(`<div class="meta-wide"><dt>Version</dt><dd><span class="flag">not yet committed</span></dd></div>`)
		} else {
			b.w("\n    <div><dt>Version</dt><dd>")
			b.int(g.Revisions)
			b.w(` <span class="muted">revision`)
			if g.Revisions != 1 {
				b.w("s")
			}
			if g.Modified {
				b.w(", uncommitted changes")
			}
			if g.Shallow {
				b.w(" (shallow clone)")
			}
			b.w("</span></dd></div>\n    <div><dt>Last updated</dt><dd><time datetime=\"")
			b.esc(ISO(g.Updated))
			b.w(`">`)
			b.esc(Day(g.Updated))
			b.w("</time></dd></div>\n    ")
			if len(g.Authors) > 0 {
				b.w(`<div class="meta-wide"><dt>Written by</dt><dd>`)
				b.esc(strings.Join(g.Authors, ", "))
				b.w(`</dd></div>`)
			}
		}
	}
	b.w("\n    ")
	chips := func(label, class string, links []Link) {
		if len(links) == 0 {
			return
		}
		b.w(`<div class="meta-wide"><dt>` + label + `</dt><dd class="chips">`)
		for _, l := range links {
			b.w(`<a class="` + class + `" href="`)
			b.url(root)
			b.url(l.URL)
			b.w(`">`)
			b.esc(l.Title)
			b.w(`</a> `)
		}
		b.w(`</dd></div>`)
	}
	chips("Services", "chip", e.ServiceLinks)
	b.w("\n    ")
	chips("Tags", "chip chip-tag", e.TagLinks)
	b.w("\n  </dl>\n  ")
	if e.EditURL != "" {
		b.w(`<p class="edit"><a href="`)
		b.url(e.EditURL)
		b.w(`">`)
		b.icon("edit")
		b.w(`View source</a></p>`)
	}
	b.w("\n</header>\n\n<div class=\"report-layout\">\n<aside class=\"toc\" aria-label=\"On this page\">\n  <details class=\"toc-box\" open>\n    <summary>On this page</summary>\n    <ol>\n      ")
	if len(e.Timeline) > 0 {
		b.w(`<li><a href="#timeline">Timeline</a></li>`)
	}
	b.w("\n      ")
	if len(e.ActionItems) > 0 {
		b.w(`<li><a href="#action-items">Action items</a></li>`)
	}
	b.w("\n      ")
	for _, h := range p.Doc.TOC {
		b.w(`<li class="toc-l`)
		b.int(h.Level)
		b.w(`"><a href="#`)
		b.frag(h.ID)
		b.w(`">`)
		b.esc(h.Text)
		b.w(`</a></li>`)
	}
	b.w("\n      <li><a href=\"#security\">Security</a></li>\n      ")
	if len(e.Reviewers) > 0 {
		b.w(`<li><a href="#sign-off">Sign-off</a></li>`)
	}
	b.w("\n      ")
	if e.Meeting != nil {
		b.w(`<li><a href="#meeting">Post-mortem meeting</a></li>`)
	}
	b.w("\n      ")
	if len(e.RelatedLinks) > 0 || len(e.ReferredBy) > 0 {
		b.w(`<li><a href="#related">Related incidents</a></li>`)
	}
	b.w("\n      ")
	if len(e.Attachments) > 0 {
		b.w(`<li><a href="#attachments">Attachments</a></li>`)
	}
	b.w("\n    </ol>\n  </details>\n</aside>\n<div class=\"report-body\">\n\n")
	if n := len(e.Diagnostics); n > 0 {
		b.w("\n<details class=\"diagnostics\">\n  <summary>")
		b.icon("alert")
		b.int(n)
		b.w(" problem")
		if n > 1 {
			b.w("s")
		}
		b.w(" found in this report</summary>\n  <ul>")
		for _, d := range e.Diagnostics {
			b.w(`<li><span class="badge diag-`)
			b.esc(d.Severity)
			b.w(`">`)
			b.esc(d.Severity)
			b.w(`</span> line `)
			b.int(d.Line)
			b.w(": ")
			b.esc(d.Message)
			b.w(` <code>`)
			b.esc(d.Rule)
			b.w(`</code></li>`)
		}
		b.w("</ul>\n</details>\n")
	}
	b.w("\n\n")
	if len(e.Timeline) > 0 {
		b.w("\n<section class=\"report-section\" aria-labelledby=\"timeline\">\n  <h2 id=\"timeline\">Timeline</h2>\n  <ol class=\"timeline\">")
		day := ""
		for i := range e.Timeline {
			ev := &e.Timeline[i]
			ph := ""
			if !ev.At.IsZero() {
				if d := Day(ev.At); d != day {
					b.w("\n    <li class=\"tl-day\"><time datetime=\"")
					b.esc(d)
					b.w(`">`)
					b.esc(d)
					b.w(`</time></li>`)
					day = d
				}
				switch {
				case ev.At.Equal(e.Resolved):
					ph = "Resolved"
				case ev.At.Equal(e.Mitigated):
					ph = "Mitigated"
				case ev.At.Equal(e.Acknowledged):
					ph = "Acknowledged"
				case ev.At.Equal(e.Detected):
					ph = "Detected"
				case ev.At.Equal(e.Started):
					ph = "Started"
				}
			}
			b.w("\n    <li class=\"tl-item")
			if ph != "" {
				b.w(" tl-phase tl-" + strings.ToLower(ph))
			}
			b.w("\">\n      <span class=\"tl-time\">")
			if ev.At.IsZero() {
				b.esc(ev.Label)
			} else {
				b.w(`<time datetime="`)
				b.esc(ISO(ev.At))
				b.w(`">`)
				b.esc(ev.At.Format("15:04"))
				b.w(`</time>`)
			}
			b.w("</span>\n      <div class=\"tl-body\">")
			if ph != "" {
				b.w(`<span class="tl-mark">` + ph + `</span> `)
			}
			b.w(`<p class="tl-text">`)
			b.esc(ev.Text)
			b.w(`</p>`)
			if ev.Who != "" {
				b.w(`<p class="tl-who">`)
				b.esc(ev.Who)
				b.w(`</p>`)
			}
			b.w("</div>\n    </li>")
		}
		b.w("\n  </ol>\n</section>\n")
	}
	b.w("\n\n")
	if len(e.ActionItems) > 0 {
		a := e.Actions
		b.w("\n<section class=\"report-section\" aria-labelledby=\"action-items\">\n  <h2 id=\"action-items\">Action items <span class=\"h-note\">")
		b.int(a.Done)
		b.w(" of ")
		b.int(a.Total)
		b.w(" done")
		if a.Overdue != 0 {
			b.w(`, <span class="overdue">`)
			b.int(a.Overdue)
			b.w(` overdue</span>`)
		}
		b.w("</span></h2>\n  <div class=\"bar bar-thin\" aria-hidden=\"true\">")
		seg := func(class string, n int) {
			if n != 0 {
				b.w(`<span class="bar-seg ` + class + `" style="flex-grow: `)
				b.int(n)
				b.w(`"></span>`)
			}
		}
		seg("seg-done", a.Done)
		seg("seg-wont", a.WontDo)
		seg("seg-open", a.Unresolved()-a.Overdue)
		seg("seg-overdue", a.Overdue)
		b.w("</div>\n  ")
		b.actionTable(root, e.Items)
		b.w("\n</section>\n")
	}
	b.w("\n\n<div class=\"prose\">\n")
	b.w(p.Doc.HTML)
	b.w("\n</div>\n\n<section class=\"card security-card")
	if security {
		b.w(" is-security")
	}
	b.w("\" aria-labelledby=\"security\">\n  <h2 id=\"security\">")
	b.icon("shield")
	b.w("Security</h2>\n  <dl class=\"meta\">\n    ")
	answer := func(label string, v *bool, yes, no string) {
		b.w(`<div><dt>` + label + `</dt><dd>`)
		switch {
		case v == nil:
			b.w(`<span class="muted">not stated</span>`)
		case *v:
			b.w(`<span class="flag flag-yes">` + yes + `</span>`)
		default:
			b.w(no)
		}
		b.w(`</dd></div>`)
	}
	sec := e.Security
	answer("Security incident", sec.Incident, "yes", "no")
	b.w("\n    ")
	answer("PII accessed", sec.PII, "yes", "no")
	b.w("\n    ")
	answer("Payment data accessed", sec.PaymentData, "yes", "no")
	b.w("\n    ")
	answer("Regulatory notification", sec.RegulatoryNotification, "required", "not required")
	b.w("\n  </dl>\n  ")
	if sec.Explanation != "" {
		b.w(`<p class="security-note">`)
		b.esc(sec.Explanation)
		b.w(`</p>`)
	}
	b.w("\n</section>\n\n")
	if len(e.Reviewers) > 0 {
		b.w("\n<section class=\"report-section\" aria-labelledby=\"sign-off\">\n  <h2 id=\"sign-off\">Sign-off <span class=\"h-note\">")
		b.int(e.Approved)
		b.w(" of ")
		b.int(len(e.Reviewers))
		b.w(" approved</span></h2>\n  <ul class=\"signoff\">\n  ")
		for _, r := range e.Reviewers {
			pending := r.Approved.IsZero()
			b.w("\n    <li class=\"")
			if pending {
				b.w("pending")
			} else {
				b.w("approved")
			}
			b.w("\">\n      <span class=\"signoff-mark\">")
			if pending {
				b.icon("clock")
			} else {
				b.icon("check-circle")
			}
			b.w("</span>\n      <span class=\"signoff-who\"><strong>")
			b.esc(or(r.Name, "unnamed"))
			b.w(`</strong>`)
			if r.Role != "" {
				b.w(` <span class="signoff-role">`)
				b.esc(r.Role)
				b.w(`</span>`)
			}
			b.w("</span>\n      <span class=\"signoff-state\">")
			if pending {
				b.w("pending")
			} else {
				b.w(`approved <time datetime="`)
				b.esc(Day(r.Approved))
				b.w(`">`)
				b.esc(Day(r.Approved))
				b.w(`</time>`)
			}
			b.w("</span>\n    </li>\n  ")
		}
		b.w("\n  </ul>\n</section>\n")
	}
	b.w("\n\n")
	if m := e.Meeting; m != nil {
		b.w("\n<section class=\"report-section\" aria-labelledby=\"meeting\">\n  <h2 id=\"meeting\">Post-mortem meeting</h2>\n  <div class=\"card meeting\">\n    ")
		if !m.At.IsZero() {
			b.w(`<p class="meeting-when">`)
			b.icon("clock")
			b.w(`<time datetime="`)
			b.esc(ISO(m.At))
			b.w(`">`)
			b.esc(When(m.At))
			b.w(`</time></p>`)
		}
		b.w("\n    ")
		if len(m.Attendees) > 0 {
			b.w(`<p class="meeting-who">`)
			b.icon("users")
			b.w(`<span class="chips">`)
			for _, a := range m.Attendees {
				b.w(`<span class="chip">`)
				b.esc(a)
				b.w(`</span> `)
			}
			b.w(`</span></p>`)
		}
		b.w("\n    ")
		if m.Notes != "" {
			b.w(`<p class="meeting-notes">`)
			b.esc(m.Notes)
			b.w(`</p>`)
		}
		b.w("\n  </div>\n</section>\n")
	}
	b.w("\n\n")
	if len(e.RelatedLinks) > 0 || len(e.ReferredBy) > 0 {
		b.w("\n<section class=\"report-section\" aria-labelledby=\"related\">\n  <h2 id=\"related\">Related incidents</h2>\n  <ul class=\"linklist\">\n  ")
		for _, l := range e.RelatedLinks {
			b.w(`<li>`)
			b.icon("link")
			if l.Missing {
				b.w(`<span>`)
				b.esc(l.Title)
				b.w(` <span class="muted">(not on this site)</span></span>`)
			} else {
				b.w(`<a href="`)
				b.url(root)
				b.url(l.URL)
				b.w(`">`)
				b.esc(l.Title)
				b.w(`</a>`)
			}
			b.w(`</li>`)
		}
		b.w("\n  ")
		for _, l := range e.ReferredBy {
			b.w(`<li>`)
			b.icon("link")
			b.w(`<span><a href="`)
			b.url(root)
			b.url(l.URL)
			b.w(`">`)
			b.esc(l.Title)
			b.w(`</a> <span class="muted">refers to this report</span></span></li>`)
		}
		b.w("\n  </ul>\n</section>\n")
	}
	b.w("\n\n")
	if n := len(e.Revisions); n > 0 {
		b.w("\n<section class=\"report-section\" aria-labelledby=\"revisions\">\n  <details class=\"revisions\">\n    <summary><h2 id=\"revisions\">Revision history</h2> <span class=\"muted\">")
		b.int(n)
		b.w(" commit")
		if n != 1 {
			b.w("s")
		}
		b.w("</span></summary>\n    <ol class=\"revlist\">\n    ")
		for _, r := range e.Revisions {
			b.w("\n      <li><time datetime=\"")
			b.esc(ISO(r.Date))
			b.w(`">`)
			b.esc(Day(r.Date))
			b.w(`</time> <span class="rev-subject">`)
			b.esc(r.Subject)
			b.w(`</span> <span class="muted">`)
			b.esc(r.Author)
			b.w(`</span> `)
			if r.URL != "" {
				b.w(`<a href="`)
				b.url(r.URL)
				b.w(`"><code>`)
				b.esc(r.Short)
				b.w(`</code></a>`)
			} else {
				b.w(`<code>`)
				b.esc(r.Short)
				b.w(`</code>`)
			}
			b.w("</li>\n    ")
		}
		b.w("\n    </ol>\n  </details>\n</section>\n")
	}
	b.w("\n\n")
	if len(e.Attachments) > 0 {
		b.w("\n<section class=\"report-section\" aria-labelledby=\"attachments\">\n  <h2 id=\"attachments\">Attachments</h2>\n  <ul class=\"linklist files\">")
		for _, l := range e.Attachments {
			b.w(`<li>`)
			b.icon("file")
			b.w(`<a href="`)
			b.url(l.URL)
			b.w(`">`)
			b.esc(l.Title)
			b.w(`</a></li>`)
		}
		b.w("</ul>\n</section>\n")
	}
	b.w("\n\n</div>\n</div>\n</article>\n\n")
}

// actionTable is partials/action-table.html for a report page: no
// report column, no dashboard attributes.
func (b *page) actionTable(root string, items []Item) {
	b.w("\n<div class=\"table-wrap\">\n<table class=\"actions stack\">\n  <thead><tr><th scope=\"col\" class=\"c-title\">Action</th><th scope=\"col\" class=\"c-owner\">Owner</th><th scope=\"col\" class=\"c-date\">Due</th><th scope=\"col\" class=\"c-status\">Status</th><th scope=\"col\" class=\"c-sev\">Priority</th><th scope=\"col\" class=\"c-closed\">Closed</th></tr></thead>\n  <tbody>")
	for i := range items {
		it := &items[i]
		b.w("\n    <tr class=\"")
		if it.Overdue {
			b.w("is-overdue")
		} else {
			b.w("is-")
			b.esc(it.Status)
		}
		b.w("\">\n      <td class=\"c-title\">")
		if it.Link != "" {
			b.w(`<a href="`)
			b.url(it.Link)
			b.w(`">`)
			b.esc(it.Title)
			b.w(`</a>`)
		} else {
			b.esc(it.Title)
		}
		b.w("</td>\n      <td class=\"c-owner\">")
		if it.Owner != "" {
			b.w(`<span class="cell-label">Owner: </span><a href="`)
			b.url(root)
			b.url(it.OwnerURL)
			b.w(`">`)
			b.esc(it.Owner)
			b.w(`</a>`)
		} else {
			b.w(`<a class="muted" href="`)
			b.url(root)
			b.url(it.OwnerURL)
			b.w(`">no owner</a>`)
		}
		b.w("</td>\n      <td class=\"c-date nowrap\">")
		if it.DueDay != "" {
			b.w(`<span class="cell-label">Due </span><time datetime="`)
			b.esc(it.DueDay)
			b.w(`">`)
			b.esc(it.DueDay)
			b.w(`</time>`)
		} else {
			b.w(`<span class="muted">no due date</span>`)
		}
		if it.Overdue {
			b.w(` <span class="overdue">`)
			b.int(it.DaysOverdue)
			b.w(` d overdue</span>`)
		} else if it.DueSoon {
			b.w(` <span class="soon">due soon</span>`)
		}
		b.w("</td>\n      <td class=\"c-status\">")
		b.status(it.Status)
		b.w("</td>\n      <td class=\"c-sev\">")
		if it.Priority != "" {
			b.severity(it.Priority)
		} else {
			b.w(`<span class="muted">—</span>`)
		}
		b.w("</td>\n      <td class=\"c-closed\">")
		if it.ClosedDay != "" {
			b.w(`<span class="cell-label">Closed </span><time datetime="`)
			b.esc(it.ClosedDay)
			b.w(`">`)
			b.esc(it.ClosedDay)
			b.w(`</time>`)
			if it.CloseDays >= 0 {
				b.w(` <span class="muted">`)
				b.int(it.CloseDays)
				b.w(` d to close</span>`)
			}
			if it.OnTime {
				b.w(` <span class="flag flag-ok">on time</span>`)
			} else if it.Late {
				b.w(` <span class="soon">`)
				b.int(it.DaysLate)
				b.w(` d late</span>`)
			}
		}
		b.w("</td>\n    </tr>")
	}
	b.w("\n  </tbody>\n</table>\n</div>\n")
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
