package report

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// The binary form of a Report is what the generator's parse cache keeps:
// a later build reads ten thousand of them back, and reflection-driven
// encodings spent more time decoding a report than the build spends
// using it. The format is private to one program (the cache is keyed by
// the executable), so it has no version of its own; a nil slice and an
// empty one, an absent pointer and a pointer to a zero value, all stay
// what they were.

var errBinary = errors.New("report: malformed binary form")

// AppendBinary appends the binary form of r to b. Git is left out: it
// comes from the history, not from the file.
func (r *Report) AppendBinary(b []byte) ([]byte, error) {
	// The length of all but the body comes first, so that a reader can
	// make one string of it and take every string of the report from
	// that: one allocation where there would be a hundred.
	at := len(b)
	b = append(b, make([]byte, binary.MaxVarintLen32)...)
	e := enc{b}
	for _, s := range []string{r.Path, r.ID, r.Title, r.Severity, r.Status, r.Visibility} {
		e.str(s)
	}
	for _, t := range []time.Time{r.Started, r.Detected, r.Acknowledged, r.Mitigated, r.Resolved} {
		e.time(t)
	}
	e.str(r.Commander)
	e.str(r.Author)
	e.time(r.ReportDate)
	e.strs(r.Services)
	e.strs(r.Tags)

	im := &r.Impact
	e.flag(im.Users != nil)
	if im.Users != nil {
		e.int(int64(*im.Users))
	}
	e.flag(im.Revenue != nil)
	if im.Revenue != nil {
		e.uint(math.Float64bits(*im.Revenue))
	}
	sec := &r.Security
	for _, p := range []*bool{im.DataLoss, im.DataExposure, sec.Incident, sec.PII, sec.PaymentData, sec.RegulatoryNotification} {
		e.optBool(p)
	}
	e.str(sec.Explanation)

	e.count(r.ActionItems == nil, len(r.ActionItems))
	for i := range r.ActionItems {
		a := &r.ActionItems[i]
		e.str(a.Title)
		e.str(a.Owner)
		e.time(a.Due)
		e.str(a.Status)
		e.str(a.Priority)
		e.str(a.Link)
		e.int(int64(a.Line))
		e.time(a.Closed)
	}
	e.count(r.Timeline == nil, len(r.Timeline))
	for i := range r.Timeline {
		ev := &r.Timeline[i]
		e.time(ev.At)
		e.str(ev.Text)
		e.str(ev.Who)
		e.int(int64(ev.Line))
		e.str(ev.Label)
	}
	e.count(r.Reviewers == nil, len(r.Reviewers))
	for i := range r.Reviewers {
		rv := &r.Reviewers[i]
		e.str(rv.Role)
		e.str(rv.Name)
		e.time(rv.Approved)
	}
	e.flag(r.Meeting != nil)
	if m := r.Meeting; m != nil {
		e.time(m.At)
		e.strs(m.Attendees)
		e.str(m.Notes)
	}
	e.strs(r.Related)
	e.strs(r.Attachments)
	e.str(r.StatedDuration)
	e.int(int64(r.StatedDurationLine))
	e.count(r.Body == nil, len(r.Body))
	e.int(int64(r.BodyLine))
	e.str(r.Layout)
	e.count(r.Lines == nil, len(r.Lines))
	for k, v := range r.Lines {
		e.str(k)
		e.int(int64(v))
	}
	e.count(r.Diagnostics == nil, len(r.Diagnostics))
	for i := range r.Diagnostics {
		d := &r.Diagnostics[i]
		e.str(d.Path)
		e.int(int64(d.Line))
		e.int(int64(d.Col))
		e.str(d.Severity)
		e.str(d.Rule)
		e.str(d.Message)
	}
	e.b = append(e.b, r.Sum[:]...)
	n := len(e.b) - at - binary.MaxVarintLen32
	if n > math.MaxInt32 {
		return b[:at], errBinary
	}
	l := binary.AppendUvarint(nil, uint64(n))
	b = append(e.b[:at], l...)
	b = append(b, e.b[at+binary.MaxVarintLen32:]...)
	return append(b, r.Body...), nil
}

// UnmarshalBinary sets r to the report whose binary form data is, all of
// data and nothing else. Malformed data is an error, never a panic.
func (r *Report) UnmarshalBinary(data []byte) error {
	*r = Report{}
	n, k := binary.Uvarint(data)
	if k <= 0 || n > uint64(len(data)-k) {
		return errBinary
	}
	d := dec{s: string(data[k : k+int(n)])}
	body := data[k+int(n):]
	for _, s := range []*string{&r.Path, &r.ID, &r.Title, &r.Severity, &r.Status, &r.Visibility} {
		*s = d.str()
	}
	for _, t := range []*time.Time{&r.Started, &r.Detected, &r.Acknowledged, &r.Mitigated, &r.Resolved} {
		*t = d.time()
	}
	r.Commander = d.str()
	r.Author = d.str()
	r.ReportDate = d.time()
	r.Services = d.strs()
	r.Tags = d.strs()

	im := &r.Impact
	if d.flag() {
		v := int(d.int())
		im.Users = &v
	}
	if d.flag() {
		v := math.Float64frombits(d.uint())
		im.Revenue = &v
	}
	sec := &r.Security
	for _, p := range []**bool{&im.DataLoss, &im.DataExposure, &sec.Incident, &sec.PII, &sec.PaymentData, &sec.RegulatoryNotification} {
		*p = d.optBool()
	}
	sec.Explanation = d.str()

	if n, ok := d.count(minAction); ok {
		r.ActionItems = make([]ActionItem, n)
		for i := range r.ActionItems {
			a := &r.ActionItems[i]
			a.Title = d.str()
			a.Owner = d.str()
			a.Due = d.time()
			a.Status = d.str()
			a.Priority = d.str()
			a.Link = d.str()
			a.Line = int(d.int())
			a.Closed = d.time()
		}
	}
	if n, ok := d.count(minEvent); ok {
		r.Timeline = make([]Event, n)
		for i := range r.Timeline {
			ev := &r.Timeline[i]
			ev.At = d.time()
			ev.Text = d.str()
			ev.Who = d.str()
			ev.Line = int(d.int())
			ev.Label = d.str()
		}
	}
	if n, ok := d.count(minReviewer); ok {
		r.Reviewers = make([]Reviewer, n)
		for i := range r.Reviewers {
			rv := &r.Reviewers[i]
			rv.Role = d.str()
			rv.Name = d.str()
			rv.Approved = d.time()
		}
	}
	if d.flag() {
		m := &Meeting{}
		m.At = d.time()
		m.Attendees = d.strs()
		m.Notes = d.str()
		r.Meeting = m
	}
	r.Related = d.strs()
	r.Attachments = d.strs()
	r.StatedDuration = d.str()
	r.StatedDurationLine = int(d.int())
	if n, ok := d.count(0); ok {
		if n != len(body) {
			d.fail()
		}
		r.Body = append(make([]byte, 0, n), body...)
	} else if len(body) != 0 {
		d.fail()
	}
	r.BodyLine = int(d.int())
	r.Layout = d.str()
	if n, ok := d.count(2); ok {
		r.Lines = make(map[string]int, n)
		for range n {
			k := d.str()
			r.Lines[k] = int(d.int())
		}
	}
	if n, ok := d.count(minDiagnostic); ok {
		r.Diagnostics = make([]Diagnostic, n)
		for i := range r.Diagnostics {
			dg := &r.Diagnostics[i]
			dg.Path = d.str()
			dg.Line = int(d.int())
			dg.Col = int(d.int())
			dg.Severity = d.str()
			dg.Rule = d.str()
			dg.Message = d.str()
		}
	}
	copy(r.Sum[:], d.take(len(r.Sum)))
	if d.err == nil && len(d.s) != 0 {
		d.err = errBinary
	}
	if d.err != nil {
		*r = Report{}
	}
	return d.err
}

// The fewest bytes one element of each list takes, so that a count
// larger than the data left is refused before anything is allocated.
const (
	minAction     = 11 // 6 strings, 2 times, 1 number
	minEvent      = 5
	minReviewer   = 3
	minDiagnostic = 6
)

type enc struct{ b []byte }

func (e *enc) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }

func (e *enc) flag(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// count writes a length, 0 standing for nil and n+1 for n elements.
func (e *enc) count(isNil bool, n int) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *enc) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *enc) strs(ss []string) {
	e.count(ss == nil, len(ss))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *enc) optBool(p *bool) {
	switch {
	case p == nil:
		e.b = append(e.b, 0)
	case *p:
		e.b = append(e.b, 2)
	default:
		e.b = append(e.b, 1)
	}
}

// time writes the zero time as one byte, and any other as time's own
// binary form (instant and zone offset, as gob and JSON keep it).
func (e *enc) time(t time.Time) {
	if t.IsZero() {
		e.b = append(e.b, 0)
		return
	}
	at := len(e.b)
	e.b = append(e.b, 0)
	b, err := t.AppendBinary(e.b)
	if err != nil || len(b)-at-1 > 255 {
		// A zone offset that is not a whole minute, or out of range:
		// kept as UTC, which loses only how it was written.
		e.b = append(e.b[:at+1], 0)
		b, _ = t.UTC().AppendBinary(e.b)
	}
	b[at] = byte(len(b) - at - 1)
	e.b = b
}

// dec reads what enc wrote, from a string so that the strings it
// returns share its memory. The first problem sticks: every later read
// returns a zero value, and err says what went wrong.
type dec struct {
	s   string
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = errBinary
	}
	d.s = ""
}

func (d *dec) uint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break // overflows 64 bits
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail()
	return 0
}

func (d *dec) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	if int64(int(v)) != v {
		d.fail()
		return 0
	}
	return v
}

func (d *dec) byte() byte {
	if len(d.s) == 0 {
		d.fail()
		return 0
	}
	c := d.s[0]
	d.s = d.s[1:]
	return c
}

func (d *dec) flag() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *dec) take(n int) string {
	if n < 0 || n > len(d.s) {
		d.fail()
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

// count reads a length written by enc.count; ok is false for nil (and
// after an error). Each element takes at least min bytes.
func (d *dec) count(min int) (int, bool) {
	v := d.uint()
	if v == 0 || d.err != nil {
		return 0, false
	}
	if min > 0 && v-1 > uint64(len(d.s)/min) || v-1 > math.MaxInt32 {
		d.fail()
		return 0, false
	}
	return int(v - 1), true
}

func (d *dec) str() string {
	v := d.uint()
	if v > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	return d.take(int(v))
}

func (d *dec) strs() []string {
	n, ok := d.count(1)
	if !ok {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *dec) optBool() *bool {
	switch d.byte() {
	case 0:
		return nil
	case 1:
		return new(bool)
	case 2:
		v := true
		return &v
	}
	d.fail()
	return nil
}

func (d *dec) time() time.Time {
	n := int(d.byte())
	if n == 0 || d.err != nil {
		return time.Time{}
	}
	b := d.take(n)
	if d.err != nil {
		return time.Time{}
	}
	var t time.Time
	if err := t.UnmarshalBinary([]byte(b)); err != nil || t.IsZero() {
		d.fail()
		return time.Time{}
	}
	return t
}
