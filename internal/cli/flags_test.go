package cli

import (
	"slices"
	"testing"

	"github.com/headprobe/headprobe/internal/config"
	"github.com/urfave/cli/v2"
)

// TestFlagNamesAsUrfave: the names each flag answers from its own slice are those urfave/cli's
// FlagNames would compute from its Name and Aliases, for every flag of every command.
func TestFlagNamesAsUrfave(t *testing.T) {
	app := newApp(nil, nil, new(int), nil)
	all := slices.Clone(app.Flags)
	for _, c := range app.Commands {
		all = append(all, c.Flags...)
	}
	if len(all) < 100 {
		t.Fatalf("only %d flags across the app and its commands", len(all))
	}
	for _, f := range all {
		var name string
		var aliases []string
		switch g := f.(type) {
		case config.CmdString:
			name, aliases = g.Name, g.Aliases
		case config.CmdBool:
			name, aliases = g.Name, g.Aliases
		case config.CmdSlice:
			name, aliases = g.Name, g.Aliases
		default:
			t.Errorf("%v: a %T, not one of headprobe's flag types", f.Names(), f)
			continue
		}
		if got, want := f.Names(), cli.FlagNames(name, aliases); !slices.Equal(got, want) {
			t.Errorf("%s: Names() %q, urfave/cli's FlagNames %q", name, got, want)
		}
	}
}
