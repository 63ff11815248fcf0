package site

import (
	stdcmp "cmp"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// urgency is the dashboards' order as a comparison of two items: the
// definition byUrgency must agree with.
func urgency(a, b *Item) int {
	rank := func(r *Item) int {
		switch {
		case r.Overdue:
			return 0
		case r.Action.Open() && !r.Due.IsZero():
			return 1
		case r.Action.Open():
			return 2
		default:
			return 3
		}
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return stdcmp.Compare(ra, rb)
	}
	switch ra {
	case 0:
		return stdcmp.Compare(b.DaysOverdue, a.DaysOverdue)
	case 1:
		return a.Due.Compare(b.Due)
	case 3:
		if c := b.Closed.Compare(a.Closed); c != 0 {
			return c
		}
		return b.Due.Compare(a.Due)
	}
	return 0
}

// randomItems makes n items with few distinct values, so that ties are
// common, and times that stress the keys: the zero time, times before
// 1970, nanoseconds and zones.
func randomItems(r *rand.Rand, n int) []Item {
	times := []time.Time{
		{},
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 5, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2024, 5, 1, 5, 30, 0, 0, time.FixedZone("", 5*3600+1800)), // = 00:00 UTC
		time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	}
	statuses := []string{"open", "in-progress", "done", "wont-do", ""}
	items := make([]Item, n)
	for i := range items {
		a := &report.ActionItem{Status: statuses[r.IntN(len(statuses))]}
		items[i] = Item{
			Title:       string(rune('a' + i%26)),
			Action:      a,
			Due:         times[r.IntN(len(times))],
			Closed:      times[r.IntN(len(times))],
			Overdue:     a.Open() && r.IntN(3) == 0,
			DaysOverdue: r.IntN(4),
		}
	}
	return items
}

func TestByUrgency(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 5, 30, 500, 3000} {
		for round := range 20 {
			items := randomItems(r, n)
			got := make([]*Item, n)
			place := map[*Item]int{}
			for i := range items {
				got[i] = &items[i]
				place[got[i]] = i
			}
			want := slices.Clone(got)
			slices.SortStableFunc(want, urgency)
			byUrgency(got)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%d items, round %d: at %d got item %d, want item %d", n, round, i, place[got[i]], place[want[i]])
				}
			}
		}
	}
}

func TestMostOverdue(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 9, 10, 11, 200} {
		for round := range 20 {
			var entries []*Entry
			for range r.IntN(n + 1) {
				entries = append(entries, &Entry{Items: randomItems(r, r.IntN(6))})
			}
			var want []*Item
			for _, e := range entries {
				for i := range e.Items {
					if e.Items[i].Overdue {
						want = append(want, &e.Items[i])
					}
				}
			}
			sort.SliceStable(want, func(i, j int) bool { return want[i].DaysOverdue > want[j].DaysOverdue })
			want = want[:min(len(want), 10)]
			if len(want) == 0 {
				want = nil
			}
			got := mostOverdue(entries, 10)
			if !slices.Equal(got, want) {
				t.Fatalf("%d entries, round %d: got %d items, want %d, or in another order", len(entries), round, len(got), len(want))
			}
		}
	}
	if got := mostOverdue([]*Entry{{Items: []Item{{Overdue: true}}}}, 0); got != nil {
		t.Errorf("mostOverdue(…, 0) = %v, want nil", got)
	}
}
