package rpc

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// recordedHash reads result.hash from a recorded latest-block body, so the test compares the
// decoded head with the response rather than with a copy of it.
func recordedHash(t *testing.T, rec recording) common.Hash {
	t.Helper()
	var msg struct {
		Result struct {
			Hash string `json:"hash"`
		} `json:"result"`
	}
	if err := json.Unmarshal(rec.body, &msg); err != nil {
		t.Fatal(err)
	}
	if len(msg.Result.Hash) != 66 {
		t.Fatalf("recorded hash %q", msg.Result.Hash)
	}
	return common.HexToHash(msg.Result.Hash)
}

func TestRecordingsLatestBlock(t *testing.T) {
	for _, tc := range []struct {
		name      string
		number    uint64
		hash      string
		timestamp uint64
	}{
		{"geth-1.17.10-dev/latest-block", 3, "0x834fc1abdb35ec8365712dbf33906cbaffea70a44ff46a14653683065217b938", 0x6b059cbe},
		{"ganache-7.9.2/latest-block", 2, "0x469d7ff9a165f89c8ae3776af2160f109e4ecf64f078220ba1901edf7bd1061f", 0x6b059cbf},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := loadRecording(t, tc.name)
			var log requestLog
			srv := replayServer(t, rec, &log)
			h, _, err := callHead(t, srv.URL, Options{Timeout: 2 * time.Second})
			if err != nil {
				t.Fatalf("Head: %v", err)
			}
			if h.Number != tc.number {
				t.Errorf("number %d, want %d", h.Number, tc.number)
			}
			if want := recordedHash(t, rec); h.Hash != want {
				t.Errorf("hash %s, want %s (from the response)", h.Hash, want)
			}
			if h.Hash.Hex() != tc.hash {
				t.Errorf("hash %s, want %s", h.Hash.Hex(), tc.hash)
			}
			if h.Timestamp != tc.timestamp {
				t.Errorf("timestamp %d, want %d", h.Timestamp, tc.timestamp)
			}
			reqs := log.all()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			checkHeadRequest(t, reqs[0])
			if ct := reqs[0].Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("request Content-Type %q", ct)
			}
		})
	}
}

func TestRecordingsFailures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		class Class
		want  []string
	}{
		{"geth-1.17.10-dev/unknown-block", ClassNoBlock, []string{"no latest block"}},
		{"ganache-7.9.2/unknown-block", ClassNoBlock, []string{"no latest block"}},
		{"geth-1.17.10-dev/unknown-method", ClassRPCError, []string{"-32601", "the method eth_noSuchMethod does not exist/is not available"}},
		{"ganache-7.9.2/unknown-method", ClassRPCError, []string{"-32700", "The method eth_noSuchMethod does not exist/is not available"}},
		{"geth-1.17.10-dev/malformed-request", ClassRPCError, []string{"-32700", "parse error"}},
		{"ganache-7.9.2/malformed-request", ClassHTTP, []string{"HTTP 400", "Expected double-quoted property name"}},
		{"geth-1.17.10-dev/authport-no-token", ClassUnauthorized, []string{"HTTP 401", "missing token", hintNoCredentials}},
		{"geth-1.17.10-dev/authport-bad-token", ClassUnauthorized, []string{"HTTP 401", "signature is invalid", "check the JWT secret"}},
		// A chain-id answer is a string where a block is expected.
		{"geth-1.17.10-dev/chain-id", ClassMalformed, []string{"result is a string, not a block"}},
		{"ganache-7.9.2/chain-id", ClassMalformed, []string{"result is a string, not a block"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := loadRecording(t, tc.name)
			srv := replayServer(t, rec, nil)
			timeout := 2 * time.Second
			opts := Options{Timeout: timeout}
			if strings.HasSuffix(tc.name, "bad-token") {
				opts.JWTSecret = testSecret // recorded with a token the node refused
			}
			_, took, err := callHead(t, srv.URL, opts)
			f := wantFailure(t, err, tc.class, tc.want...)
			wantWithin(t, took, timeout)
			if tc.name == "ganache-7.9.2/unknown-method" && strings.Contains(f.Msg, "node_modules") {
				t.Errorf("reason %q repeats ganache's stack trace", f.Msg)
			}
			if len(f.Msg) > 240 {
				t.Errorf("reason is %d bytes long: %q", len(f.Msg), f.Msg)
			}
		})
	}
}

// A batch answer (an array) where one object is expected is malformed, not a crash.
func TestRecordingsBatchWhereObjectExpected(t *testing.T) {
	for _, name := range []string{"geth-1.17.10-dev/batch-chainid-and-latest", "ganache-7.9.2/batch-chainid-and-latest"} {
		t.Run(name, func(t *testing.T) {
			srv := replayServer(t, loadRecording(t, name), nil)
			_, _, err := callHead(t, srv.URL, Options{Timeout: 2 * time.Second})
			wantFailure(t, err, ClassMalformed, "malformed response: unexpected JSON array")
		})
	}
}

// The recordings keep the quirks the README lists; guard them so a re-recording is noticed.
func TestRecordingsQuirks(t *testing.T) {
	if rec := loadRecording(t, "ganache-7.9.2/unknown-method"); rec.resp.Status != "200 " {
		t.Errorf("ganache status %q, want an empty reason phrase", rec.resp.Status)
	}
	if rec := loadRecording(t, "geth-1.17.10-dev/authport-no-token"); rec.resp.StatusCode != 401 || string(rec.body) != "missing token\n" {
		t.Errorf("geth auth port: %d %q", rec.resp.StatusCode, rec.body)
	}
}
