// Package report holds the Report model and Parse, which turns one
// Markdown file (front matter or the seed template's layout) into a typed,
// normalised Report with a diagnostic for every problem found on the way.
package report

import (
	"sort"
	"time"
)

// Statuses of a report, in workflow order.
var Statuses = []string{"draft", "review", "final"}

// ActionStatuses are the states an action item can be in.
var ActionStatuses = []string{"open", "in-progress", "done", "wont-do"}

// Report is one post-incident report.
type Report struct {
	Path       string // slash path relative to the repository root
	ID         string
	Title      string
	Severity   string
	Status     string
	Visibility string

	Started      time.Time
	Detected     time.Time
	Acknowledged time.Time
	Mitigated    time.Time
	Resolved     time.Time

	Commander  string
	Author     string
	ReportDate time.Time // a date; zero when not given

	Services []string
	Tags     []string
	Impact   Impact
	Security Security

	ActionItems []ActionItem
	Timeline    []Event
	Reviewers   []Reviewer
	Meeting     *Meeting
	Related     []string
	Attachments []string

	// StatedDuration is the "Total Duration" text of a template-layout
	// report, kept so check can compare it with the times.
	StatedDuration     string
	StatedDurationLine int

	Body     []byte // the Markdown narrative, front matter removed
	BodyLine int    // line of the file the body starts on
	Layout   string // "front-matter", "template" or "mixed"

	// Lines maps a front-matter key (or template field) to its line, so
	// later checks can point at it.
	Lines map[string]int

	Diagnostics []Diagnostic

	// Git is filled in by the generator from the history engine; nil
	// when history is unavailable.
	Git *Git

	// Sum is the SHA-256 of the file as read, set by the generator: a
	// later build that reads the same bytes reuses what it knows of
	// them. Zero when unknown.
	Sum [32]byte
}

// Impact is what the incident cost.
type Impact struct {
	Users        *int
	Revenue      *float64
	DataLoss     *bool
	DataExposure *bool
}

// Security is the security answer of the report.
type Security struct {
	Incident               *bool
	PII                    *bool
	PaymentData            *bool
	RegulatoryNotification *bool
	Explanation            string
}

// ActionItem is one follow-up.
type ActionItem struct {
	Title    string
	Owner    string
	Due      time.Time // a date; zero when not given
	Status   string
	Priority string
	Link     string
	Line     int

	// Closed is when git history first shows the item done or won't-do;
	// zero when unknown or still open.
	Closed time.Time
}

// Event is one timeline entry.
type Event struct {
	At    time.Time
	Text  string
	Who   string
	Line  int
	Label string // the time as written, when it could not be parsed
}

// Reviewer is one sign-off line.
type Reviewer struct {
	Role     string
	Name     string
	Approved time.Time // zero: pending
}

// Meeting is the post-mortem meeting.
type Meeting struct {
	At        time.Time
	Attendees []string
	Notes     string
}

// Git is what history knows of the report file.
type Git struct {
	Created     time.Time
	Updated     time.Time
	Revisions   int
	Authors     []string
	History     []Revision // newest first
	Uncommitted bool
	Modified    bool
	Shallow     bool
}

// Revision is one commit that changed the report.
type Revision struct {
	Commit  string
	Date    time.Time
	Author  string
	Subject string
	Blob    string // the report's content after this commit; "" for a deletion
}

// Diagnostic is a problem found in a report.
type Diagnostic struct {
	Path     string `json:"-"`
	Line     int    `json:"line"`
	Col      int    `json:"col,omitempty"`
	Severity string `json:"severity"` // "error" or "warning"
	Rule     string `json:"rule"`
	Message  string `json:"message"`
}

func (r *Report) warn(line int, rule, format string, a ...any) {
	r.Diagnostics = append(r.Diagnostics, diag(r.Path, line, "warning", rule, format, a...))
}

// Duration returns to − started, and whether both are known and ordered.
func (r *Report) Duration(to time.Time) (time.Duration, bool) {
	if r.Started.IsZero() || to.IsZero() || to.Before(r.Started) {
		return 0, false
	}
	return to.Sub(r.Started), true
}

// TimeToDetect is detected − started.
func (r *Report) TimeToDetect() (time.Duration, bool) { return r.Duration(r.Detected) }

// TimeToResolve is resolved − started.
func (r *Report) TimeToResolve() (time.Duration, bool) { return r.Duration(r.Resolved) }

// Internal reports whether the report must stay out of a public build.
func (r *Report) Internal() bool { return r.Visibility == "internal" }

// Year is the year the incident started, or of its ID when the start is
// unknown; 0 when neither is known.
func (r *Report) Year() int {
	if !r.Started.IsZero() {
		return r.Started.Year()
	}
	if t, ok := idDate(r.ID); ok {
		return t.Year()
	}
	return 0
}

// SortKey orders reports newest first: by start, then ID.
func Sort(rs []*Report) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if !a.Started.Equal(b.Started) {
			return a.Started.After(b.Started)
		}
		if a.ID != b.ID {
			return a.ID > b.ID
		}
		return a.Path < b.Path
	})
}

// Open reports whether the item still needs work.
func (a *ActionItem) Open() bool { return a.Status == "open" || a.Status == "in-progress" }

// Overdue reports whether an open item's due date is before today.
func (a *ActionItem) Overdue(today time.Time) bool {
	if !a.Open() || a.Due.IsZero() {
		return false
	}
	return a.Due.Before(day(today))
}

func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
