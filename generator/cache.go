package generator

import (
	"crypto/sha256"
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

	"github.com/hindsight-docs/hindsight/generator/cachefile"
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
	parsedName   = "reports.v6-%02d.bin"
	parsedOld    = "reports.v3.gob" // the single file of early versions
)

// parsedOlder are the shards of earlier versions, removed when the
// shard of the same number is written.
var parsedOlder = []string{"reports.v5-%02d.gob", "reports.v4-%02d.gob"}

func shardOf(rel string) int {
	h := fnv.New32a()
	h.Write([]byte(rel))
	return int(h.Sum32() % parsedShards)
}

// A shard of the parse cache is one file: parsedMagic, the key, the
// number of reports, then for each its path, file stat, time read and
// binary form (report.Report.AppendBinary), and last a CRC-32 of all
// before it, so that a damaged file is noticed and its reports parsed
// again rather than shown wrong.
const parsedMagic = "hindsight parse cache\n"

// cached is a report as the parse cache keeps it.
type cached struct {
	R *report.Report
	// Stat is the file's size and modification time when it was read,
	// at the time Read (Unix nanoseconds).
	Stat fileStat
	Read int64
}

type fileStat struct {
	Size, MTime, CTime int64
	Ino                uint64
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
			data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf(parsedName, i)))
			if err != nil {
				return
			}
			shards[i] = readShard(data, key)
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
func readShard(data []byte, key string) map[string]cached {
	r, ok := cachefile.Open(data, parsedMagic)
	if !ok || r.String() != key {
		return nil
	}
	n := r.Uvarint()
	if n > uint64(r.Left()) { // a report takes far more than a byte
		return nil
	}
	m := make(map[string]cached, n)
	for range n {
		rel := r.String()
		var c cached
		c.Stat.Size, c.Stat.MTime, c.Stat.CTime = r.Varint(), r.Varint(), r.Varint()
		c.Stat.Ino = r.Uvarint()
		c.Read = r.Varint()
		b := r.Bytes()
		if r.Bad {
			return nil
		}
		c.R = new(report.Report)
		if err := c.R.UnmarshalBinary(b); err != nil {
			return nil
		}
		m[rel] = c
	}
	if !r.Done() || len(m) != int(n) {
		return nil
	}
	return m
}

// writeShard writes one shard of the parse cache to w.
func writeShard(w io.Writer, key string, rs map[string]cached) error {
	c := cachefile.NewWriter(w, parsedMagic)
	c.String(key)
	c.Uvarint(uint64(len(rs)))
	var rb []byte
	for rel, r := range rs {
		c.String(rel)
		c.Varint(r.Stat.Size)
		c.Varint(r.Stat.MTime)
		c.Varint(r.Stat.CTime)
		c.Uvarint(r.Stat.Ino)
		c.Varint(r.Read)
		var err error
		if rb, err = r.R.AppendBinary(rb[:0]); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		c.Bytes(rb)
	}
	return c.Close()
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
		for _, old := range parsedOlder {
			os.Remove(filepath.Join(dir, fmt.Sprintf(old, i)))
		}
	}
	os.Remove(filepath.Join(dir, parsedOld))
}
