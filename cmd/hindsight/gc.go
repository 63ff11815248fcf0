package main

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// baseLimit is the memory the collector aims to stay under while the
// live heap is small.
const baseLimit = 768 << 20

// tuneGC trades some memory for speed in build and serve: a build
// allocates fast and briefly (rendered pages, rebuilt git objects), and
// with Go's default the collector runs far more often than needed. On
// the 10,000-report benchmark this saves about 14% of CPU time and keeps
// peak memory near baseLimit. A fixed limit would make the collector run
// without pause once the live heap nears it, as it does for a site three
// times that size, so until ctx ends the limit follows the live heap (see
// limitFor). GOGC and GOMEMLIMIT, when set, win.
func tuneGC(ctx context.Context) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(baseLimit)
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		limit := uint64(baseLimit)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			if want := limitFor(sample[0].Value.Uint64()); want > limit {
				limit = want
				debug.SetMemoryLimit(int64(limit))
			}
		}
	}()
}

// limitFor is the memory limit for a live heap of live bytes: baseLimit,
// or two and a half times the live heap once that is more, which a
// 10,000-report build reaches at its largest. The room above the live
// heap grows with it, so the collector runs about as often for 30,000
// reports as for 10,000, and peak memory grows with the site: in three
// A/B rounds on 30,000 reports, against a limit of about three times the
// live heap, builds took as long (a median of 16.5 s against 16.4 s) at
// 2.1 GB instead of 2.5 GB at their peak. Twice the live heap is too
// little: the collector then runs often and hands memory back to the
// system only to take it again.
func limitFor(live uint64) uint64 {
	return max(baseLimit, live/2*5)
}
