package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/rpc"
)

// FuzzParseFlags feeds arbitrary command lines to headprobe's own parser through Parse (no probe,
// no network): it must never panic, a refusal is one line, and whatever it accepts is a
// configuration a run can use.
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
		p, err := Parse(args, nil)
		if errors.Is(err, ErrNoCheck) {
			return // help, version or completion
		}
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("refusal is not one line: %q", err)
			}
			return
		}
		cfg := p.cfg
		if err := rpc.ValidateURL(cfg.Endpoints[0].URL); err != nil {
			t.Fatalf("accepted --l2 %q: %v", cfg.Endpoints[0].URL, err)
		}
		if cfg.Timeout <= 0 || cfg.Check.Validate() != nil {
			t.Fatalf("accepted an unusable configuration: timeout %s, %v", cfg.Timeout, cfg.Check.Validate())
		}
	})
}
