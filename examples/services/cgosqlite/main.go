// Command cgosqlite serves named counters stored in SQLite, which it reaches through cgo: the
// binary is dynamically linked against the C library it was built with.
//
// Configuration is by environment: DB_PATH (default /var/lib/cgosqlite/data.db; its directory
// must exist and be writable) and LISTEN_ADDR (host:port, default :8080). /healthz checks the
// database. On SIGTERM the server drains in-flight requests, then closes the database.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/golden-go/golden-go/examples/services/cgosqlite/internal/counter"
)

const drainTimeout = 10 * time.Second

type config struct {
	dbPath string
	addr   string
}

func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{dbPath: getenv("DB_PATH"), addr: getenv("LISTEN_ADDR")}
	if cfg.dbPath == "" {
		cfg.dbPath = "/var/lib/cgosqlite/data.db"
	}
	if cfg.addr == "" {
		cfg.addr = ":8080"
	}
	if _, port, err := net.SplitHostPort(cfg.addr); err != nil || port == "" {
		return config{}, fmt.Errorf("LISTEN_ADDR=%q: want host:port, e.g. :8080", cfg.addr)
	}
	return cfg, nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		logger.Error("bad configuration", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	store, err := counter.Open(ctx, cfg.dbPath)
	if err != nil {
		logger.Error("cannot open the database (set DB_PATH)", "err", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		store.Close()
		logger.Error("listen failed", "addr", cfg.addr, "err", err)
		os.Exit(1)
	}
	logger.Info("listening", "addr", ln.Addr().String(), "db", cfg.dbPath)
	err = run(ctx, ln, newHandler(store, logger), drainTimeout, logger)
	if cerr := store.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("closing the database: %w", cerr))
	}
	if err != nil {
		logger.Error("stopped with an error", "err", err)
		os.Exit(1)
	}
	logger.Info("stopped")
}

func newHandler(store *counter.Store, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	respond := func(w http.ResponseWriter, name string, value int64, err error) {
		switch {
		case errors.Is(err, counter.ErrInvalidName):
			http.Error(w, err.Error(), http.StatusBadRequest)
		case err != nil:
			logger.Error("database error", "counter", name, "err", err)
			http.Error(w, "database error", http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"name": name, "value": value})
		}
	}
	mux.HandleFunc("GET /counters/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		v, err := store.Get(r.Context(), name)
		respond(w, name, v, err)
	})
	mux.HandleFunc("POST /counters/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		v, err := store.Increment(r.Context(), name)
		respond(w, name, v, err)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := store.Check(ctx); err != nil {
			logger.Warn("health check failed", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// run serves on ln until ctx is cancelled, then drains; it returns an error if in-flight
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
