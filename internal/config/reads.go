package config

import (
	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
)

// The flags a mode does not read (kind.Flag's Modes) are never parsed, so one environment block
// can configure every probe of a pod: a bad value meant for health cannot fail ready, nor one meant
// for ready a liveness probe. A flag given on the command line to a mode that does not read it is
// warned of, never fatal.

// Reads is true when mode reads the flag name (a flag not in the table, watch's and serve's own,
// is read by the commands that have it).
func Reads(mode check.Mode, name string) bool {
	_, byName := FlagTable()
	f, ok := byName[name]
	return !ok || f.ReadBy(mode)
}

// ReadOr is the flag's value when mode reads it, else its default: the value is then not looked
// at, wherever it comes from.
func ReadOr(c *cli.Context, mode check.Mode, name string) string {
	if Reads(mode, name) {
		return Str(c, name)
	}
	_, byName := FlagTable()
	return byName[name].Default
}

// UnreadWarnings warn of each flag the command line gives that mode does not read.
func UnreadWarnings(c *cli.Context, mode check.Mode) []string {
	var warnings []string
	all, _ := FlagTable()
	for _, f := range all {
		if !f.ReadBy(mode) && OnCommandLine(c, f.Name) != nil {
			warnings = append(warnings, Warning("--%s is not used by %s; ignored", f.Name, mode))
		}
	}
	return warnings
}
