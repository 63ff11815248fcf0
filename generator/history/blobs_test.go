package history

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
)

// TestReadBlobs reads every version of a report, following a rename,
// from the blob ids of its history.
func TestReadBlobs(t *testing.T) {
	b := newBuilder(t)
	const p = "docs/incident-reports/2025/INC-2025-01-01-001.md"
	v1 := report("a", 20)
	b.write(p, v1)
	b.commit("add")
	v2 := editLines(v1, 3)
	b.write(p, v2)
	b.commit("edit")
	b.move(p, "docs/incident-reports/2025/renamed.md")
	b.commit("rename")

	res, err := Scan(context.Background(), Options{Root: b.dir, Dir: "docs/incident-reports"})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Files["docs/incident-reports/2025/renamed.md"]
	if f == nil || len(f.History) != 3 {
		t.Fatalf("history %+v", f)
	}
	var ids []string
	for _, c := range f.History {
		if c.Blob == "" {
			t.Fatalf("commit %s has no blob", c.Subject)
		}
		ids = append(ids, c.Blob)
	}
	got := readAll(t, b.dir, ids, 4)
	// Newest first: the rename kept the content of the edit.
	if got[ids[0]] != v2 || got[ids[1]] != v2 || got[ids[2]] != v1 {
		t.Errorf("versions do not match the commits")
	}
	if err := ReadBlobs(context.Background(), b.dir, []string{"zz"}, 2, func(string, []byte) error { return nil }); err == nil {
		t.Error("a bad id was read")
	}
}

// TestReadBlobsPacked reads every version of several reports from a
// pack, where each version is rebuilt from a delta and the buffers of
// versions already handed out are used again: every version must come
// back as it was committed.
func TestReadBlobsPacked(t *testing.T) {
	needTools(t, "git")
	b := newBuilder(t)
	want := map[string]string{} // blob id → content
	blobID := func(s string) string {
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00%s", len(s), s)
		return hex.EncodeToString(h.Sum(nil))
	}
	paths := []string{
		"docs/incident-reports/2025/INC-2025-01-01-001.md",
		"docs/incident-reports/2025/INC-2025-01-02-001.md",
		"docs/incident-reports/2024/INC-2024-03-01-001.md",
	}
	bodies := make([]string, len(paths))
	for i, p := range paths {
		bodies[i] = report(p, 90) // over 4 KB: buffers this size are reused
	}
	for v := 0; v < 24; v++ {
		for i, p := range paths {
			if v > 0 {
				bodies[i] = editLines(bodies[i], 1+(v*7+i)%80)
			}
			b.write(p, bodies[i])
			want[blobID(bodies[i])] = bodies[i]
		}
		b.commit(fmt.Sprintf("version %d", v))
	}
	gitRun(t, b.dir, "gc", "-q", "--aggressive")

	res, err := Scan(context.Background(), Options{Root: b.dir, Dir: "docs/incident-reports"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range paths {
		for _, c := range res.Files[p].History {
			ids = append(ids, c.Blob)
		}
	}
	if len(ids) != 24*len(paths) {
		t.Fatalf("%d versions in the history, want %d", len(ids), 24*len(paths))
	}
	for _, workers := range []int{1, 2} {
		got := readAll(t, b.dir, ids, workers)
		for _, id := range ids {
			if got[id] != want[id] {
				t.Fatalf("%d workers: blob %s is not the version committed", workers, id)
			}
		}
	}
}

// readAll is ReadBlobs' content of each of ids, by id.
func readAll(t *testing.T, dir string, ids []string, workers int) map[string]string {
	t.Helper()
	got := map[string]string{}
	var mu sync.Mutex
	err := ReadBlobs(context.Background(), dir, ids, workers, func(id string, data []byte) error {
		mu.Lock()
		got[id] = string(data)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}
