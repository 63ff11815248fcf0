package report

import (
	"errors"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	belize := time.FixedZone("BZT", -6*3600)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	z := Zones{
		Location:  berlin,
		Offsets:   map[string]*time.Location{"BZT": belize, "UTC": time.UTC},
		Ambiguous: map[string]string{"CST": "three zones"},
	}
	day := time.Date(2025, 10, 8, 9, 0, 0, 0, belize)
	tests := []struct {
		name string
		in   string
		on   time.Time
		want time.Time
		rule string // expected error rule, "" for success
	}{
		{"rfc3339", "2025-10-08T14:00:00-06:00", time.Time{}, time.Date(2025, 10, 8, 20, 0, 0, 0, time.UTC), ""},
		{"rfc3339 utc", "2025-10-08T14:00:00Z", time.Time{}, time.Date(2025, 10, 8, 14, 0, 0, 0, time.UTC), ""},
		{"rfc3339 no seconds", "2025-10-08T14:00-06:00", time.Time{}, time.Date(2025, 10, 8, 20, 0, 0, 0, time.UTC), ""},
		{"config zone", "2025-10-08 14:00", time.Time{}, time.Date(2025, 10, 8, 14, 0, 0, 0, berlin), ""},
		{"config zone in winter", "2025-01-08 14:00", time.Time{}, time.Date(2025, 1, 8, 13, 0, 0, 0, time.UTC), ""},
		{"explicit offset", "2025-10-08 14:00 -06:00", time.Time{}, time.Date(2025, 10, 8, 20, 0, 0, 0, time.UTC), ""},
		{"compact offset", "2025-10-08 14:00 -0600", time.Time{}, time.Date(2025, 10, 8, 20, 0, 0, 0, time.UTC), ""},
		{"utc offset word", "2025-10-08 14:00 UTC+2", time.Time{}, time.Date(2025, 10, 8, 12, 0, 0, 0, time.UTC), ""},
		{"abbreviation", "2025-10-08 14:00 BZT", time.Time{}, time.Date(2025, 10, 8, 20, 0, 0, 0, time.UTC), ""},
		{"iana zone", "2025-10-08 14:00 America/Belize", time.Time{}, time.Date(2025, 10, 8, 20, 0, 0, 0, time.UTC), ""},
		{"ambiguous", "2025-10-08 14:00 CST", time.Time{}, time.Time{}, "ambiguous-zone"},
		{"unknown zone", "2025-10-08 14:00 XYZ", time.Time{}, time.Time{}, "ambiguous-zone"},
		{"leading zeros are decimal", "2025-10-08 08:09 -08:00", time.Time{}, time.Date(2025, 10, 8, 16, 9, 0, 0, time.UTC), ""},
		{"offset with zero hour", "2025-10-08 09:00 +09:00", time.Time{}, time.Date(2025, 10, 8, 0, 0, 0, 0, time.UTC), ""},
		{"clock 08:09", "08:09", day, time.Date(2025, 10, 8, 14, 9, 0, 0, time.UTC), ""},
		{"clock on day", "14:05", day, time.Date(2025, 10, 8, 20, 5, 0, 0, time.UTC), ""},
		{"clock pm", "2:15 PM", day, time.Date(2025, 10, 8, 20, 15, 0, 0, time.UTC), ""},
		{"clock with zone", "14:05 UTC", day, time.Date(2025, 10, 8, 14, 5, 0, 0, time.UTC), ""},
		{"clock without day", "14:05", time.Time{}, time.Time{}, "invalid-time"},
		{"date only", "2025-10-08", time.Time{}, time.Date(2025, 10, 8, 0, 0, 0, 0, berlin), ""},
		{"bad date", "2025-13-40 10:00", time.Time{}, time.Time{}, "invalid-time"},
		{"bad clock", "25:61", day, time.Time{}, "invalid-time"},
		{"garbage", "yesterday afternoon", time.Time{}, time.Time{}, "invalid-time"},
		{"empty", "", time.Time{}, time.Time{}, "invalid-time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTime(tc.in, z, tc.on)
			if tc.rule != "" {
				if err == nil {
					t.Fatalf("ParseTime(%q) = %v, want error %s", tc.in, got, tc.rule)
				}
				if r := ruleOf(err); r != tc.rule {
					t.Fatalf("ParseTime(%q) error rule %s (%v), want %s", tc.in, r, err, tc.rule)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("ParseTime(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0m"},
		{45 * time.Minute, "45m"},
		{2*time.Hour + 15*time.Minute, "2h 15m"},
		{3 * time.Hour, "3h"},
		{26 * time.Hour, "1d 2h"},
		{48 * time.Hour, "2d"},
		{89 * time.Second, "1m"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := FormatDuration(tc.d); got != tc.want {
				t.Errorf("FormatDuration(%v) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

func TestIDs(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		valid    bool
		fromName string
	}{
		{"INC-2025-10-08-001-booking-outage.md", "INC-2025-10-08-001", true, "INC-2025-10-08-001"},
		{"INC-2025-02-30-001.md", "INC-2025-02-30-001", false, "INC-2025-02-30-001"},
		{"booking-outage.md", "INC-25-10-08-1", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidID(tc.id); got != tc.valid {
				t.Errorf("ValidID(%q) = %v", tc.id, got)
			}
			if got := IDFromName(tc.name); got != tc.fromName {
				t.Errorf("IDFromName(%q) = %q, want %q", tc.name, got, tc.fromName)
			}
		})
	}
}

func TestDemojibake(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"## \uf8ffüìã **Incident Metadata**", "## 📋 **Incident Metadata**"},
		{"‚òê Yes  ‚òë No", "☐ Yes  ☑ No"},
		{"## ‚úçÔ∏è **Sign-Off**", "## ✍️ **Sign-Off**"},
		{"47 customers √ó avg $68", "47 customers × avg $68"},
		{"Café in Zürich, «Ça va»", "Café in Zürich, «Ça va»"},
		{"plain ASCII", "plain ASCII"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := Demojibake(tc.in); got != tc.want {
				t.Errorf("Demojibake(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzParseTime: any string, with or without a day, parses or returns a
// *TimeError; never a panic, and a parsed time never comes with an error.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2025-10-08T14:00:00-06:00", "2025-10-08 14:00", "2025-10-08 14:00 BZT", "14:05", "2:15 PM", "2025-10-08 14:00 UTC+2", "25:61", "2025-10-08 14:00 America/Belize"} {
		f.Add(s, true)
	}
	z := Zones{Location: time.UTC, Offsets: map[string]*time.Location{"BZT": time.FixedZone("BZT", -6*3600)}, Ambiguous: map[string]string{"CST": "x"}}
	f.Fuzz(func(t *testing.T, s string, withDay bool) {
		var on time.Time
		if withDay {
			on = time.Date(2025, 10, 8, 0, 0, 0, 0, time.UTC)
		}
		got, err := ParseTime(s, z, on)
		if err != nil {
			var te *TimeError
			if !errors.As(err, &te) {
				t.Fatalf("error of type %T", err)
			}
			if !got.IsZero() {
				t.Fatalf("time %v with error %v", got, err)
			}
		}
	})
}

func TestParseTimeSharesZones(t *testing.T) {
	for _, s := range []string{"2025-03-01T10:00:00+05:30", "2025-03-01 10:00 +05:30", "2025-03-01 10:00 UTC+5:30"} {
		t.Run(s, func(t *testing.T) {
			a, err := ParseTime(s, Zones{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := ParseTime(s, Zones{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Location() != b.Location() {
				t.Errorf("two parses of %q have zones %p and %p, want one", s, a.Location(), b.Location())
			}
			if _, off := a.Zone(); off != 5*3600+30*60 {
				t.Errorf("offset %d, want +05:30", off)
			}
			if got, want := a.UTC(), time.Date(2025, 3, 1, 4, 30, 0, 0, time.UTC); !got.Equal(want) {
				t.Errorf("%q = %v, want %v", s, got, want)
			}
		})
	}
}
