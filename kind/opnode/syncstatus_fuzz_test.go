package opnode

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/rpc"
)

// FuzzDecodeSyncStatus: any optimism_syncStatus result is a sync status or a one-line *rpc.Failure of
// bounded length, never a panic, and decodes the same way twice.
func FuzzDecodeSyncStatus(f *testing.F) {
	f.Add([]byte(strings.TrimPrefix(fixture(f, "optimism_syncStatus.txt"), `"result":`)))
	f.Add([]byte(`{"unsafe_l2":{"hash":"0x01","number":"0x1","timestamp":1}}`))
	f.Add([]byte(`null`))
	seen := time.Unix(1764633600, 0)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeSyncStatus(json.RawMessage(data), seen)
		if err != nil {
			var fail *rpc.Failure
			if !errors.As(err, &fail) || (fail.Class != rpc.ClassMalformed && fail.Class != rpc.ClassNoBlock) {
				t.Fatalf("error %T %q", err, err)
			}
			if s != nil || strings.ContainsAny(fail.Msg, "\r\n") || len(fail.Msg) > 240 {
				t.Fatalf("status %v with reason %q", s, fail.Msg)
			}
			return
		}
		again, err := DecodeSyncStatus(json.RawMessage(data), seen)
		if err != nil {
			t.Fatalf("second decode: %v", err)
		}
		first, _ := json.Marshal(s.Doc())
		if second, _ := json.Marshal(again.Doc()); string(first) != string(second) {
			t.Fatalf("second decode %s; first %s", second, first)
		}
		if s.UnsafeL2.zero() {
			t.Fatal("a zeroed unsafe head decoded")
		}
		if line := s.Line(); strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %q", line)
		}
	})
}
