package builderblocks

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

var (
	signer   = common.HexToAddress("0x00000000000000000000000000000000000b1d")
	other    = common.HexToAddress("0x000000000000000000000000000000000000ee")
	contract = common.HexToAddress("0x0000000000000000000000000000000000c0de")
)

// chain is a fake L2 answering batches of eth_getBlockByNumber from its blocks, by number; a
// missing number answers null.
type chain struct {
	blocks map[uint64]string
	// batches counts the batches, calls the calls in them.
	batches, calls int
}

// fakeBlock is block n as geth answers it with full transactions: each of txs is a transaction
// object's JSON; its parent is block n-1 of the same chain.
func fakeBlock(n, timestamp uint64, txs ...string) string {
	return fmt.Sprintf(`{"number":"0x%x","hash":"%s","parentHash":"%s","timestamp":"0x%x","transactions":[%s]}`,
		n, hashOf(n), hashOf(n-1), timestamp, strings.Join(txs, ","))
}

func hashOf(n uint64) string { return fmt.Sprintf("0x%064x", 0xb10c0000+n) }

// txFrom is a transaction from addr to 0x0, as op-rbuilder's builder transaction.
func txFrom(addr common.Address) string {
	return fmt.Sprintf(`{"from":"%s","to":"0x0000000000000000000000000000000000000000","input":"0x426c6f636b204e756d6265723a2031","hash":"0x%064x"}`, strings.ToLower(addr.Hex()), 1)
}

// txTo is a transaction from someone else to addr.
func txTo(addr common.Address) string {
	return fmt.Sprintf(`{"from":"%s","to":"%s"}`, strings.ToLower(other.Hex()), strings.ToLower(addr.Hex()))
}

// builtChain is blocks 1..head at one a second ending at now, those in landed carrying the
// builder's transaction and one user transaction each.
func builtChain(head, now uint64, landed ...uint64) *chain {
	c := &chain{blocks: map[uint64]string{}}
	is := map[uint64]bool{}
	for _, n := range landed {
		is[n] = true
	}
	for n := uint64(1); n <= head; n++ {
		txs := []string{txTo(other)}
		if is[n] {
			txs = append(txs, txFrom(signer))
		}
		c.blocks[n] = fakeBlock(n, now-(head-n), txs...)
	}
	return c
}

func (c *chain) Batch(_ context.Context, calls []gethrpc.BatchElem) error {
	c.batches++
	for i := range calls {
		c.calls++
		e := &calls[i]
		var n uint64
		fmt.Sscanf(fmt.Sprint(e.Args[0]), "0x%x", &n)
		raw, ok := c.blocks[n]
		if !ok {
			raw = "null"
		}
		if err := json.Unmarshal([]byte(raw), e.Result); err != nil {
			e.Error = err
		}
	}
	return nil
}

// failing answers every call of a batch with a node error.
type failing struct{}

func (failing) Batch(_ context.Context, calls []gethrpc.BatchElem) error {
	for i := range calls {
		calls[i].Error = &rpcFailure{"eth_getBlockByNumber: JSON-RPC error -32000: header not found"}
	}
	return nil
}

type rpcFailure struct{ msg string }

func (e *rpcFailure) Error() string { return e.msg }
