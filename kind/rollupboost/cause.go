package rollupboost

import "github.com/headprobe/headprobe/check"

// The causes of rollup-boost's findings.
const (
	// CausePartial: rollup-boost's /healthz answers 206 Partial Content, its builder is
	// not building.
	CausePartial check.Cause = "rollup_boost_partial"
	// CauseUnavailable: rollup-boost's /healthz answers 503, the L2 is not building.
	CauseUnavailable check.Cause = "rollup_boost_unavailable"
)
