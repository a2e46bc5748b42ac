// Command port80 serves a tiny HTML page on port 80, and nothing else.
//
// It is deliberately minimal in the ways many small services are: the port is fixed (no flag,
// no environment variable), there are no health endpoints, and there is no SIGTERM handler, so
// the Go runtime's default applies: the process ends at once and drops requests in flight
// (as PID 1 in a container, where the kernel ignores a default-action signal, the runtime
// exits with status 2 instead).
package main

import (
	"fmt"
	"html"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

const addr = ":80"

func main() {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("port80: %v", err)
	}
	log.Fatalf("port80: %v", serve(ln))
}

func serve(ln net.Listener) error {
	srv := &http.Server{Handler: newHandler(), ReadHeaderTimeout: 5 * time.Second}
	return srv.Serve(ln)
}

func newHandler() http.Handler {
	host, _ := os.Hostname()
	page := fmt.Sprintf("<!doctype html>\n<title>port80</title>\n<h1>Hello from port80</h1>\n<p>served by %s</p>\n", html.EscapeString(host))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	return mux
}
