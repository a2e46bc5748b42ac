package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const buildinfoPkg = "github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo"

// TestLinkerStampedBinary builds the real binary with -X on the buildinfo variables, the way
// an image build stamps it, and checks the values reach both `version` and the running server,
// and that `serve` exits 0 on SIGTERM.
func TestLinkerStampedBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "cobrasvc")
	ldflags := "-X " + buildinfoPkg + ".Version=v0.4.2 -X " + buildinfoPkg + ".Commit=0123abc -X " + buildinfoPkg + ".BuildDate=2026-12-01T10:00:00Z"
	if out, err := exec.Command(goTool, "build", "-ldflags", ldflags, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("cobrasvc version: %v", err)
	}
	if !strings.HasPrefix(string(out), "cobrasvc v0.4.2 (commit 0123abc, built 2026-12-01T10:00:00Z, go") {
		t.Fatalf("cobrasvc version printed %q", out)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "serve", "--port", strconv.Itoa(port))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	logs := bufio.NewScanner(stdout)
	if !logs.Scan() || !strings.Contains(logs.Text(), `"msg":"listening"`) {
		t.Fatalf("first log line = %q, want the listening message", logs.Text())
	}
	waited := make(chan error, 1)
	go func() {
		// Wait only after the pipe is drained: Wait closes it.
		_, _ = io.Copy(io.Discard, stdout)
		waited <- cmd.Wait()
	}()

	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/v1/info")
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]string
	err = json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if err != nil || info["version"] != "v0.4.2" || info["commit"] != "0123abc" || info["buildDate"] != "2026-12-01T10:00:00Z" {
		t.Fatalf("/v1/info = %v, %v", info, err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM, want status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not exit within its 10s shutdown timeout")
	}
}
