package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"
)

// inspect runs the app's parser on args with environ and calls f with the context of the command
// (or the app) that would run, instead of probing.
func inspect(t *testing.T, args []string, environ map[string]string, f func(c *cli.Context)) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, config.EnvPrefix) {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	for k, v := range environ {
		t.Setenv(k, v)
	}
	var out bytes.Buffer
	code := -1
	app := newApp(&out, &out, &code, nil)
	action := func(c *cli.Context) error { f(c); return nil }
	app.Action = action
	for _, cmd := range app.Commands {
		cmd.Action = action
	}
	if err := app.RunContext(context.Background(), args); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
}

// flagNamesOf is every name and alias of the context's command's flags.
func flagNamesOf(c *cli.Context) []string {
	var names []string
	for _, f := range c.Command.Flags {
		names = append(names, f.Names()...)
	}
	return names
}

// onCommandLine's view of which context set a flag is cli's IsSet (the parser reads no
// environment), for every flag and alias, on the command line before or after the command name,
// by alias, and with the environment set.
func TestOnCommandLine_AgreesWithIsSet(t *testing.T) {
	cases := []struct {
		args    []string
		environ map[string]string
	}{
		{[]string{"headprobe", "--l2", "http://a:1"}, nil},
		{[]string{"headprobe", "health", "--l2", "http://a:1", "-q", "-o", "json"}, nil},
		{[]string{"headprobe", "-q", "--builder", "http://b:2", "ready", "--l2", "http://a:1", "--timeout", "3s"}, nil},
		{[]string{"headprobe", "--output=nagios", "live"}, map[string]string{config.EnvPrefix + "L2": "http://a:1", config.EnvPrefix + "QUIET": "true"}},
		{[]string{"headprobe", "watch", "--every", "5s"}, map[string]string{config.EnvPrefix + "L2": "http://a:1", config.EnvPrefix + "HEADER": "X-A: 1"}},
	}
	for _, tc := range cases {
		inspect(t, tc.args, tc.environ, func(c *cli.Context) {
			for _, name := range flagNamesOf(c) {
				var want *cli.Context
				for _, ctx := range c.Lineage() {
					if ctx.IsSet(name) {
						want = ctx
						break
					}
				}
				if got := config.OnCommandLine(c, name); got != want {
					t.Errorf("%v %v: config.OnCommandLine(%q) is the context of %q, cli's IsSet says %q", tc.environ, tc.args, name, commandName(got), commandName(want))
				}
			}
		})
	}
}

func commandName(c *cli.Context) string {
	if c == nil || c.Command == nil {
		return "<nil>"
	}
	return c.Command.Name
}

// Reading every flag once costs a pass over the flags, not a pass per flag: cli's IsSet looks
// each name up through every flag's names (a regexp per name), which made reading the
// configuration quadratic in the number of flags.
func TestOnCommandLine_AllFlagsInLinearAllocations(t *testing.T) {
	inspect(t, []string{"headprobe", "health", "--l2", "http://a:1", "-q"}, nil, func(c *cli.Context) {
		names := flagNamesOf(c)
		allocs := testing.AllocsPerRun(20, func() {
			config.ResetFlagsSet()
			for _, name := range names {
				config.OnCommandLine(c, name)
			}
		})
		// A few allocations per flag for one pass over the flags of two contexts; IsSet for
		// every flag through both contexts took about 110 per flag.
		if limit := float64(20 * len(names)); allocs > limit {
			t.Errorf("reading %d flag names took %.0f allocations, want at most %.0f", len(names), allocs, limit)
		}
		t.Logf("%d flag names, %.0f allocations", len(names), allocs)
	})
}
