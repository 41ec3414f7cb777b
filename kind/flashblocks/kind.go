package flashblocks

import (
	"fmt"
	"strings"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/rpc"
)

// The flashblocks stream's flags (health only).
const (
	FlagFlashblocks       = "flashblocks"
	FlagFlashblocksHeader = "flashblocks-header"
	FlagMaxFlashblockGap  = "max-flashblock-gap"
	category              = "Flashblocks (health only)"
)

// Kind is the builder's flashblocks stream: partial when it is silent, malformed or behind the L2.
var Kind = kind.Kind{
	Name:   "flashblocks",
	Roles:  []check.Role{Role},
	Causes: []check.Cause{CauseMalformedFrame},
	Flags: []kind.Flag{
		{Name: FlagFlashblocks, Category: category, Modes: kind.HealthOnly, Usage: "flashblocks stream `URL`, ws or wss (rollup-boost: port 1112); partial when dead or behind"},
		{Name: FlagFlashblocksHeader, Type: kind.Headers, Category: category, Modes: kind.HealthOnly, Usage: "extra HTTP `HEADER` \"Name: value\" for the flashblocks handshake"},
		{Name: FlagMaxFlashblockGap, Category: category, Modes: kind.HealthOnly, Default: "1s", Usage: "stale when the stream sends no frame for this `DURATION`"},
	},
	Configure: configure,
}

// configure reads --flashblocks, its header and --max-flashblock-gap; no part without
// --flashblocks. The stream is a websocket: ws or wss only.
func configure(v kind.Values) (kind.Plan, error) {
	var p kind.Plan
	url := v.String(FlagFlashblocks)
	if url == "" {
		return p, nil
	}
	if err := rpc.ValidateURL(url); err != nil {
		return p, fmt.Errorf("--%s %v", FlagFlashblocks, err)
	}
	if !strings.HasPrefix(url, "ws://") && !strings.HasPrefix(url, "wss://") {
		return p, fmt.Errorf("--%s %q is not a websocket URL: want ws:// or wss:// (rollup-boost's outbound stream is ws://HOST:1112)", FlagFlashblocks, rpc.Redact(url))
	}
	headers, err := v.Headers(FlagFlashblocksHeader)
	if err != nil {
		return p, err
	}
	gap, err := v.Duration(FlagMaxFlashblockGap)
	if err != nil {
		return p, err
	}
	if gap <= 0 {
		return p, fmt.Errorf("--%s must be greater than zero (specified: %s)", FlagMaxFlashblockGap, v.String(FlagMaxFlashblockGap))
	}
	if bound := v.Bound(); gap > bound {
		v.Warn("--%s %s is longer than the run (interval + timeout: %s): a silent stream is judged at the run's end", FlagMaxFlashblockGap, gap, bound)
	}
	l2, _ := v.Role(kind.L2)
	o := Options{URL: url, Headers: headers, TLS: v.TLS(), Timeout: v.Timeout(), MaxGap: gap, Role: Role, Against: l2}
	p.Parts = []kind.Part{{Rank: kind.RankStream, URL: url, New: func(map[string]check.Source) check.Part { return New(o) }}}
	return p, nil
}
