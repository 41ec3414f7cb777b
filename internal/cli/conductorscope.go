package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/rpc"
	"github.com/headprobe/headprobe/serve"
)

// flagConductorScope is serve's choice of what /conductor/healthz feeds op-conductor;
// flagConductorPeers names the other sequencers' sidecars.
const (
	flagConductorScope = "conductor-scope"
	flagConductorPeers = "conductor-peers"
)

// conductorScopeFlag is serve's --conductor-scope, accepted before the command name too.
func conductorScopeFlag() cli.Flag {
	return text(catPeriodic, flagConductorScope, serve.FeedBuilder,
		"serve only: `SCOPE` of /conductor/healthz, builder (its side only) or all (not op-conductor's)")
}

// conductorPeersFlag is serve's --conductor-peers, accepted before the command name too.
func conductorPeersFlag() cli.Flag {
	return text(catPeriodic, flagConductorPeers, "",
		"serve only: peer sidecars' /conductor/healthz `URLS` (a,b): hold partial if none healthy")
}

// conductorFeed reads --conductor-scope and --conductor-peers (refused with --targets: a fleet
// serves many sequencers, not one sequencer's sidecar).
func conductorFeed(c *cli.Context) (serve.ConductorFeed, error) {
	scope := strings.TrimSpace(str(c, flagConductorScope))
	keep := serve.ConductorFeedOf(scope)
	if keep == nil {
		return serve.ConductorFeed{}, fmt.Errorf("--%s must be %s (specified: %q)", flagConductorScope, strings.Join(serve.FeedScopes, " or "), scope)
	}
	feed := serve.ConductorFeed{Scope: scope, Keep: keep}
	list := strings.TrimSpace(str(c, flagConductorPeers))
	if list == "" {
		return feed, nil
	}
	if isSet(c, flagTargets) && !isSet(c, flagTarget) {
		return feed, fmt.Errorf("--%s is for one sequencer's sidecar, not for --%s", flagConductorPeers, flagTargets)
	}
	getters := map[string]*rpc.Getter{}
	for i, u := range strings.Split(list, ",") {
		u = strings.TrimSpace(u)
		if err := rpc.ValidateURL(u); err != nil || !strings.HasPrefix(u, "http") {
			return feed, fmt.Errorf("--%s: peer %d is not an http(s) URL (%s)", flagConductorPeers, i+1, rpc.Redact(u))
		}
		feed.Peers.URLs = append(feed.Peers.URLs, u)
		local := u + "?" + serve.LocalParam + "=1"
		if strings.Contains(u, "?") {
			local = u + "&" + serve.LocalParam + "=1"
		}
		getters[local] = rpc.NewGetter(local, rpc.Options{Timeout: serve.PeerTimeout})
	}
	feed.Peers.Fetch = func(ctx context.Context, url string) (int, []byte, error) {
		g, ok := getters[url]
		if !ok {
			return 0, nil, fmt.Errorf("not a peer")
		}
		return g.Fetch(ctx)
	}
	return feed, nil
}
