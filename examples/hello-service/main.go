// Command hello-service is the example Go microservice that golden-go builds and deploys.
//
// It uses only the standard library and shows what the golden checklist expects of the
// program itself: probes on distinct endpoints, Prometheus metrics on a named port, JSON logs,
// a graceful SIGTERM drain, a `healthcheck` subcommand for exec-form HEALTHCHECKs, `-version`
// for the build-time self-check, and TZ that works without zoneinfo files (built with
// -tags timetzdata).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Set by the linker: -X main.version=... -X main.commit=...
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "healthcheck" {
		return healthcheck(args[1:], stderr)
	}
	fs := flag.NewFlagSet("hello-service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "hello-service %s (commit %s, %s)\n", version, commit, runtime.Version())
		return 0
	}

	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "hello-service: %v\n", err)
		return 2
	}
	logger := newLogger(stdout, cfg)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := serve(ctx, cfg, logger); err != nil {
		logger.Error("shutdown failed", "err", err)
		return 1
	}
	return 0
}

type config struct {
	addr          string
	metricsAddr   string
	logLevel      slog.Level
	logFormat     string
	shutdownDelay time.Duration // app-side preStop delay, for clusters without the preStop sleep action
	drainTimeout  time.Duration
}

func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{
		addr:         ":" + orDefault(getenv("PORT"), "8080"),
		metricsAddr:  ":" + orDefault(getenv("METRICS_PORT"), "9090"),
		logFormat:    orDefault(getenv("LOG_FORMAT"), "json"),
		drainTimeout: 20 * time.Second,
	}
	if err := cfg.logLevel.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), "info"))); err != nil {
		return cfg, fmt.Errorf("LOG_LEVEL: %w (use debug, info, warn or error)", err)
	}
	if cfg.logFormat != "json" && cfg.logFormat != "text" {
		return cfg, fmt.Errorf("LOG_FORMAT %q: use json or text", cfg.logFormat)
	}
	var err error
	if cfg.drainTimeout, err = durationEnv(getenv, "SHUTDOWN_DRAIN_TIMEOUT", cfg.drainTimeout); err != nil {
		return cfg, err
	}
	if cfg.shutdownDelay, err = durationEnv(getenv, "SHUTDOWN_DELAY", 0); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// durationEnv accepts Go durations ("15s") and plain seconds ("15"), the form a Kubernetes
// manifest most naturally carries.
func durationEnv(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s %q: want seconds or a Go duration such as 15s", name, v)
	}
	return d, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func newLogger(w io.Writer, cfg config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.logLevel}
	if cfg.logFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func serve(ctx context.Context, cfg config, logger *slog.Logger) error {
	m := newMetrics()
	var ready, started atomic.Bool

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /startupz", func(w http.ResponseWriter, _ *http.Request) {
		probe(w, started.Load())
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		probe(w, ready.Load())
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, "{\"message\":\"hello\",\"version\":%q,\"time\":%q}\n", version, time.Now().Format(time.RFC3339))
	})
	// /slow?duration=3s holds a request open: the SIGTERM drain is tested with it.
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(orDefault(r.URL.Query().Get("duration"), "1s"))
		if err != nil || d < 0 || d > time.Minute {
			http.Error(w, "duration: a Go duration up to 1m", http.StatusBadRequest)
			return
		}
		time.Sleep(d)
		fmt.Fprintf(w, "slept %s\n", d)
	})

	app := &http.Server{Addr: cfg.addr, Handler: m.instrument(mux), ReadHeaderTimeout: 5 * time.Second}
	metricsMux := http.NewServeMux()
	metricsMux.Handle("GET /metrics", m)
	metricsSrv := &http.Server{Addr: cfg.metricsAddr, Handler: metricsMux, ReadHeaderTimeout: 5 * time.Second}

	appLn, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	metricsLn, err := net.Listen("tcp", cfg.metricsAddr)
	if err != nil {
		appLn.Close()
		return err
	}
	errc := make(chan error, 2)
	go func() { errc <- app.Serve(appLn) }()
	go func() { errc <- metricsSrv.Serve(metricsLn) }()

	now := time.Now()
	_, offset := now.Zone()
	logger.Info("started",
		"version", version, "commit", commit, "go", runtime.Version(),
		"addr", cfg.addr, "metrics_addr", cfg.metricsAddr,
		"tz", now.Location().String(), "utc_offset", now.Format("-07:00"), "utc_offset_seconds", offset,
		"drain_timeout", cfg.drainTimeout.String(), "shutdown_delay", cfg.shutdownDelay.String())
	started.Store(true)
	ready.Store(true)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Readiness fails first so load balancers stop sending new requests; the optional delay covers
	// the endpoint-removal race on clusters without the preStop sleep action.
	ready.Store(false)
	logger.Info("shutdown started", "signal", context.Cause(ctx).Error(), "in_flight", m.inFlight.Load(),
		"shutdown_delay", cfg.shutdownDelay.String())
	time.Sleep(cfg.shutdownDelay)

	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.drainTimeout)
	defer cancel()
	err = errors.Join(app.Shutdown(drainCtx), metricsSrv.Shutdown(drainCtx))
	if err != nil {
		return fmt.Errorf("drain did not finish within %s: %w", cfg.drainTimeout, err)
	}
	logger.Info("shutdown complete")
	return nil
}

func probe(w http.ResponseWriter, ok bool) {
	if !ok {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ok\n")
}

// healthcheck is the exec-form HEALTHCHECK target: distroless and scratch have no wget or curl.
func healthcheck(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("path", "/healthz", "endpoint to call")
	timeout := fs.Duration("timeout", 3*time.Second, "request timeout")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	port := orDefault(os.Getenv("PORT"), "8080")
	client := &http.Client{Timeout: *timeout}
	resp, err := client.Get("http://127.0.0.1:" + port + *path)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: %s answered %d\n", *path, resp.StatusCode)
		return 1
	}
	return 0
}

// metrics renders the Prometheus text exposition format by hand to stay dependency-free.
type metrics struct {
	requests  sync2DCounter
	inFlight  atomic.Int64
	startTime time.Time
}

func newMetrics() *metrics {
	return &metrics{requests: sync2DCounter{m: map[[2]string]*atomic.Uint64{}}, startTime: time.Now()}
}

func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inFlight.Add(1)
		defer m.inFlight.Add(-1)
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		m.requests.inc(routeOf(r.URL.Path), strconv.Itoa(rec.code))
	})
}

// routeOf bounds label cardinality: unknown paths share one label value.
func routeOf(path string) string {
	switch path {
	case "/", "/healthz", "/readyz", "/startupz", "/slow":
		return path
	}
	return "other"
}

func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var b strings.Builder
	b.WriteString("# HELP hello_build_info Build information.\n# TYPE hello_build_info gauge\n")
	fmt.Fprintf(&b, "hello_build_info{version=%q,commit=%q,goversion=%q} 1\n", version, commit, runtime.Version())
	b.WriteString("# HELP hello_http_requests_total HTTP requests by route and status code.\n# TYPE hello_http_requests_total counter\n")
	for _, s := range m.requests.snapshot() {
		fmt.Fprintf(&b, "hello_http_requests_total{route=%q,code=%q} %d\n", s.a, s.b, s.n)
	}
	b.WriteString("# HELP hello_http_requests_in_flight Requests being served.\n# TYPE hello_http_requests_in_flight gauge\n")
	fmt.Fprintf(&b, "hello_http_requests_in_flight %d\n", m.inFlight.Load())
	b.WriteString("# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n# TYPE process_start_time_seconds gauge\n")
	fmt.Fprintf(&b, "process_start_time_seconds %d\n", m.startTime.Unix())
	b.WriteString("# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\n")
	fmt.Fprintf(&b, "go_goroutines %d\n", runtime.NumGoroutine())
	io.WriteString(w, b.String())
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}
