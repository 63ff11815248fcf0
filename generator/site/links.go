package site

import (
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hindsight-docs/hindsight/generator/markdown"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// linker resolves the relative links of report bodies: links to other
// reports' Markdown files become links to their pages, and files beside
// a report (attachments) are copied next to its page.
type linker struct {
	root     string            // repository root, absolute
	byPath   map[string]*Entry // report path → entry
	withheld map[string]bool   // files of reports the build leaves out (Input.Withheld)
	public   bool              // the build leaves out internal reports
}

type fileCopy struct{ src, dst string }

// pageIDs are the element IDs of a report's page outside its body (the
// theme's sections, hindsight.js's search box): body headings take others.
var pageIDs = []string{"main", "report-title", "timeline", "action-items", "items", "security", "related",
	"meeting", "sign-off", "revisions", "attachments", "search-q", "search-results", "search-help"}

func newLinker(root string, entries []*Entry, withheld map[string]bool, public bool) *linker {
	l := &linker{root: root, byPath: make(map[string]*Entry, len(entries)), withheld: withheld, public: public}
	for _, e := range entries {
		l.byPath[e.Path] = e
	}
	return l
}

// forReport returns the link resolver for one report's body and a
// function listing the files to copy beside its page (its attachments
// and every file its body links to inside its folder). Every
// destination it resolves is reported to seen, for the page cache.
func (l *linker) forReport(e *Entry, diag func(report.Diagnostic), seen func(dest, out string, broken bool)) (markdown.Links, func() []fileCopy) {
	added := map[string]bool{}
	var copies []fileCopy
	add := func(c fileCopy) {
		if !added[c.dst] {
			added[c.dst] = true
			copies = append(copies, c)
		}
	}
	for _, a := range e.Report.Attachments {
		c, why := l.attachment(e, a)
		if why != "" {
			diag(report.Diagnostic{Path: e.Path, Line: lineOf(e, "attachments"), Severity: "warning", Rule: "attachment",
				Message: "attachment " + a + " " + why + "; not published"})
			continue
		}
		add(c)
	}
	resolve := func(dest string) string {
		out, c, broken := l.resolve(e, dest)
		if c.src != "" {
			add(c)
		}
		if broken {
			diag(report.Diagnostic{Path: e.Path, Line: e.BodyLine, Severity: "warning", Rule: "broken-link",
				Message: "link to " + dest + " does not lead to a published report or a file beside this report"})
		}
		if seen != nil {
			seen(dest, out, broken)
		}
		return out
	}
	return resolve, func() []fileCopy { return copies }
}

// beside is the file rel (relative to the report's folder) to copy next
// to its page, when it may be published (report.AttachmentProblem) and
// is a regular file inside that folder reached without a symbolic link.
func (l *linker) beside(e *Entry, rel string) (fileCopy, bool) {
	c, why := l.attachment(e, rel)
	return c, why == ""
}

// attachment is beside with the reason a file is refused.
func (l *linker) attachment(e *Entry, rel string) (fileCopy, string) {
	if l.withheld[path.Join(path.Dir(e.Path), path.Clean(rel))] {
		return fileCopy{}, "belongs to a report this build leaves out"
	}
	return attachmentFile(l.root, e.Path, rel)
}

// Withheld is the files of the given reports, those a public build
// leaves out, that it must not publish beside another report's page
// either, as slash paths relative to the repository root: their
// attachments, the files their bodies link to, and every file name
// their files mention anywhere (in an HTML link, in code, in a key
// hindsight does not read). A public report that links to an internal
// report's customer notice would otherwise publish it.
func Withheld(root string, reports []*report.Report) map[string]bool {
	out := map[string]bool{}
	for _, r := range reports {
		dir := path.Dir(r.Path)
		if p, ok := SafeFile(root, r.Path); ok {
			if b, err := os.ReadFile(p); err == nil {
				for _, n := range report.FileNames(b) {
					out[path.Join(dir, path.Clean(n))] = true
				}
			}
		}
		for _, a := range r.Attachments {
			if !strings.HasPrefix(a, "/") {
				out[path.Join(dir, path.Clean(a))] = true
			}
		}
		_, _ = markdown.Render(r.Body, markdown.Options{Links: func(dest string) string {
			if p, ok := linkPath(dir, dest); ok {
				out[p] = true
			}
			return dest
		}})
	}
	return out
}

// linkPath is the repository path (slash, relative to the root) a
// relative link destination in a report in folder dir leads to.
func linkPath(dir, dest string) (string, bool) {
	u, err := url.Parse(dest)
	if err != nil || u.Path == "" {
		return "", false
	}
	p, err := url.PathUnescape(u.Path)
	if err != nil {
		return "", false
	}
	if strings.HasPrefix(p, "/") {
		// GitHub reads /docs/... from the repository's root.
		return path.Clean(p)[1:], true
	}
	return path.Clean(path.Join(dir, p)), true
}

// attachmentFile is the file rel, named relative to the folder of the
// report at reportPath (both slash paths, the latter relative to root),
// to copy next to the report's page, or why it is not published.
func attachmentFile(root, reportPath, rel string) (fileCopy, string) {
	if why := report.AttachmentProblem(rel); why != "" {
		return fileCopy{}, why
	}
	clean := path.Clean(rel)
	src, ok := SafeFile(root, path.Join(path.Dir(reportPath), clean))
	if !ok {
		return fileCopy{}, "is not a file beside the report (or is reached through a symbolic link, or is a hard link)"
	}
	return fileCopy{src: src, dst: clean}, ""
}

// resolve rewrites one link destination of a report's body: a link to
// another report's file leads to its page, a link to a file beside the
// report stays and the file is copied (c), anything else relative is
// broken.
//
// In a public build a broken link leads nowhere ("#"): whatever way it
// is spelt ("X.md.", "X.md%20", "%zz", the page of an internal report),
// it may name a report the build leaves out.
func (l *linker) resolve(e *Entry, dest string) (out string, c fileCopy, broken bool) {
	dir := path.Dir(e.Path)
	target, ok := linkPath(dir, dest)
	if !ok {
		u, err := url.Parse(dest)
		if err != nil {
			if l.public {
				return "#", c, true
			}
			return dest, c, true
		}
		if l.public && u.RawQuery != "" {
			// "?x.md": a query on this page, which may name anything.
			return "#", c, true
		}
		return dest, c, false
	}
	u, _ := url.Parse(dest)
	p, _ := url.PathUnescape(u.Path)
	frag := ""
	if u.Fragment != "" {
		frag = "#" + u.EscapedFragment()
	}
	if other, ok := l.byPath[target]; ok {
		return relFrom(e.URL, other.URL) + frag, c, false
	}
	rel := strings.TrimPrefix(target, dir+"/")
	if rel != target {
		if c, ok := l.beside(e, rel); ok {
			if strings.HasPrefix(p, "/") {
				return (&url.URL{Path: rel}).String() + frag, c, false
			}
			return dest, c, false
		}
	}
	// A Markdown file that is not a published report may be an internal
	// one: its name must not reach the page.
	if ext := strings.ToLower(path.Ext(strings.TrimRight(target, ". "))); l.public || ext == ".md" || ext == ".markdown" {
		return "#", c, true
	}
	return dest, c, true
}

func lineOf(e *Entry, key string) int {
	if l, ok := e.Lines[key]; ok {
		return l
	}
	return 1
}

// SafeFile returns the absolute path of rel (slash path relative to
// root) when it is a regular file reached without any symbolic link, and
// with no other name (a hard link), so nothing outside the repository
// can be published through it. Git never checks out a file with two
// names.
func SafeFile(root, rel string) (string, bool) {
	clean := path.Clean("/" + rel)[1:]
	if clean == "" {
		return "", false
	}
	p := root
	parts := strings.Split(clean, "/")
	for i, part := range parts {
		p = filepath.Join(p, part)
		st, err := os.Lstat(p)
		if err != nil || st.Mode()&os.ModeSymlink != 0 {
			return "", false
		}
		if i == len(parts)-1 && (!st.Mode().IsRegular() || links(st) > 1) {
			return "", false
		}
	}
	return p, true
}

var chromaOnce sync.Once
var chromaBytes []byte

func chromaCSS() []byte {
	chromaOnce.Do(func() { chromaBytes = buildChromaCSS() })
	return chromaBytes
}
