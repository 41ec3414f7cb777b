package execution

import (
	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
)

// The execution endpoints' flags.
const (
	FlagL2            = "l2"
	FlagBuilder       = "builder"
	FlagL2Secret      = "l2-jwt-secret"
	FlagBuilderSecret = "builder-jwt-secret"
	FlagL2Header      = "l2-header"
	FlagBuilderHeader = "builder-header"
	FlagMaxLag        = "max-builder-lag"
	FlagCheckFork     = "check-fork"
)

// Kind is the execution endpoints: the L2, required, and the builder, health only, with the
// builder's relations to the L2 (chain id, lag, fork).
var Kind = kind.Kind{
	Name:  "execution",
	Roles: []check.Role{L2, Builder},
	Flags: []kind.Flag{
		{Name: FlagL2, Category: kind.CatEndpoints, Usage: "L2 execution client `URL`: http, https, ws, wss or an absolute IPC path; required"},
		{Name: FlagBuilder, Category: kind.CatEndpoints, Modes: kind.HealthOnly, Usage: "block builder `URL`; absent: judge the L2 alone (health only)"},
		{Name: FlagL2Secret, Category: kind.CatEndpoints, Usage: "Engine-API JWT secret `FILE` for the L2 (hex, as geth's jwt.hex)"},
		{Name: FlagBuilderSecret, Category: kind.CatEndpoints, Modes: kind.HealthOnly, Usage: "Engine-API JWT secret `FILE` for the builder (health only)"},
		{Name: FlagL2Header, Type: kind.Headers, Category: kind.CatEndpoints, Usage: "extra HTTP `HEADER` \"Name: value\" for the L2; in the environment one per line"},
		{Name: FlagBuilderHeader, Type: kind.Headers, Category: kind.CatEndpoints, Modes: kind.HealthOnly, Usage: "extra HTTP `HEADER` \"Name: value\" for the builder (health only)"},
		{Name: FlagMaxLag, Category: kind.CatConsistency, Modes: kind.HealthOnly, Shown: "off", Usage: "partial when the builder is more than `N` blocks behind or ahead of the L2"},
		{Name: FlagCheckFork, Type: kind.Toggle, Category: kind.CatConsistency, Modes: kind.HealthOnly, Usage: "partial when the builder's and the L2's blocks differ at the lower of their two heads"},
	},
	Configure: configure,
}

// configure plans the L2 and, in a mode that judges it, the builder with its relations to the L2.
func configure(v kind.Values) (kind.Plan, error) {
	var p kind.Plan
	var maxLag *uint64
	if v.IsSet(FlagMaxLag) {
		lag, err := v.Whole(FlagMaxLag)
		if err != nil {
			return p, err
		}
		maxLag = &lag
	}
	fork, err := v.Bool(FlagCheckFork)
	if err != nil {
		return p, err
	}
	l2, err := v.Endpoint(L2, FlagL2, FlagL2Secret, FlagL2Header)
	if err != nil {
		return p, err
	}
	if l2 == nil {
		return p, &kind.RequiredError{Flag: FlagL2}
	}
	p.Sources = append(p.Sources, kind.Source{Endpoint: *l2, Rank: kind.RankL2})
	if !Builder.JudgedIn(v.Mode()) { // ready and live ignore the builder's flags entirely
		return p, nil
	}
	builder, err := v.Endpoint(Builder, FlagBuilder, FlagBuilderSecret, FlagBuilderHeader)
	if err != nil {
		return p, err
	}
	if builder == nil {
		if fork || maxLag != nil {
			v.Warn("--%s and --%s judge a builder, and no --%s is given", FlagCheckFork, FlagMaxLag, FlagBuilder)
		}
		return p, nil
	}
	p.Sources = append(p.Sources, kind.Source{Endpoint: *builder, Rank: kind.RankBuilder})
	p.Relations, p.ChainIDs = Relations(maxLag, fork), true
	return p, nil
}
