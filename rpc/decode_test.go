package rpc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/headprobe/headprobe/check"
)

const (
	okHash   = `"0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b938"`
	okNumber = `"0x3"`
	okTime   = `"0x6b059cbe"`
)

// block builds a result object from raw JSON field values; an empty value leaves the field out.
func block(number, hash, timestamp string) string {
	var fields []string
	if number != "" {
		fields = append(fields, `"number":`+number)
	}
	if hash != "" {
		fields = append(fields, `"hash":`+hash)
	}
	if timestamp != "" {
		fields = append(fields, `"timestamp":`+timestamp)
	}
	return "{" + strings.Join(fields, ",") + "}"
}

func TestDecodeHead(t *testing.T) {
	want := check.Head{
		Number:    3,
		Hash:      common.HexToHash("0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b938"),
		Timestamp: 0x6b059cbe,
	}
	for _, tc := range []struct {
		name   string
		result string
		class  Class    // "" for success
		want   []string // reason substrings
	}{
		{"valid minimal", block(okNumber, okHash, okTime), "", nil},
		{"valid with other fields and white space", " {\"parentHash\":\"0x00\", \"number\":\"0x3\",\n\"hash\":" + okHash + ",\"timestamp\":\"0x6b059cbe\",\"transactions\":[]} ", "", nil},
		{"valid upper-case hex", block(`"0x3"`, okHash[:3]+strings.ToUpper(okHash[3:]), `"0x6B059CBE"`), "", nil},

		{"result null", `null`, ClassNoBlock, []string{"no latest block"}},
		{"result missing", ``, ClassNoBlock, []string{"no latest block"}},
		{"result white space", " \n\t", ClassNoBlock, []string{"no latest block"}},
		{"result a string", `"0x539"`, ClassMalformed, []string{"result is a string, not a block"}},
		{"result an array", `[` + block(okNumber, okHash, okTime) + `]`, ClassMalformed, []string{"result is an array, not a block"}},
		{"result a number", `7`, ClassMalformed, []string{"result is a number, not a block"}},
		{"result a boolean", `false`, ClassMalformed, []string{"result is a boolean, not a block"}},
		{"result an empty object", `{}`, ClassMalformed, []string{"block has no number"}},
		{"invalid JSON object", `{"number":`, ClassMalformed, []string{"malformed response", "block"}},

		{"number missing", block("", okHash, okTime), ClassMalformed, []string{"block has no number"}},
		{"number null", block("null", okHash, okTime), ClassMalformed, []string{"block has no number"}},
		{"number a JSON number", block("3", okHash, okTime), ClassMalformed, []string{"block number", "not a hex string"}},
		{"number not hex", block(`"0xzz"`, okHash, okTime), ClassMalformed, []string{"block number", "invalid hex"}},
		{"number without 0x", block(`"3"`, okHash, okTime), ClassMalformed, []string{"block number", "without 0x prefix"}},
		{"number empty 0x", block(`"0x"`, okHash, okTime), ClassMalformed, []string{"block number", `"0x"`}},
		// hexutil.Uint64 decodes "" as 0 without an error: a block must not become block 0.
		{"number empty string", block(`""`, okHash, okTime), ClassMalformed, []string{"block number", "empty"}},
		{"number leading zeros", block(`"0x01"`, okHash, okTime), ClassMalformed, []string{"block number", "leading zero"}},
		{"number 2^64", block(`"0x10000000000000000"`, okHash, okTime), ClassMalformed, []string{"block number", "> 64 bits"}},
		{"number far above 2^64", block(`"0x`+strings.Repeat("f", 100)+`"`, okHash, okTime), ClassMalformed, []string{"block number", "> 64 bits"}},

		{"timestamp missing", block(okNumber, okHash, ""), ClassMalformed, []string{"block has no timestamp"}},
		{"timestamp not hex", block(okNumber, okHash, `"0x6b05xcbe"`), ClassMalformed, []string{"block timestamp", "invalid hex"}},
		{"timestamp empty 0x", block(okNumber, okHash, `"0x"`), ClassMalformed, []string{"block timestamp", `"0x"`}},
		{"timestamp empty string", block(okNumber, okHash, `""`), ClassMalformed, []string{"block timestamp", "empty"}},
		{"timestamp leading zeros", block(okNumber, okHash, `"0x01"`), ClassMalformed, []string{"block timestamp", "leading zero"}},
		{"timestamp > 2^64", block(okNumber, okHash, `"0x1ffffffffffffffff"`), ClassMalformed, []string{"block timestamp", "> 64 bits"}},
		{"timestamp decimal", block(okNumber, okHash, `1779801278`), ClassMalformed, []string{"block timestamp", "not a hex string"}},

		{"hash missing", block(okNumber, "", okTime), ClassMalformed, []string{"block has no hash"}},
		{"hash too short", block(okNumber, `"0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b9"`, okTime), ClassMalformed, []string{"block hash", "length 62, want 64"}},
		{"hash too long", block(okNumber, `"0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b93800"`, okTime), ClassMalformed, []string{"block hash", "length 66, want 64"}},
		{"hash empty 0x", block(okNumber, `"0x"`, okTime), ClassMalformed, []string{"block hash", "length 0, want 64"}},
		{"hash empty string", block(okNumber, `""`, okTime), ClassMalformed, []string{"block hash"}},
		{"hash not hex", block(okNumber, `"0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217bXYZ"`, okTime), ClassMalformed, []string{"block hash", "invalid hex"}},
		{"hash without 0x", block(okNumber, `"834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b938"`, okTime), ClassMalformed, []string{"block hash", "without 0x prefix"}},
		{"hash an object over several lines", block(okNumber, "{\n\"a\":\r\n1}", okTime), ClassMalformed, []string{`block hash { "a": 1}: not a hex string`}},
		{"hash a number", block(okNumber, `1`, okTime), ClassMalformed, []string{"block hash", "not a hex string"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := DecodeHead(json.RawMessage(tc.result))
			if tc.class == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if h != want {
					t.Fatalf("head %+v, want %+v", h, want)
				}
				return
			}
			if h != (check.Head{}) {
				t.Errorf("head %+v alongside an error", h)
			}
			f := wantFailure(t, err, tc.class, tc.want...)
			if tc.class == ClassMalformed && !strings.HasPrefix(f.Msg, "malformed response: ") {
				t.Errorf("reason %q does not start with %q", f.Msg, "malformed response: ")
			}
			if len(f.Msg) > 200 {
				t.Errorf("reason is %d bytes long: %q", len(f.Msg), f.Msg)
			}
		})
	}
}

// A field value is echoed clipped, so a huge bogus value cannot flood the reason.
func TestDecodeHeadClipsEchoedValue(t *testing.T) {
	huge := `"0x` + strings.Repeat("zz", 1<<16) + `"`
	_, err := DecodeHead(json.RawMessage(block(huge, okHash, okTime)))
	f := wantFailure(t, err, ClassMalformed, "block number")
	if len(f.Msg) > 200 {
		t.Errorf("reason is %d bytes long", len(f.Msg))
	}
}

func TestDecodeHeadErrorIsFailure(t *testing.T) {
	_, err := DecodeHead(json.RawMessage(`[]`))
	var f *Failure
	if !errors.As(err, &f) || f.Class != ClassMalformed {
		t.Fatalf("error %T %v, want a malformed *Failure", err, err)
	}
}

// gethLatestResult is the result object of the recorded geth latest-block answer.
func gethLatestResult(tb testing.TB) json.RawMessage {
	tb.Helper()
	rec := loadRecording(tb, "geth-1.17.10-dev/latest-block")
	var msg struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(rec.body, &msg); err != nil {
		tb.Fatal(err)
	}
	return msg.Result
}

func BenchmarkDecodeHead(b *testing.B) {
	result := gethLatestResult(b)
	b.SetBytes(int64(len(result)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeHead(result); err != nil {
			b.Fatal(err)
		}
	}
}
