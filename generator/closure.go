package generator

import (
	"context"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sync"

	"github.com/hindsight-docs/hindsight/generator/cachefile"
	"github.com/hindsight-docs/hindsight/generator/history"
	"github.com/hindsight-docs/hindsight/generator/replace"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// closeDates sets ActionItem.Closed: the date of the first revision of
// its report in which the item is done or won't-do. Items are matched
// across revisions by title, and by position when the title changed.
// Only earlier versions of reports that have closed items are read, each
// blob once, and only their action items are decoded.
//
// The action items of a blob never change, so they are kept in a cache
// file under cacheDir (when not ""): loaded gives what it holds (a build
// reads it while it parses the reports), and a build reads only
// versions it has not seen before. The file is written in the
// background; saved waits until it is.
func closeDates(ctx context.Context, root, cacheDir string, loaded func() map[string][]report.ActionState, rs []*report.Report, opt report.Options, workers int) (saved func(), err error) {
	var save sync.WaitGroup
	saved = save.Wait
	type job struct {
		r     *report.Report
		blobs []string // oldest first; "" for a deletion
		// head says the newest version is the file as parsed, whose
		// items are known without reading the blob.
		head bool
	}
	var jobs []*job
	var ids []string
	seen := map[string]bool{}
	states := loaded()
	known := len(states)
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
		j := &job{r: r, head: !g.Modified}
		for i := len(g.History) - 1; i >= 0; i-- {
			b := g.History[i].Blob
			j.blobs = append(j.blobs, b)
			if i == 0 && j.head {
				break
			}
			if _, cached := states[b]; b != "" && !seen[b] && !cached {
				seen[b] = true
				ids = append(ids, b)
			}
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return saved, nil
	}

	// Blobs are read and decoded on every core; ids are in report order,
	// so each reader gets whole runs of one report's versions. A blob is
	// decoded where it is read, while its bytes are valid.
	var mu sync.Mutex
	err = history.ReadBlobs(ctx, root, ids, workers, func(id string, data []byte) error {
		st := report.ActionStates("", data, opt)
		mu.Lock()
		states[id] = st
		mu.Unlock()
		return nil
	})
	if err != nil {
		return saved, err
	}
	// Versions no report's history holds any more (a report deleted, its
	// history rewritten, or its last item reopened) are dropped when the
	// cache is written, and make it be written once they are a quarter
	// of it, so that it does not grow for ever.
	used := make(map[string]bool, len(states))
	for _, j := range jobs {
		for _, b := range j.blobs {
			used[b] = true
		}
	}
	stale := 0
	for b := range states {
		if !used[b] {
			stale++
		}
	}
	if len(states) > known || stale > len(states)/4 {
		maps.DeleteFunc(states, func(b string, _ []report.ActionState) bool { return !used[b] })
		// Encoding the states is a core's work on a large site; the
		// matching below only reads them.
		save.Go(func() { saveStates(cacheDir, states) })
	}

	for _, j := range jobs {
		hist := j.r.Git.History
		var head []report.ActionState
		if j.head {
			head = make([]report.ActionState, len(j.r.ActionItems))
			for i, a := range j.r.ActionItems {
				head[i] = report.ActionState{Title: a.Title, Status: a.Status}
			}
		}
		for i := range j.r.ActionItems {
			a := &j.r.ActionItems[i]
			if !closed(a.Status) {
				continue
			}
			for k, b := range j.blobs {
				if b == "" {
					continue
				}
				version := states[b]
				if k == len(j.blobs)-1 && j.head {
					version = head
				}
				if st, ok := match(version, a.Title, i); ok && closed(st.Status) {
					a.Closed = hist[len(hist)-1-k].Date
					break
				}
			}
		}
	}
	return saved, nil
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

// statesFile holds the action items of every report version read so far,
// keyed by blob id: a cachefile of the number of versions and, per
// version, its id and its items' titles and statuses. The version
// number in the name retires old formats, which are removed.
const (
	statesFile  = "action-states.v2.bin"
	statesMagic = "hindsight action states\n"
)

var statesOld = []string{"action-states.v1.gob"}

func loadStates(dir string) map[string][]report.ActionState {
	states := map[string][]report.ActionState{}
	if dir == "" {
		return states
	}
	data, err := os.ReadFile(filepath.Join(dir, statesFile))
	if err != nil {
		return states
	}
	r, ok := cachefile.Open(data, statesMagic)
	if !ok {
		return states
	}
	n := r.Uvarint()
	if n > uint64(r.Left()) {
		return states
	}
	for range n {
		id := r.String()
		k := r.Uvarint()
		if k > uint64(r.Left()) {
			return map[string][]report.ActionState{}
		}
		st := make([]report.ActionState, k)
		for i := range st {
			st[i] = report.ActionState{Title: r.String(), Status: r.String()}
		}
		states[id] = st
	}
	if !r.Done() || len(states) != int(n) {
		return map[string][]report.ActionState{} // damaged: start again
	}
	return states
}

// saveStates writes the cache atomically; failing to is not an error,
// only a slower next build.
func saveStates(dir string, states map[string][]report.ActionState) {
	if dir == "" {
		return
	}
	for _, old := range statesOld {
		os.Remove(filepath.Join(dir, old))
	}
	_ = replace.File(filepath.Join(dir, statesFile), func(w io.Writer) error {
		c := cachefile.NewWriter(w, statesMagic)
		c.Uvarint(uint64(len(states)))
		for id, st := range states {
			c.String(id)
			c.Uvarint(uint64(len(st)))
			for _, a := range st {
				c.String(a.Title)
				c.String(a.Status)
			}
		}
		return c.Close()
	})
}
