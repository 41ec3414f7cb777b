package devnet

import (
	"bytes"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/params"
)

// defaultChainID is the chain ID used when NodeConfig.ChainID is zero (the OP-stack devnet L2 ID).
const defaultChainID = 901

// newGenesis builds a post-merge genesis with every fork active at block 0,
// like go-ethereum's simulated backend, but with the given chain ID, timestamp
// and extra data.
func newGenesis(chainID uint64, at time.Time, extra []byte) *core.Genesis {
	chainConfig := *params.AllDevChainProtocolChanges
	chainConfig.ChainID = new(big.Int).SetUint64(chainID)
	alloc := core.SystemContractAllocs()
	alloc[BuilderAddress] = types.Account{Balance: builderFunds} // the builder's transactions (builderblocks.go)
	return &core.Genesis{
		Config:    &chainConfig,
		Timestamp: uint64(at.Unix()),
		ExtraData: bytes.Clone(extra),
		GasLimit:  ethconfig.Defaults.Miner.GasCeil,
		Alloc:     alloc,
	}
}
