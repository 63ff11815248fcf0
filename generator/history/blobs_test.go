package history

import (
	"context"
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
	got := map[string]string{}
	var mu sync.Mutex
	err = ReadBlobs(context.Background(), b.dir, ids, 4, func(id string, data []byte) error {
		mu.Lock()
		got[id] = string(data)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: the rename kept the content of the edit.
	if got[ids[0]] != v2 || got[ids[1]] != v2 || got[ids[2]] != v1 {
		t.Errorf("versions do not match the commits")
	}
	if err := ReadBlobs(context.Background(), b.dir, []string{"zz"}, 2, func(string, []byte) error { return nil }); err == nil {
		t.Error("a bad id was read")
	}
}
