// Command cobrasvc is an HTTP service with cobra subcommands: `cobrasvc serve --port 8080` runs
// it, `cobrasvc version` prints the version variables stamped into internal/buildinfo.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/golden-go/golden-go/examples/services/cobrasvc/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := cli.NewRootCommand(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		os.Exit(1)
	}
}
