package generator

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/hindsight-docs/hindsight/generator/replace"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// A build keeps what it computed in the cache folder (see Config.CacheDir)
// so the next one redoes only what changed: parsed reports by content,
// rendered report pages by their inputs (site.PageCache), action-item
// states by blob, and the history by commit. Every cache is keyed by the
// program that wrote it too, so a new hindsight never trusts an older
// one's results.

var programOnce = sync.OnceValue(func() string {
	// The executable's bytes, not its path or time: `go run` builds the
	// same program into a new temporary file each time, and a CI job
	// gets a fresh copy of the same release on every run.
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
})

// program identifies the running executable; "" when it cannot be
// known, and then nothing is cached.
func program() string { return programOnce() }

// The parse cache is split into parsedShards files, by a hash of each
// report's path: a build decodes them on every core, and after a commit
// rewrites only the few holding a report it read again.
const (
	parsedShards = 16
	parsedName   = "reports.v4-%02d.gob"
	parsedOld    = "reports.v3.gob" // the single file of earlier versions
)

func shardOf(rel string) int {
	h := fnv.New32a()
	h.Write([]byte(rel))
	return int(h.Sum32() % parsedShards)
}

// parsed is the parse cache: reports as report.Parse returned them,
// before history and cross-checks added to them.
type parsed struct {
	Key     string // program and parse options
	Reports map[string]cached
}

// cached is a report as gob keeps it. Gob leaves out zero values, even
// behind pointers, so "data_loss: false" would come back as not stated
// and an empty meeting as none; Set remembers which pointers were there.
type cached struct {
	R   *report.Report
	Set uint16
	// Stat is the file's size and modification time when it was read,
	// at the time Read (Unix nanoseconds).
	Stat fileStat
	Read int64
}

type fileStat struct {
	Size, MTime, CTime int64
	Ino                uint64
}

// optional calls f with each optional field of r: whether it is there,
// and a function that puts a zero value there.
func optional(r *report.Report, f func(bit int, there bool, zero func())) {
	im, sec := &r.Impact, &r.Security
	f(0, im.Users != nil, func() { im.Users = new(int) })
	f(1, im.Revenue != nil, func() { im.Revenue = new(float64) })
	for i, b := range []**bool{&im.DataLoss, &im.DataExposure, &sec.Incident, &sec.PII, &sec.PaymentData, &sec.RegulatoryNotification} {
		f(2+i, *b != nil, func() { *b = new(bool) })
	}
	f(8, r.Meeting != nil, func() { r.Meeting = &report.Meeting{} })
}

func pack(r *report.Report) cached {
	c := cached{R: r}
	optional(r, func(bit int, there bool, _ func()) {
		if there {
			c.Set |= 1 << bit
		}
	})
	return c
}

func (c cached) unpack() *report.Report {
	optional(c.R, func(bit int, there bool, zero func()) {
		if c.Set&(1<<bit) != 0 && !there {
			zero()
		}
	})
	return c.R
}

// parseKey is what, besides a file's bytes and path, decides what
// report.Parse returns.
func parseKey(cfg Config) string {
	if program() == "" {
		return ""
	}
	site, _ := json.Marshal(cfg.Site)
	sum := sha256.Sum256([]byte(program() + "\x00" + string(site) + "\x00" + cfg.Site.Location.String()))
	return hex.EncodeToString(sum[:])
}

// loadParsed reads the parse cache's shards in parallel; nil when there
// is none for key. A shard missing or damaged is left out: its reports
// are parsed again and the shard rewritten.
func loadParsed(dir, key string) map[string]cached {
	if dir == "" || key == "" {
		return nil
	}
	var shards [parsedShards]map[string]cached
	var wg sync.WaitGroup
	for i := range shards {
		wg.Go(func() {
			f, err := os.Open(filepath.Join(dir, fmt.Sprintf(parsedName, i)))
			if err != nil {
				return
			}
			defer f.Close()
			var c parsed
			if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<16)).Decode(&c); err == nil && c.Key == key {
				shards[i] = c.Reports
			}
		})
	}
	wg.Wait()
	n := 0
	for _, s := range shards {
		n += len(s)
	}
	if n == 0 {
		return nil
	}
	all := make(map[string]cached, n)
	for _, s := range shards {
		maps.Copy(all, s)
	}
	return all
}

// snapshot copies what later steps of a build change in a parsed
// report, so it can be saved while the build goes on.
func snapshot(r *report.Report) *report.Report {
	c := *r
	c.ActionItems = slices.Clone(r.ActionItems)
	c.Diagnostics = slices.Clone(r.Diagnostics)
	c.Git = nil
	return &c
}

// saveParsed writes the shards marked dirty, each atomically; a
// failure only costs the next build some parsing.
func saveParsed(dir, key string, rs map[string]cached, dirty *[parsedShards]bool) {
	if dir == "" || key == "" {
		return
	}
	var shards [parsedShards]map[string]cached
	for rel, c := range rs {
		i := shardOf(rel)
		if dirty[i] {
			if shards[i] == nil {
				shards[i] = map[string]cached{}
			}
			shards[i][rel] = c
		}
	}
	for i, d := range dirty {
		if !d {
			continue
		}
		_ = replace.File(filepath.Join(dir, fmt.Sprintf(parsedName, i)), func(w io.Writer) error {
			return gob.NewEncoder(w).Encode(parsed{Key: key, Reports: shards[i]})
		})
	}
	os.Remove(filepath.Join(dir, parsedOld))
}
