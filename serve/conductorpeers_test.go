package serve

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/testkit"
)

// httpFetch is the Fetch a test gives: a plain GET with net/http (the binary's goes through rpc).
func httpFetch(ctx context.Context, url string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return resp.StatusCode, body, err
}

// peerSidecar is another sequencer's sidecar: a real Server with the given builder, on loopback;
// asked counts its /conductor/healthz requests and local those with ?local=1.
type peerSidecar struct {
	url          string
	asked, local atomic.Int32
}

// newPeer serves a Server whose verdict has a fresh L2 and builder (nil: no verdict yet).
func newPeer(t *testing.T, builder *fakeSource) *peerSidecar {
	s, clock := conductorServer(FeedBuilder)
	if builder != nil {
		b := *builder
		b.clock = clock
		s.Record(run(clock, &fakeSource{clock: clock, number: 10, age: time.Second}, &b))
	}
	p := &peerSidecar{}
	h := s.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.asked.Add(1)
		if r.URL.Query().Has(LocalParam) {
			p.local.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL + ConductorPath
	return p
}

// A partial builder side is handed on only when a peer's is healthy: with none healthy (partial,
// no verdict, unreachable, hung) the answer is Healthy, held, and says what each peer said. A
// healthy or unavailable answer, and ?local=1, never ask the peers.
func TestConductor_PeersHoldAPartialNoPeerCanBetter(t *testing.T) {
	fresh, stale := &fakeSource{number: 10, age: time.Second}, &fakeSource{number: 9, age: time.Minute}
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hung.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + ConductorPath
	closed.Close()
	for _, c := range []struct {
		name    string
		builder *fakeSource
		peers   []*fakeSource // nil entry: a peer with no verdict yet
		extra   []string      // URLs of peers that are not sidecars
		query   string
		want    string // as op-conductor reads it
		held    bool
		asks    bool // the peers are asked
		reason  string
	}{
		{"partial, a peer healthy", stale, []*fakeSource{stale, fresh}, nil, "", testkit.ConductorPartial, false, true, "a peer's builder is healthy"},
		{"partial, every peer partial", stale, []*fakeSource{stale, stale}, nil, "", testkit.ConductorHealthy, true, true, "PartialContent"},
		{"partial, a peer with no verdict", stale, []*fakeSource{stale, nil}, nil, "", testkit.ConductorHealthy, true, true, "no verdict"},
		{"partial, peers down or hung", stale, nil, []string{closedURL, hung.URL}, "", testkit.ConductorHealthy, true, false, "unreachable"},
		{"partial, a peer with credentials in its URL", stale, nil, []string{strings.Replace(closedURL, "http://", "http://user:s3cret@", 1)}, "", testkit.ConductorHealthy, true, false, "unreachable"},
		{"partial, asked locally", stale, []*fakeSource{fresh}, nil, "?" + LocalParam + "=1", testkit.ConductorPartial, false, false, "builder head #9"},
		{"healthy", fresh, []*fakeSource{fresh}, nil, "", testkit.ConductorHealthy, false, false, "builder head #10"},
	} {
		var peers []*peerSidecar
		urls := append([]string(nil), c.extra...)
		for _, b := range c.peers {
			p := newPeer(t, b)
			peers = append(peers, p)
			urls = append(urls, p.url)
		}
		s, clock := conductorServer(FeedBuilder)
		s.opts.Conductor.Peers = Peers{URLs: urls, Fetch: httpFetch}
		b := *c.builder
		b.clock = clock
		s.Record(run(clock, &fakeSource{clock: clock, number: 10, age: time.Second}, &b))
		srv := httptest.NewServer(s.Handler())
		began := time.Now()
		code, status, doc, err := conductorGet(t, srv.Config.Handler, ConductorPath+c.query)
		took := time.Since(began)
		srv.Close()
		if code != 200 || err != nil || status != c.want || doc.Held != c.held || !strings.Contains(doc.Reason, c.reason) {
			t.Errorf("%s: %d %+v, op-conductor reads %q (%v); want %q, held %v, reason with %q", c.name, code, doc, status, err, c.want, c.held, c.reason)
		}
		if strings.Contains(doc.Reason, "s3cret") || strings.Contains(doc.Reason, "user") {
			t.Errorf("%s: the reason shows a peer's credentials: %q", c.name, doc.Reason)
		}
		if c.held && doc.Status != check.Partial.String() {
			t.Errorf("%s: status %q, want partial: held is said, not hidden", c.name, doc.Status)
		}
		for i, p := range peers {
			if asked := p.asked.Load() > 0; asked != c.asks || p.local.Load() != p.asked.Load() {
				t.Errorf("%s: peer %d asked %d times (%d with ?local=1), want asked %v and always locally", c.name, i, p.asked.Load(), p.local.Load(), c.asks)
			}
		}
		if took > PeerTimeout+5*time.Second { // a hung peer costs PeerTimeout, never the request's own deadline
			t.Errorf("%s: answered in %s", c.name, took)
		}
	}
}

// Two sidecars naming each other, both partial: each asks the other locally once, and both hold.
func TestConductor_PeersNeverAskInCircles(t *testing.T) {
	stale := &fakeSource{number: 9, age: time.Minute}
	var servers [2]*Server
	var counts [2]atomic.Int32
	var urls [2]string
	for i := range servers {
		s, clock := conductorServer(FeedBuilder)
		b := *stale
		b.clock = clock
		s.Record(run(clock, &fakeSource{clock: clock, number: 10, age: time.Second}, &b))
		servers[i] = s
		h := s.Handler()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { counts[i].Add(1); h.ServeHTTP(w, r) }))
		defer srv.Close()
		urls[i] = srv.URL + ConductorPath
	}
	servers[0].opts.Conductor.Peers = Peers{URLs: urls[1:], Fetch: httpFetch}
	servers[1].opts.Conductor.Peers = Peers{URLs: urls[:1], Fetch: httpFetch}
	status, body, err := httpFetch(context.Background(), urls[0])
	if err != nil || status != 200 || !strings.Contains(string(body), `"held":true`) {
		t.Fatalf("%d %s %v, want 200 held", status, body, err)
	}
	if counts[0].Load() != 1 || counts[1].Load() != 1 {
		t.Errorf("requests %d and %d, want one each: a local answer asks nobody", counts[0].Load(), counts[1].Load())
	}
}
