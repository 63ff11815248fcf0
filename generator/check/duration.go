package check

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	clockDurRE = regexp.MustCompile(`^(\d+):(\d{2})(?::(\d{2}))?$`)
	partRE     = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*([a-z]+)`)
	// fillerRE is what may stand between the parts of a duration.
	fillerRE = regexp.MustCompile(`^(?:[\s,+&]|and|approx\.?|approximately|about|around|roughly|total|~|≈)*$`)
)

var durUnits = map[string]time.Duration{
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
}

// parseDuration reads a duration the way people state one in a report:
// "2 hours 15 minutes", "2h 15m", "2h15m", "135 min", "1 day, 3 hours",
// "2.5 hours", "2:15", "~2h". A trailing note in parentheses ("2h 15m
// (from detection)") is ignored.
func parseDuration(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexByte(s, '('); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.TrimLeft(s, "~≈ ")
	if m := clockDurRE.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		sec := 0
		if m[3] != "" {
			sec, _ = strconv.Atoi(m[3])
		}
		if mi >= 60 || sec >= 60 {
			return 0, false
		}
		return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second, true
	}
	parts := partRE.FindAllStringSubmatchIndex(s, -1)
	if len(parts) == 0 {
		return 0, false
	}
	var total time.Duration
	prev := 0
	for _, p := range parts {
		// Every part needs a known unit and nothing but filler between
		// parts, so "2 hours or so" or "about 3 deploys" are not read as
		// durations.
		if !fillerRE.MatchString(s[prev:p[0]]) {
			return 0, false
		}
		unit, ok := durUnits[s[p[4]:p[5]]]
		if !ok {
			return 0, false
		}
		n, err := strconv.ParseFloat(s[p[2]:p[3]], 64)
		if err != nil {
			return 0, false
		}
		total += time.Duration(n * float64(unit))
		prev = p[1]
	}
	if !fillerRE.MatchString(s[prev:]) {
		return 0, false
	}
	return total, true
}
