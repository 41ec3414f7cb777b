package config

import (
	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/serve"
)

// FlagConductorScope is serve's choice of what /conductor/healthz feeds op-conductor;
// FlagConductorPeers names the other sequencers' sidecars.
const (
	FlagConductorScope = "conductor-scope"
	FlagConductorPeers = "conductor-peers"
)

// ConductorScopeFlag is serve's --conductor-scope, accepted before the command name too.
func ConductorScopeFlag() cli.Flag {
	return Text(CatPeriodic, FlagConductorScope, serve.FeedBuilder,
		"serve only: `SCOPE` of /conductor/healthz, builder (its side only) or all (not op-conductor's)")
}

// ConductorPeersFlag is serve's --conductor-peers, accepted before the command name too.
func ConductorPeersFlag() cli.Flag {
	return Text(CatPeriodic, FlagConductorPeers, "",
		"serve only: peer sidecars' /conductor/healthz `URLS` (a,b): hold partial if none healthy")
}

// ServeName is the serve command's name.
const ServeName = "serve"

// FlagListen is serve's HTTP address.
const FlagListen = "listen"

// ListenFlag is serve's --listen, accepted before the command name too.
func ListenFlag() cli.Flag {
	return Text(CatPeriodic, FlagListen, "127.0.0.1:8080", "serve only: `HOST:PORT` to answer HTTP on; :8080 is every interface (in a pod)")
}

// FlagMaxProbes is serve --targets' bound on the checks running at once.
const FlagMaxProbes = "max-concurrent-probes"

// MaxProbesFlag is serve's --max-concurrent-probes, accepted before the command name too.
func MaxProbesFlag() cli.Flag {
	return Text(CatFleet, FlagMaxProbes, "64", "serve --targets only: at most `N` checks at once; a request beyond gets 503 at once")
}

// FlagEnableReload lets POST /-/reload of serve --targets read the file anew.
const FlagEnableReload = "enable-reload"

// EnableReloadFlag is serve's --enable-reload, accepted before the command name too: as
// Prometheus' --web.enable-lifecycle, HTTP may reload only when asked for (SIGHUP always may).
func EnableReloadFlag() cli.Flag {
	return Toggle(CatFleet, FlagEnableReload, "serve --targets only: let POST /-/reload read the file anew (else 403; SIGHUP always does)")
}

// FlagEvery is watch's period between health checks.
const FlagEvery = "every"

// EveryFlag is watch's --every, accepted before the command name too.
func EveryFlag() cli.Flag {
	return Text(CatPeriodic, FlagEvery, "2s", "watch and serve: `DURATION` between the starts of two checks")
}
