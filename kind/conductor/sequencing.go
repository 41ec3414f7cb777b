package conductor

import (
	"context"
	"encoding/json"

	"github.com/headprobe/headprobe/rpc"
)

// Sequencing says whether op-node is sequencing: the leader's op-node must be, a follower's must
// not. A nil Sequencing is not asked.
type Sequencing interface {
	// SequencerActive is op-node's admin_sequencerActive; an error is an *rpc.Failure.
	SequencerActive(ctx context.Context) (bool, error)
}

// SequencerActiveMethod is op-node's admin API method (it needs --rpc.enable-admin).
const SequencerActiveMethod = "admin_sequencerActive"

// OpNodeAdmin is op-node's admin API, reached through the op-node endpoint's client.
type OpNodeAdmin struct{ Client *rpc.Client }

// SequencerActive calls admin_sequencerActive.
func (a OpNodeAdmin) SequencerActive(ctx context.Context) (bool, error) {
	var raw json.RawMessage
	if err := a.Client.Call(ctx, &raw, SequencerActiveMethod); err != nil {
		return false, err
	}
	return DecodeBool(SequencerActiveMethod, raw)
}

// Close releases the connection.
func (a OpNodeAdmin) Close() error {
	a.Client.Close()
	return nil
}
