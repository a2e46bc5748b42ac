package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo"
)

type serveOptions struct {
	port            int
	shutdownTimeout time.Duration
}

func newServeCommand() *cobra.Command {
	opts := serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API until SIGTERM",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.port < 1 || opts.port > 65535 {
				return fmt.Errorf("--port %d: want a port number between 1 and 65535", opts.port)
			}
			if opts.shutdownTimeout <= 0 {
				return fmt.Errorf("--shutdown-timeout %s: must be positive", opts.shutdownTimeout)
			}
			addr := net.JoinHostPort("", strconv.Itoa(opts.port))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			logger := slog.New(slog.NewJSONHandler(cmd.OutOrStdout(), nil))
			logger.Info("listening", "addr", ln.Addr().String(), "version", buildinfo.Version)
			if err := newAPI().run(cmd.Context(), ln, opts.shutdownTimeout, logger); err != nil {
				return err
			}
			logger.Info("stopped")
			return nil
		},
	}
	cmd.Flags().IntVar(&opts.port, "port", 8080, "TCP port to listen on, on all interfaces")
	cmd.Flags().DurationVar(&opts.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long in-flight requests may take to finish after SIGTERM")
	return cmd
}

type api struct {
	draining atomic.Bool
	handler  http.Handler
}

func newAPI() *api {
	a := &api{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/info", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(buildinfo.Get())
	})
	mux.HandleFunc("GET /health/live", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "live")
	})
	mux.HandleFunc("GET /health/ready", func(w http.ResponseWriter, _ *http.Request) {
		if a.draining.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	a.handler = mux
	return a
}

// run serves on ln until ctx is cancelled, then fails readiness and drains within timeout.
func (a *api) run(ctx context.Context, ln net.Listener, timeout time.Duration, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.draining.Store(true)
	logger.Info("draining", "timeout", timeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("drain did not finish within %s: %w", timeout, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
