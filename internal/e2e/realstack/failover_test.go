package realstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/opstack"
)

// sidecar is one sequencer's `headprobe serve`, as deploy/kubernetes/sequencer-conductor.yaml runs
// it: its L2 and its own builder judged every second, /conductor/healthz read by its op-conductor.
type sidecar struct {
	url string // http://127.0.0.1:PORT/conductor/healthz
	cmd *exec.Cmd
}

// conductorAnswer is /conductor/healthz's body as op-conductor v1.19.6 reads it
// (op-conductor/client/rollupboost_next.go), with the status headprobe adds.
type conductorAnswer struct {
	Version           string `json:"version"`
	RollupBoostHealth string `json:"rollup_boost_health"`
	Status            string `json:"status"`
}

// ask reads the sidecar's answer: its HTTP status and body.
func (s *sidecar) ask(ctx context.Context) (int, conductorAnswer, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
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

// freePort is a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// sidecars starts a headprobe serve per sequencer from ConductorFlags, and gives each conductor
// the recipe's flags to read it: --rollup-boost.next-enabled, its URL, and the partial tolerance
// the README recommends (9 per 20 s). Every sidecar is stopped by its PID at the end.
func sidecars(t *testing.T, with func(*opstack.Sequencer) bool) (func(*opstack.Sequencer) []string, map[string]*sidecar) {
	var mu sync.Mutex
	cars := map[string]*sidecar{}
	flags := func(s *opstack.Sequencer) []string {
		if !with(s) {
			return nil
		}
		port := freePort(t)
		cmd := exec.Command(binary, "serve", "--l2", s.EL.HTTPURL, "--builder", s.Builder.EL.HTTPURL,
			"--every", "1s", "--timeout", "1s", "--max-unsafe-interval", "10s", "--conductor-scope", "builder",
			"--listen", fmt.Sprintf("127.0.0.1:%d", port), "-q")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
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
		car := &sidecar{url: fmt.Sprintf("http://127.0.0.1:%d/conductor/healthz", port), cmd: cmd}
		mu.Lock()
		cars[s.Name] = car
		mu.Unlock()
		return []string{"--rollup-boost.next-enabled", "--rollup-boost.next-healthcheck-url", car.url,
			"--rollup-boost.healthcheck-timeout", "1s",
			"--healthcheck.rollup-boost-partial-healthiness-tolerance-limit", "9",
			"--healthcheck.rollup-boost-partial-healthiness-tolerance-interval-seconds", "20"}
	}
	return flags, cars
}

// leaderOf is the leading sequencer's name, "" when none answers as leader.
func leaderOf(c context.Context, d *opstack.Devnet) string {
	if l := d.Leader(c); l != nil {
		return l.Name
	}
	return ""
}

// TestFailover_OnHeadprobesVerdict: three sequencers, each with its own builder EL and its own
// headprobe serve, each op-conductor reading its sidecar's /conductor/healthz. With healthy
// builders leadership stays put; the leader's builder frozen moves leadership to a sequencer whose
// builder is healthy and the chain goes on; thawed, that sidecar answers Healthy again at once and
// its sequencer is a healthy follower; op-conductor's conductor_sequencerHealthy follows the
// sidecar's verdict.
func TestFailover_OnHeadprobesVerdict(t *testing.T) {
	needReal(t)
	flags, cars := sidecars(t, func(*opstack.Sequencer) bool { return true })
	d := start(t, opstack.Options{Sequencers: 3, BuilderPerSequencer: true, ConductorFlags: flags})
	c := ctx(t)
	old := oneLeader(t, c, d, nil)
	for _, s := range d.Sequencers {
		if err := opstack.WaitFor(c, s.Name+"'s sidecar answers Healthy", 60*time.Second, func(c context.Context) (bool, error) {
			code, a, err := cars[s.Name].ask(c)
			return err == nil && code == 200 && a.RollupBoostHealth == "Healthy", nil
		}); err != nil {
			t.Fatal(err)
		}
	}

	// 1. Healthy builders: no leadership change over the quiet period.
	quiet := 120 * time.Second
	for end := time.Now().Add(quiet); time.Now().Before(end); time.Sleep(time.Second) { // real processes: wall time is the test
		if l := leaderOf(c, d); l != "" && l != old.Name {
			t.Fatalf("leadership moved from %s to %s with every builder healthy", old.Name, l)
		}
	}

	// 2. The leader's builder frozen: its sidecar says PartialContent, and leadership moves.
	frozeAt := time.Now()
	if err := old.Builder.EL.Freeze(); err != nil {
		t.Fatal(err)
	}
	thawed := false
	defer func() {
		if !thawed {
			old.Builder.EL.Thaw()
		}
	}()
	if err := opstack.WaitFor(c, old.Name+"'s sidecar answers PartialContent", 30*time.Second, func(c context.Context) (bool, error) {
		code, a, err := cars[old.Name].ask(c)
		return err == nil && code == 200 && a.RollupBoostHealth == "PartialContent", nil
	}); err != nil {
		t.Fatal(err)
	}
	var leader *opstack.Sequencer
	var changeHead uint64
	if err := opstack.WaitFor(c, "leadership moves to a sequencer whose builder is healthy", 150*time.Second, func(c context.Context) (bool, error) {
		l := d.Leader(c)
		if l == nil || l == old {
			return false, nil
		}
		active, err := l.Node.SequencerActive(c)
		if err != nil || !active {
			return false, nil
		}
		leader = l
		changeHead, _, err = l.EL.Head(c)
		return err == nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := opstack.WaitFor(c, "the new leader builds a block", 60*time.Second, func(c context.Context) (bool, error) {
		n, _, err := leader.EL.Head(c)
		return err == nil && n > changeHead, nil
	}); err != nil {
		t.Fatal(err)
	}
	failover := time.Since(frozeAt)
	t.Logf("FAILOVER builder frozen -> new leader %s building: %.1f s", leader.Name, failover.Seconds())
	if code, a, err := cars[leader.Name].ask(c); err != nil || code != 200 || a.RollupBoostHealth != "Healthy" {
		t.Errorf("the new leader %s's sidecar: %d %+v %v, want Healthy", leader.Name, code, a, err)
	}
	if st, err := old.Conductor.Status(c); err != nil || st.SequencerHealthy {
		t.Errorf("old leader's conductor_sequencerHealthy %v (%v) while its sidecar says PartialContent, want false", st.SequencerHealthy, err)
	}

	// 3. Thawed: its sidecar answers Healthy within a couple of checks (no stickiness), and the old
	// leader is a healthy follower.
	if err := old.Builder.EL.Thaw(); err != nil {
		t.Fatal(err)
	}
	thawed = true
	thawAt := time.Now()
	if err := opstack.WaitFor(c, old.Name+"'s sidecar answers Healthy again", 30*time.Second, func(c context.Context) (bool, error) {
		code, a, err := cars[old.Name].ask(c)
		return err == nil && code == 200 && a.RollupBoostHealth == "Healthy", nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("thawed -> sidecar Healthy in %.1f s (--every 1s)", time.Since(thawAt).Seconds())
	if err := opstack.WaitFor(c, old.Name+" is a healthy follower", 90*time.Second, func(c context.Context) (bool, error) {
		st, err := old.Conductor.Status(c)
		return err == nil && !st.Leader && st.SequencerHealthy, nil
	}); err != nil {
		t.Fatal(err)
	}
	if l := leaderOf(c, d); l != leader.Name {
		t.Errorf("leader %q after the thaw, want %s still", l, leader.Name)
	}
	var names []string
	for n := range cars {
		names = append(names, n)
	}
	t.Logf("sidecars: %s", strings.Join(names, ", "))
}
