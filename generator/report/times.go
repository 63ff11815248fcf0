package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Zones tells time parsing how to read times without an explicit offset.
type Zones struct {
	Location *time.Location            // the config timezone
	Offsets  map[string]*time.Location // upper-case abbreviation → zone
	// Ambiguous abbreviations are refused with the explanation given.
	Ambiguous map[string]string
}

// TimeError explains why a time could not be read as given.
type TimeError struct {
	Rule string // "invalid-time" or "ambiguous-zone"
	Msg  string
}

func (e *TimeError) Error() string { return e.Msg }

var (
	clockRE = regexp.MustCompile(`^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?(?:\s+(.+))?$`)
	dateRE  = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:[T ](.+))?$`)
)

// ParseTime reads a point in time in any form report format v1 allows:
// RFC 3339; "2006-01-02 15:04[:05]" in the config timezone; the same
// followed by an offset ("-06:00", "-0600", "UTC-6") or a zone
// abbreviation; and, when on is not zero, a bare clock time ("14:05",
// "2:15 PM", "14:05 BZT") on that day in on's zone. A bare date is
// midnight in the config timezone.
func ParseTime(s string, z Zones, on time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, &TimeError{"invalid-time", "empty time"}
	}
	loc := z.Location
	if loc == nil {
		loc = time.UTC
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			if name, off := t.Zone(); name == "" && t.Location() != time.UTC {
				t = t.In(fixedZone("", off))
			}
			return t, nil
		}
	}
	if m := dateRE.FindStringSubmatch(s); m != nil {
		d, err := time.ParseInLocation("2006-01-02", m[1], loc)
		if err != nil {
			return time.Time{}, &TimeError{"invalid-time", fmt.Sprintf("%q is not a valid date", m[1])}
		}
		if m[2] == "" {
			return d, nil
		}
		return clock(m[2], z, d, s)
	}
	if !on.IsZero() {
		y, mo, d := on.Date()
		return clock(s, z, time.Date(y, mo, d, 0, 0, 0, 0, on.Location()), s)
	}
	return time.Time{}, &TimeError{"invalid-time", fmt.Sprintf("%q is not a time (want RFC 3339 such as 2025-10-08T14:00:00-06:00, or \"2025-10-08 14:00\")", s)}
}

// clock reads "15:04[:05] [AM|PM] [zone]" on the calendar day of d.
func clock(s string, z Zones, d time.Time, whole string) (time.Time, error) {
	m := clockRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, &TimeError{"invalid-time", fmt.Sprintf("%q is not a time of day", whole)}
	}
	// strconv, not fmt.Sscan: Sscan reads "08" as a bad octal number.
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec, _ := strconv.Atoi(m[3])
	if ampm := strings.ToUpper(m[4]); ampm != "" {
		if h < 1 || h > 12 {
			return time.Time{}, &TimeError{"invalid-time", fmt.Sprintf("%q: hour %d with %s", whole, h, ampm)}
		}
		if h == 12 {
			h = 0
		}
		if ampm == "PM" {
			h += 12
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, &TimeError{"invalid-time", fmt.Sprintf("%q is not a valid time of day", whole)}
	}
	loc := d.Location()
	if zs := strings.TrimSpace(m[5]); zs != "" {
		l, err := zoneOf(zs, z)
		if err != nil {
			return time.Time{}, err
		}
		loc = l
	}
	y, mo, dd := d.Date()
	return time.Date(y, mo, dd, h, mi, sec, 0, loc), nil
}

// zones holds the fixed zones of the offsets times were given with, by
// name and offset: time.Parse and time.FixedZone make a new location
// for every time with an offset that is not a whole hour (India's
// +05:30, say), and a large site holds hundreds of thousands of times.
var zones sync.Map

func fixedZone(name string, off int) *time.Location {
	type key struct {
		name string
		off  int
	}
	k := key{name, off}
	if l, ok := zones.Load(k); ok {
		return l.(*time.Location)
	}
	l, _ := zones.LoadOrStore(k, time.FixedZone(name, off))
	return l.(*time.Location)
}

var offsetRE = regexp.MustCompile(`^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$`)

func zoneOf(s string, z Zones) (*time.Location, error) {
	if m := offsetRE.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		off := h*3600 + mi*60
		if m[1] == "-" {
			off = -off
		}
		if h > 14 || mi > 59 {
			return nil, &TimeError{"invalid-time", fmt.Sprintf("offset %q is out of range", s)}
		}
		return fixedZone(s, off), nil
	}
	abbr := strings.ToUpper(s)
	if l, ok := z.Offsets[abbr]; ok {
		return l, nil
	}
	if why, ok := z.Ambiguous[abbr]; ok {
		return nil, &TimeError{"ambiguous-zone", fmt.Sprintf("zone %s is ambiguous (%s): use an offset such as -06:00 or name it under zones in hindsight.yaml", abbr, why)}
	}
	if l, err := time.LoadLocation(s); err == nil && strings.Contains(s, "/") {
		return l, nil
	}
	return nil, &TimeError{"ambiguous-zone", fmt.Sprintf("unknown zone %q: use an offset such as -06:00 or name it under zones in hindsight.yaml", s)}
}

// ParseDate reads a calendar date ("2006-01-02", or a full time whose
// date in its own zone is taken).
func ParseDate(s string, z Zones) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	t, err := ParseTime(s, z, time.Time{})
	if err != nil {
		return time.Time{}, &TimeError{"invalid-date", fmt.Sprintf("%q is not a date (want YYYY-MM-DD)", s)}
	}
	return day(t), nil
}

var idRE = regexp.MustCompile(`^INC-(\d{4}-\d{2}-\d{2})-(\d{3,})$`)

// ValidID reports whether id has the form INC-YYYY-MM-DD-NNN with a real date.
func ValidID(id string) bool {
	_, ok := idDate(id)
	return ok
}

func idDate(id string) (time.Time, bool) {
	m := idRE.FindStringSubmatch(id)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", m[1])
	return t, err == nil
}

var fileIDRE = regexp.MustCompile(`^INC-\d{4}-\d{2}-\d{2}-\d{3,}`)

// IDFromName takes the report ID from a file name such as
// INC-2025-10-08-001-booking-outage.md; "" when it has none.
func IDFromName(name string) string {
	return fileIDRE.FindString(name)
}

// FormatDuration writes d the way incident reports do: "2h 15m", "45m",
// "3d 4h".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	m := int(d.Round(time.Minute) / time.Minute)
	days, m := m/(24*60), m%(24*60)
	h, m := m/60, m%60
	switch {
	case days > 0 && h > 0:
		return fmt.Sprintf("%dd %dh", days, h)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	default:
		return fmt.Sprintf("%dm", m)
	}
}
