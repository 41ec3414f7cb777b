package kind

import (
	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Plan is what a kind adds to a run: sources judged by their heads, relations between them, and
// parts judged otherwise. Each source and part declares its rank in the judging order.
type Plan struct {
	Sources   []Source
	Relations []check.Relation
	Parts     []Part
	// ChainIDs asks every source's chain id to be read (the relations compare them).
	ChainIDs bool
}

// The judging order. Sources are judged, and named in the first line, by rank: those whose
// failure stops the blocks first (rollup-boost's order). Parts come after the heads, by rank:
// op-conductor last, as it compares its own view with every other finding.
const (
	RankL2          = 10
	RankOpNode      = 20
	RankBuilder     = 30
	RankRollupBoost = 10
	RankBuilderWork = 20
	RankStream      = 30
	RankConductor   = 90
)

// Source is an endpoint judged by its head.
type Source struct {
	Endpoint
	Rank int
	// New makes its source; nil makes an execution client's (rpc.New).
	New func(url string, opts rpc.Options) check.Source
}

// Part is an endpoint judged by something other than its head.
type Part struct {
	Rank int
	// URL is the address the part dials, for the wiring's checks of the whole (TLS flags given
	// where only IPC sockets are dialled); "" when none.
	URL string
	// New makes the part; sources are the run's sources by role name, made before the parts, for
	// a part that asks one of them more (the builder's blocks read through the L2's client). A nil
	// part is left out.
	New func(sources map[string]check.Source) check.Part
}
