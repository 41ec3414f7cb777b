package devnet

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// The builder's transaction is a STAND-IN for op-rbuilder's (v0.4.13, crates/op-rbuilder/src/
// builders/builder_tx.rs): with --rollup.builder-secret-key, op-rbuilder ends each block it builds
// with a transaction from that key to 0x0, input "Block Number: N". Here the L2 itself seals the
// blocks, and a block the builder "wins" (rollup-boost used its payload) is one the L2 seals with
// that transaction in it; the others are the L2's own (rollup-boost falling back).

// builderKey is the devnet builder's signing key, a fixed test key funded in the genesis; it holds
// nothing anywhere else.
var builderKey, _ = crypto.ToECDSA(common.FromHex("0xb1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0b1d0"))

// BuilderAddress is the address of the devnet builder's key: what --builder-signer names.
var BuilderAddress = crypto.PubkeyToAddress(builderKey.PublicKey)

// builderFunds is the builder key's balance in the genesis: enough for every block of any run.
var builderFunds, _ = new(big.Int).SetString("1000000000000000000000000", 10)

// SetBuilderWins makes every block the node seals from now on carry the builder's transaction
// (true), or none (false: the L2 builds its own blocks).
func (n *Node) SetBuilderWins(wins bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.builderWins = wins
}

// addBuilderTxLocked puts the builder's transaction for block number into the pool, for the next
// seal to include; the caller holds mu and the node is running.
func (n *Node) addBuilderTxLocked(number uint64) error {
	pool := n.run.backend.TxPool()
	head := n.run.backend.BlockChain().CurrentBlock()
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), big.NewInt(1e9))
	signer := types.LatestSignerForChainID(new(big.Int).SetUint64(n.cfg.ChainID))
	tx, err := types.SignNewTx(builderKey, signer, &types.DynamicFeeTx{
		ChainID: new(big.Int).SetUint64(n.cfg.ChainID), Nonce: pool.Nonce(BuilderAddress), GasTipCap: big.NewInt(1e9), GasFeeCap: feeCap,
		Gas: 50_000, To: &common.Address{}, Data: fmt.Appendf(nil, "Block Number: %d", number),
	})
	if err != nil {
		return fmt.Errorf("devnet %s: builder transaction: %w", n.cfg.Name, err)
	}
	if err := pool.Add([]*types.Transaction{tx}, true)[0]; err != nil {
		return fmt.Errorf("devnet %s: builder transaction: %w", n.cfg.Name, err)
	}
	return nil
}
