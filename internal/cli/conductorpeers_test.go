package cli

import (
	"slices"
	"strings"
	"testing"
)

// --conductor-peers: a comma-separated list of http(s) URLs, from the command line or the
// environment, into the plan; anything else, and a fleet, refused in one line.
func TestServe_ConductorPeers(t *testing.T) {
	a, b := "http://seq-1:8080/conductor/healthz", "https://seq-2:8443/conductor/healthz"
	for _, c := range []struct {
		args    []string
		environ []string
	}{
		{hp("serve", "--l2", "http://l2:1", "--conductor-peers", a+", "+b), nil},
		{hp("serve", "--l2", "http://l2:1"), []string{"HEADPROBE_CONDUCTOR_PEERS= " + a + "," + b + " "}},
	} {
		p, err := Parse(c.args, c.environ)
		if err != nil || !slices.Equal(p.ConductorPeers, []string{a, b}) {
			t.Errorf("%q %q: %v, peers %q", c.args, c.environ, err, p.ConductorPeers)
		}
	}
	path := targetsYAML(t, "targets:\n  a: {l2: http://a:1}\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{hp("serve", "--l2", "http://l2:1", "--conductor-peers", "seq-1:8080"), "--conductor-peers: peer 1 is not an http(s) URL"},
		{hp("serve", "--l2", "http://l2:1", "--conductor-peers", a+",ws://seq-2:8080"), "--conductor-peers: peer 2 is not an http(s) URL"},
		{hp("serve", "--l2", "http://l2:1", "--conductor-peers", a+",,"+b), "--conductor-peers: peer 2"},
		{hp("serve", "--targets", path, "--conductor-peers", a), "--conductor-peers is for one sequencer's sidecar, not for --targets"},
	} {
		if _, err := Parse(c.args, nil); err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want one line with %q", c.args, err, c.want)
		}
	}
	p, err := Parse(hp("--conductor-peers", a, "health", "--l2", "http://l2:1"), nil)
	if err != nil || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "--conductor-peers is for serve") {
		t.Fatalf("--conductor-peers before health: %v %+v, want a warning", err, p)
	}
}
