package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// benchSigner is the builder's address of the fake chain: every block carries its transaction.
const benchSigner = "0x000000000000000000000000000000000000b1d0"

// byNumber reads eth_getBlockByNumber's parameters: a block number at or below the head answers
// that block, stamped a period per block before the head's; "latest" the head. full is the
// second parameter (true: transaction objects).
func byNumber(params []json.RawMessage, head, ts uint64, period time.Duration) (n, stamp uint64, full bool) {
	n, stamp = head, ts
	if len(params) == 0 {
		return
	}
	var tag string
	if json.Unmarshal(params[0], &tag) == nil && strings.HasPrefix(tag, "0x") {
		if k, err := strconv.ParseUint(tag[2:], 16, 64); err == nil && k <= head {
			n, stamp = k, ts-uint64((time.Duration(head-k)*period).Seconds())
		}
	}
	full = len(params) > 1 && string(params[1]) == "true"
	return
}

// txTemplate is a transaction object as go-ethereum 1.17.10 answers it in a full block (an
// EIP-1559 transaction), with the block number (%[1]x), its hash (%[2]s), its index (%[3]d),
// sender (%[4]s), recipient (%[5]s) and input (%[6]s) filled in.
const txTemplate = `{"blockHash":"%[2]s","blockNumber":"0x%[1]x","from":"%[4]s","gas":"0xc350","gasPrice":"0x3b9aca07",` +
	`"maxFeePerGas":"0x77359400","maxPriorityFeePerGas":"0x3b9aca00","hash":"0x%064[3]x","input":"%[6]s","nonce":"0x%[1]x",` +
	`"to":"%[5]s","transactionIndex":"0x%[3]x","value":"0x0","type":"0x2","accessList":[],"chainId":"0x385","v":"0x0",` +
	`"r":"0x3f4b5e2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f",` +
	`"s":"0x1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b","yParity":"0x0"}`

// fullTxs are block n's transactions: a user's, then op-rbuilder's builder transaction (from the
// builder to 0x0, input "Block Number: n").
func fullTxs(n uint64) string {
	input := fmt.Sprintf("0x%x", fmt.Sprintf("Block Number: %d", n))
	user := fmt.Sprintf(txTemplate, n, blockHash(n), 0, "0x71562b71999873db5b286df957af199ec94617f7", "0x00000000000000000000000000000000000000ef", "0xa9059cbb"+strings.Repeat("0", 128))
	builder := fmt.Sprintf(txTemplate, n, blockHash(n), 1, benchSigner, "0x0000000000000000000000000000000000000000", input)
	return user + "," + builder
}

// landing is L1: the CPU of a one-shot `health` with --builder-signer over the same without it,
// against the same two endpoints, interleaved (A B B A …) so that neither gains from its place.
func (b *bench) landing() result {
	without := []string{"health", "--l2", b.l2.URL, "--builder", b.builder.URL}
	with := append(slices.Clone(without), "--builder-signer", benchSigner)
	var ratios, withCPU, withoutCPU, reqs []float64
	for i := range b.n + 1 { // the first pair warms up
		order := [][]string{with, without}
		if i%2 == 1 {
			order = [][]string{without, with}
		}
		var cpu [2]time.Duration
		for _, args := range order {
			b.l2.reset()
			s, err := b.probe(args...)
			if err == nil {
				err = expect(s, 0, "headprobe")
			}
			if err != nil {
				return result{err: err}
			}
			k := 1
			if len(args) == len(with) {
				k = 0
				reqs = append(reqs, float64(b.l2.requests.Load()))
			}
			cpu[k] = s.CPU
		}
		if i == 0 {
			reqs = reqs[:0]
			continue
		}
		ratios = append(ratios, float64(cpu[0])/float64(max(cpu[1], time.Microsecond)))
		withCPU, withoutCPU = append(withCPU, ms(cpu[0])), append(withoutCPU, ms(cpu[1]))
	}
	return result{values: ratios, note: fmt.Sprintf("with %.1f ms, without %.1f ms; %.0f requests to the L2 with it (one batch of 10 full blocks)",
		median(withCPU), median(withoutCPU), median(reqs))}
}
