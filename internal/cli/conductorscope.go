package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/rpc"
	"github.com/headprobe/headprobe/serve"
)

// conductorFeed reads --conductor-scope and --conductor-peers (refused with --targets: a fleet
// serves many sequencers, not one sequencer's sidecar).
func conductorFeed(c *cli.Context) (serve.ConductorFeed, error) {
	scope := strings.TrimSpace(config.Str(c, config.FlagConductorScope))
	keep := serve.ConductorFeedOf(scope)
	if keep == nil {
		return serve.ConductorFeed{}, fmt.Errorf("--%s must be %s (specified: %q)", config.FlagConductorScope, strings.Join(serve.FeedScopes, " or "), scope)
	}
	feed := serve.ConductorFeed{Scope: scope, Keep: keep}
	list := strings.TrimSpace(config.Str(c, config.FlagConductorPeers))
	if list == "" {
		return feed, nil
	}
	if config.IsSet(c, config.FlagTargets) && !config.IsSet(c, config.FlagTarget) {
		return feed, fmt.Errorf("--%s is for one sequencer's sidecar, not for --%s", config.FlagConductorPeers, config.FlagTargets)
	}
	getters := map[string]*rpc.Getter{}
	for i, u := range strings.Split(list, ",") {
		u = strings.TrimSpace(u)
		if err := rpc.ValidateURL(u); err != nil || !strings.HasPrefix(u, "http") {
			return feed, fmt.Errorf("--%s: peer %d is not an http(s) URL (%s)", config.FlagConductorPeers, i+1, rpc.Redact(u))
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
