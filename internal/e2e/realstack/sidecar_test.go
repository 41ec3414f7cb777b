package realstack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/opstack"
)

// TestHA_BuilderPerSequencer_AndConductorFlags exercises the hooks issue #21 builds on: each of
// three sequencers gets its own builder EL (a verifier following the chain) and its op-conductor
// extra flags, here --rollup-boost.next-enabled with --rollup-boost.next-healthcheck-url pointing
// at a per-sequencer endpoint answering op-conductor v1.19.6's JSON contract
// (op-conductor/client/rollupboost_next.go). Every real conductor must ask its own endpoint and
// report its sequencer healthy, and every builder must follow the chain.
func TestHA_BuilderPerSequencer_AndConductorFlags(t *testing.T) {
	needReal(t)
	var mu sync.Mutex
	asked := map[string]*atomic.Int64{}
	called := map[string]bool{}
	flags := func(s *opstack.Sequencer) []string {
		mu.Lock()
		defer mu.Unlock()
		if s.Builder == nil || !s.Builder.EL.Running() || !s.Builder.Node.Running() {
			t.Errorf("%s: no running builder when its conductor starts", s.Name)
		} else if s.EL.JWTSecretFile == "" || s.Builder.EL.JWTSecretFile != s.EL.JWTSecretFile {
			t.Errorf("%s: no Engine-API secret at hand for a sidecar: %q, builder's %q", s.Name, s.EL.JWTSecretFile, s.Builder.EL.JWTSecretFile)
		}
		called[s.Name] = true
		n := &atomic.Int64{}
		asked[s.Name] = n
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"version":"stand-in","rollup_boost_health":"Healthy"}`))
		}))
		t.Cleanup(srv.Close)
		return []string{"--rollup-boost.next-enabled", "--rollup-boost.next-healthcheck-url", srv.URL}
	}
	d := start(t, opstack.Options{Sequencers: 3, BuilderPerSequencer: true, ConductorFlags: flags})
	c := ctx(t)
	leader := oneLeader(t, c, d, nil)
	for _, s := range d.Sequencers {
		if !called[s.Name] {
			t.Errorf("ConductorFlags not called for %s", s.Name)
		}
		if err := d.WaitFollowing(c, s.Builder, leader, 60*time.Second); err != nil {
			t.Error(err)
		}
	}
	if err := opstack.WaitFor(c, "every conductor asked its endpoint and is healthy", 60*time.Second, func(c context.Context) (bool, error) {
		for _, s := range d.Sequencers {
			st, err := s.Conductor.Status(c)
			if err != nil || !st.SequencerHealthy || asked[s.Name].Load() == 0 {
				return false, err
			}
		}
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
}
