package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/headprobe/headprobe/check"
)

// blockFields holds the three fields of a block headprobe reads; the rest is skipped unparsed.
type blockFields struct {
	Number    json.RawMessage `json:"number"`
	Hash      json.RawMessage `json:"hash"`
	Timestamp json.RawMessage `json:"timestamp"`
}

// DecodeHead turns the result of eth_getBlockByNumber("latest", false) into a Head.
// The hash is read from the response, never recomputed. Every failure is a *Failure.
func DecodeHead(result json.RawMessage) (check.Head, error) {
	raw := bytes.TrimSpace(result)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return check.Head{}, &Failure{Class: ClassNoBlock, Msg: "no latest block (result is null)"}
	}
	if raw[0] != '{' {
		return check.Head{}, malformed("result is %s, not a block", jsonKind(raw[0]))
	}
	var f blockFields
	if err := json.Unmarshal(raw, &f); err != nil {
		return check.Head{}, malformed("block: %s", jsonErrorText(err))
	}
	var (
		h         check.Head
		number    hexutil.Uint64
		timestamp hexutil.Uint64
	)
	if err := decodeField("number", f.Number, &number); err != nil {
		return check.Head{}, err
	}
	if err := decodeField("hash", f.Hash, &h.Hash); err != nil {
		return check.Head{}, err
	}
	if err := decodeField("timestamp", f.Timestamp, &timestamp); err != nil {
		return check.Head{}, err
	}
	h.Number, h.Timestamp = uint64(number), uint64(timestamp)
	return h, nil
}

// decodeField decodes one hex field of the block, or says which field is missing or bad.
func decodeField(name string, raw json.RawMessage, into any) error {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return malformed("block has no %s", name)
	}
	// hexutil decodes "" as zero without an error; a block with an empty number or timestamp is
	// malformed, not block 0 at the epoch.
	if bytes.Equal(raw, []byte(`""`)) {
		return malformed("block %s is an empty string", name)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return malformed("block %s %s: %s", name, clip(OneLine(string(raw)), 24), jsonErrorText(err))
	}
	return nil
}

// jsonErrorText shortens encoding/json and hexutil errors to what went wrong.
func jsonErrorText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		switch kind, _, _ := strings.Cut(te.Value, " "); kind {
		case "non-string":
			return "not a hex string"
		case "array", "object", "string", "number", "bool":
			// encoding/json names only the JSON type it found (a batch where one answer was due).
			return "unexpected JSON " + kind
		}
		return te.Value
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "invalid JSON: " + se.Error()
	}
	return err.Error()
}

// jsonKind names the JSON type that starts with b.
func jsonKind(b byte) string {
	switch b {
	case '"':
		return "a string"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

func malformed(format string, args ...any) *Failure {
	return &Failure{Class: ClassMalformed, Msg: "malformed response: " + fmt.Sprintf(format, args...)}
}

// clip shortens server-supplied text so one bad response cannot flood the output.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a character boundary: half a multi-byte character is invalid UTF-8.
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
