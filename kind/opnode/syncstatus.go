package opnode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// BlockRef is a block reference of op-node's sync status (optimism's op-service/eth/id.go,
// L1BlockRef and L2BlockRef): unlike an eth_ block, its number and timestamp are JSON numbers.
type BlockRef struct {
	Hash, ParentHash  common.Hash
	Number, Timestamp uint64
	// L1Origin is an L2 block's L1 origin, when the ref has one; SequenceNumber its position in
	// its epoch.
	L1Origin       *BlockID
	SequenceNumber *uint64
}

// BlockID is an L2 block's L1 origin: {hash, number}.
type BlockID struct {
	Hash   common.Hash
	Number uint64
}

// zero reports whether the ref is zeroed, as op-node answers before it is initialised.
func (r BlockRef) zero() bool { return r.Hash == (common.Hash{}) }

// PeerStats is op-node's opp2p_peerStats answer (optimism's op-node/p2p, PeerStats).
type PeerStats struct {
	Connected, Table, Banned, Known uint64
}

// SyncStatus is op-node's optimism_syncStatus answer (optimism's op-service/eth/sync_status.go), the
// refs headprobe reads, and its peers when they were asked for. It is the check.Detail of
// op-node's head, whose unsafe head is UnsafeL2.
type SyncStatus struct {
	UnsafeL2, SafeL2, FinalizedL2, HeadL1, CurrentL1 BlockRef
	// Seen is when the answer arrived: the refs' ages are counted from it, in whole seconds.
	Seen time.Time
	// PeersAsked says opp2p_peerStats was asked for (--min-peers); then either Peers or PeersErr is set.
	PeersAsked bool
	Peers      *PeerStats
	PeersErr   error
}

// Age is the ref's age when the answer arrived, in whole seconds like the head's; a ref stamped
// in the future is 0 old.
func (s *SyncStatus) Age(r BlockRef) time.Duration {
	now := uint64(max(s.Seen.Unix(), 0))
	if r.Timestamp >= now {
		return 0
	}
	return seconds(now - r.Timestamp)
}

// seconds converts whole seconds to a Duration, saturating at the largest one.
func seconds(s uint64) time.Duration {
	const most = uint64(1<<63-1) / uint64(time.Second)
	if s > most {
		return 1<<63 - 1
	}
	return time.Duration(s) * time.Second
}

// Line is the text report's detail: the safe and finalized heads with their ages, L1's head and
// op-node's current L1, and the peers when asked for (the unsafe head is the line's head).
// A ref op-node has zeroed (not known yet) shows as none.
func (s *SyncStatus) Line() string {
	withAge := func(name string, r BlockRef) string {
		if r.zero() {
			return name + " none"
		}
		return fmt.Sprintf("%s #%d age %s", name, r.Number, s.Age(r))
	}
	number := func(name string, r BlockRef) string {
		if r.zero() {
			return name + " none"
		}
		return fmt.Sprintf("%s #%d", name, r.Number)
	}
	parts := []string{withAge("safe", s.SafeL2), withAge("finalized", s.FinalizedL2), number("L1 head", s.HeadL1), number("current L1", s.CurrentL1)}
	switch {
	case s.Peers != nil:
		parts = append(parts, fmt.Sprintf("peers %d", s.Peers.Connected))
	case s.PeersAsked:
		parts = append(parts, "peers unknown")
	}
	return strings.Join(parts, ", ")
}

// SyncDoc is op-node's sync status in the JSON document, joined to the op_node object.
type SyncDoc struct {
	UnsafeL2    RefDoc `json:"unsafe_l2"`
	SafeL2      RefDoc `json:"safe_l2"`
	FinalizedL2 RefDoc `json:"finalized_l2"`
	HeadL1      RefDoc `json:"head_l1"`
	CurrentL1   RefDoc `json:"current_l1"`
	// Peers is set when opp2p_peerStats answered; PeersError says why it did not.
	Peers      *PeersDoc `json:"peers,omitempty"`
	PeersError string    `json:"peers_error,omitempty"`
}

// RefDoc is a block ref in the JSON document.
type RefDoc struct {
	Number     uint64  `json:"number"`
	Hash       string  `json:"hash"`
	Timestamp  uint64  `json:"timestamp"`
	AgeSeconds float64 `json:"age_seconds"`
}

// PeersDoc is opp2p_peerStats in the JSON document.
type PeersDoc struct {
	Connected uint64 `json:"connected"`
	Table     uint64 `json:"table"`
	Banned    uint64 `json:"banned"`
	Known     uint64 `json:"known"`
}

// Doc is the JSON document's fields of the sync status (a SyncDoc).
func (s *SyncStatus) Doc() any {
	ref := func(r BlockRef) RefDoc {
		return RefDoc{Number: r.Number, Hash: r.Hash.Hex(), Timestamp: r.Timestamp, AgeSeconds: s.Age(r).Seconds()}
	}
	d := SyncDoc{UnsafeL2: ref(s.UnsafeL2), SafeL2: ref(s.SafeL2), FinalizedL2: ref(s.FinalizedL2), HeadL1: ref(s.HeadL1), CurrentL1: ref(s.CurrentL1)}
	if p := s.Peers; p != nil {
		d.Peers = &PeersDoc{Connected: p.Connected, Table: p.Table, Banned: p.Banned, Known: p.Known}
	}
	if s.PeersErr != nil {
		d.PeersError = s.PeersErr.Error()
	}
	return d
}

// Series are the textfile's headprobe_op_node_* gauges: each ref's number and age, labelled by
// the ref's name (unsafe_l2, safe_l2, finalized_l2, head_l1, current_l1), and the connected peers
// when they were counted.
func (s *SyncStatus) Series() []check.Series {
	var out []check.Series
	for _, r := range []struct {
		name string
		ref  BlockRef
	}{{"unsafe_l2", s.UnsafeL2}, {"safe_l2", s.SafeL2}, {"finalized_l2", s.FinalizedL2}, {"head_l1", s.HeadL1}, {"current_l1", s.CurrentL1}} {
		labels := map[string]string{"ref": r.name}
		out = append(out,
			check.Series{Name: "headprobe_op_node_block_number", Help: "Number of each of op-node's sync-status block refs.", Labels: labels, Value: float64(r.ref.Number)},
			check.Series{Name: "headprobe_op_node_block_age_seconds", Help: "Age of each of op-node's sync-status block refs, in whole seconds.", Labels: labels, Value: s.Age(r.ref).Seconds()})
	}
	if s.Peers != nil {
		out = append(out, check.Series{Name: "headprobe_op_node_peers", Help: "op-node's connected p2p peers (opp2p_peerStats).", Value: float64(s.Peers.Connected)})
	}
	return out
}

// rawSyncStatus holds the refs headprobe reads; the rest of the answer is skipped unparsed.
type rawSyncStatus struct {
	CurrentL1   json.RawMessage `json:"current_l1"`
	HeadL1      json.RawMessage `json:"head_l1"`
	UnsafeL2    json.RawMessage `json:"unsafe_l2"`
	SafeL2      json.RawMessage `json:"safe_l2"`
	FinalizedL2 json.RawMessage `json:"finalized_l2"`
}

// rawRef is a block ref's fields, each decoded on its own so that an error names it.
type rawRef struct {
	Hash           json.RawMessage `json:"hash"`
	Number         json.RawMessage `json:"number"`
	ParentHash     json.RawMessage `json:"parentHash"`
	Timestamp      json.RawMessage `json:"timestamp"`
	L1Origin       json.RawMessage `json:"l1origin"`
	SequenceNumber json.RawMessage `json:"sequenceNumber"`
}

// DecodeSyncStatus turns the result of optimism_syncStatus, answered at seen, into a SyncStatus.
// Every failure is a *Failure: a null result or a zeroed unsafe_l2 (op-node not initialised) is
// rpc.ClassNoBlock, anything else not of the documented shape ClassMalformed; a number or timestamp
// given as a hex string is refused, as op-node gives JSON numbers.
func DecodeSyncStatus(result json.RawMessage, seen time.Time) (*SyncStatus, error) {
	raw := bytes.TrimSpace(result)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, &rpc.Failure{Class: rpc.ClassNoBlock, Msg: "no sync status (result is null)"}
	}
	if raw[0] != '{' {
		return nil, rpc.Malformed("result is %s, not a sync status", rpc.JSONKind(raw[0]))
	}
	var f rawSyncStatus
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, rpc.Malformed("sync status: %s", rpc.JSONErrorText(err))
	}
	s := &SyncStatus{Seen: seen}
	for _, r := range []struct {
		name string
		raw  json.RawMessage
		into *BlockRef
	}{
		{"unsafe_l2", f.UnsafeL2, &s.UnsafeL2}, {"safe_l2", f.SafeL2, &s.SafeL2}, {"finalized_l2", f.FinalizedL2, &s.FinalizedL2},
		{"head_l1", f.HeadL1, &s.HeadL1}, {"current_l1", f.CurrentL1, &s.CurrentL1},
	} {
		ref, err := decodeRef(r.name, r.raw)
		if err != nil {
			return nil, err
		}
		*r.into = ref
	}
	if s.UnsafeL2.zero() {
		return nil, &rpc.Failure{Class: rpc.ClassNoBlock, Msg: "no unsafe head yet: unsafe_l2 is zeroed (op-node not initialised)"}
	}
	return s, nil
}

// decodeRef decodes the block ref called name.
func decodeRef(name string, raw json.RawMessage) (BlockRef, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return BlockRef{}, rpc.Malformed("sync status has no %s", name)
	}
	if raw[0] != '{' {
		return BlockRef{}, rpc.Malformed("%s is %s, not a block ref", name, rpc.JSONKind(raw[0]))
	}
	var f rawRef
	if err := json.Unmarshal(raw, &f); err != nil {
		return BlockRef{}, rpc.Malformed("%s: %s", name, rpc.JSONErrorText(err))
	}
	var r BlockRef
	if err := refHash(name+".hash", f.Hash, &r.Hash, true); err != nil {
		return BlockRef{}, err
	}
	if err := refHash(name+".parentHash", f.ParentHash, &r.ParentHash, false); err != nil {
		return BlockRef{}, err
	}
	var err error
	if r.Number, err = jsonNumber(name+".number", f.Number); err != nil {
		return BlockRef{}, err
	}
	if r.Timestamp, err = jsonNumber(name+".timestamp", f.Timestamp); err != nil {
		return BlockRef{}, err
	}
	if present(f.L1Origin) {
		var o struct {
			Hash   json.RawMessage `json:"hash"`
			Number json.RawMessage `json:"number"`
		}
		if err := json.Unmarshal(f.L1Origin, &o); err != nil {
			return BlockRef{}, rpc.Malformed("%s.l1origin: %s", name, rpc.JSONErrorText(err))
		}
		id := &BlockID{}
		if err := refHash(name+".l1origin.hash", o.Hash, &id.Hash, true); err != nil {
			return BlockRef{}, err
		}
		if id.Number, err = jsonNumber(name+".l1origin.number", o.Number); err != nil {
			return BlockRef{}, err
		}
		r.L1Origin = id
	}
	if present(f.SequenceNumber) {
		n, err := jsonNumber(name+".sequenceNumber", f.SequenceNumber)
		if err != nil {
			return BlockRef{}, err
		}
		r.SequenceNumber = &n
	}
	return r, nil
}

// present reports whether an optional field was given a value.
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// refHash decodes a hash field; a missing optional one is the zero hash.
func refHash(name string, raw json.RawMessage, into *common.Hash, required bool) error {
	if !present(raw) {
		if required {
			return rpc.Malformed("%s is missing", name)
		}
		return nil
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return rpc.Malformed("%s %s: %s", name, rpc.Clip(rpc.OneLine(string(raw)), 24), rpc.JSONErrorText(err))
	}
	return nil
}

// jsonNumber decodes a whole JSON number (op-node's uint64 fields), refusing a hex or decimal
// string with a reason that says so.
func jsonNumber(name string, raw json.RawMessage) (uint64, error) {
	raw = bytes.TrimSpace(raw)
	if !present(raw) {
		return 0, rpc.Malformed("%s is missing", name)
	}
	shown := rpc.Clip(rpc.OneLine(string(raw)), 24)
	if raw[0] == '"' {
		return 0, rpc.Malformed("%s %s is a string: op-node gives JSON numbers, not hex", name, shown)
	}
	n, err := strconv.ParseUint(string(raw), 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, rpc.Malformed("%s %s is larger than 2^64-1", name, shown)
		}
		return 0, rpc.Malformed("%s %s is not a whole JSON number", name, shown)
	}
	return n, nil
}

// DecodePeerStats turns the result of opp2p_peerStats into PeerStats; its connected count is a
// JSON number like the sync status's.
func DecodePeerStats(result json.RawMessage) (*PeerStats, error) {
	raw := bytes.TrimSpace(result)
	if !present(raw) {
		return nil, &rpc.Failure{Class: rpc.ClassNoBlock, Msg: "no peer stats (result is null)"}
	}
	if raw[0] != '{' {
		return nil, rpc.Malformed("peer stats are %s, not an object", rpc.JSONKind(raw[0]))
	}
	var f struct {
		Connected, Table, Banned, Known json.RawMessage
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, rpc.Malformed("peer stats: %s", rpc.JSONErrorText(err))
	}
	p := &PeerStats{}
	var err error
	if p.Connected, err = jsonNumber("peer stats' connected", f.Connected); err != nil {
		return nil, err
	}
	for _, o := range []struct {
		name string
		raw  json.RawMessage
		into *uint64
	}{{"table", f.Table, &p.Table}, {"banned", f.Banned, &p.Banned}, {"known", f.Known, &p.Known}} {
		if present(o.raw) {
			if *o.into, err = jsonNumber("peer stats' "+o.name, o.raw); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}
