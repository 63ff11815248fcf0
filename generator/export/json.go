package export

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf8"
)

// JSON appends JSON values to B laid out byte for byte as
// json.MarshalIndent(v, prefix, " ") lays them out, strings escaped as
// encoding/json escapes them (<, > and & included). The data files list
// tens of thousands of records; encoded through reflection and indented
// afterwards, they were a tenth of a build's work. Each caller tests its
// records against encoding/json.
type JSON struct {
	B      []byte
	prefix string
	depth  int
	// empty says the innermost open object or array has no member yet.
	empty bool
	err   error
}

// NewJSON is a JSON whose lines after the first start with prefix.
func NewJSON(prefix string, size int) *JSON {
	return &JSON{B: make([]byte, 0, size), prefix: prefix}
}

// Reset empties j for the next value, keeping its buffer.
func (j *JSON) Reset() {
	j.B, j.depth, j.empty, j.err = j.B[:0], 0, false, nil
}

// Err is the first value that could not be encoded (a NaN or an
// infinity), as encoding/json would have refused it.
func (j *JSON) Err() error { return j.err }

// Open starts an object ('{') or an array ('[').
func (j *JSON) Open(c byte) {
	j.B = append(j.B, c)
	j.depth++
	j.empty = true
}

// Close ends the innermost object ('}') or array (']').
func (j *JSON) Close(c byte) {
	j.depth--
	if !j.empty {
		j.newline()
	}
	j.B = append(j.B, c)
	j.empty = false
}

// Key starts an object member; key needs no escaping.
func (j *JSON) Key(key string) {
	j.Elem()
	j.B = append(j.B, '"')
	j.B = append(j.B, key...)
	j.B = append(j.B, '"', ':', ' ')
}

// Pair writes an object member whose value is the string value.
func (j *JSON) Pair(key, value string) {
	j.Key(key)
	j.String(value)
}

// Elem starts an array element.
func (j *JSON) Elem() {
	if !j.empty {
		j.B = append(j.B, ',')
	}
	j.empty = false
	j.newline()
}

func (j *JSON) newline() {
	j.B = append(j.B, '\n')
	j.B = append(j.B, j.prefix...)
	for range j.depth {
		j.B = append(j.B, ' ')
	}
}

// Null writes null.
func (j *JSON) Null() { j.B = append(j.B, "null"...) }

// Bool writes b.
func (j *JSON) Bool(b bool) { j.B = strconv.AppendBool(j.B, b) }

// Int writes n.
func (j *JSON) Int(n int64) { j.B = strconv.AppendInt(j.B, n, 10) }

// Float writes f as encoding/json writes a float64: the shortest decimal
// that reads back as f, in exponent form only when very small or large.
func (j *JSON) Float(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if j.err == nil {
			j.err = errors.New("json: unsupported value: " + strconv.FormatFloat(f, 'g', -1, 64))
		}
		j.Null()
		return
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	j.B = strconv.AppendFloat(j.B, f, format, -1, 64)
	if format == 'e' {
		// e-07 is written e-7
		if n := len(j.B); n >= 4 && j.B[n-4] == 'e' && j.B[n-3] == '-' && j.B[n-2] == '0' {
			j.B[n-2] = j.B[n-1]
			j.B = j.B[:n-1]
		}
	}
}

// String writes s quoted.
func (j *JSON) String(s string) { j.B = AppendJSONString(j.B, s) }

// Strings writes ss as an array of strings.
func (j *JSON) Strings(ss []string) {
	j.Open('[')
	for _, s := range ss {
		j.Elem()
		j.String(s)
	}
	j.Close(']')
}

// AppendJSONString appends s to b as encoding/json quotes a string: ", \
// and control characters escaped, < > & as \u003c \u003e \u0026 (safe
// inside a script element), U+2028 and U+2029 escaped, and each byte of
// invalid UTF-8 replaced by \ufffd.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	from := 0 // s[from:i] is still to be copied
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[from:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			from = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[from:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[from:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		from = i
	}
	b = append(b, s[from:]...)
	return append(b, '"')
}
