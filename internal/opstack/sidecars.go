package opstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// Sidecars gives each sequencer's op-conductor a health source of its own, read through
// rollup-boost-next's contract (--rollup-boost.next-enabled and its URL), as
// deploy/kubernetes/sequencer-conductor.yaml runs headprobe serve beside each sequencer. The
// addresses are chosen before any starts, so that each source can be told its peers'.
// Use Sidecars.ConductorFlags as Options.ConductorFlags.
type Sidecars struct {
	// Run starts s's health source listening on addr (host:port), with peers the /conductor/healthz
	// URLs of the others; the conductor's health check waits for it to answer Healthy.
	Run func(s *Sequencer, addr string, peers []string) error
	// Extra are op-conductor flags given with the source's (the partial tolerance).
	Extra []string
	// Without, when set, leaves the conductor of the i-th sequencer (0: the first leader) without
	// the source's flags; its source still runs, for its peers.
	Without func(i int) bool

	mu    sync.Mutex
	addrs []string
	next  int
	urls  map[string]string
	err   error
}

// NewSidecars chooses n loopback addresses for the sources of n sequencers.
func NewSidecars(n int, run func(s *Sequencer, addr string, peers []string) error, extra ...string) (*Sidecars, error) {
	ports, err := freePorts(n)
	if err != nil {
		return nil, err
	}
	sc := &Sidecars{Run: run, Extra: extra, urls: map[string]string{}}
	for _, p := range ports {
		sc.addrs = append(sc.addrs, fmt.Sprintf("127.0.0.1:%d", p))
	}
	return sc, nil
}

// healthURL is the health source's URL at addr.
func healthURL(addr string) string { return "http://" + addr + "/conductor/healthz" }

// ConductorFlags starts the next sequencer's source and returns its conductor's flags: Start calls
// it for each sequencer in order. A source that failed to start leaves its conductor reading an
// address nothing answers, so Start fails; Err says why.
func (sc *Sidecars) ConductorFlags(s *Sequencer) []string {
	sc.mu.Lock()
	i := sc.next
	sc.next++
	sc.mu.Unlock()
	if i >= len(sc.addrs) {
		sc.fail(fmt.Errorf("opstack: sidecar for %s: only %d addresses", s.Name, len(sc.addrs)))
		return nil
	}
	var peers []string
	for j, a := range sc.addrs {
		if j != i {
			peers = append(peers, healthURL(a))
		}
	}
	if err := sc.Run(s, sc.addrs[i], peers); err != nil {
		sc.fail(fmt.Errorf("opstack: sidecar for %s: %w", s.Name, err))
	}
	sc.mu.Lock()
	sc.urls[s.Name] = healthURL(sc.addrs[i])
	sc.mu.Unlock()
	if sc.Without != nil && sc.Without(i) {
		return nil
	}
	return append([]string{"--rollup-boost.next-enabled", "--rollup-boost.next-healthcheck-url", healthURL(sc.addrs[i])}, sc.Extra...)
}

// URL is the /conductor/healthz URL of s's source.
func (sc *Sidecars) URL(s *Sequencer) string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.urls[s.Name]
}

// Err is the first source that failed to start.
func (sc *Sidecars) Err() error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.err
}

// fail keeps the first error.
func (sc *Sidecars) fail(err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.err == nil {
		sc.err = err
	}
}

// Says is what the health source at url answers, as op-conductor reads it: its
// rollup_boost_health, "HTTP N" for another status or no value, or "unreachable".
func Says(ctx context.Context, url string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "unreachable"
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "unreachable"
	}
	defer resp.Body.Close()
	var a struct {
		Health string `json:"rollup_boost_health"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&a) != nil || resp.StatusCode != http.StatusOK || a.Health == "" {
		return fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return a.Health
}
