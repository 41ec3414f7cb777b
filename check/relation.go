package check

import (
	"context"
	"fmt"
	"math"

	"github.com/ethereum/go-ethereum/common"
)

// Relation is a named check of one role's endpoint against another's (the builder's chain id,
// lag and fork against the L2's), made after both were judged by their own criteria. When it
// fails, the Of endpoint fails with the relation's cause; an endpoint that already failed keeps
// its first failure. A relation whose two endpoints were not both judged is not made.
type Relation struct {
	// Name names the check: "chain_id", "lag" or "fork".
	Name string
	// Of is the role that fails when the check does; Against is the role it is compared with.
	Of, Against Role
	kind        relationKind
	max         *uint64 // the lag's limit; nil shows the lag without judging it
	cause       Cause   // a SameUnsafeHead's failure
}

type relationKind int

const (
	sameChain relationKind = iota
	lag
	sameFork
	sameHead // SameUnsafeHead, in relation_samehead.go
)

// SameChain fails of with CauseWrongChain when both report a chain id and the two differ.
func SameChain(of, against Role) Relation {
	return Relation{Name: "chain_id", Of: of, Against: against, kind: sameChain}
}

// MaxLag measures how many blocks of's head is behind against's (Result.Lags) and, when max is
// not nil, fails of with CauseBehind when it is more than max behind, and with CauseAhead
// when it is more than max ahead.
func MaxLag(of, against Role, max *uint64) Relation {
	return Relation{Name: "lag", Of: of, Against: against, kind: lag, max: max}
}

// SameFork compares the two chains at the lower of the two heads: against's block at of's height
// when of is not ahead, else of's block at against's height; it fails of with CauseForked when the
// two blocks differ. The comparison is kept as Endpoint.Fork.
func SameFork(of, against Role) Relation {
	return Relation{Name: "fork", Of: of, Against: against, kind: sameFork}
}

// Fork is the result of comparing an endpoint's head with the block at the same height of the
// endpoint it is checked against.
type Fork struct {
	Number uint64
	// Hash is the checked endpoint's block at Number (its head unless it is ahead); AgainstHash
	// the other endpoint's (its head when the checked one is ahead).
	Hash, AgainstHash common.Hash
	// Err is set when the older of the two blocks could not be fetched; the comparison is then unknown.
	Err error
}

// Diverged reports whether the head is not on the other endpoint's chain.
func (f *Fork) Diverged() bool { return f != nil && f.Err == nil && f.Hash != f.AgainstHash }

// fetch makes the I/O the relation needs once both endpoints were observed without an error:
// the fork check's block, from against's source (src), or, for SameFork when of is ahead, from
// of's (ofSrc).
func (rel Relation) fetch(ctx context.Context, of *Endpoint, against Endpoint, ofSrc, src Source) {
	if (rel.kind != sameFork && rel.kind != sameHead) || of.Err != nil || against.Err != nil {
		return
	}
	if a, o := against.Last, of.Last; rel.kind == sameFork && a != nil && o != nil && o.Number > a.Number {
		if f := compareFork(ctx, ofSrc, rel.Of.Title, o, a); f != nil { // the same comparison, the other way
			of.Fork = &Fork{Number: f.Number, Hash: f.AgainstHash, AgainstHash: f.Hash, Err: f.Err}
		}
		return
	}
	of.Fork = compareFork(ctx, src, rel.Against.Title, against.Last, of.Last)
}

// compareFork fetches the block at of's height from src, the source of the endpoint (named title)
// whose head is against, when of is not ahead. It returns nil when there is nothing to compare.
func compareFork(ctx context.Context, src Source, title string, against, of *Head) *Fork {
	if against == nil || of == nil || of.Number > against.Number {
		return nil
	}
	f := &Fork{Number: of.Number, Hash: of.Hash}
	if of.Number == against.Number {
		f.AgainstHash = against.Hash
		return f
	}
	hs, ok := src.(HashSource)
	if !ok {
		f.Err = fmt.Errorf("the %s source cannot fetch older blocks", title)
		return f
	}
	f.AgainstHash, f.Err = hs.HashAt(ctx, of.Number)
	return f
}

// check judges of against against; it returns "" when they are consistent.
func (rel Relation) check(of, against *Endpoint) (Cause, string) {
	b, a := of.Last, against.Last
	if b == nil {
		return "", ""
	}
	switch rel.kind {
	case sameChain:
		if a != nil && b.ChainIDKnown && a.ChainIDKnown && b.ChainID != a.ChainID {
			return CauseWrongChain, fmt.Sprintf("chain id %d differs from the %s's %d", b.ChainID, rel.Against.Title, a.ChainID)
		}
	case lag:
		if rel.max != nil && a != nil && a.Number > b.Number {
			if n := a.Number - b.Number; n > *rel.max {
				return CauseBehind, fmt.Sprintf("head #%d is %d blocks behind the %s's #%d (max %d)", b.Number, n, rel.Against.Title, a.Number, *rel.max)
			}
		}
		if rel.max != nil && a != nil && b.Number > a.Number {
			if n := b.Number - a.Number; n > *rel.max {
				return CauseAhead, fmt.Sprintf("head #%d is %d blocks ahead of the %s's #%d (max %d)", b.Number, n, rel.Against.Title, a.Number, *rel.max)
			}
		}
	case sameFork:
		if f := of.Fork; f.Diverged() {
			return CauseForked, fmt.Sprintf("on a fork at #%d: %s %s, %s %s", f.Number, rel.Of.Title, ShortHash(f.Hash), rel.Against.Title, ShortHash(f.AgainstHash))
		}
	case sameHead:
		if f := of.Fork; f.Diverged() {
			return rel.cause, rel.divergedReason(f)
		}
	}
	return "", ""
}

// chainIDMismatch is the reason an endpoint reports the wrong chain, or "".
func chainIDMismatch(cfg Config, h *Head) string {
	if cfg.ChainID != 0 && h != nil && h.ChainIDKnown && h.ChainID != cfg.ChainID {
		return fmt.Sprintf("chain id %d (want %d)", h.ChainID, cfg.ChainID)
	}
	return ""
}

// ShortHash abbreviates a hash to its first and last four hex digits: 0x834f…b938.
func ShortHash(h common.Hash) string {
	s := h.Hex()
	return s[:6] + "…" + s[len(s)-4:]
}

// Lag is how many blocks one endpoint's head is behind another's (negative when it is ahead).
type Lag struct {
	// Of is the role whose lag it is; Against the role it is measured against.
	Of, Against Role
	// Blocks is the lag; Known is false unless both heads are known.
	Blocks int64
	Known  bool
}

// Lags are the lags of the run's MaxLag relations whose two endpoints were judged, in relation order.
func (r Result) Lags() []Lag {
	var out []Lag
	for _, rel := range r.Relations {
		of, against := r.Endpoint(rel.Of.Name), r.Endpoint(rel.Against.Name)
		if rel.kind != lag || of == nil || against == nil {
			continue
		}
		l := Lag{Of: rel.Of, Against: rel.Against}
		if of.Last != nil && against.Last != nil {
			a, b := against.Last.Number, of.Last.Number
			l.Known = true
			if a >= b {
				l.Blocks = int64(min(a-b, math.MaxInt64))
			} else {
				l.Blocks = -int64(min(b-a, math.MaxInt64))
			}
		}
		out = append(out, l)
	}
	return out
}

// Max is a MaxLag relation's limit; nil when it shows the lag without judging it, or for another
// relation.
func (rel Relation) Max() *uint64 { return rel.max }
