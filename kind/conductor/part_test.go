package conductor

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/testkit"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/rpc"
	"github.com/headprobe/headprobe/watch"
)

var judged = check.Config{MaxAge: 10 * time.Second}

// l2 is an L2 endpoint, fresh or 37 s old.
func l2(fresh bool) []check.Endpoint {
	age := 37 * time.Second
	if fresh {
		age = time.Second
	}
	return []check.Endpoint{{Role: execution.L2, Observation: check.Observation{Last: &check.Head{Number: 10}, Age: age, Samples: 1}}}
}

// batchServer serves a batch fixture, one answer per method.
func batchServer(t testing.TB, name string) *testkit.FakeRPC {
	f := testkit.LoadFixture(t, "testdata/"+name)
	replies := map[string]string{}
	for m, raw := range f.Results {
		replies[m] = `"result":` + string(raw)
	}
	if len(replies) != len(Methods) {
		t.Fatalf("%s has %d answers, want %d", name, len(replies), len(Methods))
	}
	return testkit.NewFakeRPC(replies)
}

// opNode is op-node's admin API answering a fixture.
func opNode(t testing.TB, name string) Sequencing {
	f := testkit.LoadFixture(t, "testdata/"+name)
	url := testkit.NewFakeRPC(map[string]string{SequencerActiveMethod: `"result":` + string(f.Result)}).Start(t)
	return OpNodeAdmin{Client: rpc.New(url, rpc.Options{Timeout: 300 * time.Millisecond})}
}

// judge observes a conductor at url (with op-node's answer, when seq is set) and judges it in
// health beside the endpoints.
func judge(t *testing.T, url string, seq Sequencing, seen []check.Endpoint) (check.Result, check.Finding) {
	t.Helper()
	p := &Part{Client: rpc.New(url, rpc.Options{Timeout: 300 * time.Millisecond}), URL: url, Sequencing: seq}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	r := check.Judge(check.Health, judged, seen, nil, p.Observe(ctx, check.SystemClock{}, judged, check.NewHeads()))
	if len(r.Parts) != 1 {
		t.Fatalf("%d findings", len(r.Parts))
	}
	return r, r.Parts[0]
}

func TestConductor_OneBatchPerRun(t *testing.T) {
	fake := batchServer(t, "batch_leader")
	r, f := judge(t, fake.Start(t), opNode(t, "sequencer_active"), l2(true))
	if fake.Requests() != 1 {
		t.Errorf("%d requests, want one batch", fake.Requests())
	}
	if r.State != check.Healthy || f.Cause != "" || f.Note != "" {
		t.Errorf("state %s cause %q note %q", r.State, f.Cause, f.Note)
	}
	if want := "conductor leader, active, its health check: healthy, op-node sequencing"; !strings.Contains(r.Reason, want) {
		t.Errorf("reason %q lacks %q", r.Reason, want)
	}
}

func TestConductor_Checks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		batch   string
		opNode  string // "" asks no op-node
		l2Fresh bool
		want    check.State
		cause   check.Cause
		note    string
	}{
		{"leader sequencing", "batch_leader", "sequencer_active", true, check.Healthy, "", ""},
		{"leader not sequencing", "batch_leader", "sequencer_inactive", true, check.Unavailable, CauseLeaderNotSequencing, ""},
		{"follower not sequencing", "batch_follower", "sequencer_inactive", true, check.Healthy, "", ""},
		{"follower sequencing", "batch_follower", "sequencer_active", true, check.Unavailable, CauseTwoSequencers, ""},
		{"leader without op-node", "batch_leader", "", true, check.Healthy, "", ""},
		{"unhealthy while headprobe passes", "batch_leader_unhealthy", "", true, check.Healthy, "", "says the sequencer is unhealthy while headprobe's checks pass"},
		{"healthy while headprobe fails", "batch_leader", "", false, check.Unavailable, "", "healthy while headprobe's checks fail"},
		{"unhealthy while headprobe fails", "batch_leader_unhealthy", "", false, check.Unavailable, "", ""},
		// The real op-conductor v1.19.6 right after bootstrap: leader, paused, not yet healthy.
		{"bootstrapped: paused leader, op-node sequencing", "batch_bootstrapped_paused", "sequencer_active", true, check.Partial, CausePaused, "unhealthy while headprobe's checks pass"},
		{"bootstrapped: paused leader, op-node not started", "batch_bootstrapped_paused", "sequencer_inactive", true, check.Unavailable, CauseLeaderNotSequencing, "unhealthy while headprobe's checks pass"},
		{"paused leader without op-node", "batch_bootstrapped_paused", "", true, check.Partial, CausePaused, "unhealthy while headprobe's checks pass"},
		{"paused follower", "batch_follower_paused", "sequencer_inactive", true, check.Partial, CausePaused, ""},
		{"paused follower, op-node sequencing", "batch_follower_paused", "sequencer_active", true, check.Unavailable, CauseTwoSequencers, ""},
		{"stopped", "batch_stopped", "sequencer_active", true, check.Partial, CauseStopped, ""},
		{"paused and stopped: stopped wins", "batch_paused_and_stopped", "", true, check.Partial, CauseStopped, ""},
		{"stopped while the L2 is stale", "batch_stopped", "", false, check.Unavailable, CauseStopped, "healthy while headprobe's checks fail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seq Sequencing
			if tc.opNode != "" {
				seq = opNode(t, tc.opNode)
			}
			r, f := judge(t, batchServer(t, tc.batch).Start(t), seq, l2(tc.l2Fresh))
			if r.State != tc.want || f.Cause != tc.cause {
				t.Errorf("state %s cause %q, want %s %q (%s)", r.State, f.Cause, tc.want, tc.cause, r.Reason)
			}
			if (tc.note == "") != (f.Note == "") || !strings.Contains(f.Note, tc.note) {
				t.Errorf("note %q, want %q", f.Note, tc.note)
			}
			if tc.cause != "" && tc.l2Fresh && !strings.HasPrefix(r.Reason, "conductor ") {
				t.Errorf("reason %q does not start with the conductor", r.Reason)
			}
		})
	}
}

func TestConductor_PausedIsShown(t *testing.T) {
	_, f := judge(t, batchServer(t, "batch_bootstrapped_paused").Start(t), nil, l2(true))
	if line := f.Detail.Line(); !strings.HasPrefix(line, "leader, paused, its health check: unhealthy") {
		t.Errorf("line %q", line)
	}
}

func TestConductor_OpNodeAdminNotEnabled_IsSaidAndSkipped(t *testing.T) {
	url := testkit.NewFakeRPC(nil).Start(t) // every method -32601, as op-node without --rpc.enable-admin
	seq := OpNodeAdmin{Client: rpc.New(url, rpc.Options{Timeout: 300 * time.Millisecond})}
	r, f := judge(t, batchServer(t, "batch_follower").Start(t), seq, l2(true))
	if r.State != check.Healthy || !strings.Contains(f.Note, "admin API is not enabled (--rpc.enable-admin)") {
		t.Errorf("state %s note %q", r.State, f.Note)
	}
	if d := f.Detail.(*Detail); d.Sequencing != nil {
		t.Error("sequencing known without an admin API")
	}
}

func TestConductor_OpNodeFaults_AreNotesNotFailures(t *testing.T) {
	admin := func(members string) func(testing.TB) string {
		return func(t testing.TB) string {
			return testkit.NewFakeRPC(map[string]string{SequencerActiveMethod: members}).Start(t)
		}
	}
	for name, url := range map[string]func(testing.TB) string{
		"refused": testkit.RefusedURL, "hang": testkit.HangServer, "garbage": testkit.GarbageServer,
		"401":         func(t testing.TB) string { return testkit.StatusServer(t, 401, "") },
		"5xx":         func(t testing.TB) string { return testkit.StatusServer(t, 500, "") },
		"null result": admin(`"result":null`),
		"wrong type":  admin(`"result":"true"`),
	} {
		t.Run(name, func(t *testing.T) {
			seq := OpNodeAdmin{Client: rpc.New(url(t), rpc.Options{Timeout: 300 * time.Millisecond})}
			r, f := judge(t, batchServer(t, "batch_leader").Start(t), seq, l2(true))
			if r.State != check.Healthy || !strings.Contains(f.Note, "admin_sequencerActive: ") {
				t.Errorf("state %s note %q", r.State, f.Note)
			}
		})
	}
}

// TestConductor_Faults: a conductor that cannot answer its batch is Partial, cause unreachable,
// the failure's class kept; the reason says what failed first.
func TestConductor_Faults(t *testing.T) {
	with := func(method, members string) func(testing.TB) string {
		return func(t testing.TB) string {
			f := batchServer(t, "batch_leader")
			f.Set(method, members)
			return f.Start(t)
		}
	}
	for _, tc := range []struct {
		name  string
		url   func(testing.TB) string
		class rpc.Class
		words string
	}{
		{"refused", testkit.RefusedURL, rpc.ClassRefused, "connection refused"},
		{"hang", testkit.HangServer, rpc.ClassTimeout, "timeout"},
		{"401", func(t testing.TB) string { return testkit.StatusServer(t, 401, "") }, rpc.ClassUnauthorized, "HTTP 401"},
		{"500", func(t testing.TB) string { return testkit.StatusServer(t, 500, "oops") }, rpc.ClassHTTP, "HTTP 500"},
		{"garbage", testkit.GarbageServer, rpc.ClassConnection, ""},
		{"garbage JSON", func(t testing.TB) string { return testkit.StatusServer(t, 200, "[{nope") }, rpc.ClassMalformed, "malformed"},
		{"null result", with("conductor_active", `"result":null`), rpc.ClassMalformed, "conductor_active result is null"},
		{"-32601", with("conductor_sequencerHealthy", `"error":{"code":-32601,"message":"the method conductor_sequencerHealthy does not exist/is not available"}`), rpc.ClassRPCError, "conductor_sequencerHealthy: JSON-RPC error -32601"},
		{"wrong type", with("conductor_leader", `"result":"true"`), rpc.ClassMalformed, `conductor_leader result "true" is not a boolean`},
		{"number for a boolean", with("conductor_paused", `"result":0`), rpc.ClassMalformed, "conductor_paused result 0 is not a boolean"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, f := judge(t, tc.url(t), nil, l2(true))
			if r.State != check.Partial || f.Cause != check.CauseUnreachable {
				t.Errorf("state %s cause %q (%s)", r.State, f.Cause, r.Reason)
			}
			if !strings.HasPrefix(r.Reason, "conductor ") || !strings.Contains(r.Reason, tc.words) || !strings.Contains(r.Reason, "failover") {
				t.Errorf("reason %q, want %q", r.Reason, tc.words)
			}
			var fail *rpc.Failure
			if d := f.Detail.(*Detail); !errors.As(d.Err, &fail) || fail.Class != tc.class {
				t.Errorf("error %v, want class %s", d.Err, tc.class)
			}
			if f.Detail.Series() != nil {
				t.Error("series without an answer")
			}
		})
	}
}

func TestConductor_SeriesAndDoc(t *testing.T) {
	_, f := judge(t, batchServer(t, "batch_leader").Start(t), opNode(t, "sequencer_active"), l2(true))
	var names []string
	for _, s := range f.Detail.Series() {
		if s.Value != map[bool]float64{true: 1, false: 0}[!strings.HasSuffix(s.Name, "paused") && !strings.HasSuffix(s.Name, "stopped")] {
			t.Errorf("%s = %v", s.Name, s.Value)
		}
		names = append(names, s.Name)
	}
	sort.Strings(names)
	if want := "headprobe_conductor_active headprobe_conductor_leader headprobe_conductor_op_node_sequencing headprobe_conductor_paused headprobe_conductor_sequencer_healthy headprobe_conductor_stopped"; strings.Join(names, " ") != want {
		t.Errorf("series %v", names)
	}
	doc := f.Detail.Doc().(Doc)
	if doc.Role != "leader" || doc.Leader == nil || !*doc.Leader || doc.OpNodeSequencing == nil || !*doc.OpNodeSequencing {
		t.Errorf("doc %+v", doc)
	}
	if d := (&Detail{Err: &rpc.Failure{Class: rpc.ClassRefused}}); d.Label() != "unknown" || d.Doc().(Doc).ErrorClass != "refused" {
		t.Errorf("unreachable: label %q doc %+v", d.Label(), d.Doc())
	}
}

// watch follows the conductor's role through its detail's label.
var _ watch.Labelled = (*Detail)(nil)
