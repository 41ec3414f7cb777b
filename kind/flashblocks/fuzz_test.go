package flashblocks

// Run the target with, for example:
//
//	go test ./flashblocks -run '^$' -fuzz '^FuzzDecode$' -fuzztime 30s

import (
	"errors"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/rpc"
)

// FuzzDecode: any message decodes to a frame or to a one-line malformed (or too large) failure,
// never a panic, and decodes the same way twice.
func FuzzDecode(f *testing.F) {
	for _, name := range fixtures(f) {
		raw := fixture(f, name)
		f.Add(true, raw)
		f.Add(false, squeeze(f, raw))
	}
	f.Add(true, []byte(`{"payload_id":"0x0000000000000001","index":0,"base":{"block_number":"0x0"},"diff":{}}`))
	f.Add(true, []byte(`{"payload_id":"0x0000000000000001","index":3,"diff":{},"metadata":{"block_number":7}}`))
	f.Add(false, []byte("\x0b\x02\x80garbage"))
	f.Fuzz(func(t *testing.T, text bool, data []byte) {
		kind := websocket.BinaryMessage
		if text {
			kind = websocket.TextMessage
		}
		fr, err := Decode(kind, data)
		if err != nil {
			var fail *rpc.Failure
			if !errors.As(err, &fail) {
				t.Fatalf("error %T %q is not a *rpc.Failure", err, err)
			}
			if fail.Class != rpc.ClassMalformed && fail.Class != rpc.ClassTooLarge {
				t.Fatalf("class %q (%q)", fail.Class, fail.Msg)
			}
			if strings.ContainsAny(fail.Msg, "\r\n") || len(fail.Msg) > 160 {
				t.Fatalf("reason %q: more than one short line", fail.Msg)
			}
			if fr != (Frame{}) {
				t.Fatalf("frame %+v alongside an error", fr)
			}
			return
		}
		if !validPayloadID(fr.PayloadID) {
			t.Fatalf("payload id %q", fr.PayloadID)
		}
		if again, err := Decode(kind, data); err != nil || again != fr {
			t.Fatalf("second decode: %+v, %v; first %+v", again, err, fr)
		}
	})
}
