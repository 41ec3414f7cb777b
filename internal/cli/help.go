package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

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
		flags := slices.DeleteFunc(slices.Clone(c.Flags), func(f cli.Flag) bool { return !reads(mode, f.Names()[0]) })
		return &cli.Command{Name: c.Name, HelpName: c.HelpName, Usage: c.Usage, UsageText: c.UsageText, Description: c.Description,
			ArgsUsage: c.ArgsUsage, Category: c.Category, Aliases: c.Aliases, Flags: flags}
	}
	return c
}

// helpIndent indents a flag's usage under its name in --help.
const helpIndent = "        "

// flagHelp is how --help shows a flag: its names, placeholder and environment variable on one
// line, its usage and default on the next, so that lines stay short in a 100-column terminal.
func flagHelp(f cli.Flag) string {
	df, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return strings.Join(f.Names(), ", ")
	}
	usage := df.GetUsage()
	placeholder := ""
	if i := strings.IndexByte(usage, '`'); i >= 0 {
		if j := strings.IndexByte(usage[i+1:], '`'); j >= 0 {
			placeholder = usage[i+1 : i+1+j]
			usage = usage[:i] + placeholder + usage[i+2+j:]
		}
	}
	if placeholder == "" && df.TakesValue() {
		placeholder = "value"
	}
	var names []string
	for _, n := range f.Names() {
		if len(n) == 1 {
			names = append(names, "-"+n)
		} else {
			names = append(names, "--"+n)
		}
	}
	line := strings.Join(names, ", ")
	if placeholder != "" {
		line += " " + placeholder
	}
	if s, ok := f.(cli.DocGenerationSliceFlag); ok && s.IsSliceFlag() {
		line += " (repeatable)"
	}
	if d := df.GetDefaultText(); d != "" && df.TakesValue() {
		line += fmt.Sprintf(" (default: %s)", d)
	}
	if envs := df.GetEnvVars(); len(envs) > 0 {
		line += "  [$" + strings.Join(envs, ", $") + "]"
	}
	return line + "\n" + helpIndent + usage
}
