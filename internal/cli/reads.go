package cli

import (
	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
)

// The flags a mode does not read (kind.Flag's Modes) are never parsed, so one environment block
// can configure every probe of a pod: a bad value meant for health cannot fail ready, nor one meant
// for ready a liveness probe. A flag given on the command line to a mode that does not read it is
// warned of, never fatal.

// reads is true when mode reads the flag name (a flag not in the table, watch's and serve's own,
// is read by the commands that have it).
func reads(mode check.Mode, name string) bool {
	_, byName := flagTable()
	f, ok := byName[name]
	return !ok || f.ReadBy(mode)
}

// readOr is the flag's value when mode reads it, else its default: the value is then not looked
// at, wherever it comes from.
func readOr(c *cli.Context, mode check.Mode, name string) string {
	if reads(mode, name) {
		return str(c, name)
	}
	_, byName := flagTable()
	return byName[name].Default
}

// unreadWarnings warn of each flag the command line gives that mode does not read.
func unreadWarnings(c *cli.Context, mode check.Mode) []string {
	var warnings []string
	all, _ := flagTable()
	for _, f := range all {
		if !f.ReadBy(mode) && onCommandLine(c, f.Name) != nil {
			warnings = append(warnings, warning("--%s is not used by %s; ignored", f.Name, mode))
		}
	}
	return warnings
}
