package generator

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/hindsight-docs/hindsight/generator/history"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// closeDates sets ActionItem.Closed: the date of the first revision of
// its report in which the item is done or won't-do. Items are matched
// across revisions by title, and by position when the title changed.
// Only earlier versions of reports that have closed items are read, each
// blob once, and only their action items are decoded.
func closeDates(ctx context.Context, root string, rs []*report.Report, opt report.Options, workers int) error {
	type job struct {
		r     *report.Report
		blobs []string // oldest first; "" for a deletion
	}
	var jobs []*job
	var ids []string
	seen := map[string]bool{}
	for _, r := range rs {
		g := r.Git
		if g == nil || g.Uncommitted || len(g.History) == 0 || !anyClosed(r.ActionItems) {
			continue
		}
		if len(g.History) == 1 && !g.Modified {
			// Closed when the report was first committed.
			for i := range r.ActionItems {
				if closed(r.ActionItems[i].Status) {
					r.ActionItems[i].Closed = g.Created
				}
			}
			continue
		}
		j := &job{r: r}
		for i := len(g.History) - 1; i >= 0; i-- {
			b := g.History[i].Blob
			j.blobs = append(j.blobs, b)
			if b != "" && !seen[b] {
				seen[b] = true
				ids = append(ids, b)
			}
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return nil
	}

	// Blobs are read and decoded on every core; ids are in report order,
	// so each reader gets whole runs of one report's versions.
	var mu sync.Mutex
	states := make(map[string][]report.ActionState, len(ids))
	type blob struct {
		id   string
		data []byte
	}
	ch := make(chan blob, 64)
	g, gctx := errgroup.WithContext(ctx)
	for w := 0; w < workers; w++ {
		g.Go(func() error {
			for b := range ch {
				st := report.ActionStates("", b.data, opt)
				mu.Lock()
				states[b.id] = st
				mu.Unlock()
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(ch)
		return history.ReadBlobs(gctx, root, ids, workers, func(id string, data []byte) error {
			select {
			case ch <- blob{id, append([]byte(nil), data...)}:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})
	if err := g.Wait(); err != nil {
		return err
	}

	for _, j := range jobs {
		hist := j.r.Git.History
		for i := range j.r.ActionItems {
			a := &j.r.ActionItems[i]
			if !closed(a.Status) {
				continue
			}
			for k, b := range j.blobs {
				if b == "" {
					continue
				}
				if st, ok := match(states[b], a.Title, i); ok && closed(st.Status) {
					a.Closed = hist[len(hist)-1-k].Date
					break
				}
			}
		}
	}
	return nil
}

// match finds item i of the current version in an earlier one: by
// title, else at the same position.
func match(states []report.ActionState, title string, i int) (report.ActionState, bool) {
	for _, s := range states {
		if s.Title == title {
			return s, true
		}
	}
	if i < len(states) {
		return states[i], true
	}
	return report.ActionState{}, false
}

func closed(status string) bool { return status == "done" || status == "wont-do" }

func anyClosed(items []report.ActionItem) bool {
	for i := range items {
		if closed(items[i].Status) {
			return true
		}
	}
	return false
}
