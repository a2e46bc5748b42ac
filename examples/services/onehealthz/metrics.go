package main

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics keeps request counters and writes them in the Prometheus text exposition format
// (version 0.0.4), so the service needs no client library.
type metrics struct {
	started  time.Time
	inFlight atomic.Int64

	mu       sync.Mutex
	requests map[requestKey]uint64
}

type requestKey struct {
	route string
	code  int
}

func newMetrics(started time.Time) *metrics {
	return &metrics{started: started, requests: map[requestKey]uint64{}}
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

// instrument counts every request by the mux pattern that served it, not by raw path, so that
// arbitrary URLs cannot grow the label set.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inFlight.Add(1)
		defer m.inFlight.Add(-1)
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.mu.Lock()
		m.requests[requestKey{route, rec.code}]++
		m.mu.Unlock()
	})
}

func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	counts := maps.Clone(m.requests)
	m.mu.Unlock()
	keys := slices.Collect(maps.Keys(counts))
	slices.SortFunc(keys, func(a, b requestKey) int {
		return cmp.Or(strings.Compare(a.route, b.route), cmp.Compare(a.code, b.code))
	})

	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprintln(w, "# HELP onehealthz_http_requests_total HTTP requests served, by route pattern and status code.")
	fmt.Fprintln(w, "# TYPE onehealthz_http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "onehealthz_http_requests_total{route=\"%s\",code=\"%d\"} %d\n", labelEscaper.Replace(k.route), k.code, counts[k])
	}
	fmt.Fprintln(w, "# HELP onehealthz_http_requests_in_flight HTTP requests being served, including this scrape.")
	fmt.Fprintln(w, "# TYPE onehealthz_http_requests_in_flight gauge")
	fmt.Fprintf(w, "onehealthz_http_requests_in_flight %d\n", m.inFlight.Load())
	fmt.Fprintln(w, "# HELP process_start_time_seconds Start time of the process since the Unix epoch in seconds.")
	fmt.Fprintln(w, "# TYPE process_start_time_seconds gauge")
	fmt.Fprintf(w, "process_start_time_seconds %d\n", m.started.Unix())
}

// labelEscaper escapes a label value as the text format defines it (only \\, \" and \n).
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
