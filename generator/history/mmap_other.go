//go:build !unix

package history

import (
	"errors"
	"os"
)

// mapFile is not available here; packs are read with ReadAt instead.
func mapFile(*os.File, int64) ([]byte, func() error, error) {
	return nil, nil, errors.New("memory mapping not supported")
}
