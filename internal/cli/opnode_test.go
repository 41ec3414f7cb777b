package cli

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/app"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/config"
	"github.com/headprobe/headprobe/kind/execution"
	"github.com/headprobe/headprobe/kind/opnode"
)

// roleNames are the names of the config's endpoints, in order.
func roleNames(cfg *config.Config) []string {
	var out []string
	for _, e := range cfg.Endpoints {
		out = append(out, e.Role.Name)
	}
	return out
}

func TestConfig_OpNode_IsTheLastEndpoint_WithItsChecks(t *testing.T) {
	cfg := mustParse(t, hp("health", "--l2", "http://l2:1", "--op-node", "http://op:2", "--op-node-header", "X-A: b", "--max-safe-interval", "20m", "--min-peers", "3"), nil)
	if got := roleNames(cfg); !slices.Equal(got, []string{"l2", "op-node"}) {
		t.Fatalf("endpoints %v", got)
	}
	op := cfg.Endpoints[1]
	if op.URL != "http://op:2" || op.Opts.Headers.Get("X-A") != "b" || len(op.Role.Criteria) != 2 || op.Role.Key() != opnode.Role.Key() {
		t.Errorf("op-node endpoint %+v", op)
	}
	if _, ok := op.Source(op.URL, op.Opts).(*opnode.Source); !ok {
		t.Error("op-node's source is not an opnode.Source")
	}
	var names []string
	for _, r := range cfg.Relations {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{check.UnsafeHeadCheck, "lag"}) {
		t.Errorf("relations %v", names)
	}
	// op-node adds no request to the L2's: the chain id is asked for with a builder or --chain-id only.
	if cfg.Endpoints[0].Opts.ChainID || cfg.Endpoints[0].Source != nil {
		t.Errorf("the L2's requests changed: %+v", cfg.Endpoints[0].Opts)
	}
}

func TestConfig_OpNode_FromTheEnvironment_ReadyWithoutItsOwnChecks_LiveWithout(t *testing.T) {
	environ := map[string]string{"HEADPROBE_L2": "http://l2:1", "HEADPROBE_OP_NODE": " http://op:2\n", "HEADPROBE_MIN_PEERS": "3", "HEADPROBE_MAX_SAFE_INTERVAL": "1200"}
	if cfg := mustParse(t, hp("health"), environ); len(cfg.Endpoints) != 2 || cfg.Endpoints[1].URL != "http://op:2" || len(cfg.Endpoints[1].Role.Criteria) != 2 {
		t.Errorf("health: %v", roleNames(cfg))
	}
	cfg := mustParse(t, hp("ready"), environ)
	if got := roleNames(cfg); !slices.Equal(got, []string{"l2", "op-node"}) || len(cfg.Endpoints[1].Role.Criteria) != 0 || len(cfg.Relations) != 2 {
		t.Errorf("ready: %v with %d criteria", got, len(cfg.Endpoints[1].Role.Criteria))
	}
	// live ignores op-node's flags entirely: a bad value meant for ready cannot fail it.
	environ["HEADPROBE_OP_NODE"], environ["HEADPROBE_MIN_PEERS"] = "op:2", "many"
	if cfg := mustParse(t, hp("live"), environ); len(cfg.Endpoints) != 1 || len(cfg.Relations) != 0 {
		t.Errorf("live: %v", roleNames(cfg))
	}
	mustRefuse(t, hp("ready"), environ, `--op-node "op:2" has no scheme`)
	// ready does not read health's thresholds of op-node.
	environ["HEADPROBE_OP_NODE"] = "http://op:2"
	mustParse(t, hp("ready"), environ)
	mustRefuse(t, hp("health"), environ, `--min-peers must be a whole number (specified: "many")`)
}

func TestConfig_OpNode_BadValuesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--op-node", "ftp://op:2"}, `--op-node "ftp://op:2" has unsupported scheme`},
		{[]string{"--op-node", "http://op:2", "--max-safe-interval", "soon"}, "--max-safe-interval must be a duration"},
		{[]string{"--op-node", "http://op:2", "--min-peers", "-1"}, "--min-peers must be a whole number"},
		{[]string{"--op-node", "http://op:2", "--op-node-header", "X-A: a\x01b"}, "--op-node-header"},
		{[]string{"--op-node", "http://op:2", "--op-node-jwt-secret", "/nonexistent/jwt.hex"}, "--op-node-jwt-secret: cannot read"},
	} {
		msg := mustRefuse(t, hp(append([]string{"health", "--l2", "http://l2:1"}, tc.args...)...), nil, tc.want)
		if strings.Contains(msg, "a\x01b") {
			t.Errorf("the header's value was shown: %q", msg)
		}
	}
}

// op-node, an unavailable role, comes before the builder, a partial one: its failure leads the reason.
func TestConfig_OpNode_BeforeTheBuilder(t *testing.T) {
	cfg := mustParse(t, hp("health", "--l2", "http://l2:1", "--builder", "http://b:3", "--op-node", "http://op:2", "--check-fork"), nil)
	if got := roleNames(cfg); !slices.Equal(got, []string{"l2", "op-node", "builder"}) {
		t.Errorf("endpoints %v", got)
	}
	var names []string
	for _, r := range cfg.Relations {
		names = append(names, r.Of.Name+" "+r.Name)
	}
	if !slices.Equal(names, []string{"builder chain_id", "builder lag", "builder fork", "op-node " + check.UnsafeHeadCheck, "op-node lag"}) {
		t.Errorf("relations %v", names)
	}
	if !cfg.Endpoints[0].Opts.ChainID || !cfg.Endpoints[2].Opts.ChainID {
		t.Error("with a builder, the L2's and the builder's chain ids are compared")
	}
}

func TestConfig_OpNodeChecksWithoutOpNode_Warn(t *testing.T) {
	cfg := mustParse(t, hp("health", "--l2", "http://l2:1", "--min-peers", "3"), nil)
	if len(cfg.Endpoints) != 1 || len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "no --op-node is given") {
		t.Errorf("endpoints %v, warnings %q", roleNames(cfg), cfg.Warnings)
	}
}

func TestPlan_OpNodeIsNoBuilder(t *testing.T) {
	p, err := Parse(hp("health", "--l2", "http://l2:1", "--op-node", "http://op:2"), nil)
	if err != nil || p.Builder {
		t.Errorf("plan builder %v, %v", p != nil && p.Builder, err)
	}
}

// An L2 block that could not be fetched is said on stderr as op-node's, not as the builder's fork check.
func TestWarnObservations_OpNodeComparisonNotMade(t *testing.T) {
	h := check.Head{Number: 5}
	seen := func(role check.Role, fork *check.Fork) check.Endpoint {
		return check.Endpoint{Role: role, Fork: fork, Observation: check.Observation{First: &h, Last: &h, Samples: 1}}
	}
	r := check.Judge(check.Health, check.Config{}, []check.Endpoint{
		seen(execution.L2, nil), seen(opnode.Role, &check.Fork{Number: 4, Err: errors.New("timeout")}),
	}, opnode.Relations(opnode.Role, execution.L2))
	var stderr bytes.Buffer
	app.WarnObservations(&stderr, r)
	if got := stderr.String(); !strings.Contains(got, "op-node's unsafe head not compared with the L2: the L2's block #4: timeout") || strings.Contains(got, "fork check") {
		t.Errorf("stderr %q", got)
	}
}
