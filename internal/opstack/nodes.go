package opstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// EL is an op-geth (or the L1's geth) with its endpoints on 127.0.0.1.
type EL struct {
	*Proc
	// HTTPURL is its JSON-RPC over HTTP; AuthURL its Engine-API port.
	HTTPURL, AuthURL string
	// JWTSecretFile is the Engine-API secret of AuthURL (Devnet.JWTSecretFile), at hand before
	// Start returns, e.g. in Options.ConductorFlags.
	JWTSecretFile string
	// Enode is its p2p record, for admin_addPeer.
	Enode string
}

// OpNode is an op-node: a sequencer's or a verifier's.
type OpNode struct {
	*Proc
	// URL is its JSON-RPC (optimism_, opp2p_, admin_ with --rpc.enable-admin).
	URL string
	// P2PAddr is its libp2p address with its peer id, for --p2p.static and opp2p_connectPeer.
	P2PAddr string
}

// Conductor is an op-conductor.
type Conductor struct {
	*Proc
	// URL is its JSON-RPC (conductor_ namespace).
	URL string
	// ID is its raft server id; ConsensusAddr its raft address (host:port).
	ID, ConsensusAddr string
}

// Sequencer is one sequencer: op-geth, op-node (sequencer, stopped at start, conductor-enabled),
// op-conductor, and in Options.BuilderPerSequencer its own builder EL stand-in.
type Sequencer struct {
	Name      string
	EL        *EL
	Node      *OpNode
	Conductor *Conductor
	// Builder is a verifier (op-node + op-geth) following the chain for this sequencer only: the
	// stand-in for its external builder's EL, as op-rbuilder follows the chain; nil unless
	// Options.BuilderPerSequencer.
	Builder *Verifier
}

// Verifier is an op-node without the sequencer flags driving its own op-geth, which follows the
// chain over op-node's p2p gossip and EL peering with the sequencers' op-geths.
type Verifier struct {
	Name string
	EL   *EL
	Node *OpNode
}

// newProc registers a process of the devnet (not started).
func (d *Devnet) newProc(name, bin string, grace time.Duration, args ...string) *Proc {
	p := &Proc{Name: name, Log: filepath.Join(d.LogDir, strings.ReplaceAll(name, "/", "_")+".log"), bin: bin, args: args, grace: grace}
	d.mu.Lock()
	d.procs = append(d.procs, p)
	d.mu.Unlock()
	return p
}

// startL1 starts geth --dev (2 s blocks, the dev key funded and unlocked).
func (d *Devnet) startL1(ctx context.Context) error {
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	dir := filepath.Join(d.Dir, "l1")
	el := &EL{HTTPURL: url(ports[0]), AuthURL: url(ports[1]), JWTSecretFile: d.JWTSecretFile}
	el.Proc = d.newProc("l1/geth", d.bins.Geth, 10*time.Second,
		// A payload rebuild every 250 ms: geth --dev's sealer waits for a payload update
		// (Payload.WaitFull) that it misses when the first build finishes before it waits; with
		// 2 s blocks and the default 2 s recommit no second update comes and the L1 stalls for
		// good (seen here under load, right after op-batcher's first transaction).
		"--dev", "--dev.period", "2", "--miner.recommit", "250ms", "--datadir", dir,
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(ports[0]), "--http.api", "eth,net,web3,debug,admin,txpool", "--http.vhosts", "*",
		"--authrpc.addr", "127.0.0.1", "--authrpc.port", strconv.Itoa(ports[1]), "--authrpc.jwtsecret", d.JWTSecretFile, "--authrpc.vhosts", "*",
		"--port", strconv.Itoa(ports[2]), "--nodiscover", "--maxpeers", "0", "--ipcdisable", "--verbosity", "3")
	if err := el.start(); err != nil {
		return err
	}
	d.L1 = el
	return waitFor(ctx, "L1 geth --dev answers", 60*time.Second, func(ctx context.Context) (bool, error) {
		var n hexU64
		return Call(ctx, el.HTTPURL, &n, "eth_blockNumber") == nil, nil
	})
}

// url is http://127.0.0.1:port.
func url(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) }

// newEL initialises an op-geth data dir with the L2 genesis and starts op-geth.
func (d *Devnet) newEL(ctx context.Context, name string) (*EL, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(d.Dir, name, "op-geth")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	logPath := filepath.Join(d.LogDir, name+"_op-geth-init.log")
	initCmd := exec.CommandContext(ctx, d.bins.Geth, "init", "--datadir", dir, "--state.scheme", "hash", d.GenesisFile)
	if out, err := initCmd.CombinedOutput(); err != nil {
		os.WriteFile(logPath, out, 0o644)
		return nil, fmt.Errorf("%s: geth init: %w\n%s", name, err, tail(string(out), 20))
	}
	el := &EL{HTTPURL: url(ports[0]), AuthURL: url(ports[1]), JWTSecretFile: d.JWTSecretFile}
	el.Proc = d.newProc(name+"/op-geth", d.bins.Geth, 10*time.Second,
		"--datadir", dir, "--networkid", strconv.Itoa(L2ChainID), "--syncmode", "full", "--gcmode", "archive",
		"--state.scheme", "hash", "--nodiscover", "--nat", "none", "--rollup.disabletxpoolgossip",
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(ports[0]), "--http.api", "eth,net,web3,debug,admin,txpool,miner", "--http.vhosts", "*",
		"--authrpc.addr", "127.0.0.1", "--authrpc.port", strconv.Itoa(ports[1]), "--authrpc.jwtsecret", d.JWTSecretFile, "--authrpc.vhosts", "*",
		"--port", strconv.Itoa(ports[2]), "--maxpeers", "20", "--ipcdisable", "--verbosity", "3")
	return el, el.start()
}

// ready waits until the EL answers and reads its enode.
func (el *EL) ready(ctx context.Context) error {
	return waitFor(ctx, el.Name+" answers", 60*time.Second, func(ctx context.Context) (bool, error) {
		var info struct {
			Enode string `json:"enode"`
		}
		if err := Call(ctx, el.HTTPURL, &info, "admin_nodeInfo"); err != nil {
			return false, err
		}
		el.Enode = info.Enode
		return true, nil
	})
}

// peer connects the EL to other over devp2p (admin_addPeer): a verifier's op-geth fills the gaps
// before gossiped payloads this way.
func (el *EL) peer(ctx context.Context, other *EL) error {
	var ok bool
	return Call(ctx, el.HTTPURL, &ok, "admin_addPeer", other.Enode)
}

// opNodeArgs are the flags of every op-node of the devnet against el.
func (d *Devnet) opNodeArgs(name string, el *EL, rpcPort, p2pPort int, static []string) []string {
	args := []string{
		"--l1", d.L1.HTTPURL, "--l1.beacon.ignore", "--l1.http-poll-interval", "1s",
		"--l2", el.AuthURL, "--l2.jwt-secret", d.JWTSecretFile, "--l2.enginekind", "geth",
		"--rollup.config", d.RollupFile, "--rollup.l1-chain-config", d.L1ChainConfigFile,
		"--rpc.addr", "127.0.0.1", "--rpc.port", strconv.Itoa(rpcPort), "--rpc.enable-admin",
		"--p2p.listen.ip", "127.0.0.1", "--p2p.listen.tcp", strconv.Itoa(p2pPort), "--p2p.listen.udp", "0",
		"--p2p.no-discovery", "--p2p.bootnodes", " ",
		"--p2p.priv.path", filepath.Join(d.Dir, name, "opnode_p2p_priv.txt"),
		"--p2p.peerstore.path", "memory", "--p2p.discovery.path", "memory",
		"--verifier.l1-confs", "0", "--log.level", "info",
	}
	if len(static) > 0 {
		args = append(args, "--p2p.static", strings.Join(static, ","))
	}
	return args
}

// startOpNode starts an op-node with args (plus the common ones) and waits for its RPC and its
// p2p address.
func (d *Devnet) startOpNode(ctx context.Context, name string, el *EL, static []string, extra ...string) (*OpNode, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	return d.startOpNodeOn(ctx, name, el, ports[0], ports[1], static, extra...)
}

// startOpNodeOn is startOpNode on the given ports.
func (d *Devnet) startOpNodeOn(ctx context.Context, name string, el *EL, rpcPort, p2pPort int, static []string, extra ...string) (*OpNode, error) {
	if err := os.MkdirAll(filepath.Join(d.Dir, name), 0o755); err != nil {
		return nil, err
	}
	n := &OpNode{URL: url(rpcPort)}
	n.Proc = d.newProc(name+"/op-node", d.bins.OpNode, 10*time.Second, append(d.opNodeArgs(name, el, rpcPort, p2pPort, static), extra...)...)
	if err := n.start(); err != nil {
		return nil, err
	}
	err := waitFor(ctx, n.Name+" answers opp2p_self", 60*time.Second, func(ctx context.Context) (bool, error) {
		if !n.Running() {
			return false, fmt.Errorf("%s exited (log %s)", n.Name, n.Log)
		}
		var self struct {
			Addresses []string `json:"addresses"`
		}
		if err := Call(ctx, n.URL, &self, "opp2p_self"); err != nil {
			return false, err
		}
		for _, a := range self.Addresses {
			if strings.HasPrefix(a, "/ip4/127.0.0.1/tcp/") {
				n.P2PAddr = a
			}
		}
		return n.P2PAddr != "", nil
	})
	return n, err
}

// startConductor starts an op-conductor for s with the given raft role and extra flags.
func (d *Devnet) startConductor(ctx context.Context, s *Sequencer, rpcPort, raftPort int, bootstrap bool, extra []string) error {
	dir := filepath.Join(d.Dir, s.Name, "raft")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c := s.Conductor
	args := []string{
		"--consensus.addr", "127.0.0.1", "--consensus.port", strconv.Itoa(raftPort), "--consensus.advertised", c.ConsensusAddr,
		"--raft.server.id", c.ID, "--raft.storage.dir", dir,
		"--rollup.config", d.RollupFile, "--node.rpc", s.Node.URL, "--execution.rpc", s.EL.HTTPURL,
		"--healthcheck.interval", "1", "--healthcheck.unsafe-interval", "10",
		"--healthcheck.min-peer-count", strconv.Itoa(d.opts.MinPeerCount),
		"--rpc.addr", "127.0.0.1", "--rpc.port", strconv.Itoa(rpcPort), "--rpc.enable-admin", "--log.level", "info",
	}
	if bootstrap {
		args = append(args, "--raft.bootstrap")
	}
	c.Proc = d.newProc(s.Name+"/op-conductor", d.bins.OpConductor, 10*time.Second, append(args, extra...)...)
	if err := c.start(); err != nil {
		return err
	}
	return waitFor(ctx, c.Name+" answers", 60*time.Second, func(ctx context.Context) (bool, error) {
		if !c.Running() {
			return false, fmt.Errorf("%s exited (log %s)", c.Name, c.Log)
		}
		var paused bool
		err := Call(ctx, c.URL, &paused, "conductor_paused")
		return err == nil, err
	})
}

// startBatcher starts op-batcher against the sequencers (it posts for the active one) with the
// dev key, landing calldata batches about every 6 L2 blocks.
func (d *Devnet) startBatcher(ctx context.Context) error {
	ports, err := freePorts(1)
	if err != nil {
		return err
	}
	var els, nodes []string
	for _, s := range d.Sequencers {
		els = append(els, s.EL.HTTPURL)
		nodes = append(nodes, s.Node.URL)
	}
	// It ignores SIGTERM for seconds (../shared/opstack.md): a short grace, then SIGKILL.
	d.Batcher = d.newProc("op-batcher", d.bins.OpBatcher, 2*time.Second,
		"--l1-eth-rpc", d.L1.HTTPURL, "--l2-eth-rpc", strings.Join(els, ","), "--rollup-rpc", strings.Join(nodes, ","),
		"--private-key", devKeyHex, "--data-availability-type", "calldata",
		"--max-channel-duration", "1", "--poll-interval", "1s", "--num-confirmations", "1",
		"--sub-safety-margin", "4", "--resubmission-timeout", "30s",
		"--rpc.addr", "127.0.0.1", "--rpc.port", strconv.Itoa(ports[0]), "--log.level", "info")
	return d.Batcher.start()
}
