package scaffold

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hindsight-docs/hindsight/generator/config"
)

// files lists what init wrote below root, as slash paths.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestInitFiles(t *testing.T) {
	tests := []struct {
		name   string
		tree   map[string]string
		sub    string // working folder below the root
		git    bool   // make root a repository (a .git folder is enough)
		want   []string
		checks map[string][]string // file → strings it must contain
	}{
		{
			name: "empty folder without git",
			want: []string{".github/pull_request_template.md", ".github/workflows/hindsight-check.yml",
				".github/workflows/hindsight-pages.yml", ".gitignore", "docs/incident-reports/.gitkeep", "hindsight.yaml"},
			checks: map[string][]string{
				CheckWorkflow: {"- docs/incident-reports/**", "- hindsight.yaml"},
				PagesWorkflow: {"path: public", "- main"},
				".gitignore":  {"\n/public/\n/.public.*\n"},
			},
		},
		{
			name: "from a subfolder of a repository",
			git:  true,
			sub:  "docs/incident-reports/2025",
			tree: map[string]string{"docs/incident-reports/2025/INC-2025-10-08-001.md": "x"},
			want: []string{".github/pull_request_template.md", ".github/workflows/hindsight-check.yml",
				".github/workflows/hindsight-pages.yml", ".gitignore", "docs/incident-reports/2025/INC-2025-10-08-001.md", "hindsight.yaml"},
		},
		{
			name: "existing config drives the workflows",
			git:  true,
			tree: map[string]string{
				"hindsight.yaml":      "reports_dir: postmortems [old]\noutput: site\nbranch: trunk\n",
				"postmortems [old]/a": "x",
				".gitignore":          "*.log\n/site/",
			},
			want: []string{".github/pull_request_template.md", ".github/workflows/hindsight-check.yml",
				".github/workflows/hindsight-pages.yml", ".gitignore", "hindsight.yaml", "postmortems [old]/a"},
			checks: map[string][]string{
				CheckWorkflow: {`- postmortems \[old\]/**`},
				PagesWorkflow: {"path: site", "- trunk"},
				// the user's lines stay, the missing one is added
				".gitignore": {"*.log\n/site/\n# hindsight: the built site, and the one before it that the next build reuses\n/.site.*\n"},
			},
		},
		{
			name: "config in a subfolder of the repository",
			git:  true,
			tree: map[string]string{"ops/hindsight.yaml": "title: Ops\n"},
			sub:  "ops",
			want: []string{".github/pull_request_template.md", ".github/workflows/hindsight-check.yml",
				".github/workflows/hindsight-pages.yml", ".gitignore", "ops/docs/incident-reports/.gitkeep", "ops/hindsight.yaml"},
			checks: map[string][]string{
				CheckWorkflow: {"- ops/docs/incident-reports/**", "- ops/hindsight.yaml", "working-directory: ops"},
				PagesWorkflow: {"path: ops/public", "working-directory: ops"},
				".gitignore":  {"/ops/public/\n/ops/.public.*\n"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.git {
				if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			writeTree(t, root, tt.tree)
			dir := filepath.Join(root, filepath.FromSlash(tt.sub))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			out, err := Init(InitOptions{Dir: dir, Version: "v1.2.3"})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range out {
				if o.Action != Wrote && o.Action != Replaced && o.Action != Extended {
					// The config of a test tree differs from init's.
					if !(o.Action == Skipped && filepath.Base(o.Path) == config.FileName) {
						t.Errorf("%s: %s", o.Path, o.Action)
					}
				}
			}
			if got := files(t, root); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for name, wants := range tt.checks {
				b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range wants {
					if !strings.Contains(string(b), w) {
						t.Errorf("%s does not contain %q:\n%s", name, w, b)
					}
				}
				if name != ".gitignore" && !strings.Contains(string(b), "hindsight@v1.2.3 ") {
					t.Errorf("%s does not run the given version", name)
				}
			}
		})
	}
}

// TestWorkflowsAreValidYAML checks the rendered workflows parse and have
// the structure GitHub needs, whatever the values rendered into them.
func TestWorkflowsAreValidYAML(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hindsight.yaml": "reports_dir: \"weird: dir #1\"\nbranch: \"yes\"\noutput: \"out put\"\n"})
	fs, err := InitFiles(InitOptions{Dir: root})
	if err != nil {
		t.Fatal(err)
	}
	var pages, check struct {
		On          map[string]any `yaml:"on"`
		Permissions map[string]string
		Concurrency map[string]any
		Jobs        map[string]struct {
			Needs       string
			Permissions map[string]string
			Environment map[string]string
			Steps       []map[string]any
		}
	}
	for _, f := range fs {
		switch filepath.Base(f.Path) {
		case "hindsight-pages.yml":
			if err := yaml.Unmarshal(f.Data, &pages); err != nil {
				t.Fatalf("pages workflow: %v\n%s", err, f.Data)
			}
		case "hindsight-check.yml":
			if err := yaml.Unmarshal(f.Data, &check); err != nil {
				t.Fatalf("check workflow: %v\n%s", err, f.Data)
			}
		}
	}
	push, _ := pages.On["push"].(map[string]any)
	if b, _ := push["branches"].([]any); len(b) != 1 || b[0] != "yes" {
		t.Errorf("push branches = %v", push["branches"])
	}
	for _, k := range []string{"schedule", "workflow_dispatch"} {
		if _, ok := pages.On[k]; !ok {
			t.Errorf("pages workflow has no %s trigger", k)
		}
	}
	if pages.Concurrency["group"] != "pages" || pages.Permissions["contents"] != "read" {
		t.Errorf("pages concurrency/permissions: %v %v", pages.Concurrency, pages.Permissions)
	}
	deploy := pages.Jobs["deploy"]
	if deploy.Needs != "build" || deploy.Permissions["pages"] != "write" || deploy.Permissions["id-token"] != "write" || deploy.Environment["name"] != "github-pages" {
		t.Errorf("deploy job: %+v", deploy)
	}
	var uses []string
	var artifact string
	for _, s := range append(pages.Jobs["build"].Steps, deploy.Steps...) {
		if u, ok := s["uses"].(string); ok {
			uses = append(uses, u)
			if strings.HasPrefix(u, "actions/upload-pages-artifact") {
				artifact, _ = s["with"].(map[string]any)["path"].(string)
			}
		}
		if u, _ := s["uses"].(string); strings.HasPrefix(u, "actions/checkout") {
			if d, _ := s["with"].(map[string]any)["fetch-depth"].(int); d != 0 || s["with"] == nil {
				t.Errorf("checkout without fetch-depth: 0: %v", s)
			}
		}
	}
	want := []string{"actions/checkout@v4", "actions/setup-go@v5", "actions/configure-pages@v5", "actions/cache@v4", "actions/upload-pages-artifact@v3", "actions/deploy-pages@v4"}
	if !reflect.DeepEqual(uses, want) {
		t.Errorf("pages actions %v, want %v", uses, want)
	}
	if artifact != "out put" {
		t.Errorf("artifact path %q", artifact)
	}
	pr, _ := check.On["pull_request"].(map[string]any)
	paths, _ := pr["paths"].([]any)
	if len(paths) == 0 || paths[0] != "weird: dir #1/**" {
		t.Errorf("check paths = %v", paths)
	}
	var run string
	for _, s := range check.Jobs["check"].Steps {
		if r, ok := s["run"].(string); ok {
			run = r
		}
	}
	if !strings.Contains(run, `check --changed-since "origin/${{ github.base_ref }}"`) {
		t.Errorf("check step runs %q", run)
	}
}

// TestConfigFileDocumentsEveryKey checks the generated hindsight.yaml:
// as written it is the defaults; with every key uncommented it is still
// valid and still the defaults, so the documentation cannot drift from
// the config package.
func TestConfigFileDocumentsEveryKey(t *testing.T) {
	root := t.TempDir()
	def, err := config.Default(root)
	if err != nil {
		t.Fatal(err)
	}
	data, err := configFile(def)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, config.FileName)
	got, err := config.Parse(path, data)
	if err != nil {
		t.Fatalf("generated config: %v\n%s", err, data)
	}
	def.Path = path
	if !reflect.DeepEqual(settingsOf(t, got), settingsOf(t, def)) {
		t.Errorf("generated config is not the defaults")
	}
	key := regexp.MustCompile(`(?m)^# ([a-z_]+): `)
	live := key.ReplaceAll(data, []byte("$1: "))
	n := len(key.FindAll(data, -1))
	if want := len(settingsOf(t, def)); n != want {
		t.Errorf("%d keys documented, the config has %d", n, want)
	}
	got, err = config.Parse(path, live)
	if err != nil {
		t.Fatalf("config with every key uncommented: %v\n%s", err, live)
	}
	if !reflect.DeepEqual(settingsOf(t, got), settingsOf(t, def)) {
		t.Errorf("uncommented defaults differ from the defaults:\n%s", live)
	}
}

// TestConfigFileKeepsSettings checks that rewriting a config (init
// --force) keeps every value the user set.
func TestConfigFileKeepsSettings(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, config.FileName)
	user := `title: "Ops: incidents"
base_url: https://example.github.io/ops/
reports_dir: postmortems
report_deadline_hours: 72.5
severities: [SEV1, SEV2, "yes"]
default_visibility: internal
zones:
  CST: America/Chicago
  IST: "+05:30"
`
	s, err := config.Parse(path, []byte(user))
	if err != nil {
		t.Fatal(err)
	}
	data, err := configFile(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := config.Parse(path, data)
	if err != nil {
		t.Fatalf("rewritten config: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(settingsOf(t, again), settingsOf(t, s)) {
		t.Errorf("rewritten config lost settings:\n%s", data)
	}
	if !bytes.Contains(data, []byte("\nreports_dir: postmortems\n")) || !bytes.Contains(data, []byte("\n# output: public\n")) {
		t.Errorf("set keys should be live and default ones commented:\n%s", data)
	}
}

func settingsOf(t *testing.T, s *config.Site) map[string]string {
	t.Helper()
	m, err := settings(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestInitTwice(t *testing.T) {
	tests := []struct {
		name   string
		edit   bool // change hindsight.yaml between the runs
		force  bool
		want   Action // for hindsight.yaml on the second run
		others Action
	}{
		{"same content is unchanged", false, false, Unchanged, Unchanged},
		{"edited file is skipped", true, false, Skipped, Unchanged},
		{"force replaces the edited file", true, true, Replaced, Unchanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if _, err := Init(InitOptions{Dir: root}); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(root, config.FileName)
			orig, _ := os.ReadFile(cfg)
			edited := append(append([]byte(nil), orig...), "title: Mine\n"...)
			if tt.edit {
				if err := os.WriteFile(cfg, edited, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out, err := Init(InitOptions{Dir: root, Force: tt.force})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range out {
				want := tt.others
				if o.Path == cfg {
					want = tt.want
				}
				if o.Action != want {
					t.Errorf("%s: %s, want %s", o.Path, o.Action, want)
				}
			}
			now, _ := os.ReadFile(cfg)
			switch {
			case tt.force:
				// Replaced, keeping the user's setting live in its
				// documented place rather than appended.
				if !bytes.Contains(now, []byte("\ntitle: Mine\n")) || bytes.Contains(now, []byte("# title:")) || bytes.Equal(now, edited) {
					t.Errorf("hindsight.yaml after --force:\n%s", now)
				}
			case tt.edit:
				if !bytes.Equal(now, edited) {
					t.Errorf("skipped hindsight.yaml changed:\n%s", now)
				}
			default:
				if !bytes.Equal(now, orig) {
					t.Errorf("unchanged hindsight.yaml changed:\n%s", now)
				}
			}
		})
	}
}

func TestInitInvalidConfig(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hindsight.yaml": "timezone: Mars/Olympus\n"})
	_, err := Init(InitOptions{Dir: root})
	var ce *config.Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "hindsight.yaml:1") {
		t.Fatalf("err = %v, want the config error with its line", err)
	}
	if got := files(t, root); len(got) != 1 {
		t.Errorf("init wrote files despite the error: %v", got)
	}
}

// TestActionlint runs actionlint, the linter GitHub workflow authors
// use, on the generated workflows. It needs the go command and the
// module proxy (or a module cache holding actionlint), and skips
// without them.
func TestActionlint(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches and builds actionlint")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	const lint = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	probe := exec.CommandContext(ctx, gobin, "run", lint, "-version")
	probe.Dir = tmp
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("cannot run actionlint: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name string
		tree map[string]string
	}{
		{"defaults", nil},
		{"config in a subfolder", map[string]string{"ops/hindsight.yaml": "reports_dir: \"post mortems [old]\"\nbranch: release/v2\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeTree(t, root, tc.tree)
			dir := root
			if len(tc.tree) > 0 {
				dir = filepath.Join(root, "ops")
			}
			if _, err := Init(InitOptions{Dir: dir}); err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(ctx, gobin, "run", lint, "-no-color",
				filepath.Join(root, filepath.FromSlash(PagesWorkflow)), filepath.Join(root, filepath.FromSlash(CheckWorkflow)))
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("actionlint: %v\n%s", err, out)
			}
		})
	}
}
