package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseFlagsDefaults(t *testing.T) {
	opts, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// The loopback default is the point of this corpus entry: a deployment must override it.
	if opts.listen != "127.0.0.1:8080" || opts.drainTimeout != 10*time.Second {
		t.Fatalf("defaults = %+v", opts)
	}
}

func TestParseFlagsOverrides(t *testing.T) {
	opts, err := parseFlags([]string{"-listen", "0.0.0.0:9000", "-drain-timeout", "3s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if opts.listen != "0.0.0.0:9000" || opts.drainTimeout != 3*time.Second {
		t.Fatalf("parsed = %+v", opts)
	}
}

func TestParseFlagsRejects(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-listen", "8080"}, "want host:port"},
		{[]string{"-listen", "0.0.0.0:"}, "want host:port"},
		{[]string{"-drain-timeout", "0s"}, "must be positive"},
		{[]string{"serve"}, "takes flags only"},
		{[]string{"-version"}, "flag provided but not defined: -version"},
	} {
		var stderr strings.Builder
		_, err := parseFlags(tc.args, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseFlags(%q) error = %v, want it to mention %q", tc.args, err, tc.want)
		}
		if strings.Count(stderr.String(), tc.want) != 1 {
			t.Errorf("parseFlags(%q) stderr = %q, want the error reported once", tc.args, stderr.String())
		}
	}
}

func TestParseFlagsHelp(t *testing.T) {
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h error = %v, want flag.ErrHelp", err)
	}
}
