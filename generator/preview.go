package generator

import (
	"context"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"strings"

	"github.com/hindsight-docs/hindsight/generator/report"
	"github.com/hindsight-docs/hindsight/generator/site"
)

// Snapshot is what a build rendered from: the preview server keeps the
// last one to show an edited report before the full build that follows.
type Snapshot struct {
	in   site.Input
	opt  report.Options
	root string
	out  string
}

// Preview renders the pages of edited report files (absolute paths)
// into the site the snapshot's build wrote, from the snapshot and the
// files' new contents, and returns them. It takes a few milliseconds
// where a full build of a large site takes seconds. ok is false when a
// change needs the full build to show: a new, removed, invalid or
// renamed report, or one a public build leaves out. The pages may
// differ from the full build's in what depends on other reports or on
// git (closing dates of items closed in the edit, the duplicate-ID
// check); the full build that follows has the last word.
func Preview(ctx context.Context, snap *Snapshot, files []string) (pages []site.Preview, ok bool, err error) {
	if snap == nil || len(files) == 0 {
		return nil, false, nil
	}
	byPath := make(map[string]int, len(snap.in.Reports))
	for i, r := range snap.in.Reports {
		byPath[r.Path] = i
	}
	reports := append([]*report.Report(nil), snap.in.Reports...)
	var rels []string
	for _, f := range files {
		rel, err := filepath.Rel(snap.root, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, false, nil
		}
		rel = filepath.ToSlash(rel)
		i, known := byPath[rel]
		if !known {
			return nil, false, nil
		}
		data, err := readFile(f, rel)
		if err != nil {
			return nil, false, nil
		}
		r, err := report.Parse(rel, data, snap.opt)
		var fe *report.FileError
		if errors.As(err, &fe) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		old := reports[i]
		if r.ID != old.ID || (snap.in.Public && r.Internal()) {
			return nil, false, nil
		}
		r.Sum = sha256.Sum256(data)
		if old.Git != nil {
			g := *old.Git
			if !g.Uncommitted && r.Sum != old.Sum {
				g.Modified = true
			}
			r.Git = &g
		}
		closedOn := map[string]report.ActionItem{}
		for _, a := range old.ActionItems {
			closedOn[a.Title] = a
		}
		for j := range r.ActionItems {
			a := &r.ActionItems[j]
			if o, ok := closedOn[a.Title]; ok && o.Status == a.Status {
				a.Closed = o.Closed
			}
		}
		reports[i] = r
		rels = append(rels, rel)
	}
	in := snap.in
	in.Reports, in.Pages = reports, nil
	pages, err = site.RenderReports(ctx, in, snap.out, rels)
	if err != nil {
		return nil, false, err
	}
	return pages, len(pages) == len(rels), nil
}
