package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/replace"
)

// Module is the module path workflows run hindsight from.
const Module = "github.com/hindsight-docs/hindsight"

// Files init writes, relative to the repository root (the workflows and
// pull request template) or to the config's folder (the rest).
const (
	PagesWorkflow = ".github/workflows/hindsight-pages.yml"
	CheckWorkflow = ".github/workflows/hindsight-check.yml"
	PRTemplate    = ".github/pull_request_template.md"
	KeepFile      = ".gitkeep"
)

// InitOptions say where `hindsight init` runs and how.
type InitOptions struct {
	Dir        string // working folder
	ConfigPath string // --config; "" looks for hindsight.yaml as every command does
	Force      bool   // replace files that exist and differ
	// Version is the hindsight version the workflows run; "" is the
	// version of this binary when it has one, else "latest".
	Version string
}

// Action is what init did with one file.
type Action string

// The actions, as printed.
const (
	Wrote     Action = "wrote"     // the file was new
	Replaced  Action = "replaced"  // it differed and Force was set
	Unchanged Action = "unchanged" // it already had this content
	Skipped   Action = "skipped"   // it differed and Force was not set
	Extended  Action = "extended"  // lines were added to it
)

// Outcome is one file of init.
type Outcome struct {
	Path   string // absolute
	Action Action
}

// InitFile is one file init would write.
type InitFile struct {
	Path string // absolute
	Data []byte
	// Extend says Data is the file as it is plus lines init adds: it is
	// written without Force.
	Extend bool
}

// Init writes the files of InitFiles. A file that exists with other
// content is replaced only with Force, and otherwise reported as
// Skipped; init carries on with the other files, so one customised file
// does not block the rest. It stops at the first write that fails.
func Init(o InitOptions) ([]Outcome, error) {
	files, err := InitFiles(o)
	if err != nil {
		return nil, err
	}
	var out []Outcome
	for _, f := range files {
		a, err := put(f, o.Force)
		if err != nil {
			return out, err
		}
		out = append(out, Outcome{Path: f.Path, Action: a})
	}
	return out, nil
}

func put(f InitFile, force bool) (Action, error) {
	old, err := os.ReadFile(f.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := createExclusive(f.Path, f.Data); err != nil {
			return "", err
		}
		return Wrote, nil
	case err != nil:
		return "", fmt.Errorf("read %s: %w", f.Path, err)
	case bytes.Equal(old, f.Data):
		return Unchanged, nil
	case f.Extend:
		if err := replace.Bytes(f.Path, f.Data); err != nil {
			return "", err
		}
		return Extended, nil
	case !force:
		return Skipped, nil
	}
	if err := replace.Bytes(f.Path, f.Data); err != nil {
		return "", err
	}
	return Replaced, nil
}

// InitFiles returns what init writes, without writing: hindsight.yaml,
// the pages and check workflows, the pull request template, and a
// .gitkeep in the reports folder when that folder is missing or empty
// (git does not keep empty folders).
//
// The workflows and pull request template go in the git repository
// root (GitHub looks nowhere else); without git, in the config's
// folder. The config is the one every command would read, so a
// repository with its own hindsight.yaml gets workflows for its
// reports_dir and output, and rewriting the config (with Force) keeps
// its settings.
func InitFiles(o InitOptions) ([]InitFile, error) {
	s, err := config.Load(o.Dir, o.ConfigPath)
	if err != nil {
		return nil, err
	}
	root := config.RepoRoot(o.Dir)
	if root == "" {
		root = s.Root
	}
	if s.Path != "" && o.ConfigPath == "" && !inside(root, s.Path) {
		// A hindsight.yaml above the repository (in a home folder, say)
		// belongs to another project: set this repository up on its own.
		if s, err = config.Default(root); err != nil {
			return nil, err
		}
	}
	cfgPath := s.Path
	if cfgPath == "" {
		cfgPath = filepath.Join(s.Root, config.FileName)
	}
	d, err := newWorkflowVars(s, root, o.Version)
	if err != nil {
		return nil, err
	}
	cfg, err := configFile(s)
	if err != nil {
		return nil, err
	}
	files := []InitFile{{Path: cfgPath, Data: cfg}}
	for _, t := range []struct{ name, path string }{
		{"hindsight-pages.yml.tmpl", PagesWorkflow},
		{"hindsight-check.yml.tmpl", CheckWorkflow},
		{"pull_request_template.md.tmpl", PRTemplate},
	} {
		data, err := render(t.name, d)
		if err != nil {
			return nil, err
		}
		files = append(files, InitFile{Path: filepath.Join(root, filepath.FromSlash(t.path)), Data: data})
	}
	out := s.Output
	if !filepath.IsAbs(out) {
		out = filepath.Join(s.Root, out)
	}
	if f, ok, err := gitignore(root, out); err != nil {
		return nil, err
	} else if ok {
		files = append(files, f)
	}
	reports := s.ReportsPath()
	entries, err := os.ReadDir(reports)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reports folder %s: %w", reports, err)
	}
	if len(entries) == 0 || (len(entries) == 1 && entries[0].Name() == KeepFile) {
		files = append(files, InitFile{Path: filepath.Join(reports, KeepFile), Data: nil})
	}
	return files, nil
}

// gitignore is the repository's .gitignore with lines that keep the
// built site, and the site before it that the next build reuses, out of
// git; ok is false when the output is outside the repository or its name
// would need escaping in a pattern.
func gitignore(root, out string) (f InitFile, ok bool, err error) {
	rel, err := filepath.Rel(root, out)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return f, false, nil
	}
	rel = filepath.ToSlash(rel)
	if strings.ContainsAny(rel, "*?[\\!#\n") || strings.TrimSpace(rel) != rel {
		return f, false, nil
	}
	dir, base := path.Split(rel)
	want := []string{"/" + rel + "/", "/" + dir + "." + base + ".*"}
	p := filepath.Join(root, ".gitignore")
	old, err := os.ReadFile(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return f, false, fmt.Errorf("read %s: %w", p, err)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(old), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	data := string(old)
	added := false
	for _, w := range want {
		if have[w] {
			continue
		}
		if !added {
			if data != "" && !strings.HasSuffix(data, "\n") {
				data += "\n"
			}
			data += "# hindsight: the built site, and the one before it that the next build reuses\n"
			added = true
		}
		data += w + "\n"
	}
	return InitFile{Path: p, Data: []byte(data), Extend: true}, true, nil
}

func inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// workflowVars is what the workflow and pull request templates see.
type workflowVars struct {
	Module, Version string
	Branch          string // YAML scalar
	ReportsGlob     string // YAML scalar: the paths filter of the reports
	ConfigGlob      string // YAML scalar: the paths filter of the config
	ReportsDir      string // slash path from the repository root, for prose
	Output          string // YAML scalar: the site folder from the repository root
	WorkDir         string // YAML scalar: where hindsight finds its config; "" at the root
	DeadlineHours   string
	Currency        string
	Severity        string // an example severity for the pull request template
}

func newWorkflowVars(s *config.Site, root, version string) (workflowVars, error) {
	rel := func(what, p string) (string, error) {
		r, err := filepath.Rel(root, p)
		if err != nil || !inside(root, p) {
			return "", fmt.Errorf("%s %s is outside the repository %s", what, p, root)
		}
		return filepath.ToSlash(r), nil
	}
	reports, err := rel("reports_dir", s.ReportsPath())
	if err != nil {
		return workflowVars{}, err
	}
	out := s.Output
	if !filepath.IsAbs(out) {
		out = filepath.Join(s.Root, out)
	}
	output, err := rel("output", out)
	if err != nil {
		return workflowVars{}, err
	}
	work, err := rel("config folder", s.Root)
	if err != nil {
		return workflowVars{}, err
	}
	cfgFile := path.Join(work, config.FileName)
	if s.Path != "" {
		if cfgFile, err = rel("config", s.Path); err != nil {
			return workflowVars{}, err
		}
	}
	d := workflowVars{
		Module:        Module,
		Version:       version,
		Branch:        yamlScalar(s.Branch),
		ReportsGlob:   yamlScalar(globEscape(reports) + "/**"),
		ConfigGlob:    yamlScalar(globEscape(cfgFile)),
		ReportsDir:    reports,
		Output:        yamlScalar(output),
		DeadlineHours: strconv.FormatFloat(s.ReportDeadlineHours, 'f', -1, 64),
		Currency:      s.Currency,
		Severity:      s.Severities[len(s.Severities)/2],
	}
	if work != "." {
		d.WorkDir = yamlScalar(work)
	}
	if d.Version == "" {
		d.Version = buildVersion()
	}
	return d, nil
}

// globEscape escapes the characters GitHub's paths filters treat as
// patterns, so a folder named "reports [old]" matches itself only.
func globEscape(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?+[]!\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// buildVersion is the module version of this binary, so the workflows
// run the hindsight the user set the repository up with; a binary built
// from a checkout has none, and then the workflows follow the latest
// release.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Path != Module {
		return "latest"
	}
	switch v := bi.Main.Version; {
	case v == "" || v == "(devel)" || strings.HasSuffix(v, "+dirty"):
		return "latest"
	default:
		return v
	}
}

// configFile renders hindsight.yaml: every key with a comment saying
// what it does. A key at its default is commented out, so the file is
// documentation and the embedded defaults still apply; a key the site
// sets otherwise (an existing config being rewritten) is live.
func configFile(s *config.Site) ([]byte, error) {
	def, err := config.Default(s.Root)
	if err != nil {
		return nil, err
	}
	cur, err := settings(s)
	if err != nil {
		return nil, err
	}
	dflt, err := settings(def)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	setting := func(key string) (string, error) {
		v, ok := cur[key]
		if !ok {
			return "", fmt.Errorf("hindsight.yaml template: unknown key %q", key)
		}
		used[key] = true
		line := key + ": " + v
		if strings.HasPrefix(v, "\n") {
			line = key + ":" + v // a block mapping starts on the next line
		}
		if v == dflt[key] {
			return "# " + strings.ReplaceAll(line, "\n", "\n# "), nil
		}
		return line, nil
	}
	t, err := loadTemplate("hindsight.yaml.tmpl", template.FuncMap{"setting": setting})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		return nil, fmt.Errorf("embedded template hindsight.yaml.tmpl: %w", err)
	}
	for k := range cur {
		if !used[k] {
			// A config key the template does not document would be
			// lost by init --force; refuse rather than drop it.
			return nil, fmt.Errorf("embedded template hindsight.yaml.tmpl: key %q is not documented", k)
		}
	}
	return b.Bytes(), nil
}

// settings is each config key with its value as one line of YAML (flow
// style), taken from the yaml tags of config.Site so that a key added
// there cannot be missed here.
func settings(s *config.Site) (map[string]string, error) {
	var doc yaml.Node
	if err := doc.Encode(s); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	out := map[string]string{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
			v.Style = yaml.FlowStyle
		}
		if k.Value == "zones" && len(v.Content) > 0 {
			// Zones read better one per line, as the docs show them.
			v.Style = 0
		}
		b, err := yaml.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", k.Value, err)
		}
		val := strings.TrimSuffix(string(b), "\n")
		if v.Kind == yaml.MappingNode && v.Style == 0 {
			val = "\n  " + strings.ReplaceAll(val, "\n", "\n  ")
		}
		out[k.Value] = val
	}
	return out, nil
}
