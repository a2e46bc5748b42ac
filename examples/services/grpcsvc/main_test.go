package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestListenAddr(t *testing.T) {
	for _, tc := range []struct{ port, want, err string }{
		{"", ":50051", ""},
		{"9090", ":9090", ""},
		{"0", "", `GRPC_PORT="0": want a port number between 1 and 65535`},
		{"grpc", "", "want a port number"},
	} {
		got, err := listenAddr(func(k string) string {
			if k == "GRPC_PORT" {
				return tc.port
			}
			return ""
		})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("GRPC_PORT=%q: error = %v, want %q", tc.port, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("GRPC_PORT=%q: got %q, %v; want %q", tc.port, got, err, tc.want)
		}
	}
}

type running struct {
	addr    string
	cancel  context.CancelFunc
	stopped chan struct{} // closed when serve has returned err
	err     error
}

func start(t *testing.T, impl EchoServer, timings shutdownTimings) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{addr: ln.Addr().String(), cancel: cancel, stopped: make(chan struct{})}
	go func() {
		r.err = serve(ctx, ln, impl, timings, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(r.stopped)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.stopped:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return r
}

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func callEcho(ctx context.Context, conn *grpc.ClientConn, msg string) (string, error) {
	out := new(wrapperspb.StringValue)
	err := conn.Invoke(ctx, echoMethod, wrapperspb.String(msg), out)
	return out.GetValue(), err
}

func check(t *testing.T, conn *grpc.ClientConn, service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: service})
	return resp.GetStatus(), err
}

func TestEchoAndHealth(t *testing.T) {
	r := start(t, echo{}, shutdownTimings{drain: time.Second})
	conn := dial(t, r.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	if got, err := callEcho(ctx, conn, "hello"); err != nil || got != "hello" {
		t.Fatalf("Echo(hello) = %q, %v", got, err)
	}
	if _, err := callEcho(ctx, conn, " "); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("Echo(blank) error = %v, want InvalidArgument", err)
	}
	for _, svc := range []string{"", echoServiceName} {
		if st, err := check(t, conn, svc); err != nil || st != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("Check(%q) = %v, %v; want SERVING", svc, st, err)
		}
	}
	if _, err := check(t, conn, "no.such.Service"); status.Code(err) != codes.NotFound {
		t.Errorf("Check(unknown) error = %v, want NotFound", err)
	}
}

// slowEcho holds each call until released, to keep an RPC in flight across shutdown.
type slowEcho struct {
	started chan struct{}
	release chan struct{}
}

func (s slowEcho) Echo(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	close(s.started)
	<-s.release
	return echo{}.Echo(ctx, in)
}

func TestShutdownReportsNotServingAndFinishesInFlight(t *testing.T) {
	impl := slowEcho{make(chan struct{}), make(chan struct{})}
	r := start(t, impl, shutdownTimings{lameDuck: 500 * time.Millisecond, drain: 5 * time.Second})

	type result struct {
		msg string
		err error
	}
	inFlight := make(chan result, 1)
	conn := dial(t, r.addr)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		msg, err := callEcho(ctx, conn, "in flight")
		inFlight <- result{msg, err}
	}()
	<-impl.started
	r.cancel() // what SIGTERM does in main

	// A probe arriving after SIGTERM, on a fresh connection as the kubelet makes, sees NOT_SERVING.
	deadline := time.Now().Add(400 * time.Millisecond)
	for {
		st, err := check(t, dial(t, r.addr), "")
		if err == nil && st == healthpb.HealthCheckResponse_NOT_SERVING {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Check after SIGTERM = %v, %v; want NOT_SERVING within the lame-duck period", st, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-r.stopped:
		t.Fatalf("serve returned %v with an RPC in flight", r.err)
	case <-time.After(700 * time.Millisecond): // past the lame duck: now in GracefulStop
	}
	close(impl.release)
	if res := <-inFlight; res.err != nil || res.msg != "in flight" {
		t.Fatalf("in-flight Echo = %q, %v", res.msg, res.err)
	}
	select {
	case <-r.stopped:
		if r.err != nil {
			t.Fatalf("serve = %v, want a clean stop", r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the in-flight RPC finished")
	}
}

func TestShutdownCutsOffAfterDrainTimeout(t *testing.T) {
	r := start(t, echo{}, shutdownTimings{drain: 200 * time.Millisecond})
	// A health Watch stream never ends by itself, so it holds GracefulStop until the timeout.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := healthpb.NewHealthClient(dial(t, r.addr)).Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := stream.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("first Watch update = %v, %v", resp, err)
	}
	r.cancel()
	if resp, err := stream.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("Watch update after SIGTERM = %v, %v; want NOT_SERVING", resp, err)
	}
	select {
	case <-r.stopped:
		if r.err == nil || !strings.Contains(r.err.Error(), "did not finish within 200ms") {
			t.Fatalf("serve = %v, want a drain timeout error", r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the drain timeout")
	}
}
