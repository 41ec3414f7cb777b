package opnode

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/headprobe/headprobe/rpc"
)

// fixture is a recorded answer of testdata/opnode: its '#' lines name the source it follows; the
// rest is the JSON-RPC answer, of which the result or error member is returned.
func fixture(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "opnode", name))
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "#") {
			body = append(body, line)
		}
	}
	var answer map[string]json.RawMessage
	if err := json.Unmarshal([]byte(strings.Join(body, "\n")), &answer); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, member := range []string{"result", "error"} {
		if v, ok := answer[member]; ok {
			return fmt.Sprintf("%q:%s", member, v)
		}
	}
	t.Fatalf("%s has neither result nor error", name)
	return ""
}

// fixtureNow is when the fixture's unsafe head was sealed.
var fixtureNow = time.Unix(1764633600, 0)

// opNodeCall is one JSON-RPC call an op-node server received.
type opNodeCall struct {
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
	batch  bool
}

// opNodeServer answers each method with members ("result": … or "error": …), single calls and
// batches alike, and records the calls.
type opNodeServer struct {
	*httptest.Server
	mu      sync.Mutex
	calls   []opNodeCall
	answers map[string]string
}

func newOpNodeServer(t *testing.T, answers map[string]string) *opNodeServer {
	s := &opNodeServer{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *opNodeServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	body = bytes.TrimSpace(body)
	batch := len(body) > 0 && body[0] == '['
	var reqs []struct {
		ID     json.RawMessage   `json:"id"`
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	if !batch {
		body = append(append([]byte("["), body...), ']')
	}
	if err := json.Unmarshal(body, &reqs); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var out []string
	s.mu.Lock()
	for _, req := range reqs {
		s.calls = append(s.calls, opNodeCall{Method: req.Method, Params: req.Params, batch: batch})
		members, ok := s.answers[req.Method]
		if !ok {
			members = fmt.Sprintf(`"error":{"code":-32601,"message":"the method %s does not exist/is not available"}`, req.Method)
		}
		out = append(out, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,%s}`, req.ID, members))
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if batch {
		fmt.Fprintf(w, "[%s]", strings.Join(out, ","))
		return
	}
	io.WriteString(w, out[0])
}

func (s *opNodeServer) received() []opNodeCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]opNodeCall(nil), s.calls...)
}

// opNodeHead asks an Source source for one head, with the fixture's time as now.
func opNodeHead(t *testing.T, url string, opts rpc.Options, peers bool) (*SyncStatus, error) {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	o := NewSource(url, opts, peers)
	o.now = func() time.Time { return fixtureNow.Add(2 * time.Second) }
	defer o.Close()
	h, err := o.Head(context.Background())
	if err != nil {
		return nil, err
	}
	s, ok := h.Detail.(*SyncStatus)
	if !ok {
		t.Fatalf("detail %T, want *SyncStatus", h.Detail)
	}
	if h.Number != s.UnsafeL2.Number || h.Hash != s.UnsafeL2.Hash || h.Timestamp != s.UnsafeL2.Timestamp {
		t.Errorf("head #%d %s at %d is not unsafe_l2 %+v", h.Number, h.Hash, h.Timestamp, s.UnsafeL2)
	}
	return s, nil
}

func TestOpNode_DecodesTheSyncStatusFixture_InOneCall(t *testing.T) {
	srv := newOpNodeServer(t, map[string]string{"optimism_syncStatus": fixture(t, "optimism_syncStatus.txt")})
	s, err := opNodeHead(t, srv.URL, rpc.Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		ref       BlockRef
		number    uint64
		timestamp uint64
	}{
		{"unsafe_l2", s.UnsafeL2, 1000, 1764633600}, {"safe_l2", s.SafeL2, 940, 1764633480}, {"finalized_l2", s.FinalizedL2, 600, 1764632800},
		{"head_l1", s.HeadL1, 20002, 1764633588}, {"current_l1", s.CurrentL1, 20000, 1764633564},
	} {
		if c.ref.Number != c.number || c.ref.Timestamp != c.timestamp || c.ref.Hash == (common.Hash{}) || c.ref.ParentHash == (common.Hash{}) {
			t.Errorf("%s = %+v, want #%d at %d with hashes", c.name, c.ref, c.number, c.timestamp)
		}
	}
	if o := s.UnsafeL2.L1Origin; o == nil || o.Number != 20000 || s.UnsafeL2.SequenceNumber == nil || *s.UnsafeL2.SequenceNumber != 4 {
		t.Errorf("unsafe_l2 l1origin %+v sequenceNumber %v", o, s.UnsafeL2.SequenceNumber)
	}
	if s.PeersAsked || s.Peers != nil || s.PeersErr != nil {
		t.Errorf("peers not asked for, got %+v %v", s.Peers, s.PeersErr)
	}
	if calls := srv.received(); len(calls) != 1 || calls[0].batch || calls[0].Method != "optimism_syncStatus" || len(calls[0].Params) != 0 {
		t.Errorf("calls %+v, want one optimism_syncStatus without params", calls)
	}
	if got := s.Age(s.SafeL2); got != 122*time.Second {
		t.Errorf("safe age %s, want 2m2s", got)
	}
}

func TestOpNode_PeersInTheSameBatch(t *testing.T) {
	srv := newOpNodeServer(t, map[string]string{
		"optimism_syncStatus": fixture(t, "optimism_syncStatus.txt"),
		"opp2p_peerStats":     fixture(t, "opp2p_peerStats.txt"),
	})
	s, err := opNodeHead(t, srv.URL, rpc.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Peers; !s.PeersAsked || p == nil || p.Connected != 12 || p.Table != 40 || p.Known != 55 || s.PeersErr != nil {
		t.Errorf("peers %+v %v, want 12 connected", p, s.PeersErr)
	}
	calls := srv.received()
	if len(calls) != 2 || !calls[0].batch || !calls[1].batch || calls[0].Method != "optimism_syncStatus" || calls[1].Method != "opp2p_peerStats" {
		t.Errorf("calls %+v, want one batch of optimism_syncStatus and opp2p_peerStats", calls)
	}
}

// Without op-node's p2p API, the sync status stands; the peers' failure is kept for their check.
func TestOpNode_P2PNotEnabled_KeepsTheSyncStatus(t *testing.T) {
	srv := newOpNodeServer(t, map[string]string{
		"optimism_syncStatus": fixture(t, "optimism_syncStatus.txt"),
		"opp2p_peerStats":     fixture(t, "opp2p_peerStats_disabled.txt"),
	})
	s, err := opNodeHead(t, srv.URL, rpc.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Peers != nil || !s.PeersAsked {
		t.Errorf("peers %+v", s.Peers)
	}
	wantFailure(t, s.PeersErr, rpc.ClassRPCError, "-32601", "opp2p_peerStats")
	if !strings.Contains(s.Line(), "peers unknown") {
		t.Errorf("line %q", s.Line())
	}
}

// replaced is the fixture's sync status with one ref's field set to value (a JSON text).
func replaced(t *testing.T, ref, field, value string) string {
	t.Helper()
	members := fixture(t, "optimism_syncStatus.txt")
	var status map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(strings.TrimPrefix(members, `"result":`)), &status); err != nil {
		t.Fatal(err)
	}
	if value == "" {
		delete(status[ref], field)
	} else {
		status[ref][field] = json.RawMessage(value)
	}
	out, err := json.Marshal(status)
	if err != nil {
		t.Fatal(err)
	}
	return `"result":` + string(out)
}

func TestOpNode_MalformedSyncStatus_IsRefusedWithTheFieldNamed(t *testing.T) {
	zero := `"0x` + strings.Repeat("0", 64) + `"`
	for _, tc := range []struct {
		name    string
		members string
		class   rpc.Class
		want    []string
	}{
		{"NumberAsHex", replaced(t, "unsafe_l2", "number", `"0x3e8"`), rpc.ClassMalformed, []string{`unsafe_l2.number "0x3e8" is a string: op-node gives JSON numbers, not hex`}},
		{"TimestampAsHex", replaced(t, "safe_l2", "timestamp", `"0x6929e000"`), rpc.ClassMalformed, []string{"safe_l2.timestamp", "not hex"}},
		{"L1NumberAsHex", replaced(t, "head_l1", "number", `"0x4e22"`), rpc.ClassMalformed, []string{"head_l1.number", "not hex"}},
		{"L1OriginNumberAsHex", replaced(t, "unsafe_l2", "l1origin", `{"hash":`+zero+`,"number":"0x1"}`), rpc.ClassMalformed, []string{"unsafe_l2.l1origin.number", "not hex"}},
		{"NumberNegative", replaced(t, "unsafe_l2", "number", `-1`), rpc.ClassMalformed, []string{"unsafe_l2.number -1 is not a whole JSON number"}},
		{"NumberFraction", replaced(t, "unsafe_l2", "number", `1.5`), rpc.ClassMalformed, []string{"not a whole JSON number"}},
		{"NumberTooLarge", replaced(t, "unsafe_l2", "number", `18446744073709551616`), rpc.ClassMalformed, []string{"larger than 2^64-1"}},
		{"NumberMissing", replaced(t, "finalized_l2", "number", ""), rpc.ClassMalformed, []string{"finalized_l2.number is missing"}},
		{"HashMissing", replaced(t, "unsafe_l2", "hash", ""), rpc.ClassMalformed, []string{"unsafe_l2.hash is missing"}},
		{"HashShort", replaced(t, "unsafe_l2", "hash", `"0x12"`), rpc.ClassMalformed, []string{"unsafe_l2.hash"}},
		{"RefMissing", `"result":{"unsafe_l2":null}`, rpc.ClassMalformed, []string{"sync status has no"}},
		{"RefNotAnObject", `"result":{"unsafe_l2":[]}`, rpc.ClassMalformed, []string{"unsafe_l2 is an array, not a block ref"}},
		{"ResultNull", `"result":null`, rpc.ClassNoBlock, []string{"no sync status (result is null)"}},
		{"ResultString", `"result":"synced"`, rpc.ClassMalformed, []string{"result is a string, not a sync status"}},
		{"UnsafeZeroed", replaced(t, "unsafe_l2", "hash", zero), rpc.ClassNoBlock, []string{"unsafe_l2 is zeroed"}},
		{"MethodUnknown", `"error":{"code":-32601,"message":"the method optimism_syncStatus does not exist/is not available"}`, rpc.ClassRPCError,
			[]string{"JSON-RPC error -32601", "optimism_syncStatus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newOpNodeServer(t, map[string]string{"optimism_syncStatus": tc.members})
			_, err := opNodeHead(t, srv.URL, rpc.Options{}, false)
			wantFailure(t, err, tc.class, tc.want...)
		})
	}
}

// A hex count of peers is refused as the sync status's numbers are; the sync status stands.
func TestOpNode_PeerStatsMalformed_IsThePeersFailure(t *testing.T) {
	for _, tc := range []struct {
		name, members string
		class         rpc.Class
		want          string
	}{
		{"ConnectedAsHex", `"result":{"connected":"0xc","table":40}`, rpc.ClassMalformed, `connected "0xc" is a string`},
		{"ConnectedMissing", `"result":{"table":40}`, rpc.ClassMalformed, "connected is missing"},
		{"Null", `"result":null`, rpc.ClassNoBlock, "no peer stats"},
		{"Array", `"result":[]`, rpc.ClassMalformed, "peer stats are an array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newOpNodeServer(t, map[string]string{"optimism_syncStatus": fixture(t, "optimism_syncStatus.txt"), "opp2p_peerStats": tc.members})
			s, err := opNodeHead(t, srv.URL, rpc.Options{}, true)
			if err != nil {
				t.Fatal(err)
			}
			wantFailure(t, s.PeersErr, tc.class, tc.want)
		})
	}
}

// What a server echoes of the request's headers in the peers' error is scrubbed like any reason.
func TestOpNode_PeersErrorIsScrubbed(t *testing.T) {
	const key = "s3cr3t-api-key-value"
	srv := newOpNodeServer(t, map[string]string{
		"optimism_syncStatus": fixture(t, "optimism_syncStatus.txt"),
		"opp2p_peerStats":     `"error":{"code":-32000,"message":"denied for X-Api-Key: ` + key + `"}`,
	})
	s, err := opNodeHead(t, srv.URL, rpc.Options{Headers: http.Header{"X-Api-Key": {key}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.PeersErr == nil || strings.Contains(s.PeersErr.Error(), key) || !strings.Contains(s.PeersErr.Error(), "REDACTED") {
		t.Errorf("peers error %v", s.PeersErr)
	}
}

func TestSyncStatus_LineDocAndSeries(t *testing.T) {
	srv := newOpNodeServer(t, map[string]string{
		"optimism_syncStatus": fixture(t, "optimism_syncStatus.txt"),
		"opp2p_peerStats":     fixture(t, "opp2p_peerStats.txt"),
	})
	s, err := opNodeHead(t, srv.URL, rpc.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := "safe #940 age 2m2s, finalized #600 age 13m22s, L1 head #20002, current L1 #20000, peers 12"; s.Line() != want {
		t.Errorf("line %q, want %q", s.Line(), want)
	}
	doc, err := json.Marshal(s.Doc())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"unsafe_l2":{"number":1000,"hash":"0x0022`, `"age_seconds":2}`, `"safe_l2":{"number":940,`, `"age_seconds":122}`,
		`"head_l1":{"number":20002,`, `"current_l1":{"number":20000,`, `"peers":{"connected":12,"table":40,"banned":0,"known":55}`} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("doc %s lacks %s", doc, want)
		}
	}
	got := map[string]float64{}
	for _, series := range s.Series() {
		if !strings.HasPrefix(series.Name, "headprobe_op_node_") {
			t.Errorf("series %s", series.Name)
		}
		got[series.Name+"/"+series.Labels["ref"]] = series.Value
	}
	for name, want := range map[string]float64{
		"headprobe_op_node_block_number/safe_l2": 940, "headprobe_op_node_block_age_seconds/safe_l2": 122,
		"headprobe_op_node_block_number/head_l1": 20002, "headprobe_op_node_peers/": 12,
	} {
		if got[name] != want {
			t.Errorf("%s = %v, want %v", name, got[name], want)
		}
	}
}

// The answers the real op-node v1.19.6 gave on the devnet of internal/opstack decode as the
// documented shapes: local_safe_l2 and blocksTopicV4 are tolerated, numbers are JSON numbers.
func TestOpNode_DecodesTheRecordedV1196Answers(t *testing.T) {
	srv := newOpNodeServer(t, map[string]string{
		"optimism_syncStatus": fixture(t, "optimism_syncStatus.v1.19.6.txt"),
		"opp2p_peerStats":     fixture(t, "opp2p_peerStats.v1.19.6.txt"),
	})
	s, err := opNodeHead(t, srv.URL, rpc.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		ref       BlockRef
		number    uint64
		timestamp uint64
	}{
		{"unsafe_l2", s.UnsafeL2, 112, 1796431021}, {"safe_l2", s.SafeL2, 101, 1796430999}, {"finalized_l2", s.FinalizedL2, 60, 1796430917},
		{"head_l1", s.HeadL1, 158, 1796431022}, {"current_l1", s.CurrentL1, 158, 1796431022},
	} {
		if c.ref.Number != c.number || c.ref.Timestamp != c.timestamp || c.ref.Hash == (common.Hash{}) {
			t.Errorf("%s = %+v, want #%d at %d", c.name, c.ref, c.number, c.timestamp)
		}
	}
	if o := s.UnsafeL2.L1Origin; o == nil || o.Number != 155 || s.UnsafeL2.SequenceNumber == nil || *s.UnsafeL2.SequenceNumber != 0 {
		t.Errorf("unsafe_l2 l1origin %+v sequenceNumber %v", o, s.UnsafeL2.SequenceNumber)
	}
	if p := s.Peers; p == nil || p.Connected != 1 || s.PeersErr != nil {
		t.Errorf("peers %+v %v, want 1 connected", p, s.PeersErr)
	}
}
