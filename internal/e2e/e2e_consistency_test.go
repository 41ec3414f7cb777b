package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
)

// chainPair starts an L2 and a builder that share a secret, each as configured.
func chainPair(t *testing.T, l2, builder devnet.NodeConfig) (*devnet.Node, *devnet.Node) {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "jwt.hex")
	if err := devnet.WriteSecretFile(secret, make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	start := func(cfg devnet.NodeConfig) *devnet.Node {
		cfg.JWTSecretFile = secret
		n, err := devnet.StartNode(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { n.Close() })
		return n
	}
	return start(l2), start(builder)
}

func TestBuilderLagging_IsPartialBeyondMaxBuilderLag(t *testing.T) {
	genesis := time.Now()
	l2, builder := chainPair(t,
		devnet.NodeConfig{Name: "l2", GenesisTime: genesis},
		devnet.NodeConfig{Name: "builder", GenesisTime: genesis})
	seal(t, l2, l2, l2)
	args := []string{"--l2", l2.HTTPURL(), "--builder", builder.HTTPURL()}
	probeRun(t, append(args, "--max-builder-lag", "2")...).expect(t, 1, "PARTIAL: builder head #0 is 3 blocks behind the L2's #3 (max 2)")
	probeRun(t, append(args, "--max-builder-lag", "3")...).expect(t, 0, "HEALTHY: ")
	probeRun(t, args...).expect(t, 0, "HEALTHY: ") // no lag check unless asked
}

// TestBuilderAhead_IsPartialBeyondMaxBuilderLag: a builder more than --max-builder-lag ahead of the
// L2 is partial too, with its own cause (issue #18, item 9: #99999 beside #922 passed).
func TestBuilderAhead_IsPartialBeyondMaxBuilderLag(t *testing.T) {
	genesis := time.Now()
	l2, builder := chainPair(t,
		devnet.NodeConfig{Name: "l2", GenesisTime: genesis},
		devnet.NodeConfig{Name: "builder", GenesisTime: genesis})
	seal(t, builder, builder, builder)
	args := []string{"--l2", l2.HTTPURL(), "--builder", builder.HTTPURL()}
	o := probeRun(t, append(args, "--max-builder-lag", "2", "-o", "json")...)
	var doc struct {
		Builder struct {
			Cause string `json:"cause"`
		} `json:"builder"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil || o.code != 1 || doc.Builder.Cause != "builder_ahead" {
		t.Errorf("exit %d, cause %q (%v)\n%s", o.code, doc.Builder.Cause, err, o.stdout)
	}
	probeRun(t, append(args, "--max-builder-lag", "2")...).expect(t, 1, "PARTIAL: builder head #3 is 3 blocks ahead of the L2's #0 (max 2)")
	probeRun(t, append(args, "--max-builder-lag", "3", "--check-fork")...).expect(t, 0, "HEALTHY: ") // same genesis: its block #0 is the L2's
	probeRun(t, args...).expect(t, 0, "HEALTHY: ")                                                   // no lag check unless asked
}

// TestBuilderAheadOnAnotherGenesis_IsPartialWithCheckFork: --check-fork compares at the lower of
// the two heads whichever side is ahead: here the builder's own block at the L2's height.
func TestBuilderAheadOnAnotherGenesis_IsPartialWithCheckFork(t *testing.T) {
	genesis := time.Now()
	l2, builder := chainPair(t,
		devnet.NodeConfig{Name: "l2", GenesisTime: genesis},
		devnet.NodeConfig{Name: "builder", GenesisTime: genesis, GenesisExtra: []byte("another chain")})
	seal(t, builder, builder)
	args := []string{"--l2", l2.HTTPURL(), "--builder", builder.HTTPURL()}
	probeRun(t, append(args, "--check-fork")...).expect(t, 1, "PARTIAL: builder on a fork at #0: builder 0x")
	probeRun(t, args...).expect(t, 0, "HEALTHY: ")
}

func TestBuilderOnAnotherGenesis_IsPartialWithCheckFork(t *testing.T) {
	genesis := time.Now()
	l2, builder := chainPair(t,
		devnet.NodeConfig{Name: "l2", GenesisTime: genesis},
		devnet.NodeConfig{Name: "builder", GenesisTime: genesis, GenesisExtra: []byte("another chain")})
	seal(t, l2, l2)
	// The builder is at #0 and the L2 at #2: the L2's block #0 is fetched and compared.
	args := []string{"--l2", l2.HTTPURL(), "--builder", builder.HTTPURL()}
	probeRun(t, append(args, "--check-fork")...).expect(t, 1, "PARTIAL: builder on a fork at #0: builder 0x")
	probeRun(t, args...).expect(t, 0, "HEALTHY: ") // no fork check unless asked
}

func TestBuilderOnTheSameChain_PassesCheckFork(t *testing.T) {
	genesis := time.Now()
	l2, builder := chainPair(t,
		devnet.NodeConfig{Name: "l2", GenesisTime: genesis},
		devnet.NodeConfig{Name: "builder", GenesisTime: genesis})
	seal(t, l2, l2)
	// Same genesis: the L2's block #0 has the builder's head hash.
	probeRun(t, "--l2", l2.HTTPURL(), "--builder", builder.HTTPURL(), "--check-fork").expect(t, 0, "HEALTHY: ")
	// The same node behind both ports: equal heights, equal hashes.
	probeRun(t, "--l2", l2.HTTPURL(), "--builder", l2.HTTPURL(), "--check-fork").expect(t, 0, "HEALTHY: ")
}

func TestChainIDs_MustAgree(t *testing.T) {
	l2, builder := chainPair(t,
		devnet.NodeConfig{Name: "l2", ChainID: 901},
		devnet.NodeConfig{Name: "builder", ChainID: 902})
	args := []string{"--l2", l2.HTTPURL(), "--builder", builder.HTTPURL()}
	probeRun(t, args...).expect(t, 1, "PARTIAL: builder chain id 902 differs from the L2's 901")
	probeRun(t, append(args, "--chain-id", "901")...).expect(t, 1, "PARTIAL: builder chain id 902")
	probeRun(t, append(args, "--chain-id", "902")...).expect(t, 2, "UNAVAILABLE: l2 chain id 901 (want 902)")
	probeRun(t, "ready", "--l2", l2.HTTPURL(), "--chain-id", "901").expect(t, 0, "HEALTHY: ")
}

func TestForkCheck_InJSON(t *testing.T) {
	genesis := time.Now()
	l2, builder := chainPair(t,
		devnet.NodeConfig{Name: "l2", GenesisTime: genesis},
		devnet.NodeConfig{Name: "builder", GenesisTime: genesis, GenesisExtra: []byte("another chain")})
	seal(t, l2)
	o := probeRun(t, "--l2", l2.HTTPURL(), "--builder", builder.HTTPURL(), "--check-fork", "-o", "json")
	var doc struct {
		Builder struct {
			Fork *struct {
				Number      uint64 `json:"number"`
				BuilderHash string `json:"builder_hash"`
				L2Hash      string `json:"l2_hash"`
				Diverged    bool   `json:"diverged"`
			} `json:"fork"`
		} `json:"builder"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil || o.code != 1 {
		t.Fatalf("exit %d, %v\n%s", o.code, err, o.stdout)
	}
	f := doc.Builder.Fork
	if f == nil || f.Number != 0 || !f.Diverged || f.BuilderHash == f.L2Hash || len(f.L2Hash) != 66 {
		t.Errorf("fork in json: %+v", f)
	}
}

func TestBuilderFlagsWithoutBuilder_Warn(t *testing.T) {
	net := sequencer(t)
	o := probeRun(t, "--l2", net.L2.HTTPURL(), "--check-fork")
	o.expect(t, 0, "HEALTHY: ")
	if !strings.Contains(o.stderr, "no --builder is given") {
		t.Errorf("no warning: %q", o.stderr)
	}
	probeRun(t, "--l2", net.L2.HTTPURL(), "--max-stall", "5s").expect(t, 3, "UNKNOWN: --max-stall needs --state-file")
}

// TestDevnetBuilder_BehavesAsInProduction: the devnet's builder follows the L2, so the README's
// consistency command is healthy against it; stalled, it lags; diverged, it is on a fork.
func TestDevnetBuilder_BehavesAsInProduction(t *testing.T) {
	consistency := []string{"--chain-id", "901", "--max-builder-lag", "1", "--check-fork"}
	net := sequencer(t)
	probeRun(t, authArgs(net, consistency...)...).expect(t, 0, "HEALTHY: ", "l2 head #1", "builder head #1")

	net.Builder.Stall()
	seal(t, net.L2, net.L2)
	probeRun(t, authArgs(net, consistency...)...).expect(t, 1, "PARTIAL: builder head #1 is 2 blocks behind the L2's #3 (max 1)")
	net.Builder.Resume()
	probeRun(t, authArgs(net, consistency...)...).expect(t, 0, "HEALTHY: ", "builder head #3")

	forked, err := devnet.Start(devnet.Options{Dir: t.TempDir(), BuilderDiverges: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { forked.Close() })
	seal(t, forked.L2, forked.Builder)
	probeRun(t, authArgs(forked, consistency...)...).expect(t, 1, "PARTIAL: builder on a fork at #1: builder 0x")
}
