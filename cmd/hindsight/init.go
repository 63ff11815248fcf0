package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/hindsight-docs/hindsight/generator/scaffold"
)

type initOptions struct {
	force bool
}

func newInitCmd(e *env, g *globalOptions) *cobra.Command {
	o := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Add config, GitHub workflows and a PR template to a repository",
		Long: `Init sets up the repository (the git root, or the working folder without
git) for hindsight:

  hindsight.yaml                          every setting, commented, at its default
  .github/workflows/hindsight-pages.yml   build and deploy to GitHub Pages on
                                          push, nightly and on demand
  .github/workflows/hindsight-check.yml   check the reports a pull request changes
  .github/pull_request_template.md        the post-incident review checklist
  <reports_dir>/.gitkeep                  when the reports folder is missing or empty

A file that exists with the same content is left as it is. One that
differs is skipped, and init exits with status 1 once it has written the
rest; --force replaces such files. Running init again is safe.`,
		Args: positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(e, g, o)
		},
	}
	cmd.Flags().BoolVarP(&o.force, "force", "f", false, "replace files that exist and differ")
	return cmd
}

func runInit(e *env, g *globalOptions, o *initOptions) error {
	outcomes, err := scaffold.Init(scaffold.InitOptions{Dir: e.dir, ConfigPath: g.configPath, Force: o.force})
	skipped, wrote := 0, 0
	for _, oc := range outcomes {
		path := oc.Path
		if rel, err := filepath.Rel(e.dir, oc.Path); err == nil {
			path = rel
		}
		switch oc.Action {
		case scaffold.Skipped:
			skipped++
			fmt.Fprintf(e.stderr, "%s: exists, skipped (use --force)\n", path)
		case scaffold.Wrote, scaffold.Replaced, scaffold.Extended:
			wrote++
			fmt.Fprintf(e.stdout, "%s %s\n", oc.Action, path)
		default:
			fmt.Fprintf(e.stdout, "%s %s\n", oc.Action, path)
		}
	}
	if err != nil {
		return err
	}
	if wrote > 0 {
		fmt.Fprintln(e.stderr, "next: commit these files, then on GitHub set Settings → Pages → Source to \"GitHub Actions\"")
	}
	if skipped > 0 {
		return fmt.Errorf("%d existing file(s) differ and were left as they are; compare them, or run init --force to replace them", skipped)
	}
	return nil
}
