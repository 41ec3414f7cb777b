package builderblocks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/headprobe/headprobe/rpc"
)

// Count is what the L2's last blocks showed: how many of those counted carry the builder's
// transaction, and the newest that does.
type Count struct {
	// From and To are the lowest and the highest block counted; Window how many (0: none yet
	// after the genesis, which no builder builds).
	From, To, Window uint64
	// Landed is how many of them carry the builder's transaction.
	Landed uint64
	// Last is the newest block counted that carries it; nil when none does.
	Last *Block
	// Short says why fewer blocks than asked were counted ("" when all were): the chain is young,
	// or a reorg happened inside the window while it was read.
	Short string
}

// Block is a block that carries the builder's transaction.
type Block struct {
	Number    uint64
	Hash      common.Hash
	Timestamp uint64
}

// Marks are what makes a transaction the builder's: from the signer, or to the contract.
type Marks struct {
	Signer common.Address
	// Contract, when set, counts every call to it (op-rbuilder's flashblocks number contract).
	Contract *common.Address
}

// Batcher sends JSON-RPC calls in one batch: *rpc.Client.
type Batcher interface {
	Batch(ctx context.Context, calls []gethrpc.BatchElem) error
}

// Fetch reads the blocks head-window+1 … head (none below #1) with their transactions, in one
// JSON-RPC batch of eth_getBlockByNumber(n, true), newest first, and counts those marks finds. It
// counts only the blocks linked by their parent hashes to the newest one answered: a reorg
// while the batch was served leaves the ones below it out, saying so in Short. Errors are
// *rpc.Failure.
func Fetch(ctx context.Context, c Batcher, head, window uint64, marks Marks) (Count, error) {
	cnt := Count{To: head}
	if head == 0 || window == 0 {
		cnt.Short = "no block after the genesis yet"
		return cnt, nil
	}
	from := uint64(1)
	if head >= window {
		from = head - window + 1
	}
	raws := make([]json.RawMessage, head-from+1)
	calls := make([]gethrpc.BatchElem, len(raws))
	for i := range calls {
		calls[i] = gethrpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.Uint64(head - uint64(i)), true}, Result: &raws[i]}
	}
	if err := c.Batch(ctx, calls); err != nil {
		return Count{}, err
	}
	var parent *common.Hash
	for i, e := range calls {
		n := head - uint64(i)
		if e.Error != nil {
			return Count{}, e.Error
		}
		raw := bytes.TrimSpace(raws[i])
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			if parent == nil { // the chain is shorter than the head was: the top was reorged away
				cnt.To = n - 1
				continue
			}
			return Count{}, malformed("no block #%d below #%d", n, cnt.To)
		}
		b, err := decodeBlock(raw, n, marks)
		if err != nil {
			return Count{}, err
		}
		if parent != nil && *parent != b.hash {
			cnt.Short = fmt.Sprintf("reorg inside the window: only the %d blocks linked to #%d counted", cnt.Window, cnt.To)
			break
		}
		parent = &b.parent
		cnt.From, cnt.Window = n, cnt.Window+1
		if b.landed {
			cnt.Landed++
			if cnt.Last == nil {
				cnt.Last = &Block{Number: n, Hash: b.hash, Timestamp: b.timestamp}
			}
		}
	}
	switch {
	case cnt.Window == 0:
		cnt.Short = fmt.Sprintf("no block at or below #%d answered", head)
	case cnt.Short == "" && cnt.Window < window && cnt.From == 1:
		cnt.Short = fmt.Sprintf("only %d blocks after the genesis", cnt.Window)
	case cnt.Short == "" && cnt.Window < window:
		cnt.Short = fmt.Sprintf("the head went back to #%d while it was read", cnt.To)
	}
	return cnt, nil
}

// block is the part of a block Fetch reads.
type block struct {
	hash, parent common.Hash
	timestamp    uint64
	landed       bool
}

// wire is a block as eth_getBlockByNumber(n, true) answers it, the fields Fetch reads.
type wire struct {
	Number       *hexutil.Uint64   `json:"number"`
	Hash         *common.Hash      `json:"hash"`
	ParentHash   *common.Hash      `json:"parentHash"`
	Timestamp    *hexutil.Uint64   `json:"timestamp"`
	Transactions []json.RawMessage `json:"transactions"`
}

// wireTx is a transaction object, the fields Fetch reads.
type wireTx struct {
	From *json.RawMessage `json:"from"`
	To   *common.Address  `json:"to"`
}

// decodeBlock reads block number n and whether it carries a transaction marks finds.
func decodeBlock(raw []byte, n uint64, marks Marks) (block, error) {
	var w wire
	if err := json.Unmarshal(raw, &w); err != nil {
		return block{}, malformed("block #%d: %s", n, jsonError(err))
	}
	switch {
	case w.Number == nil:
		return block{}, malformed("block #%d has no number", n)
	case uint64(*w.Number) != n:
		return block{}, malformed("asked for block #%d, got #%d", n, uint64(*w.Number))
	case w.Hash == nil || w.ParentHash == nil:
		return block{}, malformed("block #%d has no hash or parentHash", n)
	case w.Timestamp == nil:
		return block{}, malformed("block #%d has no timestamp", n)
	case w.Transactions == nil:
		return block{}, malformed("block #%d has no transactions list", n)
	}
	b := block{hash: *w.Hash, parent: *w.ParentHash, timestamp: uint64(*w.Timestamp)}
	for i, raw := range w.Transactions {
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '"' {
			return block{}, malformed("block #%d lists its transactions as hashes: the node ignored eth_getBlockByNumber's full-transactions flag, so their senders are unknown", n)
		}
		var tx wireTx
		if err := json.Unmarshal(raw, &tx); err != nil {
			return block{}, malformed("block #%d transaction %d: %s", n, i, jsonError(err))
		}
		if tx.From == nil {
			return block{}, malformed("block #%d transaction %d has no from", n, i)
		}
		var from common.Address
		if err := from.UnmarshalJSON(*tx.From); err != nil {
			return block{}, malformed("block #%d transaction %d: from %s is not an address", n, i, clip(*tx.From))
		}
		if from == marks.Signer || (marks.Contract != nil && tx.To != nil && *tx.To == *marks.Contract) {
			b.landed = true
		}
	}
	return b, nil
}

// malformed is an answer that is not a block with its transactions.
func malformed(format string, args ...any) *rpc.Failure {
	return &rpc.Failure{Class: rpc.ClassMalformed, Msg: "malformed response: " + fmt.Sprintf(format, args...)}
}

// jsonError is a decoding error without the Go type names encoding/json puts in it.
func jsonError(err error) string {
	if e, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Sprintf("%s is a JSON %s of the wrong kind", e.Field, e.Value)
	}
	return rpc.OneLine(err.Error())
}

// clip is at most 48 bytes of server text, on one line.
func clip(raw []byte) string {
	s := rpc.OneLine(string(raw))
	if r := []rune(s); len(r) > 48 {
		return string(r[:48]) + "…"
	}
	return s
}
