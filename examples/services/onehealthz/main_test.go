package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestListenAddr(t *testing.T) {
	for _, tc := range []struct{ port, want, err string }{
		{"", ":8080", ""},
		{"9000", ":9000", ""},
		{"80", ":80", ""},
		{"0", "", "PORT=\"0\": want a port number between 1 and 65535"},
		{"http", "", "PORT=\"http\": want a port number"},
		{":8080", "", "want a port number"},
		{"70000", "", "want a port number"},
	} {
		got, err := listenAddr(func(k string) string {
			if k == "PORT" {
				return tc.port
			}
			return ""
		})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("PORT=%q: error = %v, want %q", tc.port, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("PORT=%q: got %q, %v; want %q", tc.port, got, err, tc.want)
		}
	}
}

func do(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestEndpoints(t *testing.T) {
	h := newHandler(newMetrics(time.Unix(1700000000, 0)))
	if rec := do(h, "GET", "/healthz"); rec.Code != 200 || rec.Body.String() != "ok\n" {
		t.Errorf("/healthz = %d %q", rec.Code, rec.Body.String())
	}
	if rec := do(h, "GET", "/hello?name=probe"); rec.Code != 200 || rec.Body.String() != "hello, probe\n" {
		t.Errorf("/hello = %d %q", rec.Code, rec.Body.String())
	}
	for _, path := range []string{"/livez", "/readyz", "/healthz/ready"} {
		if rec := do(h, "GET", path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404: /healthz is the only probe endpoint", path, rec.Code)
		}
	}
}

// sampleLine is a metric sample as the text format allows it here: name, optional labels, integer value.
var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? -?[0-9]+$`)

func TestMetricsExposition(t *testing.T) {
	h := newHandler(newMetrics(time.Unix(1700000000, 0)))
	do(h, "GET", "/hello")
	do(h, "GET", "/hello?name=x")
	do(h, "GET", "/healthz")
	do(h, "GET", "/does-not-exist")
	do(h, "POST", "/healthz")

	rec := do(h, "GET", "/metrics")
	if rec.Code != 200 {
		t.Fatalf("/metrics = %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Fatalf("Content-Type = %q", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`onehealthz_http_requests_total{route="GET /healthz",code="200"} 1`,
		`onehealthz_http_requests_total{route="GET /hello",code="200"} 2`,
		`onehealthz_http_requests_total{route="unmatched",code="404"} 1`,
		`onehealthz_http_requests_total{route="unmatched",code="405"} 1`,
		// the scrape itself is in flight while it is written
		`onehealthz_http_requests_in_flight 1`,
		`process_start_time_seconds 1700000000`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}

	// Every sample belongs to a family announced by HELP and TYPE before it.
	typed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, kind, _ := strings.Cut(f, " ")
			if kind != "counter" && kind != "gauge" {
				t.Errorf("family %s has type %q", name, kind)
			}
			typed[name] = true
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("malformed sample line %q", line)
			continue
		}
		if !typed[m[1]] {
			t.Errorf("sample %q comes before its # TYPE line", line)
		}
	}

	// The scrape is counted once it has been served.
	if !strings.Contains(do(h, "GET", "/metrics").Body.String(), `onehealthz_http_requests_total{route="GET /metrics",code="200"} 1`+"\n") {
		t.Error("the first scrape was not counted in the second")
	}
}

func TestLabelEscaping(t *testing.T) {
	if got := labelEscaper.Replace("a\\b\"c\nd"); got != `a\\b\"c\nd` {
		t.Fatalf("escaped = %q", got)
	}
}

func TestDrainCompletesInFlightRequest(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	inner := newHandler(newMetrics(time.Now()))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hello" {
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
	go func() { ran <- run(ctx, ln, h, 5*time.Second, slog.New(slog.NewTextHandler(io.Discard, nil))) }()

	type result struct {
		body string
		err  error
	}
	inFlight := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/hello?name=drain")
		if err != nil {
			inFlight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inFlight <- result{string(b), err}
	}()
	<-started
	cancel() // what SIGTERM does in main

	// New connections are refused while the in-flight request is still running.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still open 5s after cancellation")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-ran:
		t.Fatalf("run returned %v while a request was in flight", err)
	default:
	}
	close(release)
	if r := <-inFlight; r.err != nil || r.body != "hello, drain\n" {
		t.Fatalf("in-flight request = %q, %v", r.body, r.err)
	}
	if err := <-ran; err != nil {
		t.Fatalf("run = %v, want a clean drain", err)
	}
}

func TestDrainTimeoutIsAnError(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(started)
		<-release
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- run(ctx, ln, h, 100*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	go func() {
		if resp, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	select {
	case err := <-ran:
		if err == nil || !strings.Contains(err.Error(), "did not finish within 100ms") {
			t.Fatalf("run = %v, want a drain timeout error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after the drain timeout")
	}
}
