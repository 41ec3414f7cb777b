package flashblocks

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/rpc"
)

func TestDecode_SampleFrames(t *testing.T) {
	const id = "0x03f1c9e2d4b5a687"
	for _, tc := range []struct {
		file string
		want Frame
	}{
		{"rollup-boost_index0_base.json", Frame{PayloadID: id, Index: 0, Block: 0x1a2b3c, Known: true}},
		{"rollup-boost_index1_no_metadata.json", Frame{PayloadID: id, Index: 1}},
		{"op-rbuilder_index2_metadata.json", Frame{PayloadID: id, Index: 2, Block: 1715260, Known: true}},
	} {
		raw := fixture(t, tc.file)
		got, err := Decode(websocket.TextMessage, raw)
		if err != nil || got != tc.want {
			t.Errorf("%s as text: %+v, %v; want %+v", tc.file, got, err, tc.want)
		}
		want := tc.want
		want.Compressed = true
		if got, err := Decode(websocket.BinaryMessage, squeeze(t, raw)); err != nil || got != want {
			t.Errorf("%s as brotli: %+v, %v; want %+v", tc.file, got, err, want)
		}
	}
	if n := len(fixtures(t)); n != 3 {
		t.Errorf("%d sample frames, the table has 3", n)
	}
}

func TestDecode_Malformed(t *testing.T) {
	index0 := string(fixture(t, "rollup-boost_index0_base.json"))
	index2 := string(fixture(t, "op-rbuilder_index2_metadata.json"))
	for _, tc := range []struct {
		name string
		kind int
		data string
		want string // in the reason
	}{
		{"garbage text", websocket.TextMessage, "hello, subscriber", "invalid JSON at byte 1"},
		{"empty text", websocket.TextMessage, "", "invalid JSON"},
		{"binary not brotli", websocket.BinaryMessage, "\x00\x01garbage that is not brotli\xff\xfe", "not brotli-compressed"},
		{"a JSON array", websocket.TextMessage, "[1,2]", "a JSON array, not an object"},
		{"no payload_id", websocket.TextMessage, `{"index":0,"diff":{}}`, "no payload_id"},
		{"payload_id too short", websocket.TextMessage, `{"payload_id":"0x01","index":0,"diff":{}}`, "payload_id is not 8 bytes of hex"},
		{"payload_id a number", websocket.TextMessage, `{"payload_id":1,"index":0,"diff":{}}`, "payload_id is a JSON number"},
		{"no index", websocket.TextMessage, `{"payload_id":"0x0000000000000001","diff":{}}`, "no index"},
		{"negative index", websocket.TextMessage, `{"payload_id":"0x0000000000000001","index":-1,"diff":{}}`, "index is a JSON number -1"},
		{"index a string", websocket.TextMessage, `{"payload_id":"0x0000000000000001","index":"0","diff":{}}`, "index is a JSON string"},
		{"no diff", websocket.TextMessage, `{"payload_id":"0x0000000000000001","index":1}`, "no diff object"},
		{"base without block_number", websocket.TextMessage, `{"payload_id":"0x0000000000000001","index":0,"base":{},"diff":{}}`, "base has no block_number"},
		{"block_number a JSON number", websocket.TextMessage, strings.Replace(index0, `"0x1a2b3c"`, `1715260`, 1), "base.block_number is not a hex string"},
		{"block_number with leading zeros", websocket.TextMessage, strings.Replace(index0, `"0x1a2b3c"`, `"0x001a2b3c"`, 1), "base.block_number: hex number with leading zero digits"},
		{"block_number not hex", websocket.TextMessage, strings.Replace(index0, `"0x1a2b3c"`, `"1715260"`, 1), "base.block_number: hex string without 0x prefix"},
		{"a ping's type", websocket.PingMessage, "", "websocket message of type 9"},
		// Issue #18: metadata.block_number, when there, is a whole JSON number of 64 bits.
		{"metadata.block_number negative", websocket.TextMessage, strings.Replace(index2, `"block_number": 1715260`, `"block_number": -1`, 1), "metadata.block_number is not a block number"},
		{"metadata.block_number a string", websocket.TextMessage, strings.Replace(index2, `"block_number": 1715260`, `"block_number": "151"`, 1), "metadata.block_number is not a block number"},
		{"metadata.block_number beyond 64 bits", websocket.TextMessage, strings.Replace(index2, `"block_number": 1715260`, `"block_number": 1e30`, 1), "metadata.block_number is not a block number"},
		{"metadata.block_number a fraction", websocket.TextMessage, strings.Replace(index2, `"block_number": 1715260`, `"block_number": 151.5`, 1), "metadata.block_number is not a block number"},
		{"metadata.block_number true", websocket.TextMessage, strings.Replace(index2, `"block_number": 1715260`, `"block_number": true`, 1), "metadata.block_number is not a block number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Decode(tc.kind, []byte(tc.data))
			var fail *rpc.Failure
			if !errors.As(err, &fail) || fail.Class != rpc.ClassMalformed {
				t.Fatalf("got %+v, %v; want a malformed failure", f, err)
			}
			if !strings.HasPrefix(fail.Msg, "malformed frame: ") || !strings.Contains(fail.Msg, tc.want) {
				t.Errorf("reason %q, want %q in it", fail.Msg, tc.want)
			}
			if f != (Frame{}) {
				t.Errorf("frame %+v alongside an error", f)
			}
		})
	}
	t.Run("brotli of invalid JSON", func(t *testing.T) {
		_, err := Decode(websocket.BinaryMessage, squeeze(t, []byte("{not json")))
		var fail *rpc.Failure
		if !errors.As(err, &fail) || fail.Class != rpc.ClassMalformed || !strings.Contains(fail.Msg, "invalid JSON") {
			t.Errorf("got %v, want malformed invalid JSON", err)
		}
	})
}

// TestDecode_BrotliBomb: a small binary frame that decompresses past the cap is refused at the cap.
func TestDecode_BrotliBomb(t *testing.T) {
	bomb := squeeze(t, bytes.Repeat([]byte(" "), 64<<20))
	if len(bomb) > MaxFrameBytes/16 {
		t.Fatalf("the bomb is %d bytes compressed", len(bomb))
	}
	_, err := Decode(websocket.BinaryMessage, bomb)
	var fail *rpc.Failure
	if !errors.As(err, &fail) || fail.Class != rpc.ClassTooLarge {
		t.Fatalf("got %v, want too_large", err)
	}
	if want := "frame larger than 4194304 bytes once decompressed: refused"; fail.Msg != want {
		t.Errorf("reason %q, want %q", fail.Msg, want)
	}
}

// TestDecode_MetadataWithoutABlockNumber: metadata is free-form; without a block_number (or with a
// null one) the block is not known, and the frame is fine.
func TestDecode_MetadataWithoutABlockNumber(t *testing.T) {
	for _, meta := range []string{`{}`, `{"block_number":null}`, `{"receipts":{}}`, `"a string"`, `[1]`, `null`} {
		f, err := Decode(websocket.TextMessage, []byte(`{"payload_id":"0x0000000000000001","index":1,"diff":{},"metadata":`+meta+`}`))
		if err != nil || f.Known {
			t.Errorf("metadata %s: %+v, %v; want a frame, its block not known", meta, f, err)
		}
	}
}
