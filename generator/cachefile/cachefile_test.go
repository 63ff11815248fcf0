package cachefile

import (
	"bytes"
	"math"
	"testing"
)

const magic = "test cache\n"

func write(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b, magic)
	w.Uvarint(0)
	w.Uvarint(math.MaxUint64)
	w.Varint(-1)
	w.Varint(math.MinInt64)
	w.String("")
	w.String("héllo\x00")
	w.Bytes(bytes.Repeat([]byte{0xff}, 70000)) // past the write buffer
	w.Fixed([]byte{1, 2, 3})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	r, ok := Open(write(t), magic)
	if !ok {
		t.Fatal("Open: not ok")
	}
	if v := r.Uvarint(); v != 0 {
		t.Errorf("Uvarint = %d", v)
	}
	if v := r.Uvarint(); v != math.MaxUint64 {
		t.Errorf("Uvarint = %d", v)
	}
	if v := r.Varint(); v != -1 {
		t.Errorf("Varint = %d", v)
	}
	if v := r.Varint(); v != math.MinInt64 {
		t.Errorf("Varint = %d", v)
	}
	if s := r.String(); s != "" {
		t.Errorf("String = %q", s)
	}
	if s := r.String(); s != "héllo\x00" {
		t.Errorf("String = %q", s)
	}
	if b := r.Bytes(); len(b) != 70000 || b[69999] != 0xff {
		t.Errorf("Bytes: %d bytes", len(b))
	}
	if b := r.Fixed(3); !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Errorf("Fixed = %v", b)
	}
	if !r.Done() {
		t.Error("not done after the last field")
	}
	r.Uvarint()
	if !r.Bad || r.Done() {
		t.Error("a field past the end read as there")
	}
	// Past the end, a fixed field is zeros of its size: callers make
	// arrays of it.
	if b := r.Fixed(32); len(b) != 32 || !bytes.Equal(b, make([]byte, 32)) {
		t.Errorf("Fixed(32) past the end = %v", b)
	}
}

func TestDamaged(t *testing.T) {
	good := write(t)
	for name, data := range map[string][]byte{
		"empty":         nil,
		"magic only":    []byte(magic),
		"other magic":   append([]byte("other cache\n"), good[len(magic):]...),
		"truncated":     good[:len(good)-1],
		"a bit flipped": func() []byte { b := bytes.Clone(good); b[len(b)/2] ^= 4; return b }(),
	} {
		if _, ok := Open(data, magic); ok {
			t.Errorf("%s: opened", name)
		}
	}
}

// FuzzReader: no field read from any bytes panics or reads past them,
// and a field not there leaves the reader Bad.
func FuzzReader(f *testing.F) {
	f.Add([]byte{0x80, 0x80}, 3)
	f.Add([]byte{5, 'a', 'b'}, 1)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		r := &Reader{b: b}
		for i := 0; i < 64 && !r.Bad; i++ {
			switch (i + n) % 5 {
			case 0:
				r.Uvarint()
			case 1:
				r.Varint()
			case 2:
				r.Bytes()
			case 3:
				_ = r.String()
			case 4:
				k := n % 40
				if b := r.Fixed(k); k >= 0 && len(b) != k {
					t.Fatalf("Fixed(%d) gave %d bytes", k, len(b))
				}
			}
		}
		if r.Bad && r.Left() != 0 {
			t.Fatal("a bad reader has bytes left")
		}
	})
}
