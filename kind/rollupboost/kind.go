package rollupboost

import (
	"fmt"
	"net/url"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/rpc"
)

// rollup-boost's flags.
const (
	FlagRollupBoost       = "rollup-boost"
	FlagRollupBoostHeader = "rollup-boost-header"
	FlagRollupBoostDebug  = "rollup-boost-debug"
)

// Kind is rollup-boost: its own verdict (/healthz) and its execution mode (debug API), which
// can waive the builder.
var Kind = kind.Kind{
	Name:   "rollup-boost",
	Roles:  []check.Role{Role},
	Causes: []check.Cause{CausePartial, CauseUnavailable},
	Flags: []kind.Flag{
		{Name: FlagRollupBoost, Category: kind.CatEndpoints, Modes: kind.NotLive, Usage: "rollup-boost `URL`: GET /healthz (or the URL's own path); ready: only unavailability"},
		{Name: FlagRollupBoostHeader, Type: kind.Headers, Category: kind.CatEndpoints, Modes: kind.NotLive, Usage: "extra HTTP `HEADER` \"Name: value\" for --rollup-boost and --rollup-boost-debug"},
		{Name: FlagRollupBoostDebug, Category: kind.CatEndpoints, Modes: kind.HealthOnly, Usage: "rollup-boost debug `URL`: execution mode; disabled waives the builder (health only)"},
	},
	Configure: configure,
}

// configure validates --rollup-boost (plain HTTP: http or https) and --rollup-boost-debug, in
// the modes that read them; no part without either.
func configure(v kind.Values) (kind.Plan, error) {
	var p kind.Plan
	if !Role.JudgedIn(v.Mode()) {
		return p, nil
	}
	rb, err := v.Endpoint(Role, FlagRollupBoost, "", FlagRollupBoostHeader)
	if err != nil {
		return p, err
	}
	if rb != nil {
		if u, _ := url.Parse(rb.URL); u == nil || (u.Scheme != "http" && u.Scheme != "https") {
			return p, fmt.Errorf("--%s %q: /healthz is plain HTTP: want an http:// or https:// URL", FlagRollupBoost, rpc.Redact(rb.URL))
		}
	}
	debug, err := v.Endpoint(Role, FlagRollupBoostDebug, "", FlagRollupBoostHeader)
	if err != nil {
		return p, err
	}
	if rb == nil && debug == nil {
		return p, nil
	}
	part := Part{}
	part.L2, _ = v.Role(kind.L2)
	part.Builder, _ = v.Role(kind.Builder)
	dials := ""
	if rb != nil {
		dials = rb.URL
	} else {
		dials = debug.URL
	}
	p.Parts = []kind.Part{{Rank: kind.RankRollupBoost, URL: dials, New: func(map[string]check.Source) check.Part {
		rp := part
		if rb != nil {
			u := HealthzURL(rb.URL)
			rp.Healthz, rp.URL = rpc.NewGetter(u, rb.Opts), rpc.Redact(u)
		}
		if debug != nil {
			rp.Debug, rp.DebugURL = rpc.New(debug.URL, debug.Opts), rpc.Redact(debug.URL)
		}
		return &rp
	}}}
	return p, nil
}
