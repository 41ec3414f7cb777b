package cli

import (
	"fmt"
	"net/url"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/conductor"
	"github.com/headprobe/headprobe/roles"
	"github.com/headprobe/headprobe/rollupboost"
	"github.com/headprobe/headprobe/rpc"
)

// The flags of rollup-boost's and op-conductor's parts.
const (
	flagRollupBoost       = "rollup-boost"
	flagRollupBoostHeader = "rollup-boost-header"
	flagRollupBoostDebug  = "rollup-boost-debug"
	flagConductor         = "conductor"
	flagConductorHeader   = "conductor-header"
)

// opNodeRole names the op-node endpoint whose admin API the conductor's part asks
// (admin_sequencerActive), when one is given.
const opNodeRole = "op-node"

// partsConfig is the validated configuration of the parts; a URL is "" when not given or not
// judged by the mode.
type partsConfig struct {
	rollupBoost, rollupBoostDebug, conductor endpoint
}

// parseParts validates the parts' flags the mode judges; the others are ignored entirely, as
// ready ignores the builder's.
func (cfg *config) parseParts(c *cli.Context, mode check.Mode) error {
	if roles.RollupBoost.JudgedIn(mode) {
		rb, err := cfg.endpoint(c, roles.RollupBoost, flagRollupBoost, "", flagRollupBoostHeader)
		if err != nil {
			return err
		}
		if rb != nil {
			if u, _ := url.Parse(rb.url); u == nil || (u.Scheme != "http" && u.Scheme != "https") {
				return fmt.Errorf("--%s %q: /healthz is plain HTTP: want an http:// or https:// URL", flagRollupBoost, rpc.Redact(rb.url))
			}
			cfg.parts.rollupBoost = *rb
		}
	}
	if roles.Builder.JudgedIn(mode) {
		debug, err := cfg.endpoint(c, roles.RollupBoost, flagRollupBoostDebug, "", flagRollupBoostHeader)
		if err != nil {
			return err
		}
		if debug != nil {
			cfg.parts.rollupBoostDebug = *debug
		}
	}
	if roles.Conductor.JudgedIn(mode) {
		cond, err := cfg.endpoint(c, roles.Conductor, flagConductor, "", flagConductorHeader)
		if err != nil {
			return err
		}
		if cond != nil {
			cfg.parts.conductor = *cond
		}
	}
	return nil
}

// newParts makes the parts the configuration names, in judging order: rollup-boost, the others
// given (flashblocks), then op-conductor, which sees every other finding among headprobe's verdict
// when it compares its own health view with it.
func (cfg *config) newParts(others ...check.Part) []check.Part {
	var parts []check.Part
	p := cfg.parts
	if p.rollupBoost.url != "" || p.rollupBoostDebug.url != "" {
		rb := &rollupboost.Part{}
		if e := p.rollupBoost; e.url != "" {
			u := rollupboost.HealthzURL(e.url)
			rb.Healthz, rb.URL = rpc.NewGetter(u, e.opts), rpc.Redact(u)
		}
		if e := p.rollupBoostDebug; e.url != "" {
			rb.Debug, rb.DebugURL = rpc.New(e.url, e.opts), rpc.Redact(e.url)
		}
		parts = append(parts, rb)
	}
	parts = append(parts, others...)
	if e := p.conductor; e.url != "" {
		c := &conductor.Part{Client: rpc.New(e.url, e.opts), URL: rpc.Redact(e.url)}
		for _, n := range cfg.endpoints {
			if n.role.Name == opNodeRole {
				opts := n.opts
				opts.ChainID = false
				c.Sequencing = conductor.OpNodeAdmin{Client: rpc.New(n.url, opts)}
			}
		}
		parts = append(parts, c)
	}
	return parts
}
