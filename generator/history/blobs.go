package history

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"golang.org/x/sync/errgroup"
)

// ReadBlobs calls fn with the content of each blob in ids (from
// Commit.Blob) from the repository that holds root. It is how callers
// see earlier versions of a report, such as when an action item was first
// marked done, without a second walk of the history. data is only valid
// during the call. Up to workers goroutines read contiguous runs of ids,
// each with its own object store, so fn may be called concurrently; keep
// the versions of one file next to each other in ids, since each is
// usually a delta of the one before.
func ReadBlobs(ctx context.Context, root string, ids []string, workers int, fn func(id string, data []byte) error) error {
	if len(ids) == 0 {
		return nil
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return fmt.Errorf("history: open repository: %w", err)
	}
	db := &objectDB{fallback: repo.Storer}
	if fs, ok := repo.Storer.(*filesystem.Storage); ok {
		db.packs, _ = openPacks(objectsDir(fs.Filesystem().Root()))
	}
	defer db.close()
	workers = max(1, min(workers, len(ids)/64+1))
	g, gctx := errgroup.WithContext(ctx)
	per := (len(ids) + workers - 1) / workers
	for lo := 0; lo < len(ids); lo += per {
		run := ids[lo:min(lo+per, len(ids))]
		g.Go(func() error {
			st := newRecyclingStore(db, objectCacheBytes/int64(workers), workers)
			for _, id := range run {
				if err := gctx.Err(); err != nil {
					return err
				}
				h := plumbing.NewHash(id)
				if h.IsZero() {
					return fmt.Errorf("history: %q is not an object id", id)
				}
				typ, c, key, err := st.readKeyed(h, false)
				if err != nil {
					return fmt.Errorf("history: read %s: %w", id, err)
				}
				if typ != objBlob {
					return fmt.Errorf("history: %s: %w", id, errNotBlob)
				}
				data := c.bytes()
				if err := fn(id, data); err != nil {
					return err
				}
				// fn is done with data. A version the cache does not
				// hold (it never held one read without keep) is used
				// again for a later one, as are those it let go.
				if key != noKey && c.rope == nil && st.cache.m[key] == nil {
					st.retire(data)
				}
				st.release()
			}
			return nil
		})
	}
	return g.Wait()
}

var errNotBlob = errors.New("not a file's content")
