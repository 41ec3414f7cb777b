package devnet

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// A block the builder wins carries its transaction, from BuilderAddress to 0x0 with op-rbuilder's
// input; the L2's own blocks carry none. The follower imports both.
func TestBuilderWins_BlocksCarryTheBuildersTransaction(t *testing.T) {
	n, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	n.L2.SetBuilderWins(true)
	for range 2 {
		if err := n.L2.Seal(); err != nil {
			t.Fatal(err)
		}
	}
	n.L2.SetBuilderWins(false)
	if err := n.L2.Seal(); err != nil {
		t.Fatal(err)
	}
	n.L2.mu.Lock()
	chain := n.L2.run.backend.BlockChain()
	n.L2.mu.Unlock()
	for number, want := range map[uint64]string{1: "Block Number: 1", 2: "Block Number: 2", 3: ""} {
		b := chain.GetBlockByNumber(number)
		switch {
		case b == nil:
			t.Fatalf("no block #%d", number)
		case want == "" && len(b.Transactions()) != 0:
			t.Errorf("#%d, the L2's own, has %d transactions", number, len(b.Transactions()))
		case want != "" && len(b.Transactions()) != 1:
			t.Errorf("#%d has %d transactions, want the builder's", number, len(b.Transactions()))
		case want != "":
			tx := b.Transactions()[0]
			from, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
			if err != nil || from != BuilderAddress || *tx.To() != (common.Address{}) || string(tx.Data()) != want {
				t.Errorf("#%d: from %s (%v) to %s input %q", number, from, err, tx.To(), tx.Data())
			}
		}
	}
	if number, _, _ := n.Builder.Head(); number != 3 {
		t.Errorf("the builder imported up to #%d, want #3", number)
	}
}
