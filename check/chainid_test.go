package check

import "testing"

// TestChainIDZero_IsAnAnswerLikeAnyOther: an endpoint answering eth_chainId with 0x0 is on chain 0,
// which is compared with --chain-id and with the L2's like any other chain id; only a chain id never
// asked for is not compared.
func TestChainIDZero_IsAnAnswerLikeAnyOther(t *testing.T) {
	known := func(id uint64) *Head { return &Head{Number: 7, ChainID: id, ChainIDKnown: true} }
	unasked := &Head{Number: 7}
	for _, tc := range []struct {
		name        string
		want        uint64 // --chain-id; 0: off
		l2, builder *Head
		state       State
		causes      []Cause
	}{
		{"L2 on 0, want 901", 901, known(0), nil, Unavailable, []Cause{CauseWrongChain}},
		{"builder on 0, want 901", 901, known(901), known(0), Partial, []Cause{"", CauseWrongChain}},
		{"L2 on 901, builder on 0", 0, known(901), known(0), Partial, []Cause{"", CauseWrongChain}},
		{"L2 on 0, builder on 901", 0, known(0), known(901), Partial, []Cause{"", CauseWrongChain}},
		{"both on 0", 0, known(0), known(0), Healthy, []Cause{"", ""}},
		{"not asked", 901, unasked, unasked, Healthy, []Cause{"", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l2 := Endpoint{Role: l2Role, Observation: Observation{Last: tc.l2, First: tc.l2}}
			var b *Endpoint
			if tc.builder != nil {
				b = &Endpoint{Role: builderRole, Observation: Observation{Last: tc.builder, First: tc.builder}}
			}
			r := judge(Health, Config{ChainID: tc.want}, l2, b)
			if r.State != tc.state {
				t.Errorf("state %v (%q), want %v", r.State, r.Reason, tc.state)
			}
			assertCauses(t, r, tc.causes)
		})
	}
}
