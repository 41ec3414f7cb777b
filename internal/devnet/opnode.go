package devnet

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"
)

// OpNode is a STAND-IN for op-node's RPC, not op-node: the in-process devnet has no L1 (the real
// op-node runs in internal/opstack). It answers op-node's optimism_syncStatus and
// opp2p_peerStats, in the shapes op-node v1.19.6 answered here (optimism's
// op-service/eth/sync_status.go and id.go: numbers and timestamps are JSON numbers), with a sync status derived from a real L2 node: the
// unsafe head is the L2's head, the safe head SafeLag blocks behind it, the finalized head SafeLag
// behind that; its L1 refs are made up. It can stall its safe head, diverge from the L2 (report an
// unsafe hash that is not the L2's), report any number of peers, or serve no p2p API.
type OpNode struct {
	l2  *Node
	srv *http.Server
	url string

	// withP2P and withoutP2P serve the same sync status, with and without the opp2p namespace,
	// so that a p2p API turned off answers -32601 as op-node's does.
	withP2P, withoutP2P *rpc.Server

	mu         sync.Mutex
	safeLag    uint64
	peers      uint64
	p2p        bool
	stalledAt  *uint64 // the safe head's number while stalled
	diverged   bool
	closedOnce sync.Once
}

// DefaultSafeLag is how many blocks the stand-in's safe head is behind its unsafe head.
const DefaultSafeLag = 3

// StartOpNode starts a stand-in op-node for the L2 node l2 on a free port of 127.0.0.1, with
// DefaultSafeLag, 8 peers and its p2p API on.
func StartOpNode(l2 *Node) (*OpNode, error) {
	o := &OpNode{l2: l2, safeLag: DefaultSafeLag, peers: 8, p2p: true}
	o.withP2P, o.withoutP2P = rpc.NewServer(), rpc.NewServer()
	for _, s := range []*rpc.Server{o.withP2P, o.withoutP2P} {
		if err := s.RegisterName("optimism", optimismAPI{o}); err != nil {
			return nil, fmt.Errorf("devnet op-node stand-in: %w", err)
		}
	}
	if err := o.withP2P.RegisterName("opp2p", p2pAPI{o}); err != nil {
		return nil, fmt.Errorf("devnet op-node stand-in: %w", err)
	}
	ln, err := net.Listen("tcp", localhost+":0")
	if err != nil {
		return nil, fmt.Errorf("devnet op-node stand-in: %w", err)
	}
	o.url = "http://" + ln.Addr().String()
	o.srv = &http.Server{Handler: http.HandlerFunc(o.serve)}
	go o.srv.Serve(ln)
	return o, nil
}

// URL is the stand-in's JSON-RPC address, "http://127.0.0.1:PORT".
func (o *OpNode) URL() string { return o.url }

// serve answers with the server of the p2p setting.
func (o *OpNode) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	s := o.withoutP2P
	if o.p2p {
		s = o.withP2P
	}
	o.mu.Unlock()
	s.ServeHTTP(w, r)
}

// SetPeers sets the connected peers opp2p_peerStats reports.
func (o *OpNode) SetPeers(n uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.peers = n
}

// SetP2P turns the p2p API (opp2p_peerStats) on or off; off, it answers -32601 as op-node does.
func (o *OpNode) SetP2P(on bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.p2p = on
}

// StallSafe freezes the safe head, as when the batcher or L1 fails: blocks are still built, none
// is made safe. It stops where it is, or at the newest block not stamped in the future if that is
// older (the devnet stamps blocks parent+1 s, so fast blocks run ahead of the clock), so that its
// age grows from now on.
func (o *OpNode) StallSafe() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stalledAt != nil {
		return
	}
	n := o.safeNumber(o.headNumber())
	now := uint64(time.Now().Unix())
	for n > 0 {
		if ref, err := o.l2Ref(n); err != nil || ref.Timestamp <= now {
			break
		}
		n--
	}
	o.stalledAt = &n
}

// SafeHead is the safe head the stand-in reports now: its number and timestamp.
func (o *OpNode) SafeHead() (number, timestamp uint64, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	ref, err := o.l2Ref(o.safeNumber(o.headNumber()))
	return ref.Number, ref.Timestamp, err
}

// ResumeSafe lets the safe head follow the unsafe one again.
func (o *OpNode) ResumeSafe() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stalledAt = nil
}

// Diverge makes the stand-in report, or stop reporting, an unsafe head hash that is not the L2's.
func (o *OpNode) Diverge(on bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.diverged = on
}

// Close stops the server.
func (o *OpNode) Close() error {
	var err error
	o.closedOnce.Do(func() {
		err = o.srv.Close()
		o.withP2P.Stop()
		o.withoutP2P.Stop()
	})
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// headNumber is the L2's head number.
func (o *OpNode) headNumber() uint64 {
	n, _, _ := o.l2.Head()
	return n
}

// safeNumber is the safe head's number for an unsafe head at head.
func (o *OpNode) safeNumber(head uint64) uint64 {
	if o.stalledAt != nil {
		return min(*o.stalledAt, head)
	}
	return head - min(head, o.safeLag)
}

// blockRef is op-node's block ref (L1BlockRef, or L2BlockRef with its L1 origin), as op-node
// encodes it.
type blockRef struct {
	Hash           common.Hash `json:"hash"`
	Number         uint64      `json:"number"`
	ParentHash     common.Hash `json:"parentHash"`
	Timestamp      uint64      `json:"timestamp"`
	L1Origin       *blockID    `json:"l1origin,omitempty"`
	SequenceNumber *uint64     `json:"sequenceNumber,omitempty"`
}

// blockID is an L2 block's L1 origin.
type blockID struct {
	Hash   common.Hash `json:"hash"`
	Number uint64      `json:"number"`
}

// syncStatus is op-node's SyncStatus, the refs the stand-in fills, with the keys the real
// op-node v1.19.6 answers (../shared/recordings/op-stack-v1.19.6/optimism_syncStatus.*.json):
// local_safe_l2 is there, queued_unsafe_l2 is not.
type syncStatus struct {
	CurrentL1          blockRef `json:"current_l1"`
	CurrentL1Finalized blockRef `json:"current_l1_finalized"`
	HeadL1             blockRef `json:"head_l1"`
	SafeL1             blockRef `json:"safe_l1"`
	FinalizedL1        blockRef `json:"finalized_l1"`
	UnsafeL2           blockRef `json:"unsafe_l2"`
	SafeL2             blockRef `json:"safe_l2"`
	FinalizedL2        blockRef `json:"finalized_l2"`
	PendingSafeL2      blockRef `json:"pending_safe_l2"`
	LocalSafeL2        blockRef `json:"local_safe_l2"`
}

// peerStats is op-node's PeerStats, as op-node v1.19.6 answers it (blocksTopicV4 beside V1–V3,
// ../shared/recordings/op-stack-v1.19.6/opp2p_peerStats.*.json).
type peerStats struct {
	Connected     uint64 `json:"connected"`
	Table         uint64 `json:"table"`
	BlocksTopic   uint64 `json:"blocksTopic"`
	BlocksTopicV2 uint64 `json:"blocksTopicV2"`
	BlocksTopicV3 uint64 `json:"blocksTopicV3"`
	BlocksTopicV4 uint64 `json:"blocksTopicV4"`
	Banned        uint64 `json:"banned"`
	Known         uint64 `json:"known"`
}

// optimismAPI is the stand-in's optimism namespace.
type optimismAPI struct{ o *OpNode }

// SyncStatus is optimism_syncStatus.
func (a optimismAPI) SyncStatus() (*syncStatus, error) { return a.o.status() }

// p2pAPI is the stand-in's opp2p namespace.
type p2pAPI struct{ o *OpNode }

// PeerStats is opp2p_peerStats.
func (a p2pAPI) PeerStats() *peerStats {
	a.o.mu.Lock()
	defer a.o.mu.Unlock()
	n := a.o.peers
	return &peerStats{Connected: n, Table: 4 * n, BlocksTopic: n, BlocksTopicV2: n, BlocksTopicV3: n, BlocksTopicV4: n, Known: 5 * n}
}

// status derives the sync status from the L2's chain.
func (o *OpNode) status() (*syncStatus, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	head := o.headNumber()
	unsafe, err := o.l2Ref(head)
	if err != nil {
		return nil, err
	}
	safe, err := o.l2Ref(o.safeNumber(head))
	if err != nil {
		return nil, err
	}
	final, err := o.l2Ref(safe.Number - min(safe.Number, o.safeLag))
	if err != nil {
		return nil, err
	}
	if o.diverged {
		unsafe.Hash[0] ^= 0xff // a block the L2 does not have at that height
	}
	l1 := func(n, ts uint64) blockRef {
		return blockRef{Hash: madeUpL1Hash(n), Number: n, ParentHash: madeUpL1Hash(n - min(n, 1)), Timestamp: ts}
	}
	headL1 := l1(100+head/12, unsafe.Timestamp) // made up: one L1 block of 12 s per 12 L2 blocks
	s := &syncStatus{
		HeadL1: headL1, CurrentL1: l1(headL1.Number-1, headL1.Timestamp-12),
		SafeL1: l1(headL1.Number-2, headL1.Timestamp-24), FinalizedL1: l1(headL1.Number-3, headL1.Timestamp-36),
		UnsafeL2: unsafe, SafeL2: safe, FinalizedL2: final, PendingSafeL2: safe,
		LocalSafeL2: safe,
	}
	s.CurrentL1Finalized = s.FinalizedL1
	return s, nil
}

// l2Ref is the L2 node's block number as an L2 block ref.
func (o *OpNode) l2Ref(number uint64) (blockRef, error) {
	o.l2.mu.Lock()
	defer o.l2.mu.Unlock()
	if o.l2.run == nil {
		return blockRef{}, fmt.Errorf("the L2 behind this op-node stand-in is stopped")
	}
	h := o.l2.run.backend.BlockChain().GetHeaderByNumber(number)
	if h == nil {
		return blockRef{}, fmt.Errorf("the L2 has no block #%d", number)
	}
	seq := number % 6
	return blockRef{Hash: h.Hash(), Number: number, ParentHash: h.ParentHash, Timestamp: h.Time,
		L1Origin: &blockID{Hash: madeUpL1Hash(100 + number/12), Number: 100 + number/12}, SequenceNumber: &seq}, nil
}

// madeUpL1Hash is the stand-in's hash of an L1 block that does not exist.
func madeUpL1Hash(n uint64) common.Hash {
	return common.HexToHash(fmt.Sprintf("0x11%s%016x", strings.Repeat("0", 46), n))
}
