package cli

import (
	"testing"

	"github.com/headprobe/headprobe/check"
)

// parsed is what Parse made of one command line.
type parsed struct {
	mode check.Mode
	cfg  *config
	err  error
}

// parseCommandLine parses args (args[0] is the program) with Parse and environ as the whole
// environment: flags and environment are read exactly as in a real run, but nothing is probed.
func parseCommandLine(t *testing.T, args []string, environ map[string]string) parsed {
	t.Helper()
	var kv []string
	for k, v := range environ {
		kv = append(kv, k+"="+v)
	}
	p, err := Parse(args, kv)
	if err != nil {
		return parsed{err: err}
	}
	return parsed{mode: p.Mode, cfg: p.cfg}
}
