package flashblocks

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"

	"github.com/andybalholm/brotli"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/rpc"
)

// MaxFrameBytes caps a frame, as read from the wire and once decompressed: the cap of the other
// endpoints' response bodies.
const MaxFrameBytes = rpc.MaxResponseBytes

// Frame is what headprobe reads of one flashblock (FlashblocksPayloadV1).
type Frame struct {
	// PayloadID is the payload's id, "0x" and 16 hex digits: one per block being built.
	PayloadID string
	// Index is the flashblock's index within its payload: 0, 1, 2 …
	Index uint64
	// Block is the number of the block being built, when the frame says it (Known): base.block_number
	// on index 0, else metadata.block_number.
	Block uint64
	Known bool
	// Compressed says the frame came as brotli in a binary websocket frame.
	Compressed bool
}

// wire is the part of FlashblocksPayloadV1 headprobe reads.
type wire struct {
	PayloadID *string         `json:"payload_id"`
	Index     *uint64         `json:"index"`
	Base      *wireBase       `json:"base"`
	Diff      json.RawMessage `json:"diff"`
	Metadata  json.RawMessage `json:"metadata"`
}

// wireBase is the block's fixed part, sent with index 0 only.
type wireBase struct {
	BlockNumber *hexutil.Uint64 `json:"block_number"`
}

// validPayloadID reports whether id is an 8-byte hex id, as alloy's PayloadId serializes it.
func validPayloadID(id string) bool {
	if len(id) != 18 || id[:2] != "0x" {
		return false
	}
	_, err := hex.DecodeString(id[2:])
	return err == nil
}

// Decode decodes one websocket message: a text frame is JSON, a binary frame brotli-compressed
// JSON. Its errors are *rpc.Failure: ClassTooLarge past MaxFrameBytes decompressed, else
// ClassMalformed, each one line that repeats none of the frame.
func Decode(messageType int, data []byte) (Frame, error) {
	var f Frame
	switch messageType {
	case websocket.TextMessage:
	case websocket.BinaryMessage:
		f.Compressed = true
		plain, err := io.ReadAll(io.LimitReader(brotli.NewReader(bytes.NewReader(data)), MaxFrameBytes+1))
		if err != nil {
			return Frame{}, malformed("binary frame is not brotli-compressed")
		}
		if len(plain) > MaxFrameBytes {
			return Frame{}, &rpc.Failure{Class: rpc.ClassTooLarge, Msg: fmt.Sprintf("frame larger than %d bytes once decompressed: refused", MaxFrameBytes)}
		}
		data = plain
	default:
		return Frame{}, malformed("websocket message of type %d", messageType)
	}
	var w wire
	if err := json.Unmarshal(data, &w); err != nil {
		return Frame{}, malformed("not a flashblock (%s)", jsonProblem(err))
	}
	switch {
	case w.PayloadID == nil:
		return Frame{}, malformed("no payload_id")
	case !validPayloadID(*w.PayloadID):
		return Frame{}, malformed("payload_id is not 8 bytes of hex")
	case w.Index == nil:
		return Frame{}, malformed("no index")
	case len(w.Diff) == 0 || w.Diff[0] != '{':
		return Frame{}, malformed("no diff object")
	}
	f.PayloadID, f.Index = *w.PayloadID, *w.Index
	if w.Base != nil {
		if w.Base.BlockNumber == nil {
			return Frame{}, malformed("base has no block_number")
		}
		f.Block, f.Known = uint64(*w.Base.BlockNumber), true
		return f, nil
	}
	// metadata is free-form, but op-rbuilder's block_number is a JSON number: one that is not a
	// whole number of 64 bits (-1, "151", 1e30) is malformed, not a block left unknown.
	var meta struct {
		BlockNumber json.RawMessage `json:"block_number"`
	}
	if len(w.Metadata) == 0 || w.Metadata[0] != '{' || json.Unmarshal(w.Metadata, &meta) != nil {
		return f, nil
	}
	if raw := string(meta.BlockNumber); raw != "" && raw != "null" {
		n, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			return Frame{}, malformed("metadata.block_number is not a block number (a whole JSON number of 64 bits)")
		}
		f.Block, f.Known = n, true
	}
	return f, nil
}

// malformed is a frame that does not decode.
func malformed(format string, args ...any) *rpc.Failure {
	return &rpc.Failure{Class: rpc.ClassMalformed, Msg: "malformed frame: " + fmt.Sprintf(format, args...)}
}

// jsonProblem says what is wrong with a frame's JSON without repeating it.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ) && typ.Type == reflect.TypeFor[hexutil.Uint64]() && typ.Value == "non-string":
		return "base.block_number is not a hex string"
	case errors.As(err, &typ) && typ.Type == reflect.TypeFor[hexutil.Uint64]():
		return "base.block_number: " + typ.Value // hexutil's texts repeat none of the input
	case errors.As(err, &typ) && typ.Field == "":
		return "a JSON " + typ.Value + ", not an object"
	case errors.As(err, &typ):
		return fmt.Sprintf("%s is a JSON %s", typ.Field, typ.Value)
	}
	return "invalid JSON"
}
