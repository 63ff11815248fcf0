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
	parsedName   = "reports.v5-%02d.gob"
	parsedV4     = "reports.v4-%02d.gob" // shards of the last version, each one gob value
	parsedOld    = "reports.v3.gob"      // the single file of earlier versions
)

func shardOf(rel string) int {
	h := fnv.New32a()
	h.Write([]byte(rel))
	return int(h.Sum32() % parsedShards)
}

// A shard of the parse cache is a parsedHead and then runs of up to
// parsedRun parsedEntry values, N in all, in one gob stream: reports as
// report.Parse returned them, before history and cross-checks added to
// them. Runs keep the encoder's buffer the size of a few reports, where
// a whole shard as one value grew it to the shard's size, by doubling,
// on every save.
type parsedHead struct {
	Key string // program and parse options
	N   int
}

const parsedRun = 64

type parsedEntry struct {
	Rel string
	C   cached
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
			shards[i] = readShard(bufio.NewReaderSize(f, 1<<16), key)
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

// readShard decodes one shard of the parse cache; nil when it was
// saved for another key or is damaged, in which case its reports are
// parsed again.
func readShard(r io.Reader, key string) map[string]cached {
	dec := gob.NewDecoder(r)
	var h parsedHead
	if err := dec.Decode(&h); err != nil || h.Key != key || h.N < 0 {
		return nil
	}
	m := make(map[string]cached, min(h.N, 1<<14))
	for len(m) < h.N {
		var run []parsedEntry
		if err := dec.Decode(&run); err != nil || len(run) == 0 || len(run) > parsedRun {
			return nil
		}
		for _, e := range run {
			if e.C.R == nil {
				return nil
			}
			m[e.Rel] = e.C
		}
	}
	if len(m) != h.N {
		return nil
	}
	return m
}

// writeShard encodes one shard of the parse cache.
func writeShard(w io.Writer, key string, rs map[string]cached) error {
	enc := gob.NewEncoder(w)
	if err := enc.Encode(parsedHead{Key: key, N: len(rs)}); err != nil {
		return err
	}
	run := make([]parsedEntry, 0, parsedRun)
	for rel, c := range rs {
		run = append(run, parsedEntry{Rel: rel, C: c})
		if len(run) == parsedRun {
			if err := enc.Encode(run); err != nil {
				return err
			}
			run = run[:0]
		}
	}
	if len(run) > 0 {
		return enc.Encode(run)
	}
	return nil
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
			return writeShard(w, key, shards[i])
		})
		os.Remove(filepath.Join(dir, fmt.Sprintf(parsedV4, i)))
	}
	os.Remove(filepath.Join(dir, parsedOld))
}
