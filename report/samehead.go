package report

import (
	"fmt"

	"github.com/headprobe/headprobe/check"
)

// L2Block is, in the JSON document, op-node's unsafe head compared with the L2's block at that
// height (check.SameUnsafeHead): the height, the L2's hash there and whether op-node's differs;
// error says why the L2's block could not be fetched (the check was then not made).
type L2Block struct {
	Number   uint64 `json:"number"`
	Hash     string `json:"hash,omitempty"`
	Diverged bool   `json:"diverged"`
	Error    string `json:"error,omitempty"`
}

// sameHead shows an endpoint's SameUnsafeHead comparison as l2_block and l2_distance_blocks,
// instead of the builder's fork object.
func (out *Endpoint) sameHead(c check.HeadComparison) {
	out.Fork = nil
	if f := c.Fork; f != nil {
		out.L2Block = &L2Block{Number: f.Number, Diverged: f.Diverged()}
		if f.Err != nil {
			out.L2Block.Error = f.Err.Error()
		} else {
			out.L2Block.Hash = f.AgainstHash.Hex()
		}
	}
	if c.Lag.Known {
		d := c.Lag.Blocks
		out.L2DistanceBlocks = &d
	}
}

// distance is the text report's distance of an endpoint's head to the one it is compared with.
func distance(c check.HeadComparison) string {
	switch n := c.Lag.Blocks; {
	case n > 0:
		return fmt.Sprintf("%d behind the %s", n, c.Against.Title)
	case n < 0:
		return fmt.Sprintf("%d ahead of the %s", -n, c.Against.Title)
	default:
		return fmt.Sprintf("at the %s's head", c.Against.Title)
	}
}
