package rpc

import (
	"context"
	"errors"
	"strings"

	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// Call makes one JSON-RPC call within the timeout, for the parts judged by more than a head
// (rollup-boost's debug API): result receives the answer's result, as go-ethereum decodes it.
// Errors are scrubbed *Failure, classified as the heads' are.
func (c *Client) Call(ctx context.Context, result any, method string, args ...any) error {
	err := c.exchange(ctx, func(ctx context.Context, conn *gethrpc.Client) error {
		return conn.CallContext(ctx, result, method, args...)
	})
	return c.scrub(err)
}

// Batch sends the calls in one JSON-RPC batch within the timeout (op-conductor's five
// questions). The error is the round trip's; an answer that failed has its Error replaced by a
// scrubbed *Failure naming its method, an answer missing from the batch included.
func (c *Client) Batch(ctx context.Context, calls []gethrpc.BatchElem) error {
	err := c.exchange(ctx, func(ctx context.Context, conn *gethrpc.Client) error {
		return conn.BatchCallContext(ctx, calls)
	})
	if err != nil {
		return c.scrub(err)
	}
	for i := range calls {
		e := &calls[i]
		switch {
		case e.Error == nil:
		case errors.Is(e.Error, gethrpc.ErrMissingBatchResponse):
			e.Error = malformed("the batch answer has no answer to %s (ids missing or repeated)", e.Method)
		default:
			f := classify(e.Error, c.opts.Timeout, c.secrets, c.auth)
			e.Error = c.scrub(&Failure{Class: f.Class, Msg: e.Method + ": " + f.Msg})
		}
	}
	return nil
}

// MethodNotFound reports whether err is a JSON-RPC error -32601: the method does not exist or its
// namespace is not enabled (op-node's admin API without --rpc.enable-admin).
func MethodNotFound(err error) bool {
	var f *Failure
	return errors.As(err, &f) && f.Class == ClassRPCError && strings.Contains(f.Msg, methodNotFound)
}

// methodNotFound starts the reason classify gives a JSON-RPC error -32601.
const methodNotFound = "JSON-RPC error -32601"
