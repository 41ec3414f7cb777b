package cli

import (
	"io"
	"slices"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
)

// helpWidth is the terminal width --help fits in.
const helpWidth = 100

// helpPrinter is urfave/cli's help printer, wrapping descriptions at helpWidth. A one-shot
// command's help lists only the flags it reads (reads.go).
func helpPrinter(w io.Writer, templ string, data interface{}) {
	if c, ok := data.(*cli.Command); ok {
		data = readFlagsOnly(c)
	}
	cli.HelpPrinterCustom(w, templ, data, map[string]interface{}{"wrapAt": func() int { return helpWidth }})
}

// readFlagsOnly is the command as its help shows it: for health, ready and live, without the flags
// its mode does not read. They stay accepted (with a warning), so that one command line or
// environment serves every probe.
func readFlagsOnly(c *cli.Command) *cli.Command {
	for _, mode := range []check.Mode{check.Health, check.Ready, check.Live} {
		if c.Name != mode.String() {
			continue
		}
		flags := slices.DeleteFunc(slices.Clone(c.Flags), func(f cli.Flag) bool { return !config.Reads(mode, f.Names()[0]) })
		return &cli.Command{Name: c.Name, HelpName: c.HelpName, Usage: c.Usage, UsageText: c.UsageText, Description: c.Description,
			ArgsUsage: c.ArgsUsage, Category: c.Category, Aliases: c.Aliases, Flags: flags}
	}
	return c
}
