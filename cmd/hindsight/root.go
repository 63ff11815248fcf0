package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// silentError fails the command without another message: the command
// has already said what went wrong.
type silentError struct{ err error }

func (e *silentError) Error() string { return e.err.Error() }

// env is what every command gets from main: streams, the working folder
// and the environment, so tests can run commands in-process.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	dir    string
	getenv func(string) string
}

// globalOptions are the flags every command shares.
type globalOptions struct {
	configPath string
	cpuProfile string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, dir: dir, getenv: os.Getenv}
	g := &globalOptions{}
	root := newRootCmd(e, g)
	root.SetArgs(args)
	var stop func() error
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) (err error) {
		stop, err = startProfile(g.cpuProfile)
		return err
	}
	err = root.ExecuteContext(ctx)
	if stop != nil {
		if perr := stop(); err == nil && perr != nil {
			err = fmt.Errorf("--cpuprofile: %w", perr)
		}
	}
	return err
}

// startProfile writes a CPU profile of the command to file, if one is
// named, until stop; scripts/pgo.sh makes the compiler's profile
// (cmd/hindsight/default.pgo) of such profiles.
func startProfile(file string) (stop func() error, err error) {
	if file == "" {
		return nil, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

func newRootCmd(e *env, g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "hindsight",
		Short: "Static site generator for post-incident reports",
		Long: `hindsight turns a repository's docs/incident-reports folder and its git
history into a static site: every report, an index, action-item
dashboards, incident metrics, feeds and data exports.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &usageError{fmt.Errorf("unknown command %q (see hindsight --help)", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return &usageError{err} })
	root.PersistentFlags().StringVar(&g.configPath, "config", "", "config file (default: hindsight.yaml found upwards from here)")
	root.PersistentFlags().StringVar(&g.cpuProfile, "cpuprofile", "", "write a CPU profile of the command to this file")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.AddCommand(newBuildCmd(e, g), newServeCmd(e, g), newActionsCmd(e, g))
	root.AddCommand(newNewCmd(e, g), newInitCmd(e, g))
	root.AddCommand(newCheckCmd(e, g), newImportCmd(e, g))
	return root
}

// positional wraps an argument check so its failure is a usage error.
func positional(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

// display shortens a path below the working folder to a relative one,
// as people typed it; other paths stay absolute.
func (e *env) display(p string) string {
	if rel, err := filepath.Rel(e.dir, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return rel
	}
	return p
}

// loadSite reads the config for a command.
func (e *env) loadSite(g *globalOptions) (*config.Site, error) {
	return config.Load(e.dir, g.configPath)
}

// parseNow reads --now, falling back to SOURCE_DATE_EPOCH, then the clock.
func (e *env) parseNow(flag string, loc *time.Location) (time.Time, error) {
	if flag != "" {
		if t, err := time.Parse(time.RFC3339, flag); err == nil {
			return t, nil
		}
		if t, err := time.ParseInLocation("2006-01-02", flag, loc); err == nil {
			return t.Add(12 * time.Hour), nil
		}
		return time.Time{}, &usageError{fmt.Errorf("--now %q: want RFC 3339 (2025-10-08T14:00:00Z) or YYYY-MM-DD", flag)}
	}
	if s := e.getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: not a number of seconds", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Now(), nil
}

// printDiagnostics writes one "path:line:col: severity rule: message"
// line per diagnostic.
func printDiagnostics(w io.Writer, ds []report.Diagnostic) {
	for _, d := range ds {
		if d.Line == 0 && d.Col == 0 {
			// about a folder or the whole repository, not a line
			fmt.Fprintf(w, "%s: %s %s: %s\n", d.Path, d.Severity, d.Rule, d.Message)
			continue
		}
		col := d.Col
		if col == 0 {
			col = 1
		}
		fmt.Fprintf(w, "%s:%d:%d: %s %s: %s\n", d.Path, max(d.Line, 1), col, d.Severity, d.Rule, d.Message)
	}
}
