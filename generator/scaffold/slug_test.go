package scaffold

import (
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	tests := []struct {
		name, title, want string
	}{
		{"plain", "Search slow", "search-slow"},
		{"stop words dropped", "Booking system outage after the schema migration", "booking-system-outage-after-schema-migration"},
		{"at most six words", "one two three four five six seven eight", "one-two-three-four-five-six"},
		{"punctuation separates", "API: 5xx errors (EU) / retries!", "api-5xx-errors-eu-retries"},
		{"apostrophes join", "Don't panic: it’s DNS", "dont-panic-its-dns"},
		{"accents folded", "Café façade Straße Ærø Łódź", "cafe-facade-strasse-aero-lodz"},
		{"other scripts dropped", "障害 database 障害", "database"},
		{"only other scripts", "データベース障害", ""},
		{"only stop words kept", "The and of", "the-and-of"},
		{"digits kept", "P0 outage on 2025-10-08", "p0-outage-2025-10-08"},
		{"whitespace and case", "  LOUD   Title\n", "loud-title"},
		{"empty", "", ""},
		{"length bounded at a word", strings.Repeat("abcdefghijkl ", 6), "abcdefghijkl-abcdefghijkl-abcdefghijkl-abcdefghijkl"},
		{"one overlong word cut", strings.Repeat("x", 80), strings.Repeat("x", maxSlugLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Slug(tt.title); got != tt.want {
				t.Errorf("Slug(%q) = %q, want %q", tt.title, got, tt.want)
			}
		})
	}
}

func TestCleanSlug(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"valid kept", "login-errors", "login-errors"},
		{"every word kept", "a-b-c-d-e-f-g-h", "a-b-c-d-e-f-g-h"},
		{"normalised", "Login Errors_EU", "login-errors-eu"},
		{"nothing usable", "---", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanSlug(tt.in); got != tt.want {
				t.Errorf("CleanSlug(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
