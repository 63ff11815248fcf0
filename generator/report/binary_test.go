package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sameReport compares reports field by field; times by instant and
// offset, as their binary form keeps them.
var sameReport = cmp.Options{
	cmp.Comparer(func(a, b time.Time) bool {
		_, oa := a.Zone()
		_, ob := b.Zone()
		return a.Equal(b) && oa == ob
	}),
	cmp.Comparer(func(a, b *float64) bool {
		if a == nil || b == nil {
			return a == b
		}
		return math.Float64bits(*a) == math.Float64bits(*b)
	}),
}

func roundTrip(t *testing.T, r *Report) *Report {
	t.Helper()
	b, err := r.AppendBinary([]byte("before"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("before")) {
		t.Fatal("AppendBinary did not append")
	}
	var back Report
	if err := back.UnmarshalBinary(b[len("before"):]); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	return &back
}

// TestBinaryRoundTrip: every report of the repository and the test data
// comes back from its binary form as parsed, nil and empty lists, absent
// and false answers included.
func TestBinaryRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("../../docs/incident-reports/*/*.md")
	more, _ := filepath.Glob("testdata/*/*.md")
	files = append(files, more...)
	if len(files) < 5 {
		t.Fatalf("only %d reports", len(files))
	}
	srcs := map[string][]byte{
		"zeros.md": []byte("---\nid: INC-1\ntitle: Zeros\nstarted: 2025-01-01T00:00:00+05:30\nimpact:\n  users: 0\n  revenue: 0\n  data_loss: false\n  data_exposure: true\n" +
			"security:\n  incident: false\n  pii: false\n  payment_data: false\n  regulatory_notification: false\nmeeting: {}\nservices: []\ntags: []\naction_items: []\ntimeline: []\n---\nBody.\n"),
		"empty.md": nil,
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		srcs[f] = b
	}
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			r, err := Parse(name, src, opts())
			if err != nil {
				t.Skip(err)
			}
			r.Sum[0], r.Sum[31] = 1, 2
			if diff := cmp.Diff(r, roundTrip(t, r), sameReport); diff != "" {
				t.Errorf("round trip changed the report (-parsed +back):\n%s", diff)
			}
		})
	}
}

// TestBinaryEveryField fills every field of a report, recursively, with
// a value other than its zero, so that a field added to the model and
// not to the binary form fails here.
func TestBinaryEveryField(t *testing.T) {
	r := filled()
	back := roundTrip(t, r)
	if diff := cmp.Diff(r, back, sameReport); diff != "" {
		t.Errorf("round trip lost fields (-filled +back):\n%s", diff)
	}
	// And the opposite: every list empty rather than nil.
	e := Report{Services: []string{}, Tags: []string{}, ActionItems: []ActionItem{}, Timeline: []Event{},
		Reviewers: []Reviewer{}, Meeting: &Meeting{Attendees: []string{}}, Related: []string{}, Attachments: []string{},
		Body: []byte{}, Lines: map[string]int{}, Diagnostics: []Diagnostic{}}
	if diff := cmp.Diff(&e, roundTrip(t, &e), sameReport); diff != "" {
		t.Errorf("round trip changed empty lists (-empty +back):\n%s", diff)
	}
}

// filled is a report with every field filled but Git, which comes from
// history and is never cached.
func filled() *Report {
	var r Report
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	r.Git = nil
	return &r
}

// fill sets v, and everything below it, to values other than zero, each
// different from the last (n counts them).
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)) + "é")
	case reflect.Int, reflect.Int64:
		if v.Type() == reflect.TypeFor[time.Duration]() {
			v.SetInt(int64(*n) * int64(time.Minute))
			return
		}
		v.SetInt(int64(*n) * 1000003)
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Uint8:
		v.SetUint(uint64(*n % 250))
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), n)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 3 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, n)
			fill(e, n)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), n)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			zone := time.FixedZone("", (*n%24-12)*3600+1800)
			v.Set(reflect.ValueOf(time.Date(2000+*n, 3, 4, 5, 6, 7, *n, zone)))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	default:
		panic("fill: no value for kind " + v.Kind().String())
	}
}

// TestBinaryMalformed: data that is not a whole binary form is an error,
// and leaves the report empty.
func TestBinaryMalformed(t *testing.T) {
	b, err := filled().AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"cut short", b[:len(b)-1]},
		{"cut in half", b[:len(b)/2]},
		{"one byte more", append(b[:len(b):len(b)], 0)},
		{"a huge count", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			back := Report{ID: "x"}
			if err := back.UnmarshalBinary(tc.data); err == nil {
				t.Fatal("no error")
			}
			if back.ID != "" {
				t.Errorf("report not emptied: id %q", back.ID)
			}
		})
	}
}

// FuzzUnmarshalBinary: any bytes give a report or an error, never a
// panic, and a report read gives the same bytes' worth back.
func FuzzUnmarshalBinary(f *testing.F) {
	b, _ := filled().AppendBinary(nil)
	f.Add(b)
	if p, err := Parse("x.md", []byte(full), opts()); err == nil {
		b, _ := p.AppendBinary(nil)
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Report
		if err := r.UnmarshalBinary(data); err != nil {
			return
		}
		if diff := cmp.Diff(&r, roundTrip(t, &r), sameReport); diff != "" {
			t.Errorf("second round trip differs:\n%s", diff)
		}
	})
}

// BenchmarkBinary encodes and decodes the repository's first report.
func BenchmarkBinary(b *testing.B) {
	r, err := Parse("x.md", []byte(full), opts())
	if err != nil {
		b.Fatal(err)
	}
	data, _ := r.AppendBinary(nil)
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, len(data))
		for b.Loop() {
			buf, _ = r.AppendBinary(buf[:0])
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var back Report
			if err := back.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
