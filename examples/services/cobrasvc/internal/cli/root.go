// Package cli defines cobrasvc's commands.
package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo"
)

// NewRootCommand returns the cobrasvc command tree writing to stdout and stderr.
func NewRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:          "cobrasvc",
		Short:        "A small HTTP service with subcommands",
		SilenceUsage: true, // a failing server is not a usage error
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	// cobra would add a `completion` command; the service has no use for it.
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newServeCommand(), newVersionCommand())
	return root
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date stamped at build time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			i := buildinfo.Get()
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "cobrasvc %s (commit %s, built %s, %s)\n", i.Version, i.Commit, i.BuildDate, i.GoVersion)
			return err
		},
	}
}
