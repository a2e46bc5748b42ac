package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != ":8080" || cfg.metricsAddr != ":9090" || cfg.logLevel != slog.LevelInfo || cfg.drainTimeout != 20*time.Second || cfg.shutdownDelay != 0 {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
}

func TestLoadConfigDurations(t *testing.T) {
	cfg, err := loadConfig(env(map[string]string{"SHUTDOWN_DRAIN_TIMEOUT": "7", "SHUTDOWN_DELAY": "1500ms", "LOG_LEVEL": "debug"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.drainTimeout != 7*time.Second || cfg.shutdownDelay != 1500*time.Millisecond || cfg.logLevel != slog.LevelDebug {
		t.Fatalf("got %+v", cfg)
	}
	for _, bad := range []map[string]string{{"SHUTDOWN_DRAIN_TIMEOUT": "soon"}, {"LOG_LEVEL": "loud"}, {"LOG_FORMAT": "xml"}} {
		if _, err := loadConfig(env(bad)); err == nil {
			t.Errorf("%v: want an error", bad)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"-version"}, &out, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.HasPrefix(out.String(), "hello-service dev (commit unknown, go1.") {
		t.Fatalf("got %q", out.String())
	}
}

// TestGracefulDrain: a request in flight when the context is cancelled (SIGTERM) completes,
// readiness fails during the drain, and serve returns nil.
func TestGracefulDrain(t *testing.T) {
	cfg := config{addr: "127.0.0.1:18080", metricsAddr: "127.0.0.1:19090", logFormat: "json", drainTimeout: 5 * time.Second, shutdownDelay: 300 * time.Millisecond}
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewJSONHandler(&logs, nil))) }()
	waitFor(t, "http://127.0.0.1:18080/readyz", http.StatusOK)

	slow := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://127.0.0.1:18080/slow?duration=1s")
		if err != nil {
			slow <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- string(b)
	}()
	time.Sleep(200 * time.Millisecond)
	cancel()
	waitFor(t, "http://127.0.0.1:18080/readyz", http.StatusServiceUnavailable)
	if got := <-slow; got != "slept 1s\n" {
		t.Fatalf("in-flight request: %q", got)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	var last map[string]any
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last["msg"] != "shutdown complete" {
		t.Fatalf("last log line %q (%v)", lines[len(lines)-1], err)
	}
}

func TestMetricsExposition(t *testing.T) {
	m := newMetrics()
	h := m.instrument(http.NotFoundHandler())
	for _, p := range []string{"/x", "/healthz"} {
		req, _ := http.NewRequest("GET", p, nil)
		h.ServeHTTP(discardWriter{header: http.Header{}}, req)
	}
	var b strings.Builder
	m.ServeHTTP(&recorder{w: &b, header: http.Header{}}, nil)
	for _, want := range []string{`hello_http_requests_total{route="/healthz",code="404"} 1`, `hello_http_requests_total{route="other",code="404"} 1`, "# TYPE hello_http_requests_total counter"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
}

func waitFor(t *testing.T, url string, code int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == code {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never answered %d", url, code)
}

type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header       { return d.header }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}

type recorder struct {
	w      io.Writer
	header http.Header
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.w.Write(b) }
func (r *recorder) WriteHeader(int)             {}
