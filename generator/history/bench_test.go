package history

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// benchCorpus returns a corpus repository for the benchmarks: the one named
// by HINDSIGHT_BENCH_REPO, or one made by mkcorpus.py with
// HINDSIGHT_BENCH_REPORTS reports (default 1000), made once per run.
func benchCorpus(b *testing.B) string {
	b.Helper()
	if repo := os.Getenv("HINDSIGHT_BENCH_REPO"); repo != "" {
		return repo
	}
	n := 1000
	if v := os.Getenv("HINDSIGHT_BENCH_REPORTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("HINDSIGHT_BENCH_REPORTS: %v", err)
		}
	}
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hindsight-bench-")
		if err != nil {
			corpusErr = err
			return
		}
		corpusDir = dir
		corpusRepo, _ = makeCorpus(b, dir, "--reports", strconv.Itoa(n))
	})
	if corpusErr != nil {
		b.Fatal(corpusErr)
	}
	if corpusRepo == "" {
		b.Skip("no corpus")
	}
	return corpusRepo
}

var (
	corpusOnce sync.Once
	corpusRepo string
	corpusDir  string
	corpusErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if corpusDir != "" {
		os.RemoveAll(corpusDir)
	}
	os.Exit(code)
}

// measure runs f and reports the process's CPU time per operation (under
// a loaded machine a fairer figure than wall time) and the largest HeapSys
// and HeapInuse sampled while it ran, in MB.
func measure(b *testing.B, f func()) {
	var peakSys, peakInuse uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peakSys = max(peakSys, ms.HeapSys)
			peakInuse = max(peakInuse, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	cpu0 := processCPU()
	f()
	cpu := processCPU() - cpu0
	close(done)
	wg.Wait()
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	}
	b.ReportMetric(float64(peakSys)/(1<<20), "peak-heap-sys-MB")
	b.ReportMetric(float64(peakInuse)/(1<<20), "peak-heap-inuse-MB")
}

func BenchmarkScanCold(b *testing.B) {
	repo := benchCorpus(b)
	ctx := context.Background()
	runtime.GC()
	b.ResetTimer()
	measure(b, func() {
		for b.Loop() {
			res, err := Scan(ctx, Options{Root: repo, Dir: reportsDir})
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Files) == 0 {
				b.Fatal("no files")
			}
		}
	})
}

// BenchmarkScanIncremental measures a scan with a warm cache after one new
// commit: the case of `hindsight serve` or a CI build restoring its cache.
func BenchmarkScanIncremental(b *testing.B) {
	src := benchCorpus(b)
	needTools(b, "git")
	// Work on a clone so the corpus stays untouched.
	repo := filepath.Join(b.TempDir(), "clone")
	if out, err := exec.Command("git", "clone", "-q", src, repo).CombinedOutput(); err != nil {
		b.Fatalf("clone: %v\n%s", err, out)
	}
	cacheDir := b.TempDir()
	ctx := context.Background()
	opt := Options{Root: repo, Dir: reportsDir, CacheDir: cacheDir}
	if _, err := Scan(ctx, opt); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.ResetTimer()
	i := 0
	measure(b, func() {
		for b.Loop() {
			b.StopTimer()
			i++
			p := filepath.Join(repo, reportsDir, "2025", fmt.Sprintf("bench-%d.md", i))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(fmt.Sprintf("# bench %d\n", i)), 0o644); err != nil {
				b.Fatal(err)
			}
			gitRun(b, repo, "add", "-A")
			gitRun(b, repo, "commit", "-q", "-m", fmt.Sprintf("bench %d", i))
			b.StartTimer()
			res, err := Scan(ctx, opt)
			if err != nil {
				b.Fatal(err)
			}
			if res.commitsRead != 1 {
				b.Fatalf("read %d commits, want 1", res.commitsRead)
			}
		}
	})
}
