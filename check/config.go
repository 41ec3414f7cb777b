package check

import (
	"fmt"
	"time"
)

// Mode selects what a run judges.
type Mode int

const (
	// Health judges every role: healthy, partial or unavailable.
	Health Mode = iota
	// Ready judges the roles that building blocks needs: healthy while they are fresh and progressing, else unavailable.
	Ready
	// Live asks only whether the roles it judges answer with a well-formed head, whatever its age.
	Live
)

// String is the command name of the mode.
func (m Mode) String() string {
	switch m {
	case Ready:
		return "ready"
	case Live:
		return "live"
	default:
		return "health"
	}
}

// DefaultPollEvery is how often a head is sampled inside an observation window.
const DefaultPollEvery = 100 * time.Millisecond

// Config holds the thresholds of a check.
type Config struct {
	// MaxAge is the largest allowed head age, in whole seconds as rollup-boost counts it; 0 disables the age check.
	MaxAge time.Duration
	// Interval is the observation window; 0 takes one sample per endpoint.
	Interval time.Duration
	// MinBlocks is how far the head must advance inside the window (with Interval > 0).
	MinBlocks uint64
	// PollEvery is the sampling period inside the window; DefaultPollEvery when 0.
	PollEvery time.Duration
	// ChainID, when not 0, is the chain id every endpoint must report.
	ChainID uint64
	// MaxStall, with marks from earlier runs, is how long a head may stay without advancing by
	// MinBlocks; 0 disables the check across runs.
	MaxStall time.Duration
	// MaxClockSkew, when not 0, is how far in the future of this host's clock a head may be
	// stamped; beyond it the endpoint fails (clock_skew). 0 counts a future head as age 0, as rollup-boost does.
	MaxClockSkew time.Duration
}

// Validate reports the first threshold that makes no sense, naming it as the flag does.
func (c Config) Validate() error {
	switch {
	case c.MaxAge < 0:
		return fmt.Errorf("--max-unsafe-interval must not be negative (specified: %s)", c.MaxAge)
	case c.Interval < 0:
		return fmt.Errorf("--interval must not be negative (specified: %s)", c.Interval)
	case c.Interval > 0 && c.MinBlocks == 0:
		return fmt.Errorf("--min-blocks must be at least 1 with --interval (specified: 0)")
	case c.PollEvery < 0:
		return fmt.Errorf("poll period must not be negative (specified: %s)", c.PollEvery)
	case c.MaxClockSkew < 0:
		return fmt.Errorf("--max-clock-skew must not be negative (specified: %s)", c.MaxClockSkew)
	}
	return nil
}

func (c Config) pollEvery() time.Duration {
	if c.PollEvery > 0 {
		return c.PollEvery
	}
	return DefaultPollEvery
}
