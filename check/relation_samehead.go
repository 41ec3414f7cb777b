package check

import "fmt"

// UnsafeHeadCheck names the SameUnsafeHead relation.
const UnsafeHeadCheck = "unsafe_head"

// SameUnsafeHead is SameFork for a consensus client against its execution client (op-node against
// the L2): it fetches against's block at of's unsafe height (when of is not ahead) and fails of
// with diverged, the consensus client's cause, when that is another block. The comparison is kept
// as Endpoint.Fork.
func SameUnsafeHead(of, against Role, diverged Cause) Relation {
	return Relation{Name: UnsafeHeadCheck, Of: of, Against: against, kind: sameHead, cause: diverged}
}

// divergedReason is the reason of a SameUnsafeHead relation that failed, after of's name.
func (rel Relation) divergedReason(f *Fork) string {
	return fmt.Sprintf("unsafe head #%d %s is not the %s's block #%d %s", f.Number, ShortHash(f.Hash), rel.Against.Title, f.Number, ShortHash(f.AgainstHash))
}

// HeadComparison is what the renderers show of role's SameUnsafeHead relation: the comparison of
// its head with against's block at that height (nil when it was ahead, or not compared), and how
// many blocks its head is behind against's (the MaxLag relation of the same pair, when there is one).
type HeadComparison struct {
	Against Role
	Fork    *Fork
	Lag     Lag
}

// HeadComparison is the SameUnsafeHead comparison of the judged endpoint of that role, if the run
// made one.
func (r Result) HeadComparison(role string) (HeadComparison, bool) {
	e := r.Endpoint(role)
	if e == nil {
		return HeadComparison{}, false
	}
	for _, rel := range r.Relations {
		if rel.kind != sameHead || rel.Of.Name != role || r.Endpoint(rel.Against.Name) == nil {
			continue
		}
		c := HeadComparison{Against: rel.Against, Fork: e.Fork}
		for _, l := range r.Lags() {
			if l.Of.Name == role && l.Against.Name == rel.Against.Name {
				c.Lag = l
			}
		}
		return c, true
	}
	return HeadComparison{}, false
}
