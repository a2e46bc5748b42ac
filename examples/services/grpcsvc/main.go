// Command grpcsvc is a gRPC server with one small service (echo.v1.Echo) and the standard gRPC
// health service (grpc.health.v1.Health), which Kubernetes gRPC probes call.
//
// It listens on all interfaces on the port named by GRPC_PORT (50051 when unset). On SIGTERM it
// reports NOT_SERVING for every service, keeps serving for a short lame-duck period so that
// health checkers and clients see it, then stops gracefully, cutting off what is still running
// after the drain timeout.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// shutdownTimings split the time after SIGTERM: lameDuck while NOT_SERVING is reported and
// requests are still accepted, then at most drain for in-flight RPCs.
type shutdownTimings struct {
	lameDuck time.Duration
	drain    time.Duration
}

var defaultShutdown = shutdownTimings{lameDuck: 2 * time.Second, drain: 10 * time.Second}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	addr, err := listenAddr(os.Getenv)
	if err != nil {
		logger.Error("bad configuration", "err", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		logger.Error("listen failed", "addr", addr, "err", err)
		os.Exit(1)
	}
	logger.Info("listening", "addr", ln.Addr().String())
	if err := serve(ctx, ln, echo{}, defaultShutdown, logger); err != nil {
		logger.Error("stopped with an error", "err", err)
		os.Exit(1)
	}
	logger.Info("stopped")
}

func listenAddr(getenv func(string) string) (string, error) {
	port := getenv("GRPC_PORT")
	if port == "" {
		return ":50051", nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("GRPC_PORT=%q: want a port number between 1 and 65535", port)
	}
	return ":" + port, nil
}

// serve runs the gRPC server on ln until ctx is cancelled, then shuts down as shutdownTimings
// says. It returns an error if serving failed or in-flight RPCs had to be cut off.
func serve(ctx context.Context, ln net.Listener, impl EchoServer, t shutdownTimings, logger *slog.Logger) error {
	srv := grpc.NewServer()
	srv.RegisterService(&echoServiceDesc, impl)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	// "" is the whole server, which is what a Kubernetes probe without `service` asks about.
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(echoServiceName, healthpb.HealthCheckResponse_SERVING)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	hs.Shutdown() // every service NOT_SERVING from now on
	logger.Info("not serving; lame duck", "lame_duck", t.lameDuck.String(), "drain", t.drain.String())
	time.Sleep(t.lameDuck)

	stopped := make(chan struct{})
	go func() {
		srv.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(t.drain):
		// Health Watch streams and stuck RPCs never end on their own; cut them off.
		srv.Stop()
		<-stopped
		return fmt.Errorf("in-flight RPCs did not finish within %s and were cancelled", t.drain)
	}
	if err := <-served; err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
