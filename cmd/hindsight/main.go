// Command hindsight builds a static site of post-incident reports from a
// repository's docs/incident-reports folder and its git history.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err as one "hindsight: ..." line and maps it to the
// exit status: 2 for usage errors, 1 for every other failure.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var quiet *silentError
	if !errors.As(err, &quiet) {
		fmt.Fprintf(stderr, "hindsight: %v\n", err)
	}
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}
