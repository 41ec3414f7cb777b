package conductor

import (
	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
	"github.com/headprobe/headprobe/rpc"
)

// op-conductor's flags (health only).
const (
	FlagConductor       = "conductor"
	FlagConductorHeader = "conductor-header"
)

// sequencer names the role of the op-node whose admin API the part asks whether it sequences
// (admin_sequencerActive), when one is planned.
const sequencer = "op-node"

// Kind is op-conductor: this node's role in the HA cluster, paused or stopped, and its own
// health view, judged against whether op-node sequences.
var Kind = kind.Kind{
	Name:   "conductor",
	Roles:  []check.Role{Role},
	Causes: []check.Cause{CauseLeaderNotSequencing, CauseTwoSequencers, CauseStopped, CausePaused},
	Flags: []kind.Flag{
		{Name: FlagConductor, Category: kind.CatEndpoints, Modes: kind.HealthOnly, Usage: "op-conductor RPC `URL`: this node's role, paused/stopped, its health view (health only)"},
		{Name: FlagConductorHeader, Type: kind.Headers, Category: kind.CatEndpoints, Modes: kind.HealthOnly, Usage: "extra HTTP `HEADER` \"Name: value\" for op-conductor (health only)"},
	},
	Configure: configure,
}

// configure validates --conductor; with an op-node planned (the registry plans op-node first),
// the part also asks it whether it sequences, through a client of its own.
func configure(v kind.Values) (kind.Plan, error) {
	var p kind.Plan
	if !Role.JudgedIn(v.Mode()) {
		return p, nil
	}
	e, err := v.Endpoint(Role, FlagConductor, "", FlagConductorHeader)
	if err != nil || e == nil {
		return p, err
	}
	node, asks := v.Planned(sequencer)
	p.Parts = []kind.Part{{Rank: kind.RankConductor, URL: e.URL, New: func(map[string]check.Source) check.Part {
		c := &Part{Client: rpc.New(e.URL, e.Opts), URL: rpc.Redact(e.URL)}
		if asks {
			opts := node.Opts
			opts.ChainID = false
			c.Sequencing = OpNodeAdmin{Client: rpc.New(node.URL, opts)}
		}
		return c
	}}}
	return p, nil
}
