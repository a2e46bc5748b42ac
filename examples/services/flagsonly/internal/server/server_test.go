package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestEndpoints(t *testing.T) {
	h := New(quietLogger()).Handler()
	for _, tc := range []struct {
		method, target string
		code           int
		body           string
	}{
		{"GET", "/greet", 200, "hello, world\n"},
		{"GET", "/greet?name=kube", 200, "hello, kube\n"},
		{"GET", "/livez", 200, "ok\n"},
		{"GET", "/readyz", 200, "ready\n"},
		{"POST", "/greet", http.StatusMethodNotAllowed, ""},
		{"GET", "/healthz", http.StatusNotFound, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
		if rec.Code != tc.code || (tc.body != "" && rec.Body.String() != tc.body) {
			t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.target, rec.Code, rec.Body.String(), tc.code, tc.body)
		}
	}
}

// blockingGreet replaces the handler so that one request stays in flight until released.
func blockingGreet(s *Server, started chan<- struct{}, release <-chan struct{}) {
	inner := s.handler
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/greet" {
			close(started)
			<-release
		}
		inner.ServeHTTP(w, r)
	})
}

// get is safe to call from any goroutine: it reports failures in its result, not through t.
func get(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestDrainCompletesInFlightRequestAndReportsNotReady(t *testing.T) {
	s := New(quietLogger())
	started, release := make(chan struct{}), make(chan struct{})
	blockingGreet(s, started, release)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx, ln, 5*time.Second) }()

	type result struct {
		code int
		body string
		err  error
	}
	inFlight := make(chan result, 1)
	go func() {
		code, body, err := get(base + "/greet?name=drain")
		inFlight <- result{code, body, err}
	}()
	<-started
	cancel() // what SIGTERM does in main

	// Shutdown closes the listener, so readiness is observed through the handler directly.
	waitFor(t, func() bool {
		rec := httptest.NewRecorder()
		s.readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code == http.StatusServiceUnavailable
	})
	select {
	case err := <-ran:
		t.Fatalf("Run returned %v while a request was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}

	close(release)
	if r := <-inFlight; r.err != nil || r.code != 200 || r.body != "hello, drain\n" {
		t.Fatalf("in-flight request = %d %q, %v", r.code, r.body, r.err)
	}
	if err := <-ran; err != nil {
		t.Fatalf("Run = %v, want a clean drain", err)
	}
}

func TestDrainTimeoutIsAnError(t *testing.T) {
	s := New(quietLogger())
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	blockingGreet(s, started, release)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx, ln, 100*time.Millisecond) }()
	go get("http://" + ln.Addr().String() + "/greet") // its outcome is irrelevant: the server gives up on it
	<-started
	cancel()
	select {
	case err := <-ran:
		if err == nil || !strings.Contains(err.Error(), "did not finish within 100ms") {
			t.Fatalf("Run = %v, want a drain timeout error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the drain timeout")
	}
}

func TestServesOverTCPUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- New(quietLogger()).Run(ctx, ln, time.Second) }()
	base := "http://" + ln.Addr().String()
	for _, path := range []string{"/livez", "/readyz", "/greet"} {
		if code, body, err := get(base + path); err != nil || code != 200 {
			t.Errorf("GET %s = %d %q, %v", path, code, body, err)
		}
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/livez"); err == nil {
		t.Fatal("server still accepts connections after Run returned")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
