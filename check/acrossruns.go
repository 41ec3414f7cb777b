package check

import (
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Mark is where an endpoint's head last made progress, kept between runs in a state file:
// the head then, and since when it has been there (this host's clock, not the block's).
type Mark struct {
	Number uint64
	Hash   common.Hash
	Since  time.Time
}

// advanceMark records the head seen at now against the previous mark. The mark moves when the
// head advanced by minBlocks, or went backwards or changed hash (a reorg or a reset chain, which
// counts as no progress but starts a new baseline). stuckFor is how long the head has not moved,
// or 0 when it just did.
func advanceMark(prev *Mark, h Head, now time.Time, minBlocks uint64) (next Mark, stuckFor time.Duration) {
	fresh := Mark{Number: h.Number, Hash: h.Hash, Since: now}
	switch {
	case prev == nil, h.Number < prev.Number, h.Number == prev.Number && h.Hash != prev.Hash:
		return fresh, 0
	case h.Number-prev.Number >= max(minBlocks, 1):
		return fresh, 0
	}
	return *prev, max(now.Sub(prev.Since), 0)
}
