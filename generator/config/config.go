// Package config reads hindsight.yaml, applies the embedded defaults and
// validates every key, so the rest of the generator sees one typed value.
package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// FileName is the name looked up from the working directory upwards.
const FileName = "hindsight.yaml"

//go:embed defaults.yaml
var defaults []byte

// Site is the content of hindsight.yaml after defaults are applied.
type Site struct {
	Title               string            `yaml:"title"`
	Description         string            `yaml:"description"`
	BaseURL             string            `yaml:"base_url"`
	RepoURL             string            `yaml:"repo_url"`
	Branch              string            `yaml:"branch"`
	ReportsDir          string            `yaml:"reports_dir"`
	Output              string            `yaml:"output"`
	Timezone            string            `yaml:"timezone"`
	ReportDeadlineHours float64           `yaml:"report_deadline_hours"`
	Severities          []string          `yaml:"severities"`
	Currency            string            `yaml:"currency"`
	DefaultVisibility   string            `yaml:"default_visibility"`
	Theme               string            `yaml:"theme"`
	Zones               map[string]string `yaml:"zones"`

	// Root is the folder every relative path in the config is relative
	// to: the folder of hindsight.yaml, else the repository root, else the
	// working directory.
	Root string `yaml:"-"`
	// Path is the config file read, "" when only defaults apply.
	Path string `yaml:"-"`
	// Location is Timezone loaded.
	Location *time.Location `yaml:"-"`
	// Offsets maps upper-case zone abbreviations (CST, BZT...) to fixed
	// zones: the built-in table overlaid with Zones.
	Offsets map[string]*time.Location `yaml:"-"`
}

// Error is a problem in a config file, with the line it is on.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Default returns the embedded defaults rooted at root.
func Default(root string) (*Site, error) {
	s := &Site{}
	if err := yaml.Unmarshal(defaults, s); err != nil {
		return nil, fmt.Errorf("embedded defaults: %w", err)
	}
	s.Root = root
	if err := s.finish(nil); err != nil {
		return nil, err
	}
	return s, nil
}

// Find walks up from dir to the first folder holding hindsight.yaml and
// returns its path, or "" when there is none before the filesystem root.
func Find(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, FileName)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// RepoRoot walks up from dir to the folder holding .git, or returns "".
func RepoRoot(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Load reads the config at path, or when path is "" the hindsight.yaml
// found upwards from dir; with none found it returns the defaults rooted
// at the repository root (or dir).
func Load(dir, path string) (*Site, error) {
	if path == "" {
		path = Find(dir)
	}
	if path == "" {
		root := RepoRoot(dir)
		if root == "" {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return nil, fmt.Errorf("config: %w", err)
			}
			root = abs
		}
		return Default(root)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(abs, data)
}

var lineRE = regexp.MustCompile(`line (\d+): (.*)`)

// Parse decodes config data read from path over the defaults. Unknown
// keys are errors carrying their line.
func Parse(path string, data []byte) (*Site, error) {
	s, err := Default(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	s.Path = path
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	if len(doc.Content) == 0 {
		return s, nil // an empty file keeps the defaults
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	s.Zones = nil
	if err := dec.Decode(s); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, err)
	}
	if err := s.finish(&doc); err != nil {
		return nil, err
	}
	return s, nil
}

func yamlError(path string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	first := strings.TrimSpace(strings.SplitN(msg, "\n", 2)[0])
	if m := lineRE.FindStringSubmatch(first); m != nil {
		n, _ := strconv.Atoi(m[1])
		text := m[2]
		text = strings.Replace(text, " in type config.Site", "", 1)
		text = strings.Replace(text, "field ", "unknown key ", 1)
		text = strings.Replace(text, " not found", "", 1)
		return &Error{Path: path, Line: n, Msg: text}
	}
	return &Error{Path: path, Msg: first}
}

// line finds the line of a top-level key in doc, for errors on values.
func line(doc *yaml.Node, key string) int {
	if doc == nil || len(doc.Content) == 0 {
		return 0
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return 0
}

func (s *Site) finish(doc *yaml.Node) error {
	bad := func(key, format string, a ...any) error {
		return &Error{Path: s.Path, Line: line(doc, key), Msg: key + ": " + fmt.Sprintf(format, a...)}
	}
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil || s.Timezone == "" {
		return bad("timezone", "unknown time zone %q (use an IANA name such as Europe/Berlin)", s.Timezone)
	}
	s.Location = loc
	if s.ReportDeadlineHours <= 0 {
		return bad("report_deadline_hours", "must be a positive number of hours")
	}
	if len(s.Severities) == 0 {
		return bad("severities", "must list at least one severity")
	}
	seen := map[string]bool{}
	for _, v := range s.Severities {
		if v == "" || seen[v] {
			return bad("severities", "empty or repeated severity %q", v)
		}
		seen[v] = true
	}
	switch s.DefaultVisibility {
	case "public", "internal":
	default:
		return bad("default_visibility", "must be public or internal, not %q", s.DefaultVisibility)
	}
	for _, k := range []struct{ key, val string }{{"reports_dir", s.ReportsDir}, {"output", s.Output}} {
		if k.val == "" {
			return bad(k.key, "must not be empty")
		}
		if filepath.IsAbs(k.val) && k.key == "reports_dir" {
			return bad(k.key, "must be relative to the repository root")
		}
	}
	s.ReportsDir = filepath.ToSlash(filepath.Clean(s.ReportsDir))
	if s.ReportsDir == ".." || strings.HasPrefix(s.ReportsDir, "../") {
		return bad("reports_dir", "must stay inside the repository")
	}
	s.RepoURL = strings.TrimRight(s.RepoURL, "/")
	if s.RepoURL != "" && !strings.HasPrefix(s.RepoURL, "https://") && !strings.HasPrefix(s.RepoURL, "http://") {
		return bad("repo_url", "must be an http(s) URL")
	}
	if s.BaseURL != "" && !strings.HasPrefix(s.BaseURL, "https://") && !strings.HasPrefix(s.BaseURL, "http://") {
		return bad("base_url", "must be an absolute http(s) URL")
	}
	s.Offsets = make(map[string]*time.Location, len(zoneTable)+len(s.Zones))
	for abbr, off := range zoneTable {
		s.Offsets[abbr] = time.FixedZone(abbr, off)
	}
	for abbr, v := range s.Zones {
		z, err := zone(abbr, v)
		if err != nil {
			return bad("zones", "%s: %v", abbr, err)
		}
		s.Offsets[strings.ToUpper(abbr)] = z
	}
	return nil
}

// zone reads a zones entry: a fixed offset ("-06:00") or an IANA name.
func zone(abbr, v string) (*time.Location, error) {
	if t, err := time.Parse("-07:00", v); err == nil {
		_, off := t.Zone()
		return time.FixedZone(strings.ToUpper(abbr), off), nil
	}
	loc, err := time.LoadLocation(v)
	if err != nil {
		return nil, fmt.Errorf("want an offset like -06:00 or an IANA zone, got %q", v)
	}
	return loc, nil
}

// zoneTable holds abbreviations whose meaning is not in doubt in incident
// reports. Ambiguous ones (CST is China, Cuba and US Central; IST is
// India, Ireland and Israel) are absent on purpose: a report using them
// must name them under zones in hindsight.yaml, or the time is flagged.
var zoneTable = map[string]int{
	"UTC": 0, "GMT": 0, "Z": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600,
	"CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600,
	"PST": -8 * 3600, "PDT": -7 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
	"BZT": -6 * 3600, // Belize time, used by the seed template
	"WET": 0, "WEST": 3600, "BST": 3600,
	"CET": 3600, "CEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600,
	"MSK": 3 * 3600,
	"JST": 9 * 3600, "KST": 9 * 3600,
	"AEST": 10 * 3600, "AEDT": 11 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600,
	"SGT": 8 * 3600, "HKT": 8 * 3600,
	"BRT": -3 * 3600, "ART": -3 * 3600,
}

// Ambiguous lists abbreviations hindsight refuses to guess.
var Ambiguous = map[string]string{
	"CST": "US Central (-06:00), China (+08:00) or Cuba (-05:00)",
	"IST": "India (+05:30), Ireland (+01:00) or Israel (+02:00)",
	"AST": "Atlantic (-04:00) or Arabia (+03:00)",
}

// ReportsPath is the absolute folder of the reports.
func (s *Site) ReportsPath() string { return filepath.Join(s.Root, filepath.FromSlash(s.ReportsDir)) }

// ThemeDir is the absolute folder whose layouts/ and static/ override the
// embedded theme file by file, or "" when there is none. Without a theme
// key, a layouts/ folder beside the config is the override (its static
// files are not taken, since a repository root often has other uses for
// a folder of that name).
func (s *Site) ThemeDir() (dir string, withStatic bool) {
	if s.Theme != "" {
		if filepath.IsAbs(s.Theme) {
			return s.Theme, true
		}
		return filepath.Join(s.Root, s.Theme), true
	}
	if st, err := os.Stat(filepath.Join(s.Root, "layouts")); err == nil && st.IsDir() {
		return s.Root, false
	}
	return "", false
}
