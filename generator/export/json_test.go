package export

import (
	"encoding/json"
	"math"
	"testing"
)

// FuzzJSONString: AppendJSONString quotes every string as encoding/json
// does.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"\`, "<script>&</script>", "\x00\x1f\x7f\b\f\n\r\t", "\u2028\u2029", "\xff\xfe", "é\xe2\x80", "\U0001F600"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// FuzzJSONFloat: Float writes every finite float64 as encoding/json does
// and refuses NaN and the infinities as it does.
func FuzzJSONFloat(f *testing.F) {
	for _, v := range []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64, 1e-300, -2.5e-8, math.NaN(), math.Inf(1)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		want, err := json.Marshal(v)
		var j JSON
		j.Float(v)
		if (err != nil) != (j.Err() != nil) {
			t.Fatalf("%v: error %v, encoding/json's %v", v, j.Err(), err)
		}
		if err == nil && string(j.B) != string(want) {
			t.Fatalf("%v: got %s, want %s", v, j.B, want)
		}
	})
}

// TestJSONLayout: nested objects and arrays, empty ones included, are laid
// out as json.MarshalIndent lays them out.
func TestJSONLayout(t *testing.T) {
	type inner struct {
		N  int      `json:"n"`
		S  []string `json:"s"`
		E  []inner  `json:"e"`
		B  bool     `json:"b"`
		P  *float64 `json:"p"`
		No any      `json:"no"`
	}
	half := 0.5
	v := struct {
		A []inner         `json:"a"`
		O map[string]bool `json:"o"`
		X string          `json:"x"`
	}{A: []inner{{N: 1, S: []string{}, E: []inner{}}, {N: -2, S: []string{"a", "<b>"}, E: []inner{{S: []string{"c"}, E: []inner{}, P: &half}}, B: true}}, O: map[string]bool{}, X: "y"}
	encode := func(j *JSON, in inner, self func(*JSON, inner)) {
		j.Open('{')
		j.Key("n")
		j.Int(int64(in.N))
		j.Key("s")
		j.Strings(in.S)
		j.Key("e")
		j.Open('[')
		for _, e := range in.E {
			j.Elem()
			self(j, e)
		}
		j.Close(']')
		j.Key("b")
		j.Bool(in.B)
		j.Key("p")
		if in.P == nil {
			j.Null()
		} else {
			j.Float(*in.P)
		}
		j.Key("no")
		j.Null()
		j.Close('}')
	}
	var rec func(*JSON, inner)
	rec = func(j *JSON, in inner) { encode(j, in, rec) }
	for _, prefix := range []string{"", "  "} {
		j := NewJSON(prefix, 0)
		j.Open('{')
		j.Key("a")
		j.Open('[')
		for _, in := range v.A {
			j.Elem()
			rec(j, in)
		}
		j.Close(']')
		j.Key("o")
		j.Open('{')
		j.Close('}')
		j.Key("x")
		j.String(v.X)
		j.Close('}')
		want, err := json.MarshalIndent(v, prefix, " ")
		if err != nil {
			t.Fatal(err)
		}
		if string(j.B) != string(want) {
			t.Errorf("prefix %q: got\n%s\nwant\n%s", prefix, j.B, want)
		}
	}
}

// TestJSONReset: a JSON used again after a refused value writes the
// next value as a new one would.
func TestJSONReset(t *testing.T) {
	j := NewJSON("  ", 0)
	j.Open('[')
	j.Elem()
	j.Float(math.NaN())
	if j.Err() == nil {
		t.Fatal("NaN encoded")
	}
	j.Reset()
	j.Strings([]string{"a"})
	fresh := NewJSON("  ", 0)
	fresh.Strings([]string{"a"})
	if j.Err() != nil || string(j.B) != string(fresh.B) {
		t.Errorf("after Reset: %q (%v), want %q", j.B, j.Err(), fresh.B)
	}
}
