package history

import (
	"bytes"
	"slices"
)

// Content similarity, as git's diffcore-delta.c measures it for rename
// detection, so that "renamed with edits" means here what it means to
// `git log --follow`:
//
//   - each file is cut into spans that end at a newline or after 64 bytes
//     (an unterminated short last span is ignored, as git does); a CR
//     before LF is ignored in text files;
//   - each span is hashed (the same rolling hash, modulo 107927) and the
//     bytes per hash are counted;
//   - the bytes "copied" from source to destination are, per hash, the
//     smaller of the two counts, summed;
//   - score = copied × 60000 / max(size of source, size of destination),
//     and a pair is a rename when score ≥ 30000, git's default -M50%.
//
// Pairs whose sizes differ by more than half of the larger one are not
// scored at all, as in git.

const (
	maxScore     = 60000
	minimumScore = 30000 // git's default rename threshold, 50%
	spanHashBase = 107927
)

// spanCount is the number of bytes of one span hash.
type spanCount struct {
	hash uint32
	n    uint32
}

// spans returns the span hashes of data, sorted by hash.
func spans(data []byte) []spanCount {
	isText := !isBinary(data)
	m := make(map[uint32]uint32, len(data)/32+1)
	var accum1, accum2 uint32
	n := uint32(0)
	for i := 0; i < len(data); i++ {
		c := uint32(data[i])
		if isText && c == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			continue
		}
		old1 := accum1
		accum1 = (accum1 << 7) ^ (accum2 >> 25)
		accum2 = (accum2 << 7) ^ (old1 >> 25)
		accum1 += c
		n++
		if n < 64 && c != '\n' {
			continue
		}
		m[(accum1+accum2*0x61)%spanHashBase] += n
		n, accum1, accum2 = 0, 0, 0
	}
	// Like git, a last span without a newline that is shorter than 64
	// bytes is not counted.
	out := make([]spanCount, 0, len(m))
	for h, c := range m {
		out = append(out, spanCount{h, c})
	}
	slices.SortFunc(out, func(a, b spanCount) int { return int(a.hash) - int(b.hash) })
	return out
}

// isBinary is git's buffer_is_binary: a NUL in the first 8000 bytes.
func isBinary(data []byte) bool {
	if len(data) > 8000 {
		data = data[:8000]
	}
	return bytes.IndexByte(data, 0) >= 0
}

// similarity returns git's rename score of dst against src (0…60000).
func similarity(srcSize, dstSize int, src, dst []spanCount) int {
	maxSize, baseSize := max(srcSize, dstSize), min(srcSize, dstSize)
	if maxSize == 0 {
		return 0
	}
	if int64(maxSize)*(maxScore-minimumScore) < int64(maxSize-baseSize)*maxScore {
		return 0
	}
	var copied uint64
	i, j := 0, 0
	for i < len(src) && j < len(dst) {
		switch {
		case src[i].hash < dst[j].hash:
			i++
		case src[i].hash > dst[j].hash:
			j++
		default:
			copied += uint64(min(src[i].n, dst[j].n))
			i++
			j++
		}
	}
	return int(copied * maxScore / uint64(maxSize))
}

// sizeMayMatch is the size test of similarity, usable before the contents
// are read.
func sizeMayMatch(srcSize, dstSize int) bool {
	maxSize, baseSize := max(srcSize, dstSize), min(srcSize, dstSize)
	return int64(maxSize)*(maxScore-minimumScore) >= int64(maxSize-baseSize)*maxScore
}
