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
// or three and a half times the live heap once that is more. With
// GOGC=200 the collector aims at a heap three times the live heap, but
// the limit counts all the memory the runtime holds, which at these sizes
// is about 10% more than the heap (stacks, span metadata, free pages not
// yet handed back), so a limit of three times bound first. A limit that
// binds runs the collector more often the larger the site, which then
// pays more collector work per report: at three times, a 30,000-report
// build aimed at 2.76 times its live heap late in the build, collected up
// to 17 times instead of 14 or 15, and took about 1% longer (18 A/B
// rounds). A 10,000-report build (about 200 MB live at most) never
// reaches baseLimit either way. Twice the live heap is too little: the
// collector then runs often and hands memory back to the system only to
// take it again.
func limitFor(live uint64) uint64 {
	return max(baseLimit, live/2*7)
}
