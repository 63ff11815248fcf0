package scaffold

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// Report is what the author tells `hindsight new` about an incident.
type Report struct {
	Title    string
	Severity string    // one of the site's severities, in any case
	Started  time.Time // written in its own zone; see ParseStarted
	Slug     string    // file-name words; "" derives them from Title
}

// Draft is a new report ready to be written.
type Draft struct {
	ID   string
	Path string // absolute
	Data []byte
}

// Reviewers are the sign-off roles of the seed template, in its order.
var Reviewers = []string{"Incident Commander", "Engineering Lead", "Operations Manager", "CTO (Final Approval)"}

// ParseStarted reads the --started value in any form report.ParseTime
// accepts, in the site's timezone; a bare clock time ("14:05") is on
// the day of now. An empty value is now, to the minute, since seconds
// in a hand-maintained timeline are noise.
func ParseStarted(s *config.Site, value string, now time.Time) (time.Time, error) {
	now = now.In(s.Location)
	if strings.TrimSpace(value) == "" {
		return now.Truncate(time.Minute), nil
	}
	z := report.Zones{Location: s.Location, Offsets: s.Offsets, Ambiguous: config.Ambiguous}
	t, err := report.ParseTime(value, z, now)
	if err != nil {
		return time.Time{}, inputErrorf("--started: %v", err)
	}
	return t, nil
}

// NewDraft plans the report r for site s: the next free ID of the day
// it started on (in the site's timezone), its path
// <reports_dir>/YYYY/<ID>-<slug>.md and its content. It writes nothing.
func NewDraft(s *config.Site, r Report) (*Draft, error) {
	title := strings.Join(strings.Fields(r.Title), " ")
	if title == "" {
		return nil, inputErrorf("--title is required and must not be blank")
	}
	severity := ""
	for _, v := range s.Severities {
		if strings.EqualFold(v, strings.TrimSpace(r.Severity)) {
			severity = v // the config's spelling
		}
	}
	if severity == "" {
		return nil, inputErrorf("--severity %q is not one of %s (severities in %s)", r.Severity, strings.Join(s.Severities, ", "), configName(s))
	}
	if r.Started.IsZero() {
		return nil, errors.New("new report: no start time")
	}
	slug := Slug(title)
	if r.Slug != "" {
		if slug = CleanSlug(r.Slug); slug == "" {
			return nil, inputErrorf("--slug %q has no letters or digits to name a file with", r.Slug)
		}
	}
	day := r.Started.In(s.Location)
	dir := s.ReportsPath()
	id, err := NextID(dir, day)
	if err != nil {
		return nil, err
	}
	name := id
	if slug != "" {
		name += "-" + slug
	}
	data, err := renderReport(s, id, title, severity, r.Started)
	if err != nil {
		return nil, err
	}
	return &Draft{
		ID:   id,
		Path: filepath.Join(dir, strconv.Itoa(day.Year()), name+".md"),
		Data: data,
	}, nil
}

// Write creates the report file and its year folder. It never replaces
// a file: when the path is taken (by a concurrent `hindsight new`, say)
// it fails and leaves that file alone.
func (d *Draft) Write() error { return createExclusive(d.Path, d.Data) }

func configName(s *config.Site) string {
	if s.Path != "" {
		return s.Path
	}
	return config.FileName + " defaults"
}

type reportData struct {
	ID, Title, Severity, Visibility string
	Started                         string // RFC 3339 in the zone given
	Clock                           string // started's time of day, for the first timeline entry
	Severities, Currency            string
	Reviewers                       []string
	DeadlineHours                   string
}

func renderReport(s *config.Site, id, title, severity string, started time.Time) ([]byte, error) {
	clock := started.Format("15:04")
	if started.Second() != 0 {
		clock = started.Format("15:04:05")
	}
	return render("report.md.tmpl", reportData{
		ID:            id,
		Title:         yamlScalar(title),
		Severity:      yamlScalar(severity),
		Visibility:    s.DefaultVisibility,
		Started:       started.Format(time.RFC3339),
		Clock:         clock,
		Severities:    strings.Join(s.Severities, ", "),
		Currency:      s.Currency,
		Reviewers:     Reviewers,
		DeadlineHours: strconv.FormatFloat(s.ReportDeadlineHours, 'f', -1, 64),
	})
}
