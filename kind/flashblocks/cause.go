package flashblocks

import "github.com/headprobe/headprobe/check"

// The causes of the flashblocks stream (besides CauseUnreachable, CauseStale and CauseBehind).
const (
	// CauseMalformedFrame: a frame of the stream did not decode (not JSON, not brotli, not a
	// flashblock, or over the cap).
	CauseMalformedFrame check.Cause = "malformed"
)
