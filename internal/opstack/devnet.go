package opstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Options configure Start.
type Options struct {
	// Binaries are the built executables (Build).
	Binaries Binaries
	// Sequencers is how many sequencers run in one raft cluster: 1 (the default) or more (HA).
	Sequencers int
	// Verifiers is how many verifiers follow the chain, each peered with every sequencer. With
	// one sequencer the default is 2: op-conductor's --healthcheck.min-peer-count must be at
	// least 1, so one verifier can go without stopping the sequencer. Negative: none.
	Verifiers int
	// BuilderPerSequencer gives each sequencer its own verifier (Sequencer.Builder), the stand-in
	// for its builder's EL, started before its conductor.
	BuilderPerSequencer bool
	// ConductorFlags, when set, returns extra op-conductor flags for s; it is called just before
	// s's conductor starts, when s's op-geth, op-node and Builder run.
	ConductorFlags func(s *Sequencer) []string
	// MinPeerCount is op-conductor's --healthcheck.min-peer-count; 0 is 1 (it refuses 0).
	MinPeerCount int
	// NoBatcher leaves op-batcher out: the safe head stays at the genesis.
	NoBatcher bool
	// Progress receives a line per bring-up step; nil is io.Discard.
	Progress io.Writer
}

// Devnet is a running OP stack on 127.0.0.1: an L1 geth --dev, the sequencers with their
// conductors in one raft cluster, the verifiers and op-batcher, each a process of its own, their
// data and logs under Dir, which Close removes.
type Devnet struct {
	// Dir holds every data dir, the genesis, rollup.json and the JWT secret; LogDir the logs.
	Dir, LogDir string
	// JWTSecretFile is the Engine-API secret of every op-geth (hex, as geth's jwt.hex).
	JWTSecretFile string
	// GenesisFile, RollupFile and L1ChainConfigFile are the L2 genesis, op-node's rollup.json and
	// the L1's chain config.
	GenesisFile, RollupFile, L1ChainConfigFile string

	L1         *EL
	Sequencers []*Sequencer
	Verifiers  []*Verifier
	// Batcher is op-batcher, nil with Options.NoBatcher.
	Batcher *Proc
	// Ready is how long Start took to bring the devnet up, the first leader sequencing.
	Ready time.Duration

	opts  Options
	bins  Binaries
	start time.Time

	mu     sync.Mutex
	procs  []*Proc
	closed bool
}

// Start brings the devnet up (../shared/opstack.md's bring-up): L1; the SystemConfig stand-in;
// the L2 genesis and every op-geth; rollup.json; the op-nodes (sequencers stopped); the
// verifiers; the conductors (the first bootstraps raft, the others join as voters); then the
// leader's sequencer is started and its conductor resumed, and op-batcher starts. It returns once
// the leader sequences and every conductor reports its sequencer healthy. On error everything
// started is stopped and removed.
func Start(ctx context.Context, opts Options) (d *Devnet, err error) {
	if opts.Sequencers <= 0 {
		opts.Sequencers = 1
	}
	if opts.Verifiers == 0 && opts.Sequencers == 1 {
		opts.Verifiers = 2
	}
	if opts.Verifiers < 0 {
		opts.Verifiers = 0
	}
	if opts.MinPeerCount <= 0 {
		opts.MinPeerCount = 1
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	dir, err := os.MkdirTemp("", "headprobe-opstack")
	if err != nil {
		return nil, fmt.Errorf("opstack: %w", err)
	}
	d = &Devnet{Dir: dir, LogDir: filepath.Join(dir, "logs"), opts: opts, bins: opts.Binaries, start: time.Now()}
	defer func() {
		if err != nil {
			err = fmt.Errorf("opstack: devnet: %w\n%s", err, d.LogTails(25))
			d.Close()
			d = nil
		}
	}()
	if err := os.MkdirAll(d.LogDir, 0o755); err != nil {
		return d, err
	}
	if err := d.writeSecret(); err != nil {
		return d, err
	}
	if err := d.up(ctx); err != nil {
		return d, err
	}
	d.Ready = time.Since(d.start)
	d.say("devnet ready")
	return d, nil
}

// say prints a bring-up line.
func (d *Devnet) say(format string, args ...any) {
	fmt.Fprintf(d.opts.Progress, "opstack: [+%5.1fs] %s\n", time.Since(d.start).Seconds(), fmt.Sprintf(format, args...))
}

// writeSecret writes a random Engine-API JWT secret.
func (d *Devnet) writeSecret() error {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	d.JWTSecretFile = filepath.Join(d.Dir, "jwt.hex")
	return os.WriteFile(d.JWTSecretFile, []byte(hex.EncodeToString(b[:])), 0o600)
}

// up runs the bring-up steps.
func (d *Devnet) up(ctx context.Context) error {
	if err := d.startL1(ctx); err != nil {
		return err
	}
	d.say("L1 up (geth --dev) at %s", d.L1.HTTPURL)
	l1, systemConfig, err := d.setUpL1(ctx)
	if err != nil {
		return err
	}
	d.say("SystemConfig stand-in at %s; L2 genesis on L1 block %d", systemConfig, l1.Number)
	seqKey, _ := crypto.HexToECDSA(sequencerKeyHex)
	d.GenesisFile = filepath.Join(d.Dir, "genesis.json")
	if err := writeJSON(d.GenesisFile, l2Genesis(l1.Time, devAddress, crypto.PubkeyToAddress(seqKey.PublicKey))); err != nil {
		return err
	}

	// Every op-geth, initialised and started together.
	names := d.elNames()
	els := make([]*EL, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if els[i], errs[i] = d.newEL(ctx, name); errs[i] == nil {
				errs[i] = els[i].ready(ctx)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	byName := map[string]*EL{}
	for i, n := range names {
		byName[n] = els[i]
	}
	d.say("%d op-geth up", len(els))
	var genesis blockRef
	if err := Call(ctx, els[0].HTTPURL, &genesis, "eth_getBlockByNumber", "0x0", false); err != nil {
		return err
	}
	d.RollupFile = filepath.Join(d.Dir, "rollup.json")
	if err := writeJSON(d.RollupFile, rollupConfigFor(l1, common.HexToHash(genesis.Hash), systemConfig)); err != nil {
		return err
	}

	// Sequencers: op-geth EL-peered with each other, op-nodes stopped and CL-peered (static).
	ports, err := freePorts(2 * d.opts.Sequencers)
	if err != nil {
		return err
	}
	var seqAddrs []string
	for i := 0; i < d.opts.Sequencers; i++ {
		name := SequencerName(i)
		s := &Sequencer{Name: name, EL: byName[name], Conductor: &Conductor{URL: url(ports[2*i]), ID: name}}
		s.Conductor.ConsensusAddr = "127.0.0.1:" + strconv.Itoa(ports[2*i+1])
		for _, prev := range d.Sequencers {
			if err := s.EL.peer(ctx, prev.EL); err != nil {
				return err
			}
		}
		s.Node, err = d.startOpNode(ctx, name, s.EL, seqAddrs,
			"--sequencer.enabled", "--sequencer.stopped", "--sequencer.l1-confs", "0",
			"--p2p.sequencer.key", sequencerKeyHex,
			"--conductor.enabled", "--conductor.rpc", s.Conductor.URL)
		if err != nil {
			return err
		}
		seqAddrs = append(seqAddrs, s.Node.P2PAddr)
		d.Sequencers = append(d.Sequencers, s)
	}
	d.say("%d sequencer op-node up (stopped, conductor-enabled)", len(d.Sequencers))

	// Verifiers before the conductors: a conductor with fewer peers than its minimum stops the
	// sequencer at once.
	for i := 0; i < d.opts.Verifiers; i++ {
		v, err := d.startVerifier(ctx, VerifierName(i), byName[VerifierName(i)], d.Sequencers, seqAddrs)
		if err != nil {
			return err
		}
		d.Verifiers = append(d.Verifiers, v)
	}
	if d.opts.BuilderPerSequencer {
		for _, s := range d.Sequencers {
			name := s.Name + "-builder"
			if s.Builder, err = d.startVerifier(ctx, name, byName[name], d.Sequencers, seqAddrs); err != nil {
				return err
			}
		}
	}
	d.say("%d verifiers up", len(d.followers()))

	// Conductors: the first bootstraps raft (and pauses itself), the others join as voters.
	for i, s := range d.Sequencers {
		var extra []string
		if d.opts.ConductorFlags != nil {
			extra = d.opts.ConductorFlags(s)
		}
		rpcPort, raftPort := ports[2*i], ports[2*i+1]
		if err := d.startConductor(ctx, s, rpcPort, raftPort, i == 0, extra); err != nil {
			return err
		}
		if i == 0 {
			if err := waitFor(ctx, s.Conductor.Name+" leads", 60*time.Second, func(ctx context.Context) (bool, error) {
				var leader bool
				err := Call(ctx, s.Conductor.URL, &leader, "conductor_leader")
				return leader, err
			}); err != nil {
				return err
			}
			continue
		}
		if err := d.addVoter(ctx, s); err != nil {
			return err
		}
	}
	d.say("%d op-conductor up, %s leads", len(d.Sequencers), d.Sequencers[0].Name)

	// The leader starts sequencing on its head; every conductor is resumed.
	first := d.Sequencers[0]
	if err := d.StartSequencing(ctx, first); err != nil {
		return err
	}
	// Resumed while its head is older than --healthcheck.unsafe-interval (the genesis is stamped
	// with the L1 block at set-up), the conductor stops the sequencer at once and loops on "no
	// unsafe head": let the sequencer catch up with the clock first.
	if err := waitFor(ctx, first.Name+" catches up with the clock", 90*time.Second, func(ctx context.Context) (bool, error) {
		st, err := first.Node.SyncStatus(ctx)
		return err == nil && st.UnsafeL2.Number > 0 && time.Since(time.Unix(int64(st.UnsafeL2.Timestamp), 0)) < 4*time.Second, err
	}); err != nil {
		return err
	}
	for _, s := range d.Sequencers {
		if err := Call(ctx, s.Conductor.URL, nil, "conductor_resume"); err != nil {
			return err
		}
	}
	d.say("%s sequencing, conductors resumed", first.Name)
	if !d.opts.NoBatcher {
		if err := d.startBatcher(ctx); err != nil {
			return err
		}
		d.say("op-batcher up")
	}
	if err := waitFor(ctx, "the leader's first L2 block", 60*time.Second, func(ctx context.Context) (bool, error) {
		st, err := first.Node.SyncStatus(ctx)
		return err == nil && st.UnsafeL2.Number > 0, err
	}); err != nil {
		return err
	}
	for _, v := range d.followers() {
		if err := d.WaitFollowing(ctx, v, first, 60*time.Second); err != nil {
			return err
		}
	}
	return waitFor(ctx, "every conductor reports its sequencer healthy", 90*time.Second, func(ctx context.Context) (bool, error) {
		for _, s := range d.Sequencers {
			var healthy bool
			if err := Call(ctx, s.Conductor.URL, &healthy, "conductor_sequencerHealthy"); err != nil || !healthy {
				return false, err
			}
		}
		return true, nil
	})
}

// followers are the shared verifiers and the sequencers' builders.
func (d *Devnet) followers() []*Verifier {
	vs := append([]*Verifier(nil), d.Verifiers...)
	for _, s := range d.Sequencers {
		if s.Builder != nil {
			vs = append(vs, s.Builder)
		}
	}
	return vs
}

// SequencerName is the name of the i-th sequencer: seq-a, seq-b, …
func SequencerName(i int) string { return "seq-" + string(rune('a'+i)) }

// VerifierName is the name of the i-th shared verifier: verifier-1, verifier-2, …
func VerifierName(i int) string { return "verifier-" + strconv.Itoa(i+1) }

// elNames are the op-geth of every node, sequencers first.
func (d *Devnet) elNames() []string {
	var names []string
	for i := 0; i < d.opts.Sequencers; i++ {
		names = append(names, SequencerName(i))
	}
	for i := 0; i < d.opts.Verifiers; i++ {
		names = append(names, VerifierName(i))
	}
	if d.opts.BuilderPerSequencer {
		for i := 0; i < d.opts.Sequencers; i++ {
			names = append(names, SequencerName(i)+"-builder")
		}
	}
	return names
}

// startVerifier starts a verifier's op-node on el (already running), EL-peered with every
// sequencer's op-geth (op-node no longer fills gaps itself) and statically CL-peered with their
// op-nodes.
func (d *Devnet) startVerifier(ctx context.Context, name string, el *EL, seqs []*Sequencer, seqAddrs []string) (*Verifier, error) {
	for _, s := range seqs {
		if err := el.peer(ctx, s.EL); err != nil {
			return nil, err
		}
	}
	n, err := d.startOpNode(ctx, name, el, seqAddrs)
	if err != nil {
		return nil, err
	}
	return &Verifier{Name: name, EL: el, Node: n}, nil
}

// addVoter adds s's conductor to the raft cluster through the leader.
func (d *Devnet) addVoter(ctx context.Context, s *Sequencer) error {
	leader := d.Sequencers[0].Conductor
	var membership struct {
		Version uint64 `json:"version"`
	}
	if err := Call(ctx, leader.URL, &membership, "conductor_clusterMembership"); err != nil {
		return err
	}
	return Call(ctx, leader.URL, nil, "conductor_addServerAsVoter", s.Conductor.ID, s.Conductor.ConsensusAddr, membership.Version)
}

// setUpL1 writes the L1's chain config for op-node, deploys the SystemConfig stand-in holding the
// unsafe-block signer, and returns the L1 block the L2 starts from and the stand-in's address.
func (d *Devnet) setUpL1(ctx context.Context) (l1Ref, common.Address, error) {
	var chainConfig map[string]any
	if err := Call(ctx, d.L1.HTTPURL, &chainConfig, "debug_chainConfig"); err != nil {
		return l1Ref{}, common.Address{}, err
	}
	d.L1ChainConfigFile = filepath.Join(d.Dir, "l1-chain-config.json")
	if err := writeJSON(d.L1ChainConfigFile, chainConfig); err != nil {
		return l1Ref{}, common.Address{}, err
	}
	seqKey, _ := crypto.HexToECDSA(sequencerKeyHex)
	var txHash common.Hash
	tx := map[string]any{"from": devAddress, "data": systemConfigInitCode(crypto.PubkeyToAddress(seqKey.PublicKey)), "gas": "0x30000"}
	if err := Call(ctx, d.L1.HTTPURL, &txHash, "eth_sendTransaction", tx); err != nil {
		return l1Ref{}, common.Address{}, err
	}
	var receipt struct {
		ContractAddress *common.Address `json:"contractAddress"`
		Status          hexU64          `json:"status"`
		BlockNumber     hexU64          `json:"blockNumber"`
	}
	if err := waitFor(ctx, "the SystemConfig stand-in is deployed", 60*time.Second, func(ctx context.Context) (bool, error) {
		err := Call(ctx, d.L1.HTTPURL, &receipt, "eth_getTransactionReceipt", txHash)
		return err == nil && receipt.ContractAddress != nil, err
	}); err != nil {
		return l1Ref{}, common.Address{}, err
	}
	if receipt.Status != 1 {
		return l1Ref{}, common.Address{}, errors.New("the SystemConfig stand-in's creation failed")
	}
	var head blockRef
	if err := Call(ctx, d.L1.HTTPURL, &head, "eth_getBlockByNumber", "latest", false); err != nil {
		return l1Ref{}, common.Address{}, err
	}
	return l1Ref{Hash: common.HexToHash(head.Hash), Number: uint64(head.Number), Time: uint64(head.Timestamp)}, *receipt.ContractAddress, nil
}

// Close stops every process by its PID (newest first) and removes Dir. It is safe to call twice.
func (d *Devnet) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	procs := append([]*Proc(nil), d.procs...)
	d.mu.Unlock()
	var errs []error
	for i := len(procs) - 1; i >= 0; i-- {
		if err := procs[i].Stop(); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, os.RemoveAll(d.Dir))
	return errors.Join(errs...)
}

// Procs are every process started, in order.
func (d *Devnet) Procs() []*Proc {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*Proc(nil), d.procs...)
}
