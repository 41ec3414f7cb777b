package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// FuzzParseFlags feeds arbitrary command lines to headprobe's own parser, with every command's
// action replaced by parseConfig alone (no probe, no network): it must never panic, a refusal is
// one line, and whatever it accepts is a configuration a run can use.
func FuzzParseFlags(f *testing.F) {
	for _, seed := range []string{
		"--l2 http://127.0.0.1:8545",
		"ready --l2 /run/geth.ipc --interval 5 --min-blocks 2",
		"--l2 127.0.0.1:8545",
		"--l2 http://a:1 --timeout 0",
		"--l2 http://a:1 --l2-header X-Key",
		"-o nagios --l2 ws://x:1 --builder wss://y:2 --max-builder-lag 3 --chain-id 10 --check-fork",
		"--l2 http://u:p@h:1/?k=v --state-file /nonexistent/s --max-stall 1m",
		"live --l2 https://h:1 --tls-ca /nonexistent --tls-server-name x",
		"--l2 http://h:1 --textfile x.txt",
		"--max-unsafe-interval -1s --l2 http://h:1",
		"--interval 99999999999h --l2 http://h:1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := append([]string{"headprobe"}, strings.Fields(line)...)
		var stdout, stderr bytes.Buffer
		code := -1
		app := newApp(&stdout, &stderr, &code)
		var cfg *config
		var perr error
		parseOnly := func(mode check.Mode) cli.ActionFunc {
			return func(c *cli.Context) error {
				cfg, perr = parseConfig(c, mode)
				return nil
			}
		}
		app.Action = parseOnly(check.Health)
		for _, cmd := range app.Commands {
			cmd.Action = parseOnly(check.Health)
		}
		if err := app.RunContext(context.Background(), args); err != nil {
			perr = err
		}
		if perr != nil {
			if strings.ContainsAny(perr.Error(), "\r\n") {
				t.Fatalf("refusal is not one line: %q", perr)
			}
			return
		}
		if cfg == nil {
			return // help, version or completion
		}
		if err := rpc.ValidateURL(cfg.l2.url); err != nil {
			t.Fatalf("accepted --l2 %q: %v", cfg.l2.url, err)
		}
		if cfg.timeout <= 0 || cfg.check.Validate() != nil {
			t.Fatalf("accepted an unusable configuration: timeout %s, %v", cfg.timeout, cfg.check.Validate())
		}
	})
}
