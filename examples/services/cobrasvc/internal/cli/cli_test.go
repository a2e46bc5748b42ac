package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo"
)

func execute(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	root := NewRootCommand(&out, &errOut)
	root.SetArgs(args)
	err = root.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func stamp(t *testing.T, version, commit, date string) {
	t.Helper()
	old := [3]string{buildinfo.Version, buildinfo.Commit, buildinfo.BuildDate}
	buildinfo.Version, buildinfo.Commit, buildinfo.BuildDate = version, commit, date
	t.Cleanup(func() { buildinfo.Version, buildinfo.Commit, buildinfo.BuildDate = old[0], old[1], old[2] })
}

func TestVersionCommand(t *testing.T) {
	stamp(t, "v1.2.3", "abc1234", "2026-12-01T00:00:00Z")
	out, _, err := execute(context.Background(), "version")
	if err != nil {
		t.Fatal(err)
	}
	want := "cobrasvc v1.2.3 (commit abc1234, built 2026-12-01T00:00:00Z, " + runtime.Version() + ")\n"
	if out != want {
		t.Fatalf("version printed %q, want %q", out, want)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--port", "0"}, "--port 0: want a port number between 1 and 65535"},
		{[]string{"serve", "--port", "70000"}, "--port 70000: want a port number"},
		{[]string{"serve", "--shutdown-timeout", "0s"}, "--shutdown-timeout 0s: must be positive"},
		{[]string{"serve", "--listen", ":8080"}, "unknown flag: --listen"},
		{[]string{"version", "extra"}, `unknown command "extra"`},
		{[]string{"--version"}, "unknown flag: --version"},
		{[]string{"completion", "bash"}, `unknown command "completion"`},
	} {
		_, stderr, err := execute(context.Background(), tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error = %v, want %q", tc.args, err, tc.want)
		}
		if !strings.Contains(stderr, "Error: ") {
			t.Errorf("%q: stderr %q does not report the error", tc.args, stderr)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func getBody(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestServeCommandServesUntilCancelled(t *testing.T) {
	stamp(t, "v9.9.9", "feedbee", "2026-01-02T03:04:05Z")
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := execute(ctx, "serve", "--port", strconv.Itoa(port))
		done <- err
	}()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if code, _, err := getBody(base + "/health/ready"); err == nil && code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not become ready within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, body, err := getBody(base + "/health/live"); err != nil || code != 200 || body != "live\n" {
		t.Errorf("/health/live = %d %q, %v", code, body, err)
	}
	code, body, err := getBody(base + "/v1/info")
	if err != nil || code != 200 {
		t.Fatalf("/v1/info = %d %q, %v", code, body, err)
	}
	var info buildinfo.Info
	if err := json.Unmarshal([]byte(body), &info); err != nil {
		t.Fatalf("/v1/info body %q: %v", body, err)
	}
	if info != (buildinfo.Info{Version: "v9.9.9", Commit: "feedbee", BuildDate: "2026-01-02T03:04:05Z", GoVersion: runtime.Version()}) {
		t.Errorf("/v1/info = %+v", info)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve = %v, want a clean stop", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after cancellation")
	}
}

func TestDrainCompletesInFlightRequestAndFailsReadiness(t *testing.T) {
	a := newAPI()
	started, release := make(chan struct{}), make(chan struct{})
	inner := a.handler
	a.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/info" {
			close(started)
			<-release
		}
		inner.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- a.run(ctx, ln, 5*time.Second, slog.New(slog.NewTextHandler(io.Discard, nil))) }()

	type result struct {
		code int
		err  error
	}
	inFlight := make(chan result, 1)
	go func() {
		code, _, err := getBody("http://" + ln.Addr().String() + "/v1/info")
		inFlight <- result{code, err}
	}()
	<-started
	cancel() // what SIGTERM does in main

	deadline := time.Now().Add(5 * time.Second)
	for {
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, httptest.NewRequest("GET", "/health/ready", nil))
		if rec.Code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("readiness did not fail within 5s of cancellation")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-ran:
		t.Fatalf("run returned %v while a request was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if r := <-inFlight; r.err != nil || r.code != 200 {
		t.Fatalf("in-flight request = %d, %v", r.code, r.err)
	}
	if err := <-ran; err != nil {
		t.Fatalf("run = %v, want a clean drain", err)
	}
}
