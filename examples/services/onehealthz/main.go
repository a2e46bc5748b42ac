// Command onehealthz is a small HTTP service with one /healthz endpoint for every probe and
// Prometheus metrics on its service port (/metrics), written with the standard library only.
//
// It listens on all interfaces on the port named by the PORT environment variable (8080 when
// unset) and, on SIGTERM, stops accepting connections and lets in-flight requests finish
// within drainTimeout.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

const drainTimeout = 15 * time.Second

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	addr, err := listenAddr(os.Getenv)
	if err != nil {
		logger.Error("bad configuration", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		logger.Error("listen failed", "addr", addr, "err", err)
		os.Exit(1)
	}
	logger.Info("listening", "addr", ln.Addr().String())
	if err := run(ctx, ln, newHandler(newMetrics(time.Now())), drainTimeout, logger); err != nil {
		logger.Error("stopped with an error", "err", err)
		os.Exit(1)
	}
	logger.Info("stopped")
}

// listenAddr reads PORT the way PaaS-style services do: a bare port number, all interfaces.
func listenAddr(getenv func(string) string) (string, error) {
	port := getenv("PORT")
	if port == "" {
		return ":8080", nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("PORT=%q: want a port number between 1 and 65535", port)
	}
	return ":" + port, nil
}

func newHandler(m *metrics) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "world"
		}
		fmt.Fprintf(w, "hello, %s\n", name)
	})
	// One endpoint for liveness, readiness and startup: the process answering is all it checks.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", m)
	return m.instrument(mux)
}

// run serves on ln until ctx is cancelled, then drains: it returns an error if in-flight
// requests do not finish within timeout.
func run(ctx context.Context, ln net.Listener, h http.Handler, timeout time.Duration, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
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
