package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/hindsight-docs/hindsight/generator/htmlcheck"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"hindsight": func() {
			os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
		},
	})
}

// TestScripts runs the end-to-end scenarios in testdata/script: each
// .txtar file is a repository and the commands run in it.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("TZ", "UTC")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"safehtml":     safeHTML,
			"bigfile":      bigFile,
			"cmptree":      cmpTree,
			"unprivileged": unprivileged,
		},
	})
}

// safeHTML DIR fails when any .html file below DIR could run script
// that is not the theme's own (see htmlcheck.Check).
func safeHTML(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: safehtml DIR")
	}
	err := filepath.WalkDir(ts.MkAbs(args[0]), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := htmlcheck.Check(f); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		return nil
	})
	if err != nil {
		ts.Fatalf("%v", err)
	}
}

// unprivileged PROG ARGS... runs PROG (found on the script's PATH) as an
// ordinary user: as root, who reads every file whatever its mode, the
// script could not make a file unreadable otherwise. The work folder is
// handed to that user (uid and gid 65534) for the run.
func unprivileged(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: unprivileged PROG ARGS...")
	}
	prog, err := lookPath(ts.Getenv("PATH"), args[0])
	if err != nil {
		ts.Fatalf("%v", err)
	}
	cmd := exec.Command(prog, args[1:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TZ", "WORK", "TMPDIR"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if os.Geteuid() == 0 {
		const nobody = 65534
		work := ts.Getenv("WORK")
		// Every folder above the work folder and the program must let
		// the user through; the work folder becomes the user's.
		for _, p := range []string{work, filepath.Dir(prog)} {
			for d := p; d != filepath.Dir(d); d = filepath.Dir(d) {
				if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o001 == 0 {
					ts.Check(os.Chmod(d, st.Mode().Perm()|0o011))
				}
			}
		}
		ts.Check(filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, nobody, nobody)
		}))
		runAs(cmd, nobody)
	}
	err = cmd.Run()
	_, _ = ts.Stdout().Write(stdout.Bytes())
	_, _ = ts.Stderr().Write(stderr.Bytes())
	if err != nil && !neg {
		ts.Fatalf("%s: %v", args[0], err)
	}
	if err == nil && neg {
		ts.Fatalf("%s: unexpected success", args[0])
	}
}

func lookPath(path, name string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found on the script's PATH", name)
}

// cmpTree A B fails unless the two folders hold the same files with the
// same bytes.
func cmpTree(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: cmptree A B")
	}
	read := func(root string) map[string][]byte {
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files[filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			ts.Fatalf("cmptree: %v", err)
		}
		return files
	}
	a, b := read(ts.MkAbs(args[0])), read(ts.MkAbs(args[1]))
	var diffs []string
	for name, data := range a {
		if other, ok := b[name]; !ok {
			diffs = append(diffs, "only in "+args[0]+": "+name)
		} else if !bytes.Equal(data, other) {
			diffs = append(diffs, "differs: "+name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			diffs = append(diffs, "only in "+args[1]+": "+name)
		}
	}
	if neg && len(diffs) == 0 {
		ts.Fatalf("%s and %s are identical", args[0], args[1])
	}
	if !neg && len(diffs) > 0 {
		if len(diffs) > 20 {
			diffs = diffs[:20]
		}
		ts.Fatalf("%s and %s differ:\n%s", args[0], args[1], strings.Join(diffs, "\n"))
	}
}

// bigFile PATH KIND N writes a hostile report: KIND "report" is a
// report of about N megabytes of body, "timeline" one with N timeline
// entries, "nested" front matter nested N levels deep.
func bigFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: bigfile PATH report|timeline|nested N")
	}
	n, err := strconv.Atoi(args[2])
	if err != nil {
		ts.Fatalf("bigfile: %v", err)
	}
	var b strings.Builder
	b.WriteString("---\ntitle: Big\nseverity: P3\nstarted: 2025-01-01 10:00\n")
	switch args[1] {
	case "report":
		b.WriteString("---\n")
		line := "The booking API returned errors after a deploy changed the schema of a table and requests failed.\n\n"
		for b.Len() < n<<20 {
			b.WriteString(line)
		}
	case "timeline":
		b.WriteString("timeline:\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "  - {at: \"2025-01-01 %02d:%02d\", event: Step %d, who: SRE}\n", i/60%24, i%60, i)
		}
		b.WriteString("---\nBody.\n")
	case "nested":
		b.WriteString("impact: ")
		b.WriteString(strings.Repeat("[", n))
		b.WriteString(strings.Repeat("]", n))
		b.WriteString("\n---\nBody.\n")
	default:
		ts.Fatalf("bigfile: unknown kind %q", args[1])
	}
	if err := os.MkdirAll(filepath.Dir(ts.MkAbs(args[0])), 0o755); err != nil {
		ts.Fatalf("bigfile: %v", err)
	}
	if err := os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644); err != nil {
		ts.Fatalf("bigfile: %v", err)
	}
}
