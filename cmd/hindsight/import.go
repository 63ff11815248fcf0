package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/report"
)

type importOptions struct {
	dryRun bool
}

func newImportCmd(e *env, g *globalOptions) *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Rewrite template-layout reports into front-matter form",
		Long: `Import rewrites reports written in the team template's layout (no front
matter) into front-matter form, in place: the Incident Metadata table, the
timeline block, the Action Items and Sign-Off tables, the post-mortem
meeting bullets and the security answer become front matter and leave the
body; impact, data-handling and attachment values are copied to front
matter and their bullets stay. The narrative is kept byte for byte.

Placeholders and values that cannot be read stay in the body, with a
warning naming file and line. A file that already has front matter is
skipped. The rewritten file reads exactly as the original did; import
refuses a file where it would not.

With --dry-run, import prints a unified diff and changes nothing.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{errors.New("import: no files given (usage: hindsight import FILE...)")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(e, g, o, args)
		},
	}
	cmd.Flags().BoolVarP(&o.dryRun, "dry-run", "n", false, "print a unified diff of the changes and write nothing")
	return cmd
}

func runImport(e *env, g *globalOptions, o *importOptions, args []string) error {
	s, err := e.loadSite(g)
	if err != nil {
		return err
	}
	opt := report.Options{
		Zones:             report.Zones{Location: s.Location, Offsets: s.Offsets, Ambiguous: config.Ambiguous},
		Severities:        s.Severities,
		DefaultVisibility: s.DefaultVisibility,
	}
	failed := 0
	for _, arg := range args {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		if err := e.importFile(arg, opt, o); err != nil {
			fmt.Fprintf(e.stderr, "hindsight: %v\n", err)
			failed++
		}
	}
	if failed > 0 {
		return &silentError{fmt.Errorf("%d of %d files could not be imported", failed, len(args))}
	}
	return nil
}

// importFile imports one file; name is the argument as given, so every
// message names the file the way the user wrote it.
func (e *env) importFile(name string, opt report.Options, o *importOptions) error {
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(e.dir, p)
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("%s: %w", name, bare(err))
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		// Writing through the link would replace it with a file.
		return fmt.Errorf("%s: is a symbolic link; import the file it points to", name)
	case fi.IsDir():
		return fmt.Errorf("%s: is a folder; give the report files", name)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", name)
	}
	data, err := readLimited(p)
	if err != nil {
		return fmt.Errorf("%s: %w", name, bare(err))
	}
	shown := filepath.ToSlash(name)
	res, err := report.Import(shown, data, opt)
	if res != nil && (err != nil || o.dryRun) {
		printDiagnostics(e.stderr, res.Warnings) // the file is as it was: its own lines
	}
	if err != nil {
		return err
	}
	if res.Skipped != "" {
		fmt.Fprintf(e.stderr, "%s: %s; skipped\n", shown, res.Skipped)
		return nil
	}
	if o.dryRun {
		_, err := io.WriteString(e.stdout, report.UnifiedDiff("a/"+shown, "b/"+shown, data, res.Output))
		return err
	}
	if err := writeAtomic(p, res.Output, fi.Mode().Perm()); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	printDiagnostics(e.stderr, res.OutputWarnings)
	fmt.Fprintf(e.stdout, "%s: imported (%s, %s)\n", shown, importCount(len(res.Keys), "front-matter key"), importCount(len(res.OutputWarnings), "warning"))
	return nil
}

// importCount writes "1 warning", "2 warnings".
func importCount(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// bare drops the path of a *fs.PathError, which would repeat the file
// name, made absolute, after the name the user gave.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readLimited reads a file, refusing one larger than a report may be
// before reading it all.
func readLimited(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, report.MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > report.MaxSize {
		return nil, fmt.Errorf("larger than the %d MB a report may have", report.MaxSize>>20)
	}
	return data, nil
}

// writeAtomic replaces the file at p by data: a temporary file beside it
// renamed over it, so an interrupted import never leaves half a report.
func writeAtomic(p string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".import-*")
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		done = true
		return fmt.Errorf("write: %w", err)
	}
	done = true
	return nil
}
