package cli

import (
	"bytes"
	"context"
	"testing"

	"github.com/headprobe/headprobe/internal/config"
)

func TestOneShotCommand_OnlyAPlainOneShotCommandLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{hp("health", "--l2", "http://a:1"), "health"},
		{hp("ready", "-q"), "ready"},
		{hp("live", "--l2", "http://a:1", "-o", "json"), "live"},
		{hp("--l2", "http://a:1", "health"), ""}, // a flag before the command: the whole app
		{hp("watch", "--l2", "http://a:1"), ""},
		{hp("serve"), ""},
		{hp(), ""},
		{hp("health", "--help"), ""},
		{hp("health", "-h"), ""},
		{hp("health", "--help=true"), ""},
		{hp("health", "--version"), ""},
		{hp("health", "-V"), ""},
		{hp("health", "--generate-bash-completion"), ""},
		{hp("help", "health"), ""},
		{hp("health", "--l2", "help"), "health"}, // a value, not a flag
	} {
		if got := oneShotCommand(c.args); got != c.want {
			t.Errorf("%q: %q, want %q", c.args, got, c.want)
		}
	}
}

// The one-shot app answers as the whole app does: the same exit code, stdout and stderr for
// refusals, warnings and verdicts that need no network.
func TestOneShotApp_AnswersAsTheWholeApp(t *testing.T) {
	for _, args := range [][]string{
		hp("health"),
		hp("health", "--l2"),
		hp("health", "--bogus"),
		hp("health", "--l2", "ftp://x"),
		hp("health", "--l2", "http://a:1", "--output", "xml"),
		hp("health", "--l2", "http://a:1", "--timeout", "0"),
		hp("health", "--l2", "http://a:1", "extra"),
		hp("ready", "--l2", "http://a:1", "--max-unsafe-interval", "10 s", "-o", "nagios"),
		hp("live", "--every", "1s"),
		hp("health", "--l2", "http://a:1", "--conductor-scope", "all"),
	} {
		var outs [2][2]bytes.Buffer
		var codes [2]int
		for i, only := range []string{"", oneShotCommand(args)} {
			config.ResetFlagsSet()
			app := newAppFor(&outs[i][0], &outs[i][1], &codes[i], nil, only)
			if err := app.RunContext(context.Background(), args); err != nil {
				codes[i] = scanRefusal(args[1:], config.ProcessEnv()).report(0, err, &outs[i][0])
			}
		}
		if codes[0] != codes[1] || outs[0][0].String() != outs[1][0].String() || outs[0][1].String() != outs[1][1].String() {
			t.Errorf("%q: whole app %d %q %q; one-shot app %d %q %q", args, codes[0], outs[0][0].String(), outs[0][1].String(), codes[1], outs[1][0].String(), outs[1][1].String())
		}
		if codes[1] == 0 {
			t.Errorf("%q: exit 0, want a refusal", args)
		}
	}
}
