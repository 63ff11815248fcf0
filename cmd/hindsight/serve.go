package main

import (
	"fmt"
	"os/exec"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-docs/hindsight/generator"
	"github.com/hindsight-docs/hindsight/generator/server"
)

type serveOptions struct {
	addr   string
	open   bool
	public bool
	now    string
}

func newServeCmd(e *env, g *globalOptions) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Build, serve on 127.0.0.1 and rebuild on every change",
		Long: `Serve builds the site into a temporary folder, serves it, watches the
reports, the config and the theme, rebuilds on every change and reloads the
browser. A failed rebuild keeps the last good site and shows the error over
the page. It listens on 127.0.0.1 only, unless --addr says otherwise.`,
		Args: positional(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(e, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", server.DefaultAddr, "address to listen on")
	f.BoolVar(&o.open, "open", false, "open the site in the default browser")
	f.BoolVar(&o.public, "public", false, "leave out internal reports, as the published site does")
	f.StringVar(&o.now, "now", "", `"today": RFC 3339 or YYYY-MM-DD (default: now)`)
	return cmd
}

func runServe(e *env, g *globalOptions, o *serveOptions) error {
	tuneGC(e.ctx)
	s, err := e.loadSite(g)
	if err != nil {
		return err
	}
	var now time.Time // zero: each rebuild uses the current time
	if o.now != "" {
		if now, err = e.parseNow(o.now, s.Location); err != nil {
			return err
		}
	}
	return server.Serve(e.ctx, server.Config{
		Build: generator.Config{Site: s, Now: now, Public: o.public},
		Addr:  o.addr,
		Log:   e.stderr,
		Ready: func(url string) {
			fmt.Fprintln(e.stdout, url)
			if o.open {
				openBrowser(url)
			}
		},
	})
}

// openBrowser asks the desktop to open url; failing quietly is right,
// since the address is printed anyway.
func openBrowser(url string) {
	name, args := "xdg-open", []string{url}
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler", url}
	}
	_ = exec.Command(name, args...).Start()
}
