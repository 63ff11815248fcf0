package site

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/Masterminds/sprig/v3"

	"github.com/hindsight-docs/hindsight/generator/markdown"
	"github.com/hindsight-docs/hindsight/generator/metrics"
	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/themes"
)

// Overlay returns a file system that serves top's files and falls back
// to base's: a site's theme folder overrides the embedded theme file by
// file. A nil top returns base.
func Overlay(top, base fs.FS) fs.FS {
	if top == nil {
		return base
	}
	return overlay{top, base}
}

type overlay struct{ top, base fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err == nil {
		st, serr := f.Stat()
		if serr == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return o.base.Open(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	var firstErr error
	for _, f := range []fs.FS{o.base, o.top} {
		es, err := fs.ReadDir(f, name)
		if err != nil {
			firstErr = err
			continue
		}
		for _, e := range es {
			seen[e.Name()] = e
		}
	}
	if len(seen) == 0 && firstErr != nil {
		return nil, firstErr
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// DirFS is os.DirFS that refuses symbolic links, so a theme folder in a
// pull request cannot publish a file from outside the repository.
func DirFS(dir string) fs.FS { return noLinks{dir} }

type noLinks struct{ dir string }

func (d noLinks) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	p := d.dir
	for _, part := range strings.Split(name, "/") {
		if part == "." {
			continue
		}
		p = filepath.Join(p, part)
		st, err := os.Lstat(p)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("symbolic link refused")}
		}
	}
	return os.Open(p)
}

func (d noLinks) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := d.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if rd, ok := f.(fs.ReadDirFile); ok {
		return rd.ReadDir(-1)
	}
	return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
}

// Templates holds one parsed template set per page kind.
type Templates struct {
	sets map[string]*template.Template
	// stock holds the theme files that are the default theme's, byte
	// for byte; native.go writes some of those in Go.
	stock map[string]bool
	icons map[string]string // icon.html for each name in iconNames
	// nativeReport says reportPage writes the report pages.
	nativeReport bool
}

// native reports whether Go code may stand in for files: they are all
// the default theme's.
func (t *Templates) native(files []string) bool {
	for _, f := range files {
		if !t.stock[f] {
			return false
		}
	}
	return true
}

// Kinds are the page templates of a theme: layouts/<kind>.html.
var Kinds = []string{"home", "incidents", "report", "404", "actions", "metrics", "scope", "scopes", "search"}

// LoadTemplates parses layouts/base.html, layouts/partials/*.html and one
// layouts/<kind>.html per kind from theme.
func LoadTemplates(theme fs.FS, funcs template.FuncMap) (*Templates, error) {
	return loadTemplates(theme, funcs, true)
}

// loadTemplates is LoadTemplates; without native, every page is executed
// from its template, which tests compare with the Go code.
func loadTemplates(theme fs.FS, funcs template.FuncMap, native bool) (*Templates, error) {
	t := &Templates{sets: map[string]*template.Template{}, stock: map[string]bool{}, icons: map[string]string{}}
	if native {
		t.stock = stockFiles(theme)
	}
	base, err := template.New("base.html").Funcs(funcs).ParseFS(theme, "layouts/base.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	partials, _ := fs.Glob(theme, "layouts/partials/*.html")
	for _, p := range partials {
		b, err := fs.ReadFile(theme, p)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		if _, err := base.New(path.Base(p)).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("theme: %s: %w", p, err)
		}
	}
	for _, k := range Kinds {
		set, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		name := "layouts/" + k + ".html"
		b, err := fs.ReadFile(theme, name)
		if err != nil {
			return nil, fmt.Errorf("theme: %s: %w", name, err)
		}
		if _, err := set.New(k + ".html").Parse(string(b)); err != nil {
			return nil, fmt.Errorf("theme: %s: %w", name, err)
		}
		if k == "report" && t.native(nativeReportFiles) {
			main := func(p *Page) (template.HTML, error) {
				if p.Report == nil {
					return "", errors.New("report page without a report")
				}
				// reportMain escapes every value as html/template does;
				// the narrative is markdown's safe HTML.
				return template.HTML(reportMain(p, t.icons)), nil
			}
			_, err := set.New("native").Funcs(template.FuncMap{"reportMain": main}).Parse(`{{define "main"}}{{reportMain .}}{{end}}`)
			if err != nil {
				return nil, fmt.Errorf("theme: %w", err)
			}
		}
		t.sets[k] = set
	}
	t.nativeReport = t.native(nativeReportFiles) && t.native(nativeBaseFiles)
	for _, n := range iconNames {
		var b strings.Builder
		if base.Lookup("icon.html") != nil {
			if err := base.ExecuteTemplate(&b, "icon.html", n); err != nil {
				return nil, fmt.Errorf("theme: icon.html: %w", err)
			}
		}
		t.icons[n] = b.String()
	}
	return t, nil
}

// stockFiles tells, for every layout of theme, whether it is the
// default theme's.
func stockFiles(theme fs.FS) map[string]bool {
	stock := map[string]bool{}
	def := themes.Default()
	_ = fs.WalkDir(theme, "layouts", func(f string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		a, err1 := fs.ReadFile(theme, f)
		b, err2 := fs.ReadFile(def, f)
		stock[f] = err1 == nil && err2 == nil && bytes.Equal(a, b)
		return nil
	})
	return stock
}

// stockTheme reports whether every layout is the default theme's.
func (t *Templates) stockTheme() bool {
	for _, ok := range t.stock {
		if !ok {
			return false
		}
	}
	return len(t.stock) > 0
}

// Execute renders page kind with data into w.
func (t *Templates) Execute(w io.Writer, kind string, data any) error {
	if p, ok := data.(*Page); ok && kind == "report" && t.nativeReport && p.Report != nil {
		return reportPage(w, p, t.icons)
	}
	set, ok := t.sets[kind]
	if !ok {
		return fmt.Errorf("theme: no template for %q", kind)
	}
	return set.ExecuteTemplate(w, "base.html", data)
}

// Partial renders the partial layouts/partials/<name> with data into w.
func (t *Templates) Partial(w io.Writer, name string, data any) error {
	for _, k := range Kinds {
		if set, ok := t.sets[k]; ok {
			return set.ExecuteTemplate(w, name, data)
		}
	}
	return fmt.Errorf("theme: no templates")
}

// Funcs are the template functions: sprig's, plus hindsight's own for
// times, durations and money.
func Funcs(currency string) template.FuncMap {
	f := sprig.HtmlFuncMap()
	own := template.FuncMap{
		"when":     When,
		"day":      Day,
		"iso":      ISO,
		"dur":      report.FormatDuration,
		"slug":     markdown.Slug,
		"sevClass": sevClass,
		"money":    func(v float64) string { return Money(v, currency) },
		"num":      Thousands,
		"pct":      func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"deref":    deref,
		// minutes writes a duration given in minutes: "2h 30m".
		"minutes": formatMinutes,
		// days writes a number of days: "3.5 d".
		"days": formatDays,
		// percent writes part of whole as a rounded percentage: "29%".
		"percent": func(part, whole int) string {
			if whole <= 0 {
				return "—"
			}
			return fmt.Sprintf("%.0f%%", math.Round(float64(part)*100/float64(whole)))
		},
		// rate writes a metrics.Rate as a percentage, "—" when unknown.
		"rate": func(r metrics.Rate) string {
			if !r.Valid {
				return "—"
			}
			return fmt.Sprintf("%.0f%%", math.Round(r.Value*100))
		},
		// actionRows writes the rows of the dashboards' action table;
		// rowChunks splits them into runs to write one at a time.
		"actionRows": actionRows,
		"rowChunks":  rowChunks,
		// incidentRow renders incident-row.html for an entry; Render
		// replaces this with a version that shares rows between pages.
		"incidentRow": func(root string, e *Entry) (template.HTML, error) {
			return "", errors.New("incidentRow: only available while rendering a site")
		},
		// incidentRows is incidentRow for a run of entries from
		// entryChunks, each row followed by a line break.
		"incidentRows": func(root string, es []*Entry) (template.HTML, error) {
			return "", errors.New("incidentRows: only available while rendering a site")
		},
		"entryChunks": entryChunks,
		// reportLinks writes the search page's list items: a report's
		// ID linking to its page, then its title.
		"reportLinks": reportLinks,
		// safeHTML marks the narrative as HTML: the markdown package has
		// already escaped raw HTML and sanitised every link in it.
		"safeHTML": func(s string) template.HTML { return template.HTML(s) },
	}
	for k, v := range own {
		f[k] = v
	}
	return f
}

func deref(v any) any {
	switch p := v.(type) {
	case *int:
		if p != nil {
			return *p
		}
	case *float64:
		if p != nil {
			return *p
		}
	case *bool:
		if p != nil {
			return *p
		}
	}
	return nil
}

// When formats a time as incident reports show it, in the zone it was
// written in: "2025-10-08 14:00 UTC-06:00".
func When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	_, off := t.Zone()
	if off == 0 {
		return t.Format("2006-01-02 15:04") + " UTC"
	}
	return t.Format("2006-01-02 15:04 UTC-07:00")
}

// Day formats a date.
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// ISO formats an instant as RFC 3339, for <time datetime> and JSON.
func ISO(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// Thousands writes n with comma separators.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

var symbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "BZD": "BZ$", "CAD": "CA$", "AUD": "A$", "INR": "₹"}

// Money writes an amount in the config currency.
func Money(v float64, currency string) string {
	n := Thousands(int(v + 0.5))
	if s, ok := symbols[currency]; ok {
		return s + n
	}
	return n + " " + currency
}
