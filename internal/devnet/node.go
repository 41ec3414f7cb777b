package devnet

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
)

// NodeConfig describes one node.
type NodeConfig struct {
	Name          string        // "l2", "builder" — used in errors/logs
	ChainID       uint64        // default 901 when 0
	GenesisTime   time.Time     // zero = now; a time in the past makes a node whose head is old until it seals
	GenesisExtra  []byte        // optional genesis ExtraData, so two nodes can have different genesis hashes (a fork)
	Period        time.Duration // 0 = seal only on Seal(); >0 = a background loop seals a block every Period
	JWTSecretFile string        // path of a hex secret file; required
	// Follow, when set, makes this node follow that one, as op-rbuilder follows op-geth: it takes
	// the leader's genesis (ChainID, GenesisTime and GenesisExtra are ignored) and imports each
	// block the leader seals, until it is stalled or diverges; see Diverge.
	Follow *Node
	// Diverged, with Follow, starts the node already diverged: it shares only the genesis.
	Diverged bool
}

// Node is one running in-process go-ethereum node.
type Node struct {
	cfg     NodeConfig
	genesis *core.Genesis
	dataDir string // temporary datadir, so Restart keeps the chain

	// ctl serializes the lifecycle operations (Stop, Restart, Stall, Resume,
	// Close) and guards the loop fields. It is never taken by the sealing loop,
	// so a holder may wait for the loop to exit.
	ctl      sync.Mutex
	stalled  bool
	loopStop chan struct{}
	loopDone chan struct{}

	// mu guards the fields below and serializes sealing. A follower's mu is taken after its
	// leader's, never before.
	mu        sync.Mutex
	run       *running // nil when stopped
	last      *running // the most recent stack, kept for Head after Stop
	closed    bool
	httpAddr  string // host:port, fixed after the first start
	authAddr  string
	follow    followState
	followers []*Node // the nodes following this one
	// builderWins: each block sealed carries the builder's transaction (builderblocks.go).
	builderWins bool
}

// StartNode starts a node with the given configuration.
func StartNode(cfg NodeConfig) (*Node, error) {
	if cfg.JWTSecretFile == "" {
		return nil, fmt.Errorf("devnet %s: JWTSecretFile is required", cfg.Name)
	}
	if cfg.Period < 0 {
		return nil, fmt.Errorf("devnet %s: negative Period %v", cfg.Name, cfg.Period)
	}
	if cfg.ChainID == 0 {
		cfg.ChainID = defaultChainID
	}
	if cfg.GenesisTime.IsZero() {
		cfg.GenesisTime = time.Now()
	}
	dir, err := os.MkdirTemp("", "headprobe-devnet-")
	if err != nil {
		return nil, fmt.Errorf("devnet %s: datadir: %w", cfg.Name, err)
	}
	if l := cfg.Follow; l != nil {
		cfg.ChainID, cfg.GenesisTime, cfg.GenesisExtra = l.cfg.ChainID, l.cfg.GenesisTime, l.cfg.GenesisExtra
	}
	n := &Node{
		cfg:     cfg,
		genesis: newGenesis(cfg.ChainID, cfg.GenesisTime, cfg.GenesisExtra),
		dataDir: dir,
		follow:  followState{diverged: cfg.Follow != nil && cfg.Diverged},
	}
	r, err := startStack(n.params(0, 0))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	n.run, n.last = r, r
	n.httpAddr = trimScheme(r.stack.HTTPEndpoint())
	n.authAddr = trimScheme(r.stack.HTTPAuthEndpoint())
	if cfg.Follow != nil {
		if err := n.startFollowing(); err != nil {
			return nil, errors.Join(err, n.Close())
		}
	}
	n.ctl.Lock()
	n.startLoopLocked()
	n.ctl.Unlock()
	return n, nil
}

// HTTPURL returns the URL of the unauthenticated JSON-RPC port, like "http://127.0.0.1:PORT".
func (n *Node) HTTPURL() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return "http://" + n.httpAddr
}

// AuthURL returns the URL of the JWT-authenticated Engine-API port, which also serves eth_getBlockByNumber.
func (n *Node) AuthURL() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return "http://" + n.authAddr
}

// Seal seals one block now, failing if the node is stopped or the chain did not advance; its
// followers import the block. A node that follows another (and has not diverged) seals nothing:
// Seal imports the leader's blocks it lacks, even while stalled, and fails only if the node is
// stopped or the import fails.
func (n *Node) Seal() error {
	if n.following() {
		return n.catchUp()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.run == nil {
		return fmt.Errorf("devnet %s: seal: node is stopped", n.cfg.Name)
	}
	chain := n.run.backend.BlockChain()
	before := chain.CurrentBlock().Number.Uint64()
	if n.builderWins {
		if err := n.addBuilderTxLocked(before + 1); err != nil {
			return err
		}
	}
	n.run.beacon.Commit() // logs and swallows its errors, hence the check below
	if after := chain.CurrentBlock().Number.Uint64(); after <= before {
		return fmt.Errorf("devnet %s: seal: head did not advance past %d", n.cfg.Name, before)
	}
	n.pushLocked()
	return nil
}

// Head returns the node's current head, read in-process (the last head seen if the node is stopped).
func (n *Node) Head() (number uint64, hash common.Hash, timestamp uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.last == nil {
		return 0, common.Hash{}, 0
	}
	h := n.last.backend.BlockChain().CurrentBlock()
	return h.Number.Uint64(), h.Hash(), h.Time
}

// Stop shuts the node down so that its ports refuse connections; it is a no-op if already stopped.
func (n *Node) Stop() error {
	n.ctl.Lock()
	defer n.ctl.Unlock()
	return n.stopLocked()
}

// stopLocked stops the loop and the stack; the caller holds ctl.
func (n *Node) stopLocked() error {
	n.stopLoopLocked()
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.run == nil {
		return nil
	}
	r := n.run
	n.run = nil
	if err := r.close(); err != nil {
		return fmt.Errorf("devnet %s: stop: %w", n.cfg.Name, err)
	}
	return nil
}

// Restart starts the node again on the same HTTP and auth ports, stopping it first if it is running.
func (n *Node) Restart() error {
	n.ctl.Lock()
	defer n.ctl.Unlock()
	n.mu.Lock()
	closed := n.closed
	n.mu.Unlock()
	if closed {
		return fmt.Errorf("devnet %s: restart: node is closed", n.cfg.Name)
	}
	if err := n.stopLocked(); err != nil {
		return err
	}
	r, err := n.restartStack()
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.run, n.last = r, r
	n.mu.Unlock()
	if n.following() && !n.stalled {
		if err := n.catchUp(); err != nil {
			return err
		}
	}
	n.startLoopLocked()
	return nil
}

// Close stops the node and removes its data directory; calling it again is a no-op.
func (n *Node) Close() error {
	n.ctl.Lock()
	defer n.ctl.Unlock()
	n.mu.Lock()
	closed := n.closed
	n.closed = true
	n.mu.Unlock()
	if closed {
		return nil
	}
	n.unfollow()
	err := n.stopLocked()
	if rmErr := os.RemoveAll(n.dataDir); rmErr != nil {
		err = errors.Join(err, fmt.Errorf("devnet %s: remove datadir: %w", n.cfg.Name, rmErr))
	}
	return err
}

// params returns the stack parameters for the given ports (0 = any free port).
func (n *Node) params(httpPort, authPort int) stackParams {
	return stackParams{
		dataDir:   n.dataDir,
		jwtFile:   n.cfg.JWTSecretFile,
		httpPort:  httpPort,
		authPort:  authPort,
		genesis:   n.genesis,
		networkID: n.cfg.ChainID,
		nodeLabel: n.cfg.Name,
	}
}
