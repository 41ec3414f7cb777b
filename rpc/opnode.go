package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/headprobe/headprobe/check"
)

// OpNode is a check.Source for op-node's RPC: its head is the sync status's unsafe_l2, with the
// whole status (and the peers, when asked for) as the head's Detail, a *SyncStatus. It reaches
// op-node as Client reaches an execution client (http, https, ws, wss, IPC; headers, TLS, the body
// cap, secrets scrubbed, the same failure classes); Options.ChainID is ignored, as op-node has no
// eth_chainId.
type OpNode struct {
	c     *Client
	peers bool
	now   func() time.Time
}

// NewOpNode returns a source for op-node at url (already validated with ValidateURL); with peers,
// every sample also asks opp2p_peerStats in the same batch. Nothing is sent yet.
func NewOpNode(url string, opts Options, peers bool) *OpNode {
	opts.ChainID = false
	return &OpNode{c: New(url, opts), peers: peers, now: time.Now}
}

// Head fetches optimism_syncStatus (and opp2p_peerStats) in one round trip within the timeout.
// A failure of the sync status is the head's error, a scrubbed *Failure; one of the peer stats
// alone is kept as SyncStatus.PeersErr, for the peers' check to judge.
func (o *OpNode) Head(ctx context.Context) (check.Head, error) {
	h, err := o.head(ctx)
	return h, o.c.scrub(err)
}

func (o *OpNode) head(ctx context.Context) (check.Head, error) {
	var status, peers json.RawMessage
	if !o.peers {
		err := o.c.exchange(ctx, func(ctx context.Context, conn *gethrpc.Client) error {
			return conn.CallContext(ctx, &status, "optimism_syncStatus")
		})
		if err != nil {
			return check.Head{}, err
		}
		return o.decode(status, nil)
	}
	batch := []gethrpc.BatchElem{
		{Method: "optimism_syncStatus", Result: &status},
		{Method: "opp2p_peerStats", Result: &peers},
	}
	err := o.c.exchange(ctx, func(ctx context.Context, conn *gethrpc.Client) error {
		return conn.BatchCallContext(ctx, batch)
	})
	if err != nil {
		return check.Head{}, err
	}
	if err := o.elemError(batch[0]); err != nil {
		return check.Head{}, err
	}
	var answer any = &peers
	if f := o.elemError(batch[1]); f != nil {
		answer = f
	}
	return o.decode(status, answer)
}

// elemError is a batch answer's error as a *Failure, or nil.
func (o *OpNode) elemError(e gethrpc.BatchElem) *Failure {
	if errors.Is(e.Error, gethrpc.ErrMissingBatchResponse) {
		return malformed("the batch answer has no answer to %s (ids missing or repeated)", e.Method)
	}
	if e.Error != nil {
		return classify(e.Error, o.c.opts.Timeout, o.c.secrets, o.c.auth)
	}
	return nil
}

// decode makes the head from the sync status; peers is nil when not asked, the peer stats'
// answer (*json.RawMessage) or their *Failure.
func (o *OpNode) decode(status json.RawMessage, peers any) (check.Head, error) {
	s, err := DecodeSyncStatus(status, o.now())
	if err != nil {
		return check.Head{}, err
	}
	switch p := peers.(type) {
	case *json.RawMessage:
		s.PeersAsked = true
		stats, err := DecodePeerStats(*p)
		if err != nil {
			s.PeersErr = o.c.scrub(err)
		} else {
			s.Peers = stats
		}
	case *Failure:
		s.PeersAsked, s.PeersErr = true, o.c.scrub(p)
	}
	u := s.UnsafeL2
	return check.Head{Number: u.Number, Hash: u.Hash, Timestamp: u.Timestamp, Detail: s}, nil
}

// Close releases the connection.
func (o *OpNode) Close() { o.c.Close() }
