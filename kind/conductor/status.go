package conductor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/headprobe/headprobe/rpc"
)

// Status is op-conductor's answer to the five questions of one batch (op-conductor/rpc/api.go).
type Status struct {
	// Leader: this node's conductor leads the Raft cluster (conductor_leader).
	Leader bool
	// Active: neither paused nor stopped (conductor_active).
	Active bool
	// Paused and Stopped: conductor_paused, conductor_stopped.
	Paused, Stopped bool
	// SequencerHealthy is its health monitor's last verdict (conductor_sequencerHealthy).
	SequencerHealthy bool
}

// Methods are the batch's methods, in order.
var Methods = []string{"conductor_leader", "conductor_active", "conductor_paused", "conductor_stopped", "conductor_sequencerHealthy"}

// Fetch asks the five questions in one JSON-RPC batch. Errors are *rpc.Failure; the first
// failing answer fails the batch.
func Fetch(ctx context.Context, c *rpc.Client) (Status, error) {
	var s Status
	into := []*bool{&s.Leader, &s.Active, &s.Paused, &s.Stopped, &s.SequencerHealthy}
	raws := make([]json.RawMessage, len(Methods))
	calls := make([]gethrpc.BatchElem, len(Methods))
	for i, m := range Methods {
		calls[i] = gethrpc.BatchElem{Method: m, Result: &raws[i]}
	}
	if err := c.Batch(ctx, calls); err != nil {
		return Status{}, err
	}
	for i, call := range calls {
		if call.Error != nil {
			return Status{}, call.Error
		}
		b, err := DecodeBool(call.Method, raws[i])
		if err != nil {
			return Status{}, err
		}
		*into[i] = b
	}
	return s, nil
}

// DecodeBool reads a result that must be true or false: null, a string "true", a number are
// malformed.
func DecodeBool(method string, raw json.RawMessage) (bool, error) {
	switch raw = bytes.TrimSpace(raw); string(raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "", "null":
		return false, malformed("%s result is null, not a boolean", method)
	}
	s := rpc.OneLine(string(raw))
	if r := []rune(s); len(r) > 24 {
		s = string(r[:24]) + "…"
	}
	return false, malformed("%s result %s is not a boolean", method, s)
}

// malformed is an answer that is not what op-conductor or op-node returns.
func malformed(format string, args ...any) *rpc.Failure {
	return &rpc.Failure{Class: rpc.ClassMalformed, Msg: "malformed response: " + fmt.Sprintf(format, args...)}
}
