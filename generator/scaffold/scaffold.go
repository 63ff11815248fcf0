// Package scaffold writes new reports and sets up repositories: the
// file behind `hindsight new` (a report with the next free ID of its
// day, laid out like the seed template) and the files behind
// `hindsight init` (hindsight.yaml, the GitHub workflows and a pull
// request template). It never replaces a file the user has unless told
// to, and never leaves a half-written one.
package scaffold

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

//go:embed templates
var templateFS embed.FS

// InputError is a mistake in what the user asked for (an unknown
// severity, an empty title, an unreadable time): the command line
// reports it as a usage error.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, a ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, a...)}
}

// loadTemplate parses one embedded template. The delimiters are [[ ]]
// because the workflow files are full of GitHub's own ${{ }}.
// extra adds functions that need per-call state.
func loadTemplate(name string, extra template.FuncMap) (*template.Template, error) {
	data, err := templateFS.ReadFile("templates/" + name)
	if err != nil {
		return nil, fmt.Errorf("embedded template %s: %w", name, err)
	}
	t, err := template.New(name).Delims("[[", "]]").Option("missingkey=error").Funcs(funcs).Funcs(extra).Parse(string(data))
	if err != nil {
		return nil, fmt.Errorf("embedded template %s: %w", name, err)
	}
	return t, nil
}

func render(name string, data any) ([]byte, error) {
	t, err := loadTemplate(name, nil)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("embedded template %s: %w", name, err)
	}
	return []byte(b.String()), nil
}

var funcs = template.FuncMap{
	"yaml": yamlScalar,
	"pad":  pad,
}

// pad fills s with spaces to width, so the trailing comments of
// generated YAML line up whatever the value's length.
func pad(width int, s string) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s + " "
}

// yamlScalar writes s as a one-line YAML scalar, quoted only when YAML
// needs it ("yes", "a: b", "" are quoted; "Booking outage" is not), so
// generated files read as if written by hand.
func yamlScalar(s string) string {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.ContainsAny(s, "\n\r") {
		n.Style = yaml.DoubleQuotedStyle
	}
	out, err := yaml.Marshal(n)
	if err != nil {
		// Marshalling a string node cannot fail; fall back to a form
		// that is valid YAML anyway.
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// createExclusive writes a new file at path, creating its folder. It
// fails with fs.ErrExist when anything (even a dangling link) is there,
// so a concurrent writer or an existing report is never overwritten; a
// failed write removes the partial file.
func createExclusive(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; not overwriting it: %w", path, fs.ErrExist)
		}
		return fmt.Errorf("create %s: %w", path, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
