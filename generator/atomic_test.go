package generator

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-docs/hindsight/generator/config"
	"github.com/hindsight-docs/hindsight/generator/site"
)

// TestKilledBuild kills a build process at many points of its run; the
// output folder must always hold one complete site, the old or the new.
func TestKilledBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("kills builds for a while")
	}
	if root := os.Getenv("HINDSIGHT_KILL_ROOT"); root != "" {
		t.Skip("helper process")
	}
	root := fixture(t)
	// Enough reports that a build takes a measurable time.
	src, err := os.ReadFile(filepath.Join(root, "docs/incident-reports/2025/INC-2025-09-30-002-tours-lock.md"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 300; i++ {
		name := filepath.Join(root, "docs/incident-reports/2024", fmt.Sprintf("INC-2024-01-01-%03d.md", i))
		_ = os.MkdirAll(filepath.Dir(name), 0o755)
		body := strings.Replace(string(src), "title: Tours table locked by a migration", fmt.Sprintf("title: Filler %d", i), 1)
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
		cmd.Env = append(os.Environ(), "HINDSIGHT_KILL_ROOT="+root)
		return cmd
	}
	if out, err := run().CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	out := filepath.Join(root, "public")
	complete(t, out)
	for _, delay := range []time.Duration{0, 5, 10, 20, 30, 50, 80, 120, 160, 200, 300, 400, 600} {
		cmd := run()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay * time.Millisecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Run("kill after "+(delay*time.Millisecond).String(), func(t *testing.T) { complete(t, out) })
	}
}

// TestKillHelper is the build process TestKilledBuild kills.
func TestKillHelper(t *testing.T) {
	root := os.Getenv("HINDSIGHT_KILL_ROOT")
	if root == "" {
		t.Skip("only run by TestKilledBuild")
	}
	s, err := config.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), Config{Site: s, Now: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), NoHistory: true, CacheDir: filepath.Join(root, ".cache")}); err != nil {
		t.Fatal(err)
	}
}

// complete checks that dir holds exactly the files its manifest lists.
func complete(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, site.Manifest))
	if err != nil {
		t.Fatalf("no complete site: %v", err)
	}
	defer f.Close()
	want := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); !strings.HasPrefix(l, "#") {
			want[l] = true
		}
	}
	if len(want) < 300 {
		t.Fatalf("manifest lists %d files", len(want))
	}
	for name := range want {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatalf("listed file missing: %v", err)
		}
	}
	n := 0
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != site.Manifest {
			n++
		}
		return nil
	})
	if n != len(want) {
		t.Fatalf("%d files, manifest lists %d", n, len(want))
	}
}
