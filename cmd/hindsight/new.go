package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-docs/hindsight/generator/scaffold"
)

type newOptions struct {
	title    string
	severity string
	started  string
	slug     string
	dryRun   bool
}

func newNewCmd(e *env, g *globalOptions) *cobra.Command {
	o := &newOptions{}
	cmd := &cobra.Command{
		Use:   "new --title TITLE --severity SEV [--started TIME]",
		Short: "Start a report with the next free ID for its day",
		Long: `New writes <reports_dir>/YYYY/INC-YYYY-MM-DD-NNN-slug.md: front matter
filled in as far as it is known, and every section of the post-incident
report template with a comment saying what goes in it. NNN is one more
than the highest number of that day used anywhere in reports_dir. The
date is the start's, in the config timezone. An existing file is never
overwritten. The new file's path is printed, so it can be opened with
  $EDITOR "$(hindsight new --title ... --severity P1)"`,
		Example: `  hindsight new --title "Booking outage after schema migration" --severity P0
  hindsight new --title "Search slow" --severity P3 --started "2025-10-08 14:00"
  hindsight new --title "Login errors" --severity P1 --started 14:05 --slug login-errors`,
		Args: positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNew(e, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.title, "title", "t", "", "headline of the incident (required)")
	f.StringVarP(&o.severity, "severity", "s", "", "severity, one of the config's severities (default P0..P3; required)")
	f.StringVar(&o.started, "started", "", `when the incident started: RFC 3339, "2025-10-08 14:00" (config timezone), "2025-10-08 14:00 -06:00", or "14:00" today (default: now)`)
	f.StringVar(&o.slug, "slug", "", "file-name words after the ID (default: from the title)")
	f.BoolVarP(&o.dryRun, "dry-run", "n", false, "print the report instead of writing it; its path goes to stderr")
	return cmd
}

func runNew(e *env, g *globalOptions, o *newOptions) error {
	// Flags first, so a typo is a usage error even where the config is
	// broken.
	if o.title == "" {
		return &usageError{errors.New("--title is required")}
	}
	if o.severity == "" {
		return &usageError{errors.New("--severity is required")}
	}
	s, err := e.loadSite(g)
	if err != nil {
		return err
	}
	started, err := scaffold.ParseStarted(s, o.started, time.Now())
	if err != nil {
		return inputError(err)
	}
	d, err := scaffold.NewDraft(s, scaffold.Report{Title: o.title, Severity: o.severity, Started: started, Slug: o.slug})
	if err != nil {
		return inputError(err)
	}
	path := d.Path
	if rel, err := filepath.Rel(e.dir, d.Path); err == nil {
		path = rel
	}
	if o.dryRun {
		fmt.Fprintf(e.stderr, "would write %s\n", path)
		_, err := e.stdout.Write(d.Data)
		return err
	}
	if err := d.Write(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, path)
	return nil
}

// inputError turns what scaffold calls bad input into a usage error, so
// it exits with status 2.
func inputError(err error) error {
	var ie *scaffold.InputError
	if errors.As(err, &ie) {
		return &usageError{err}
	}
	return err
}
