package rollupboost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/headprobe/headprobe/rpc"
)

// Mode is rollup-boost's execution mode, as its debug API names it.
type Mode string

// The execution modes of crates/rollup-boost/src/debug_api.rs.
const (
	// Enabled: rollup-boost sends payloads to the builder and uses its blocks.
	Enabled Mode = "enabled"
	// DryRun: rollup-boost sends payloads to the builder but uses the L2's blocks; its health is
	// checked as with Enabled (rollup-boost #477).
	DryRun Mode = "dry_run"
	// Disabled: rollup-boost does not use the builder at all (rollup-boost #292).
	Disabled Mode = "disabled"
)

// ModeMethod is the debug API's method that returns the execution mode.
const ModeMethod = "debug_getExecutionMode"

// FetchMode asks rollup-boost's debug server for its execution mode. Errors are *rpc.Failure.
func FetchMode(ctx context.Context, c *rpc.Client) (Mode, error) {
	var raw json.RawMessage
	if err := c.Call(ctx, &raw, ModeMethod); err != nil {
		return "", err
	}
	return DecodeMode(raw)
}

// DecodeMode reads the answer of debug_getExecutionMode: {"execution_mode": "enabled"} as
// debug_api.rs returns it, or a bare "enabled" as some versions document it.
func DecodeMode(raw json.RawMessage) (Mode, error) {
	raw = bytes.TrimSpace(raw)
	var s string
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return "", malformed("%s result is null", ModeMethod)
	case raw[0] == '{':
		var doc struct {
			Mode *json.RawMessage `json:"execution_mode"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil || doc.Mode == nil {
			return "", malformed("%s result has no execution_mode", ModeMethod)
		}
		if err := json.Unmarshal(*doc.Mode, &s); err != nil {
			return "", malformed("execution_mode %s is not a string", clip(*doc.Mode))
		}
	default:
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", malformed("%s result %s is neither an object nor a string", ModeMethod, clip(raw))
		}
	}
	switch m := Mode(s); m {
	case Enabled, DryRun, Disabled:
		return m, nil
	}
	return "", malformed("unknown execution mode %q (want enabled, dry_run or disabled)", rpc.OneLine(clip([]byte(s))))
}

// malformed is an answer that is not what the debug API returns.
func malformed(format string, args ...any) *rpc.Failure {
	return &rpc.Failure{Class: rpc.ClassMalformed, Msg: "malformed response: " + fmt.Sprintf(format, args...)}
}

// clip is at most 24 bytes of server text, printable, for a reason.
func clip(raw []byte) string {
	s := rpc.OneLine(string(raw))
	if len(s) > 24 {
		r := []rune(s)
		if len(r) > 24 {
			r = r[:24]
		}
		return string(r) + "…"
	}
	return s
}
