package cli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/roles"
	"github.com/headprobe/headprobe/serve"
)

// flagConductorScope is serve's choice of what /conductor/healthz feeds op-conductor.
const flagConductorScope = "conductor-scope"

// conductorScopeFlag is serve's --conductor-scope, accepted before the command name too.
func conductorScopeFlag() cli.Flag {
	return text(catPeriodic, flagConductorScope, roles.FeedBuilder,
		"serve only: `SCOPE` of /conductor/healthz, builder (its side only) or all (not op-conductor's)")
}

// conductorFeed reads --conductor-scope.
func conductorFeed(c *cli.Context) (serve.ConductorFeed, error) {
	scope := strings.TrimSpace(str(c, flagConductorScope))
	keep := roles.ConductorFeed(scope)
	if keep == nil {
		return serve.ConductorFeed{}, fmt.Errorf("--%s must be %s (specified: %q)", flagConductorScope, strings.Join(roles.FeedScopes, " or "), scope)
	}
	return serve.ConductorFeed{Scope: scope, Keep: keep}, nil
}
