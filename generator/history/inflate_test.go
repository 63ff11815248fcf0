package history

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	kzlib "github.com/klauspost/compress/zlib"
)

// treeLike returns n bytes shaped like a git tree: mode, name, NUL and a
// 20-byte id per entry, names alike and ids random.
func treeLike(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "100644 INC-2021-%02d-%02d-%03d-some-words-here.md\x00", i%12+1, i%28+1, i%7)
		for range 20 {
			b.WriteByte(byte(rng.Uint32()))
		}
	}
	return b.Bytes()[:n]
}

// junk returns n bytes of noise, as a recycled buffer might hold.
func junk(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func deflate(t testing.TB, data []byte, level int) []byte {
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInflate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	random := make([]byte, 70000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	far := random[:32768]
	// Fibonacci frequencies make compress/flate write its longest codes,
	// 15 bits, which the tables look up in two steps.
	var skewed []byte
	for s, a, b := 0, 1, 1; s < 40; s, a, b = s+1, b, min(a+b, 5000) {
		skewed = append(skewed, bytes.Repeat([]byte{byte(s * 5)}, a)...)
	}
	rng.Shuffle(len(skewed), func(i, j int) { skewed[i], skewed[j] = skewed[j], skewed[i] })
	inputs := map[string][]byte{
		"empty":    {},
		"one":      {'x'},
		"text":     bytes.Repeat([]byte("the quick brown fox jumps over the lazy dog\n"), 300),
		"runs":     bytes.Repeat([]byte{0}, 100000),
		"short":    bytes.Repeat([]byte("abcde"), 20000), // matches closer than eight bytes
		"random":   random,
		"far":      slices.Concat(far, far, far), // matches 32,768 bytes back
		"skewed":   skewed,
		"tree":     treeLike(150000, 1),
		"tree-big": treeLike(600000, 2),
	}
	levels := []int{zlib.NoCompression, zlib.BestSpeed, 5, zlib.DefaultCompression, zlib.BestCompression, zlib.HuffmanOnly}
	var z inflater
	for name, data := range inputs {
		for _, level := range levels {
			t.Run(fmt.Sprintf("%s/%d", name, level), func(t *testing.T) {
				stream := deflate(t, data, level)
				// What follows a stream in a pack is the next entry.
				in := append(stream[:len(stream):len(stream)], 0x95, 0x0a, 0x78, 0x9c)
				// Buffers come recycled, with old bytes in them.
				out := junk(rng, len(data))
				if err := z.inflate(in, out); err != nil {
					t.Fatalf("inflate: %v", err)
				}
				if !bytes.Equal(out, data) {
					t.Fatal("output differs")
				}
				// Exactly the stream, nothing after it.
				out = junk(rng, len(data))
				if err := z.inflate(stream, out); err != nil || !bytes.Equal(out, data) {
					t.Fatalf("inflate without bytes after: %v", err)
				}
				if err := z.inflate(stream, make([]byte, len(data)+1)); !errors.Is(err, errInflateShort) {
					t.Errorf("with room for one byte more: got %v, want %v", err, errInflateShort)
				}
				if len(data) > 0 {
					if err := z.inflate(stream, make([]byte, len(data)-1)); !errors.Is(err, errInflateLong) {
						t.Errorf("with room for one byte less: got %v, want %v", err, errInflateLong)
					}
				}
				for _, cut := range []int{1, 4, len(stream) / 2, len(stream) - 2} {
					if cut >= len(stream) {
						continue
					}
					if err := z.inflate(stream[:len(stream)-cut], out); err == nil {
						t.Errorf("cut by %d bytes: no error", cut)
					}
				}
				bad := bytes.Clone(stream)
				bad[len(bad)-1] ^= 1
				if err := z.inflate(bad, out); !errors.Is(err, errInflateSum) {
					t.Errorf("checksum off by one bit: got %v, want %v", err, errInflateSum)
				}
			})
		}
	}
}

func TestInflateHeader(t *testing.T) {
	var z inflater
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"short", []byte{0x78}},
		{"not deflate", []byte{0x79, 0x9c - 1, 3, 0, 0, 0, 0, 1}},
		{"bad check", []byte{0x78, 0x9d, 3, 0, 0, 0, 0, 1}},
		{"dictionary", []byte{0x78, 0xbb, 0, 0, 0, 1, 3, 0, 0, 0, 0, 1}},
		{"block type 3", []byte{0x78, 0x9c, 0x07, 0, 0, 0, 0, 0, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := z.inflate(tc.in, nil); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzInflate(f *testing.F) {
	for i, data := range [][]byte{nil, []byte("a"), []byte("hello, hello, hello"), treeLike(3000, 3)} {
		for _, level := range []int{0, 1, 6, 9, -2} {
			f.Add(deflate(f, data, level), int8(i))
		}
	}
	f.Add([]byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}, int8(0))
	// Deflate's best ratio: a megabyte of one byte, for the bound
	// store.inflate checks headers against.
	f.Add(deflate(f, make([]byte, 1<<20), 9), int8(-1))
	var z inflater
	var ref zlibReader
	rng := rand.New(rand.NewPCG(1, 1))
	writers := map[int]*zlib.Writer{}
	var buf bytes.Buffer
	f.Fuzz(func(t *testing.T, in []byte, level int8) {
		// Whatever in is, as data it must come back through a stream.
		if lv := int(level)%11 - 1; lv >= -2 {
			data := in
			buf.Reset()
			w := writers[lv]
			if w == nil {
				var err error
				if w, err = zlib.NewWriterLevel(&buf, lv); err != nil {
					t.Fatal(err)
				}
				writers[lv] = w
			} else {
				w.Reset(&buf)
			}
			w.Write(data)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			stream := buf.Bytes()
			out := junk(rng, len(data))
			if err := z.inflate(stream, out); err != nil || !bytes.Equal(out, data) {
				t.Fatalf("level %d: round trip failed: %v", lv, err)
			}
		}
		// As a stream it must decode as compress/zlib decodes it.
		want, werr := ref.read(in)
		if werr != nil {
			// Any size: it must not decode.
			n := len(want)
			if errors.Is(werr, errTooLarge) {
				return
			}
			for _, size := range []int{n, 0, 2 * n} {
				if err := z.inflate(in, make([]byte, size)); err == nil {
					t.Fatalf("compress/zlib fails (%v) but %d bytes decoded", werr, size)
				}
			}
			return
		}
		if int64(len(want)) > maxDeflateRatio*int64(len(in)+1) {
			t.Fatalf("%d bytes from a stream of %d: store.inflate would refuse them", len(want), len(in))
		}
		out := junk(rng, len(want))
		if err := z.inflate(in, out); err != nil {
			t.Fatalf("compress/zlib decodes %d bytes, inflate fails: %v", len(want), err)
		}
		if !bytes.Equal(out, want) {
			t.Fatal("output differs from compress/zlib's")
		}
		if err := z.inflate(in, junk(rng, len(want)+1)); !errors.Is(err, errInflateShort) {
			t.Fatalf("with room for one byte more: got %v, want %v", err, errInflateShort)
		}
		if len(want) > 0 {
			if err := z.inflate(in, junk(rng, len(want)-1)); !errors.Is(err, errInflateLong) {
				t.Fatalf("with room for one byte less: got %v, want %v", err, errInflateLong)
			}
		}
	})
}

var errTooLarge = errors.New("too large")

// zlibReader decodes with compress/zlib, one reader for the whole run.
type zlibReader struct {
	br  bytes.Reader
	zr  io.ReadCloser
	out bytes.Buffer
}

func (r *zlibReader) read(in []byte) ([]byte, error) {
	r.br.Reset(in)
	var err error
	if r.zr == nil {
		r.zr, err = zlib.NewReader(&r.br)
	} else {
		err = r.zr.(zlib.Resetter).Reset(&r.br, nil)
	}
	if err != nil {
		return nil, err
	}
	const limit = 1 << 20
	r.out.Reset()
	_, err = r.out.ReadFrom(io.LimitReader(r.zr, limit+1))
	if err == nil && r.out.Len() > limit {
		err = errTooLarge
	}
	return r.out.Bytes(), err
}

func BenchmarkInflate(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"tree-150k", treeLike(150000, 4)},
		{"tree-1k", treeLike(1000, 5)},
		{"commit", []byte("tree 0123456789abcdef0123456789abcdef01234567\nparent 0123456789abcdef0123456789abcdef01234567\nauthor A U Thor <author@example.com> 1700000000 +0000\ncommitter A U Thor <author@example.com> 1700000000 +0000\n\nreport: add the timeline\n")},
	} {
		stream := deflate(b, tc.data, zlib.DefaultCompression)
		out := make([]byte, len(tc.data))
		b.Run(tc.name+"/inflater", func(b *testing.B) {
			var z inflater
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				if err := z.inflate(stream, out); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/klauspost", func(b *testing.B) {
			var br bytes.Reader
			br.Reset(stream)
			zr, err := kzlib.NewReader(&br)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				br.Reset(stream)
				if err := zr.(kzlib.Resetter).Reset(&br, nil); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(zr, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestInflateClaim refuses a header that claims more than the stream
// left in the pack could hold, before making a buffer of that size; an
// object that fits the bound is read.
func TestInflateClaim(t *testing.T) {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(bytes.Repeat([]byte{'a'}, 100000))
	zw.Close()
	stream := buf.Bytes()
	for _, mapped := range []bool{true, false} {
		name := "mapped"
		if !mapped {
			name = "read"
		}
		t.Run(name, func(t *testing.T) {
			f, err := os.CreateTemp(t.TempDir(), "pack")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Write(stream); err != nil {
				t.Fatal(err)
			}
			p := &packFile{file: f, size: int64(len(stream))}
			if mapped {
				p.data = stream
			}
			s := newStore(&objectDB{}, 1<<20)
			if got, err := s.inflate(p, 0, 100000); err != nil || len(got) != 100000 {
				t.Fatalf("inflate of the real size: %d bytes, %v", len(got), err)
			}
			// Bytes, not allocations, tell the buffer was never made:
			// tests running beside this one allocate too.
			claim := int64(maxObjectSize)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			if _, err := s.inflate(p, 0, claim); err == nil || !strings.Contains(err.Error(), "cannot come from") {
				t.Errorf("inflate claiming %d bytes of %d: %v", claim, len(stream), err)
			}
			runtime.ReadMemStats(&after)
			if n := after.TotalAlloc - before.TotalAlloc; n >= uint64(claim)/2 {
				t.Errorf("refusing the claim allocated %d bytes", n)
			}
		})
	}
}
