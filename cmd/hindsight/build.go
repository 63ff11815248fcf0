package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/hindsight-docs/hindsight/generator"
)

type buildOptions struct {
	out       string
	now       string
	public    bool
	keepGoing bool
	force     bool
	noHistory bool
	timings   bool
}

func newBuildCmd(e *env, g *globalOptions) *cobra.Command {
	o := &buildOptions{}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the site",
		Long: `Build reads every report below reports_dir, its git history, and writes
the site to the output folder (default public/). The folder is replaced
atomically: a failed build leaves the previous site intact.`,
		Args: positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBuild(e, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "output folder (default: output in hindsight.yaml, public)")
	f.StringVar(&o.now, "now", "", `"today" for overdue items and KPIs: RFC 3339 or YYYY-MM-DD (default: $SOURCE_DATE_EPOCH, else now)`)
	f.BoolVar(&o.public, "public", false, "leave out every report with visibility: internal")
	f.BoolVar(&o.keepGoing, "keep-going", false, "publish reports whose front matter is invalid instead of failing")
	f.BoolVar(&o.force, "force", false, "replace an output folder that holds files hindsight did not write")
	f.BoolVar(&o.noHistory, "no-history", false, "do not read git history")
	f.BoolVar(&o.timings, "timings", false, "print how long each phase of the build took")
	return cmd
}

func runBuild(e *env, g *globalOptions, o *buildOptions) error {
	tuneGC(e.ctx)
	s, err := e.loadSite(g)
	if err != nil {
		return err
	}
	now, err := e.parseNow(o.now, s.Location)
	if err != nil {
		return err
	}
	cfg := generator.Config{
		Site: s, Out: o.out, Now: now, Public: o.public,
		KeepGoing: o.keepGoing, Force: o.force, NoHistory: o.noHistory,
	}
	if cfg.Out != "" && !filepath.IsAbs(cfg.Out) {
		cfg.Out = filepath.Join(e.dir, cfg.Out)
	}
	res, err := generator.Build(e.ctx, cfg)
	var be *generator.BuildError
	if errors.As(err, &be) {
		printDiagnostics(e.stderr, be.Diagnostics)
		return fmt.Errorf("build failed: %d invalid report file(s); fix them or use --keep-going", len(be.Diagnostics))
	}
	if err != nil {
		return err
	}
	printDiagnostics(e.stderr, res.Diagnostics)
	res.Out = e.display(res.Out) + string(filepath.Separator)
	fmt.Fprintln(e.stdout, res.Summary())
	if o.timings {
		fmt.Fprintln(e.stderr, "timings: "+res.Timings())
	}
	return nil
}
