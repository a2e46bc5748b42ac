// Package buildinfo holds the build's identity, stamped by the linker:
//
//	go build -ldflags "-X github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo.Version=v1.2.3 \
//	  -X github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo.Commit=abc1234 \
//	  -X github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo.BuildDate=2026-12-01T00:00:00Z"
//
// They must stay package-level string variables initialised to constants: -X cannot set
// constants or variables initialised by a function call, and silently does nothing then.
package buildinfo

import "runtime"

var (
	Version   = "dev"
	Commit    = "unknown"
	BuildDate = "unknown"
)

// Info is the build identity in a form that can be printed or served.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	BuildDate string `json:"buildDate"`
	GoVersion string `json:"goVersion"`
}

// Get returns the stamped values and the Go toolchain that built the binary.
func Get() Info {
	return Info{Version: Version, Commit: Commit, BuildDate: BuildDate, GoVersion: runtime.Version()}
}
