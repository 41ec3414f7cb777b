package config

import (
	"time"

	"github.com/headprobe/headprobe/check"
)

// DeadlineMargin is the slack on top of interval + timeout for the whole run's hard deadline.
const DeadlineMargin = 50 * time.Millisecond

// RunBound is the hard deadline of a run: interval + timeout + a small margin.
func RunBound(cfg *Config) time.Duration {
	window := cfg.Check.Interval
	if cfg.Mode == check.Live {
		window = 0
	}
	return window + cfg.Timeout + DeadlineMargin
}

// FleetBound is the hard deadline of a run over many targets: the longest of their runs' bounds.
// A target still waiting for a slot then is not checked (Unknown).
func FleetBound(members []*Config) time.Duration {
	var bound time.Duration
	for _, cfg := range members {
		bound = max(bound, RunBound(cfg))
	}
	return bound
}
