package devnet

import (
	"strconv"
	"testing"
	"time"
)

// startNet starts an L2 and its builder and closes them when the test ends.
func startNet(t *testing.T, opts Options) *Net {
	t.Helper()
	opts.Dir = t.TempDir()
	net, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := net.Close(); err != nil {
			t.Error(err)
		}
	})
	return net
}

// sameHead fails unless both nodes have the same head, number, hash and timestamp.
func sameHead(t *testing.T, a, b *Node) {
	t.Helper()
	an, ah, at := a.Head()
	bn, bh, bt := b.Head()
	if an != bn || ah != bh || at != bt {
		t.Fatalf("heads differ: %s #%d %s @%d, %s #%d %s @%d", a.cfg.Name, an, ah, at, b.cfg.Name, bn, bh, bt)
	}
}

func TestBuilderFollowsL2(t *testing.T) {
	net := startNet(t, Options{})
	sameHead(t, net.L2, net.Builder)
	for range 3 {
		if err := net.L2.Seal(); err != nil {
			t.Fatal(err)
		}
		sameHead(t, net.L2, net.Builder) // imported as the L2 seals, not on the builder's next Seal
	}
	if num, _, _ := net.Builder.Head(); num != 3 {
		t.Fatalf("builder head #%d, want #3", num)
	}
	if err := net.Builder.Seal(); err != nil { // in sync: nothing to import, no error
		t.Fatalf("Seal on an up-to-date follower: %v", err)
	}
	sameHead(t, net.L2, net.Builder)
	for _, n := range []*Node{net.L2, net.Builder} {
		var id string
		result(t, n.HTTPURL(), "", &id, "eth_chainId")
		if id != "0x385" {
			t.Fatalf("%s eth_chainId = %s, want 0x385 (901)", n.cfg.Name, id)
		}
	}
	if l2, builder := latest(t, net.L2.HTTPURL(), ""), latest(t, net.Builder.HTTPURL(), ""); l2 != builder {
		t.Fatalf("over RPC: l2 %+v, builder %+v", l2, builder)
	}
}

func TestStalledBuilderLags(t *testing.T) {
	net := startNet(t, Options{})
	if err := net.L2.Seal(); err != nil {
		t.Fatal(err)
	}
	net.Builder.Stall()
	_, _, stalledAt := net.Builder.Head()
	for range 2 {
		if err := net.L2.Seal(); err != nil {
			t.Fatal(err)
		}
	}
	if num, _, ts := net.Builder.Head(); num != 1 || ts != stalledAt {
		t.Fatalf("stalled builder head #%d @%d, want #1 @%d", num, ts, stalledAt)
	}
	if l2, _, _ := net.L2.Head(); l2 != 3 {
		t.Fatalf("l2 head #%d, want #3", l2)
	}
	net.Builder.Resume() // catches up at once
	sameHead(t, net.L2, net.Builder)
	if err := net.L2.Seal(); err != nil {
		t.Fatal(err)
	}
	sameHead(t, net.L2, net.Builder)
}

func TestStoppedBuilderCatchesUpAtRestart(t *testing.T) {
	net := startNet(t, Options{})
	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := net.L2.Seal(); err != nil { // the stopped builder misses it
		t.Fatal(err)
	}
	if err := net.Builder.Restart(); err != nil {
		t.Fatal(err)
	}
	sameHead(t, net.L2, net.Builder)
}

func TestBuilderFollowsPeriodicL2(t *testing.T) {
	net := startNet(t, Options{Period: 50 * time.Millisecond})
	waitFor(t, "builder blocks", func() bool { num, _, _ := net.Builder.Head(); return num >= 3 })
	num, hash, _ := net.Builder.Head()
	var b block
	result(t, net.L2.HTTPURL(), "", &b, "eth_getBlockByNumber", hexQuantity(num), false)
	if b.Hash != hash.Hex() {
		t.Fatalf("builder #%d is %s, the L2's is %s", num, hash.Hex(), b.Hash)
	}
}

func TestBuilderDiverges(t *testing.T) {
	t.Run("from the start", func(t *testing.T) {
		net := startNet(t, Options{BuilderDiverges: true})
		sameHead(t, net.L2, net.Builder) // one genesis
		for _, n := range []*Node{net.L2, net.Builder} {
			if err := n.Seal(); err != nil {
				t.Fatal(err)
			}
		}
		ln, lh, _ := net.L2.Head()
		bn, bh, _ := net.Builder.Head()
		if ln != 1 || bn != 1 || lh == bh {
			t.Fatalf("l2 #%d %s, builder #%d %s: want two different blocks #1", ln, lh, bn, bh)
		}
	})
	t.Run("after following", func(t *testing.T) {
		net := startNet(t, Options{})
		if err := net.L2.Seal(); err != nil {
			t.Fatal(err)
		}
		_, common, _ := net.Builder.Head()
		if err := net.Builder.Diverge(); err != nil {
			t.Fatal(err)
		}
		for _, n := range []*Node{net.L2, net.Builder} {
			if err := n.Seal(); err != nil {
				t.Fatal(err)
			}
		}
		ln, lh, _ := net.L2.Head()
		bn, bh, _ := net.Builder.Head()
		if ln != 2 || bn != 2 || lh == bh {
			t.Fatalf("l2 #%d %s, builder #%d %s: want two different blocks #2", ln, lh, bn, bh)
		}
		var b block
		result(t, net.Builder.HTTPURL(), "", &b, "eth_getBlockByNumber", "0x1", false)
		if b.Hash != common.Hex() {
			t.Fatalf("builder #1 is %s, want the shared %s", b.Hash, common.Hex())
		}
	})
	t.Run("periodic", func(t *testing.T) {
		net := startNet(t, Options{Period: 50 * time.Millisecond, BuilderDiverges: true})
		waitFor(t, "blocks on both", func() bool {
			l, _, _ := net.L2.Head()
			b, _, _ := net.Builder.Head()
			return l >= 2 && b >= 2
		})
		var l2, builder block
		result(t, net.L2.HTTPURL(), "", &l2, "eth_getBlockByNumber", "0x2", false)
		result(t, net.Builder.HTTPURL(), "", &builder, "eth_getBlockByNumber", "0x2", false)
		if l2.Hash == builder.Hash {
			t.Fatalf("a diverged builder has the L2's block #2 %s", l2.Hash)
		}
	})
}

// hexQuantity formats a block number as a JSON-RPC quantity.
func hexQuantity(n uint64) string {
	return "0x" + strconv.FormatUint(n, 16)
}
