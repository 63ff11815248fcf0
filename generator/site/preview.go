package site

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"

	"github.com/hindsight-docs/hindsight/generator/markdown"
	"github.com/hindsight-docs/hindsight/generator/replace"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// Preview is a report page rendered ahead of a full build.
type Preview struct {
	URL  string // the page's folder, relative to the site root
	HTML []byte
}

// RenderReports renders the pages of the reports of in at paths into the
// built site in dir, each replaced atomically, and takes them out of the
// site's manifest's list of files as its build wrote them: the page
// cache must not lend those pages. The preview server shows an
// edited report this way in a fraction of a full build; the full build
// that follows brings the rest of the site (lists, dashboards, search)
// up to date. Attachments are left to that build.
func RenderReports(ctx context.Context, in Input, dir string, paths []string) ([]Preview, error) {
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	tpl, entries, info, err := prepare(in, want)
	if err != nil {
		return nil, err
	}
	links := newLinker(in.Config.Root, entries, in.Withheld, in.Public)
	var out []Preview
	for _, e := range entries {
		if !want[e.Path] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := &Page{Site: info, Root: rootOf(e.URL), Path: e.URL, Kind: "report", Title: e.ID + ": " + e.Title, Nav: "incidents", Report: e}
		resolver, _ := links.forReport(e, func(report.Diagnostic) {}, nil)
		doc, err := markdown.Render(e.Body, markdown.Options{Links: resolver, DropTitle: true, Reserved: pageIDs})
		if err != nil {
			return nil, fmt.Errorf("%s: render markdown: %w", e.Path, err)
		}
		p.Doc = doc
		var b bytes.Buffer
		if err := tpl.Execute(&b, "report", p); err != nil {
			return nil, fmt.Errorf("render %sindex.html: %w", e.URL, err)
		}
		out = append(out, Preview{URL: e.URL, HTML: b.Bytes()})
	}
	if len(out) == 0 {
		return nil, nil
	}
	build, files, changed, err := manifest(filepath.Join(dir, Manifest))
	if err != nil {
		return nil, err
	}
	for _, pv := range out {
		rel := pv.URL + "index.html"
		if !files[rel] && !changed[rel] {
			return nil, fmt.Errorf("preview %s: not in the built site", rel)
		}
		delete(files, rel)
		changed[rel] = true
	}
	// The manifest first, so no state of the folder has a page the
	// manifest vouches for and the build did not write.
	text := manifestText(build, slices.Collect(maps.Keys(files)), slices.Collect(maps.Keys(changed)))
	mp := filepath.Join(dir, Manifest)
	before, statErr := os.Stat(mp)
	if err := replace.Bytes(mp, text); err != nil {
		return nil, err
	}
	// The page cache knows the folder by its manifest's modification
	// time (see pageFile.Folders): the folder is still the one that
	// build published, less the pages this one marks changed.
	if statErr == nil {
		if err := os.Chtimes(mp, time.Time{}, before.ModTime()); err != nil {
			return nil, err
		}
	}
	for _, pv := range out {
		dst := filepath.Join(dir, filepath.FromSlash(path.Clean(pv.URL)), "index.html")
		if err := replace.Bytes(dst, pv.HTML); err != nil {
			return nil, err
		}
	}
	return out, nil
}
