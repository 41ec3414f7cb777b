package opnode

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Source is a check.Source for op-node's RPC: its head is the sync status's unsafe_l2, with the
// whole status (and the peers, when asked for) as the head's Detail, a *SyncStatus. It reaches
// op-node through an rpc.Client, as an execution client is reached (http, https, ws, wss, IPC;
// headers, TLS, the body cap, secrets scrubbed, the same failure classes); Options.ChainID is
// ignored, as op-node has no eth_chainId.
type Source struct {
	c     *rpc.Client
	peers bool
	now   func() time.Time
}

// NewSource returns a source for op-node at url (already validated with rpc.ValidateURL); with
// peers, every sample also asks opp2p_peerStats in the same batch. Nothing is sent yet.
func NewSource(url string, opts rpc.Options, peers bool) *Source {
	opts.ChainID = false
	return &Source{c: rpc.New(url, opts), peers: peers, now: time.Now}
}

// Head fetches optimism_syncStatus (and opp2p_peerStats) in one round trip within the timeout.
// A failure of the sync status is the head's error, a scrubbed *rpc.Failure; one of the peer
// stats alone is kept as SyncStatus.PeersErr, for the peers' check to judge.
func (o *Source) Head(ctx context.Context) (check.Head, error) {
	h, err := o.head(ctx)
	return h, o.c.Scrub(err)
}

func (o *Source) head(ctx context.Context) (check.Head, error) {
	var status, peers json.RawMessage
	if !o.peers {
		if err := o.c.Call(ctx, &status, "optimism_syncStatus"); err != nil {
			return check.Head{}, err
		}
		return o.decode(status, nil)
	}
	batch := []gethrpc.BatchElem{
		{Method: "optimism_syncStatus", Result: &status},
		{Method: "opp2p_peerStats", Result: &peers},
	}
	if err := o.c.Batch(ctx, batch); err != nil {
		return check.Head{}, err
	}
	if err := elemError(batch[0]); err != nil {
		return check.Head{}, err
	}
	var answer any = &peers
	if f := elemError(batch[1]); f != nil {
		answer = f
	}
	return o.decode(status, answer)
}

// elemError is a batch answer's failure, or nil, without the method's name rpc.Client.Batch puts
// before it: op-node's reasons name the method themselves.
func elemError(e gethrpc.BatchElem) *rpc.Failure {
	var f *rpc.Failure
	if !errors.As(e.Error, &f) {
		return nil
	}
	return &rpc.Failure{Class: f.Class, Msg: strings.TrimPrefix(f.Msg, e.Method+": ")}
}

// decode makes the head from the sync status; peers is nil when not asked, the peer stats'
// answer (*json.RawMessage) or their *rpc.Failure.
func (o *Source) decode(status json.RawMessage, peers any) (check.Head, error) {
	s, err := DecodeSyncStatus(status, o.now())
	if err != nil {
		return check.Head{}, err
	}
	switch p := peers.(type) {
	case *json.RawMessage:
		s.PeersAsked = true
		stats, err := DecodePeerStats(*p)
		if err != nil {
			s.PeersErr = o.c.Scrub(err)
		} else {
			s.Peers = stats
		}
	case *rpc.Failure:
		s.PeersAsked, s.PeersErr = true, o.c.Scrub(p)
	}
	u := s.UnsafeL2
	return check.Head{Number: u.Number, Hash: u.Hash, Timestamp: u.Timestamp, Detail: s}, nil
}

// Close releases the connection.
func (o *Source) Close() { o.c.Close() }
