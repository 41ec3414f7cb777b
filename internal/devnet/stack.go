package devnet

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/rpc"
)

// localhost is the only interface the devnet listens on.
const localhost = "127.0.0.1"

// stackParams is everything needed to build one go-ethereum stack.
type stackParams struct {
	dataDir   string
	jwtFile   string
	httpPort  int // 0 = pick a free port
	authPort  int // 0 = pick a free port
	genesis   *core.Genesis
	networkID uint64
	nodeLabel string
}

// running is one started go-ethereum stack with its simulated consensus driver.
type running struct {
	stack   *node.Node
	backend *eth.Ethereum
	beacon  *catalyst.SimulatedBeacon
}

// startStack builds and starts a node, its eth service and Engine API, and a
// simulated beacon that seals only when asked.
func startStack(p stackParams) (*running, error) {
	stack, err := node.New(&node.Config{
		Name:             "devnet",
		DataDir:          p.dataDir,
		HTTPHost:         localhost,
		HTTPPort:         p.httpPort,
		HTTPModules:      []string{"eth"},
		HTTPVirtualHosts: []string{"localhost"},
		HTTPTimeouts:     rpc.DefaultHTTPTimeouts,
		AuthAddr:         localhost,
		AuthPort:         p.authPort,
		AuthVirtualHosts: []string{"localhost"},
		JWTSecret:        p.jwtFile,
		P2P:              p2p.Config{NoDiscovery: true, MaxPeers: 0, ListenAddr: ""},
	})
	if err != nil {
		return nil, fmt.Errorf("devnet %s: new node: %w", p.nodeLabel, err)
	}
	backend, err := eth.New(stack, ethConfig(p))
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("devnet %s: new eth service: %w", p.nodeLabel, err)
	}
	if err := catalyst.Register(stack, backend); err != nil {
		stack.Close()
		return nil, fmt.Errorf("devnet %s: register engine API: %w", p.nodeLabel, err)
	}
	if err := stack.Start(); err != nil {
		stack.Close() // Start already closed it on most failures; the second close is harmless.
		return nil, fmt.Errorf("devnet %s: start node: %w", p.nodeLabel, err)
	}
	beacon, err := catalyst.NewSimulatedBeacon(0, common.Address{}, backend)
	if err != nil {
		stack.Close()
		return nil, fmt.Errorf("devnet %s: simulated beacon: %w", p.nodeLabel, err)
	}
	return &running{stack: stack, backend: backend, beacon: beacon}, nil
}

// ethConfig is a small-footprint full-sync configuration without transaction
// journals or blob-pool persistence.
func ethConfig(p stackParams) *ethconfig.Config {
	cfg := ethconfig.Defaults
	cfg.Genesis = p.genesis
	cfg.NetworkId = p.networkID
	cfg.SyncMode = ethconfig.FullSync
	cfg.TxPool.NoLocals = true
	cfg.TxPool.Journal = ""
	cfg.BlobPool.Datadir = ""
	cfg.LogNoHistory = true
	cfg.DatabaseCache = 16
	cfg.TrieCleanCache = 16
	cfg.TrieDirtyCache = 16
	cfg.SnapshotCache = 16
	return &cfg
}

// renewBeacon replaces the simulated beacon with one that starts from the current head.
func (r *running) renewBeacon() error {
	beacon, err := catalyst.NewSimulatedBeacon(0, common.Address{}, r.backend)
	if err != nil {
		return fmt.Errorf("devnet: simulated beacon: %w", err)
	}
	_ = r.beacon.Stop()
	r.beacon = beacon
	return nil
}

// close shuts the stack down; its RPC listeners are closed when this returns.
func (r *running) close() error {
	_ = r.beacon.Stop() // only closes a channel: the beacon runs no loop with period 0
	return r.stack.Close()
}
