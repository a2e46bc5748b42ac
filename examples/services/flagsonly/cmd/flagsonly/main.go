// Command flagsonly is a small HTTP greeting service configured by command-line flags only.
//
// It reads no environment variables and has no -version flag, like many services in the wild:
// a deployment has to pass -listen (the default binds loopback, which no probe can reach from
// outside the container) and may pass -drain-timeout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/golden-go/golden-go/examples/services/flagsonly/internal/server"
)

type options struct {
	listen       string
	drainTimeout time.Duration
}

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		os.Exit(2) // parseFlags has reported it
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	ln, err := net.Listen("tcp", opts.listen)
	if err != nil {
		logger.Error("listen failed", "addr", opts.listen, "err", err)
		os.Exit(1)
	}
	logger.Info("listening", "addr", ln.Addr().String(), "drain_timeout", opts.drainTimeout.String())
	if err := server.New(logger).Run(ctx, ln, opts.drainTimeout); err != nil {
		logger.Error("server stopped with an error", "err", err)
		os.Exit(1)
	}
	logger.Info("stopped")
}

// parseFlags reports any error on stderr itself, as the flag package does for its own.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet("flagsonly", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.listen, "listen", "127.0.0.1:8080", "`host:port` to listen on (the loopback default is unreachable from outside a container)")
	fs.DurationVar(&opts.drainTimeout, "drain-timeout", 10*time.Second, "how long in-flight requests may take to finish after SIGTERM")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	var err error
	switch _, port, splitErr := net.SplitHostPort(opts.listen); {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected arguments %q: flagsonly takes flags only", fs.Args())
	case splitErr != nil || port == "":
		err = fmt.Errorf("-listen %q: want host:port, e.g. 0.0.0.0:8080 or :8080", opts.listen)
	case opts.drainTimeout <= 0:
		err = fmt.Errorf("-drain-timeout %s: must be positive", opts.drainTimeout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "flagsonly: %v\n", err)
		return options{}, err
	}
	return opts, nil
}
