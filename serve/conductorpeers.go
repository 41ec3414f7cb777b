package serve

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/headprobe/headprobe/check"
)

// PeerTimeout bounds the asking of the peers, all at once, inside one /conductor/healthz request:
// well within the 1 s --rollup-boost.healthcheck-timeout of the recipe.
const PeerTimeout = 500 * time.Millisecond

// LocalParam is the query parameter (`?local=1`) that asks a sidecar for its own verdict, without
// asking its peers: what one sidecar asks another, so that they never ask in circles.
const LocalParam = "local"

// Fetch GETs url within ctx: the status and the first bytes of the body, or why not.
type Fetch func(ctx context.Context, url string) (status int, body []byte, err error)

// Peers are the /conductor/healthz URLs of the other sequencers' sidecars in the same op-conductor
// cluster. When this sequencer's builder side is partial and no peer's is healthy, handing
// leadership on would not help (the next leader's builder fails too): the answer is then Healthy
// and its reason says why, so that op-conductor does not move leadership round the cluster.
type Peers struct {
	URLs  []string
	Fetch Fetch
}

// peerSaid is one peer's local answer, as op-conductor would read it.
type peerSaid struct {
	url    string
	health string // rollup_boost_health, or what went wrong
}

// ask asks every peer at once for its local answer, within PeerTimeout.
func (p Peers) ask(ctx context.Context) []peerSaid {
	ctx, cancel := context.WithTimeout(ctx, PeerTimeout)
	defer cancel()
	said := make([]peerSaid, len(p.URLs))
	var wg sync.WaitGroup
	for i, u := range p.URLs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			said[i] = peerSaid{url: u, health: p.askOne(ctx, u)}
		}()
	}
	wg.Wait()
	return said
}

// askOne is one peer's rollup_boost_health at ?local=1, or a word for what went wrong.
func (p Peers) askOne(ctx context.Context, u string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	status, body, err := p.Fetch(ctx, u+sep+LocalParam+"=1")
	if err != nil {
		return "unreachable"
	}
	var doc conductorDoc
	if status != http.StatusOK || json.Unmarshal(body, &doc) != nil || doc.RollupBoostHealth == "" {
		return "no verdict"
	}
	return doc.RollupBoostHealth
}

// anyHealthy tells whether a peer answered Healthy.
func anyHealthy(said []peerSaid) bool {
	for _, s := range said {
		if s.health == rollupBoostHealth[check.Healthy] {
			return true
		}
	}
	return false
}

// peersLine is the peers' answers for the reason: "127.0.0.1:8081 PartialContent, … unreachable".
func peersLine(said []peerSaid) string {
	parts := make([]string, len(said))
	for i, s := range said {
		host := "a peer"
		if u, err := url.Parse(s.url); err == nil && u.Host != "" {
			host = u.Host // never the user info: a reason is shown to anyone who asks
		}
		parts[i] = host + " " + s.health
	}
	return strings.Join(parts, ", ")
}
