package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golden-go/golden-go/examples/services/cgosqlite/internal/counter"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestLoadConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cfg, err := loadConfig(env(nil))
	if err != nil || cfg != (config{dbPath: "/var/lib/cgosqlite/data.db", addr: ":8080"}) {
		t.Fatalf("defaults = %+v, %v", cfg, err)
	}
	cfg, err = loadConfig(env(map[string]string{"DB_PATH": "/data/c.db", "LISTEN_ADDR": "0.0.0.0:9000"}))
	if err != nil || cfg != (config{dbPath: "/data/c.db", addr: "0.0.0.0:9000"}) {
		t.Fatalf("overrides = %+v, %v", cfg, err)
	}
	if _, err := loadConfig(env(map[string]string{"LISTEN_ADDR": "8080"})); err == nil || !strings.Contains(err.Error(), `LISTEN_ADDR="8080": want host:port`) {
		t.Fatalf("LISTEN_ADDR=8080 error = %v", err)
	}
}

func newTestStore(t *testing.T) *counter.Store {
	t.Helper()
	s, err := counter.Open(context.Background(), filepath.Join(t.TempDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func do(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestCounterAPI(t *testing.T) {
	h := newHandler(newTestStore(t), quietLogger())
	decode := func(rec *httptest.ResponseRecorder) (string, int64) {
		t.Helper()
		var body struct {
			Name  string `json:"name"`
			Value int64  `json:"value"`
		}
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("response %d %q", rec.Code, rec.Body.String())
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		return body.Name, body.Value
	}
	if name, v := decode(do(h, "GET", "/counters/visits")); name != "visits" || v != 0 {
		t.Fatalf("GET new counter = %s %d", name, v)
	}
	do(h, "POST", "/counters/visits")
	if _, v := decode(do(h, "POST", "/counters/visits")); v != 2 {
		t.Fatalf("second POST = %d, want 2", v)
	}
	if _, v := decode(do(h, "GET", "/counters/visits")); v != 2 {
		t.Fatalf("GET = %d, want 2", v)
	}
	if rec := do(h, "POST", "/counters/Bad.Name"); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "counter name must be") {
		t.Fatalf("POST invalid name = %d %q", rec.Code, rec.Body.String())
	}
	if rec := do(h, "DELETE", "/counters/visits"); rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE = %d", rec.Code)
	}
}

func TestHealthzFollowsTheDatabase(t *testing.T) {
	s, err := counter.Open(context.Background(), filepath.Join(t.TempDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(s, quietLogger())
	if rec := do(h, "GET", "/healthz"); rec.Code != 200 || rec.Body.String() != "ok\n" {
		t.Fatalf("/healthz = %d %q", rec.Code, rec.Body.String())
	}
	s.Close()
	if rec := do(h, "GET", "/healthz"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("/healthz with the database closed = %d, want 503", rec.Code)
	}
}

func TestDrainCompletesInFlightRequest(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	inner := newHandler(newTestStore(t), quietLogger())
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			close(started)
			<-release
		}
		inner.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- run(ctx, ln, h, 5*time.Second, quietLogger()) }()

	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/healthz over TCP = %v, %v", resp, err)
	} else {
		resp.Body.Close()
	}
	type result struct {
		code int
		body string
		err  error
	}
	inFlight := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/counters/drain", "", nil)
		if err != nil {
			inFlight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inFlight <- result{resp.StatusCode, string(b), err}
	}()
	<-started
	cancel() // what SIGTERM does in main
	select {
	case err := <-ran:
		t.Fatalf("run returned %v while a request was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if r := <-inFlight; r.err != nil || r.code != 200 || r.body != `{"name":"drain","value":1}`+"\n" {
		t.Fatalf("in-flight POST = %d %q, %v", r.code, r.body, r.err)
	}
	if err := <-ran; err != nil {
		t.Fatalf("run = %v, want a clean drain", err)
	}
}
