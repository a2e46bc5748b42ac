package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary play the service (on a free loopback port instead of 80) so
// that the real process-level SIGTERM behaviour can be observed from the parent test.
func TestMain(m *testing.M) {
	if os.Getenv("PORT80_TEST_CHILD") == "1" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Println(ln.Addr().String())
		fmt.Fprintln(os.Stderr, serve(ln))
		os.Exit(4)
	}
	os.Exit(m.Run())
}

func TestPage(t *testing.T) {
	h := newHandler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<h1>Hello from port80</h1>") {
		t.Fatalf("GET / = %d %q", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("Content-Type = %q", ct)
	}
}

func TestNoHealthEndpoints(t *testing.T) {
	h := newHandler()
	for _, path := range []string{"/healthz", "/livez", "/readyz", "/metrics", "/index.html"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
}

func TestFixedPort(t *testing.T) {
	if addr != ":80" {
		t.Fatalf("addr = %q: the corpus needs a service fixed on port 80", addr)
	}
}

func TestSIGTERMEndsTheProcessAtOnce(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PORT80_TEST_CHILD=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("child did not report its address: %v", err)
	}
	resp, err := http.Get("http://" + strings.TrimSpace(line) + "/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("child GET / = %d", resp.StatusCode)
	}

	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	elapsed := time.Since(sent)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("child exited with %v, want death by SIGTERM", err)
	}
	// Not PID 1 here, so the runtime re-raises SIGTERM with the default action and the kernel
	// kills the process; in a container (PID 1) the same code path ends in exit status 2.
	ws := exitErr.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Fatalf("child wait status = %v, want killed by SIGTERM", ws)
	}
	if elapsed > 2*time.Second {
		t.Fatalf("child took %s to exit after SIGTERM, want at once", elapsed)
	}
}
