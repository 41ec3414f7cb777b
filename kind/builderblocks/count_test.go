package builderblocks

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/rpc"
)

const now = 1764633600

func TestFetch_CountsTheBuildersBlocks(t *testing.T) {
	cnt, err := Fetch(context.Background(), builtChain(100, now, 91, 95, 99), 100, 10, Marks{Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	if cnt.From != 91 || cnt.To != 100 || cnt.Window != 10 || cnt.Landed != 3 || cnt.Last == nil || cnt.Last.Number != 99 || cnt.Short != "" {
		t.Errorf("count %+v, want 3 of #91–#100, the last #99", cnt)
	}
	if cnt.Last.Timestamp != now-1 {
		t.Errorf("last timestamp %d, want %d", cnt.Last.Timestamp, now-1)
	}
}

func TestFetch_OneBatchOfWindowCalls(t *testing.T) {
	c := builtChain(100, now, 100)
	if _, err := Fetch(context.Background(), c, 100, 10, Marks{Signer: signer}); err != nil {
		t.Fatal(err)
	}
	if c.batches != 1 || c.calls != 10 {
		t.Errorf("%d batches of %d calls, want 1 of 10", c.batches, c.calls)
	}
}

func TestFetch_ContractCallsCountWhenAsked(t *testing.T) {
	c := builtChain(20, now)
	c.blocks[18] = fakeBlock(18, now-2, txTo(contract))
	marks := Marks{Signer: signer}
	if cnt, _ := Fetch(context.Background(), c, 20, 5, marks); cnt.Landed != 0 {
		t.Errorf("without --builder-contract a call to it counted: %+v", cnt)
	}
	marks.Contract = &contract
	if cnt, _ := Fetch(context.Background(), c, 20, 5, marks); cnt.Landed != 1 || cnt.Last.Number != 18 {
		t.Errorf("with --builder-contract: %+v, want #18 landed", cnt)
	}
}

// The window's fault rows: each is a reason and a class, never a panic nor a count.
func TestFetch_Faults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(c *chain)
		reason string
	}{
		{"transactions as hashes (a node ignoring the flag)", func(c *chain) {
			c.blocks[98] = strings.Replace(fakeBlock(98, now-2), `"transactions":[]`, `"transactions":["0x`+strings.Repeat("ab", 32)+`"]`, 1)
		}, "block #98 lists its transactions as hashes: the node ignored eth_getBlockByNumber's full-transactions flag"},
		{"from missing", func(c *chain) { c.blocks[97] = fakeBlock(97, now-3, `{"to":null,"hash":"0x01"}`) }, "block #97 transaction 0 has no from"},
		{"from null", func(c *chain) { c.blocks[97] = fakeBlock(97, now-3, `{"from":null}`) }, "block #97 transaction 0 has no from"},
		{"from malformed", func(c *chain) { c.blocks[97] = fakeBlock(97, now-3, txTo(other), `{"from":"0xb1d"}`) }, `block #97 transaction 1: from "0xb1d" is not an address`},
		{"from a number", func(c *chain) { c.blocks[97] = fakeBlock(97, now-3, `{"from":12}`) }, "block #97 transaction 0: from 12 is not an address"},
		{"transaction not an object", func(c *chain) { c.blocks[97] = fakeBlock(97, now-3, `[1]`) }, "block #97 transaction 0:"},
		{"no transactions list", func(c *chain) { c.blocks[96] = strings.Replace(fakeBlock(96, now-4), `,"transactions":[]`, "", 1) }, "block #96 has no transactions list"},
		{"another block than asked", func(c *chain) { c.blocks[95] = fakeBlock(16, now) }, "asked for block #95, got #16"},
		{"a block missing below others", func(c *chain) { delete(c.blocks, 94) }, "no block #94 below #100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := builtChain(100, now, 100)
			tc.edit(c)
			_, err := Fetch(context.Background(), c, 100, 10, Marks{Signer: signer})
			var f *rpc.Failure
			if !errors.As(err, &f) || f.Class != rpc.ClassMalformed || !strings.Contains(f.Msg, tc.reason) {
				t.Fatalf("error %v, want malformed %q", err, tc.reason)
			}
		})
	}
}

func TestFetch_WindowBelowGenesis_CountsFromBlockOne(t *testing.T) {
	c := builtChain(3, now, 2)
	cnt, err := Fetch(context.Background(), c, 3, 10, Marks{Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	if cnt.From != 1 || cnt.To != 3 || cnt.Window != 3 || cnt.Landed != 1 || cnt.Short != "only 3 blocks after the genesis" || c.calls != 3 {
		t.Errorf("count %+v after %d calls, want 1 of #1–#3 (the genesis never asked)", cnt, c.calls)
	}
	cnt, err = Fetch(context.Background(), c, 0, 10, Marks{Signer: signer})
	if err != nil || cnt.Window != 0 || c.batches != 1 {
		t.Errorf("at the genesis: %+v %v after %d batches, want nothing counted and no request", cnt, err, c.batches)
	}
}

// A reorg while the batch is served: the blocks below the break belong to another branch, and only
// those linked to the newest are counted.
func TestFetch_ReorgInsideTheWindow_CountsTheLinkedBlocks(t *testing.T) {
	c := builtChain(100, now, 99, 93)
	c.blocks[96] = strings.Replace(fakeBlock(96, now-4), hashOf(96), "0x"+strings.Repeat("0f", 32), 1) // #97's parent is not this #96
	cnt, err := Fetch(context.Background(), c, 100, 10, Marks{Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	if cnt.Window != 4 || cnt.From != 97 || cnt.Landed != 1 || !strings.Contains(cnt.Short, "reorg inside the window: only the 4 blocks linked to #100 counted") {
		t.Errorf("count %+v, want the 4 blocks #97–#100, 1 landed, the reorg said", cnt)
	}
}

// The head the L2 gave is gone when the batch is served (the chain went back): the window ends
// at the newest block answered.
func TestFetch_HeadGoneWhileRead(t *testing.T) {
	c := builtChain(100, now, 98)
	delete(c.blocks, 100)
	cnt, err := Fetch(context.Background(), c, 100, 10, Marks{Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	if cnt.To != 99 || cnt.Window != 9 || cnt.Landed != 1 || !strings.Contains(cnt.Short, "the head went back to #99") {
		t.Errorf("count %+v", cnt)
	}
}

func TestFetch_ErrorOfOneCall(t *testing.T) {
	_, err := Fetch(context.Background(), failing{}, 100, 10, Marks{Signer: signer})
	if err == nil || !strings.Contains(err.Error(), "header not found") {
		t.Errorf("error %v", err)
	}
}
