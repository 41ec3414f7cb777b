package realstack

import (
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/opstack"
)

// conductorAnswer is /conductor/healthz's body as op-conductor v1.19.6 reads it
// (op-conductor/client/rollupboost_next.go), with what headprobe adds for the operator.
type conductorAnswer struct {
	Version           string `json:"version"`
	RollupBoostHealth string `json:"rollup_boost_health"`
	Status            string `json:"status"`
	Held              bool   `json:"held"`
	Reason            string `json:"reason"`
}

// ask reads a sidecar's answer at url: its HTTP status and body.
func ask(ctx context.Context, url string) (int, conductorAnswer, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, conductorAnswer{}, err
	}
	defer resp.Body.Close()
	var a conductorAnswer
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	json.Unmarshal(body, &a)
	return resp.StatusCode, a, nil
}

// says waits until the sidecar at url answers 200 with health (and held as given).
func says(t *testing.T, c context.Context, url, health string, held bool, bound time.Duration) {
	t.Helper()
	var last conductorAnswer
	if err := opstack.WaitFor(c, url+" answers "+health, bound, func(c context.Context) (bool, error) {
		code, a, err := ask(c, url)
		last = a
		return err == nil && code == 200 && a.RollupBoostHealth == health && a.Held == held, nil
	}); err != nil {
		t.Fatalf("%v (last: %+v)", err, last)
	}
}

// recipeTolerance are the op-conductor flags the README recommends beside the sidecar: the
// health source's timeout and the partial tolerance, 9 PartialContent per fixed 20 s window.
var recipeTolerance = []string{"--rollup-boost.healthcheck-timeout", "1s",
	"--healthcheck.rollup-boost-partial-healthiness-tolerance-limit", "9",
	"--healthcheck.rollup-boost-partial-healthiness-tolerance-interval-seconds", "20"}

// sidecars runs the compiled `headprobe serve` beside each sequencer as
// deploy/kubernetes/sequencer-conductor.yaml does: its L2 and its own builder judged every second,
// the other sidecars as --conductor-peers, /conductor/healthz read by its op-conductor with the
// recipe's tolerance. Each is stopped by its PID at the end.
func sidecars(t *testing.T, o sidecarOptions) *opstack.Sidecars {
	var mu sync.Mutex
	every, timeout := cmp.Or(o.every, "1s"), cmp.Or(o.timeout, "1s")
	sc, err := opstack.NewSidecars(3, func(s *opstack.Sequencer, addr string, peers []string) error {
		args := []string{"serve", "--l2", s.EL.HTTPURL, "--builder", s.Builder.EL.HTTPURL,
			"--every", every, "--timeout", timeout, "--max-unsafe-interval", "10s", "--conductor-scope", "builder",
			"--listen", addr, "-q"}
		if !o.alone {
			args = append(args, "--conductor-peers", strings.Join(peers, ","))
		}
		cmd := exec.Command(binary, args...)
		if err := cmd.Start(); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		t.Cleanup(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
		return nil
	}, recipeTolerance...)
	if err != nil {
		t.Fatal(err)
	}
	sc.Without = o.without
	return sc
}

// sidecarOptions change the recipe's sidecars for a test.
type sidecarOptions struct {
	// without, when set, leaves the i-th conductor without the sidecar's flags.
	without func(i int) bool
	// alone leaves every sidecar without --conductor-peers.
	alone bool
	// every and timeout are serve's --every and --timeout; "" is the recipe's 1s.
	every, timeout string
}

// startWithSidecars starts three sequencers, each with its own builder EL and sidecar, and waits
// for every sidecar to answer Healthy.
func startWithSidecars(t *testing.T, c context.Context, o sidecarOptions) (*opstack.Devnet, *opstack.Sidecars) {
	sc := sidecars(t, o)
	d := start(t, opstack.Options{Sequencers: 3, BuilderPerSequencer: true, ConductorFlags: sc.ConductorFlags})
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, s := range d.Sequencers {
		says(t, c, sc.URL(s), "Healthy", false, 60*time.Second)
	}
	return d, sc
}

// leaderOf is the leading sequencer's name, "" when none answers as leader.
func leaderOf(c context.Context, d *opstack.Devnet) string {
	if l := d.Leader(c); l != nil {
		return l.Name
	}
	return ""
}

// leaderChanges watches the leader once a second for span while during runs, and returns the
// leaders seen in turn (a moment with none is not a change).
func leaderChanges(c context.Context, d *opstack.Devnet, span time.Duration, during func(elapsed time.Duration)) []string {
	var seen []string
	began := time.Now()
	for time.Since(began) < span && c.Err() == nil {
		if during != nil {
			during(time.Since(began))
		}
		if l := leaderOf(c, d); l != "" && (len(seen) == 0 || seen[len(seen)-1] != l) {
			seen = append(seen, l)
		}
		time.Sleep(250 * time.Millisecond) // real processes: wall time is the test
	}
	return seen
}

// thawAll thaws every builder EL (a frozen one would outlive the test's own cleanup order).
func thawAll(d *opstack.Devnet) {
	for _, s := range d.Sequencers {
		if s.Builder.EL.Frozen() {
			s.Builder.EL.Thaw()
		}
	}
}

// TestFailover_OnHeadprobesVerdict: three sequencers, each with its own builder EL and its own
// headprobe serve, each op-conductor reading its sidecar's /conductor/healthz. With healthy
// builders leadership stays put; the leader's builder frozen moves leadership to a sequencer whose
// builder is healthy and the chain goes on; thawed, that sidecar answers Healthy again at once and
// its sequencer is a healthy follower; op-conductor's conductor_sequencerHealthy follows the
// sidecar's verdict.
func TestFailover_OnHeadprobesVerdict(t *testing.T) {
	needReal(t)
	c := ctx(t)
	d, sc := startWithSidecars(t, c, sidecarOptions{})
	defer thawAll(d)
	old := oneLeader(t, c, d, nil)

	// 1. Healthy builders: no leadership change over two minutes.
	if seen := leaderChanges(c, d, 120*time.Second, nil); len(seen) != 1 || seen[0] != old.Name {
		t.Fatalf("leaders over 120 s of healthy builders: %v, want %s alone", seen, old.Name)
	}

	// 2. The leader's builder frozen: its sidecar says PartialContent, and leadership moves to a
	// sequencer whose builder is healthy, which builds on.
	f, err := d.MeasureFailover(c, func(s *opstack.Sequencer) *opstack.Proc { return s.Builder.EL.Proc }, 150*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("FAILOVER builder frozen -> new leader %s building: %.1f s", f.New.Name, f.Took.Seconds())
	if code, a, err := ask(c, sc.URL(old)); err != nil || code != 200 || a.RollupBoostHealth != "PartialContent" {
		t.Errorf("the old leader's sidecar: %d %+v %v, want PartialContent", code, a, err)
	}
	if code, a, err := ask(c, sc.URL(f.New)); err != nil || code != 200 || a.RollupBoostHealth != "Healthy" {
		t.Errorf("the new leader %s's sidecar: %d %+v %v, want Healthy", f.New.Name, code, a, err)
	}
	if st, err := old.Conductor.Status(c); err != nil || st.SequencerHealthy {
		t.Errorf("old leader's conductor_sequencerHealthy %v (%v) while its sidecar says PartialContent, want false", st.SequencerHealthy, err)
	}

	// 3. Thawed: its sidecar answers Healthy within a check or two (no stickiness), and the old
	// leader is a healthy follower.
	if err := old.Builder.EL.Thaw(); err != nil {
		t.Fatal(err)
	}
	thawAt := time.Now()
	says(t, c, sc.URL(old), "Healthy", false, 30*time.Second)
	healthyIn := time.Since(thawAt)
	t.Logf("thawed -> sidecar Healthy in %.1f s (--every 1s)", healthyIn.Seconds())
	// The next check after the thaw (at most one --every away; one waiting on the frozen builder is
	// answered at the thaw, within its --timeout) is recorded at once: no stickiness. A second of
	// slack for a loaded machine and the polling.
	if limit := time.Second + time.Second + time.Second; healthyIn > limit {
		t.Errorf("the thawed builder's sidecar answered Healthy after %s, want within --every + --timeout (+1 s): sticky?", healthyIn.Round(100*time.Millisecond))
	}
	if err := opstack.WaitFor(c, old.Name+" is a healthy follower", 90*time.Second, func(c context.Context) (bool, error) {
		st, err := old.Conductor.Status(c)
		return err == nil && !st.Leader && st.SequencerHealthy, nil
	}); err != nil {
		t.Fatal(err)
	}
	if l := leaderOf(c, d); l != f.New.Name {
		t.Errorf("leader %q after the thaw, want %s still", l, f.New.Name)
	}
}

// TestFailover_HeldWhereAFailoverCannotHelp: a builder that blips (frozen 1 s in every 10 s) stays
// within the partial tolerance the README recommends, so leadership stays; with every builder
// frozen no sequencer has a better builder, so each sidecar holds its answer at Healthy (its
// peers' answers in its reason) and leadership does not go round the cluster while the chain
// goes on with the L2's own blocks.
//
// The sidecars check every 500 ms with a 300 ms timeout, so that every 1 s freeze is seen (some
// check starts in its first 700 ms): with the recipe's 1 s timeout a 1 s freeze is mostly not
// seen at all (a request waiting in the socket is answered at the thaw), which would test nothing.
func TestFailover_HeldWhereAFailoverCannotHelp(t *testing.T) {
	needReal(t)
	c := ctx(t)
	d, sc := startWithSidecars(t, c, sidecarOptions{every: "500ms", timeout: "300ms"})
	defer thawAll(d)
	leader := oneLeader(t, c, d, nil)

	// 5. The leader's builder blips: 1 s frozen in every 10 s, for 60 s (three 20 s windows), timed
	// by a goroutine of its own. Its sidecar's own answer (?local=1) is polled every 100 ms: the
	// blips it shows.
	const blips = 6
	var mu sync.Mutex
	seenIn := map[int]bool{}
	partials := 0
	flapping, stopFlapping := context.WithCancel(c)
	defer stopFlapping()
	began := time.Now()
	go func() {
		for i := range blips {
			leader.Builder.EL.Freeze()
			time.Sleep(time.Second) // real processes: wall time is the test
			leader.Builder.EL.Thaw()
			select {
			case <-flapping.Done():
				return
			case <-time.After(time.Until(began.Add(time.Duration(i+1) * 10 * time.Second))):
			}
		}
	}()
	go func() {
		for flapping.Err() == nil {
			if opstack.Says(flapping, sc.URL(leader)+"?local=1") == "PartialContent" {
				mu.Lock()
				partials++
				seenIn[int(time.Since(began)/(10*time.Second))] = true
				mu.Unlock()
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	seen := leaderChanges(c, d, blips*10*time.Second, nil)
	stopFlapping()
	leader.Builder.EL.Thaw()
	mu.Lock()
	t.Logf("flapping builder: %d of %d blips seen by its sidecar (%d PartialContent polls, every 100 ms), leaders %v", len(seenIn), blips, partials, seen)
	shown := len(seenIn)
	mu.Unlock()
	if len(seen) != 1 || seen[0] != leader.Name {
		t.Fatalf("leaders while %s's builder blipped 1 s in 10 s: %v, want %s alone", leader.Name, seen, leader.Name)
	}
	if shown < blips-1 {
		t.Fatalf("only %d of %d blips seen as PartialContent: the flapping did not test the tolerance", shown, blips)
	}
	says(t, c, sc.URL(leader), "Healthy", false, 30*time.Second)

	// 4. Every builder frozen: each sidecar is partial, no peer is healthy, each holds.
	from, _, err := leader.EL.Head(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range d.Sequencers {
		if err := s.Builder.EL.Freeze(); err != nil {
			t.Fatal(err)
		}
	}
	seen = leaderChanges(c, d, 90*time.Second, nil)
	t.Logf("every builder frozen: leaders over 90 s %v", seen)
	if len(seen) > 2 {
		t.Errorf("leadership bounced with every builder frozen: %v (at most one change)", seen)
	}
	for _, s := range d.Sequencers {
		code, a, err := ask(c, sc.URL(s))
		if err != nil || code != 200 || a.RollupBoostHealth != "Healthy" || !a.Held || a.Status != "partial" {
			t.Errorf("%s's sidecar with every builder frozen: %d %+v %v, want Healthy, held, status partial", s.Name, code, a, err)
		}
	}
	now := d.Leader(c)
	if now == nil {
		t.Fatal("no leader with every builder frozen")
	}
	to, _, err := now.EL.Head(c)
	if err != nil || to < from+20 {
		t.Errorf("the chain went from #%d to #%d (%v) in 90 s with every builder frozen, want it to go on", from, to, err)
	}
}

// TestFailover_WithoutTheSidecarFlags: the mutation of assertion 2. The first leader's
// op-conductor is started without the sidecar's flags; its builder frozen, its sidecar still
// answers PartialContent, but nothing reads it: that conductor reports its sequencer healthy and
// leadership stays for a minute, several times the failover time measured with the flags.
func TestFailover_WithoutTheSidecarFlags(t *testing.T) {
	needReal(t)
	c := ctx(t)
	d, sc := startWithSidecars(t, c, sidecarOptions{without: func(i int) bool { return i == 0 }})
	defer thawAll(d)
	leader := d.Sequencers[0]
	if err := d.TransferLeader(c, leader, 60*time.Second); err != nil { // it may have handed on at the start
		t.Fatal(err)
	}
	oneLeader(t, c, d, nil)
	if err := leader.Builder.EL.Freeze(); err != nil {
		t.Fatal(err)
	}
	says(t, c, sc.URL(leader), "PartialContent", false, 30*time.Second)
	if seen := leaderChanges(c, d, 60*time.Second, nil); len(seen) != 1 || seen[0] != leader.Name {
		t.Fatalf("leaders: %v; without the sidecar's flags %s's conductor cannot see its builder", seen, leader.Name)
	}
	if st, err := leader.Conductor.Status(c); err != nil || !st.SequencerHealthy {
		t.Errorf("%s's conductor_sequencerHealthy %v (%v), want true: it does not read the sidecar", leader.Name, st.SequencerHealthy, err)
	}
}

// TestFailover_WithoutPeers_LeadershipGoesRound: the mutation of assertion 4, and why
// --conductor-peers exists. Every builder frozen with sidecars that do not know their peers: each
// answers PartialContent, op-conductor v1.19.6 hands leadership on to a sequencer whose builder
// fails the same way, and leadership goes round the cluster.
func TestFailover_WithoutPeers_LeadershipGoesRound(t *testing.T) {
	needReal(t)
	c := ctx(t)
	d, _ := startWithSidecars(t, c, sidecarOptions{alone: true})
	defer thawAll(d)
	oneLeader(t, c, d, nil)
	for _, s := range d.Sequencers {
		if err := s.Builder.EL.Freeze(); err != nil {
			t.Fatal(err)
		}
	}
	seen := leaderChanges(c, d, 90*time.Second, nil)
	t.Logf("every builder frozen, sidecars without --conductor-peers: %d leadership changes in 90 s: %v", len(seen)-1, seen)
	if len(seen) < 4 {
		t.Errorf("leaders %v: want leadership to go round (3 changes or more) without --conductor-peers; if op-conductor no longer hands on to a sequencer as bad, the README's reasoning is out of date", seen)
	}
}
