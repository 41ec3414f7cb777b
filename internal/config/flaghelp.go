package config

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// helpIndent indents a flag's usage under its name in --help.
const helpIndent = "        "

// FlagHelp is how --help shows a flag: its names, placeholder and environment variable on one
// line, its usage and default on the next, so that lines stay short in a 100-column terminal.
func FlagHelp(f cli.Flag) string {
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
