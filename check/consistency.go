package check

import (
	"context"
	"fmt"
	"math"

	"github.com/ethereum/go-ethereum/common"
)

// Fork is the result of comparing the builder's head with the L2's block at the same height.
type Fork struct {
	Number      uint64
	BuilderHash common.Hash
	L2Hash      common.Hash
	// Err is set when the L2's block could not be fetched; the comparison is then unknown.
	Err error
}

// Diverged reports whether the builder's head is not on the L2's chain.
func (f *Fork) Diverged() bool { return f != nil && f.Err == nil && f.BuilderHash != f.L2Hash }

// compareFork fetches the L2's block at the builder's height, when the builder is not ahead.
// It returns nil when there is nothing to compare.
func compareFork(ctx context.Context, l2Src Source, l2, builder *Head) *Fork {
	if l2 == nil || builder == nil || builder.Number > l2.Number {
		return nil
	}
	f := &Fork{Number: builder.Number, BuilderHash: builder.Hash}
	if builder.Number == l2.Number {
		f.L2Hash = l2.Hash
		return f
	}
	hs, ok := l2Src.(HashSource)
	if !ok {
		f.Err = fmt.Errorf("the L2 source cannot fetch older blocks")
		return f
	}
	f.L2Hash, f.Err = hs.HashAt(ctx, builder.Number)
	return f
}

// consistency checks the builder against the L2 and the expected chain id, in order: chain id,
// lag, fork. It returns "" when the builder is consistent.
func consistency(cfg Config, l2 Observation, b Endpoint) string {
	if b.Last == nil {
		return ""
	}
	if l2.Last != nil && b.Last.ChainIDKnown && l2.Last.ChainIDKnown && b.Last.ChainID != l2.Last.ChainID {
		return fmt.Sprintf("chain id %d differs from the L2's %d", b.Last.ChainID, l2.Last.ChainID)
	}
	if max := cfg.MaxBuilderLag; max != nil && l2.Last != nil && l2.Last.Number > b.Last.Number {
		if lag := l2.Last.Number - b.Last.Number; lag > *max {
			return fmt.Sprintf("head #%d is %d blocks behind the L2's #%d (max %d)", b.Last.Number, lag, l2.Last.Number, *max)
		}
	}
	if b.Fork.Diverged() {
		return fmt.Sprintf("on a fork at #%d: builder %s, L2 %s", b.Fork.Number, shortHash(b.Fork.BuilderHash), shortHash(b.Fork.L2Hash))
	}
	return ""
}

// chainIDMismatch is the reason an endpoint reports the wrong chain, or "".
func chainIDMismatch(cfg Config, h *Head) string {
	if cfg.ChainID != 0 && h != nil && h.ChainIDKnown && h.ChainID != cfg.ChainID {
		return fmt.Sprintf("chain id %d (want %d)", h.ChainID, cfg.ChainID)
	}
	return ""
}

func shortHash(h common.Hash) string {
	s := h.Hex()
	return s[:6] + "…" + s[len(s)-4:]
}

// BuilderLag is how many blocks the builder's head is behind the L2's (negative when it is ahead);
// ok is false unless both heads are known.
func (r Result) BuilderLag() (blocks int64, ok bool) {
	if r.Builder == nil || r.Builder.Last == nil || r.L2.Last == nil {
		return 0, false
	}
	l2, b := r.L2.Last.Number, r.Builder.Last.Number
	if l2 >= b {
		return int64(min(l2-b, math.MaxInt64)), true
	}
	return -int64(min(b-l2, math.MaxInt64)), true
}
