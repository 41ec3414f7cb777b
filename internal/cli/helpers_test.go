package cli

import (
	"testing"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/config"
	"github.com/headprobe/headprobe/rpc"
)

// parsed is what Parse made of one command line.
type parsed struct {
	mode check.Mode
	cfg  *config.Config
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

// partOf is the part of type T the configuration makes, made as a session makes it (over clients
// of the configuration's endpoints, which dial nothing until asked), and whether it makes one.
func partOf[T check.Part](cfg *config.Config) (T, bool) {
	sources := map[string]check.Source{}
	for _, e := range cfg.Endpoints {
		sources[e.Role.Name] = rpc.New(e.URL, e.Opts)
	}
	for _, p := range cfg.Parts {
		if part, ok := p.New(sources).(T); ok {
			return part, true
		}
	}
	var none T
	return none, false
}

// relation is the configuration's relation of that name ("chain_id", "lag", "fork"), if any.
func relation(cfg *config.Config, name string) (check.Relation, bool) {
	for _, r := range cfg.Relations {
		if r.Name == name {
			return r, true
		}
	}
	return check.Relation{}, false
}

// checksFork reports whether the configuration compares the builder's blocks with the L2's.
func checksFork(cfg *config.Config) bool {
	_, ok := relation(cfg, "fork")
	return ok
}

// maxLag is the limit of the configuration's lag relation (--max-builder-lag), nil when none.
func maxLag(cfg *config.Config) *uint64 {
	r, _ := relation(cfg, "lag")
	return r.Max()
}

// hasPart reports whether the configuration makes a part of type T.
func hasPart[T check.Part](cfg *config.Config) bool {
	_, ok := partOf[T](cfg)
	return ok
}

// madeParts are the parts the configuration makes, in judging order, as a session makes them.
func madeParts(cfg *config.Config) []check.Part {
	sources := map[string]check.Source{}
	for _, e := range cfg.Endpoints {
		sources[e.Role.Name] = rpc.New(e.URL, e.Opts)
	}
	var parts []check.Part
	for _, p := range cfg.Parts {
		if part := p.New(sources); part != nil {
			parts = append(parts, part)
		}
	}
	return parts
}
