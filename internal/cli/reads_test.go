package cli

import (
	"maps"
	"slices"
	"testing"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind"
)

// badValues are, for each variable, a value its command refuses when it reads it. A variable
// missing here has no value the parser could refuse (a server name, a path written only later).
var badValues = map[string]string{
	"HEADPROBE_L2":                  "ftp://l2",
	"HEADPROBE_BUILDER":             "ftp://builder",
	"HEADPROBE_L2_JWT_SECRET":       "/nonexistent/l2.hex",
	"HEADPROBE_BUILDER_JWT_SECRET":  "/nonexistent/builder.hex",
	"HEADPROBE_L2_HEADER":           "no colon here",
	"HEADPROBE_BUILDER_HEADER":      "no colon here",
	"HEADPROBE_TLS_CA":              "/nonexistent/ca.pem",
	"HEADPROBE_MAX_UNSAFE_INTERVAL": "10 s",
	"HEADPROBE_INTERVAL":            "10 s",
	"HEADPROBE_MIN_BLOCKS":          "five",
	"HEADPROBE_TIMEOUT":             "1 s",
	"HEADPROBE_MAX_CLOCK_SKEW":      "30 s",
	"HEADPROBE_CHAIN_ID":            "ten",
	"HEADPROBE_MAX_BUILDER_LAG":     "five",
	"HEADPROBE_CHECK_FORK":          "abc",
	"HEADPROBE_MAX_STALL":           "5 m",
	"HEADPROBE_TEXTFILE":            "metrics.txt",
	"HEADPROBE_OUTPUT":              "xml",
	"HEADPROBE_NO_COLOR":            "abc",
	"HEADPROBE_QUIET":               "abc",
	"HEADPROBE_ROLLUP_BOOST":        "ws://rollup-boost:8081",
	"HEADPROBE_ROLLUP_BOOST_HEADER": "no colon here",
	"HEADPROBE_ROLLUP_BOOST_DEBUG":  "ftp://debug",
	"HEADPROBE_CONDUCTOR":           "ftp://conductor",
	"HEADPROBE_CONDUCTOR_HEADER":    "no colon here",
	"HEADPROBE_FLASHBLOCKS":         "http://not-a-websocket",
	"HEADPROBE_FLASHBLOCKS_HEADER":  "no colon here",
	"HEADPROBE_MAX_FLASHBLOCK_GAP":  "1 s",
	"HEADPROBE_OP_NODE":             "ftp://op-node",
	"HEADPROBE_OP_NODE_JWT_SECRET":  "/nonexistent/op-node.hex",
	"HEADPROBE_OP_NODE_HEADER":      "no colon here",
	"HEADPROBE_MAX_SAFE_INTERVAL":   "1 m",
	"HEADPROBE_MIN_PEERS":           "two",
	"HEADPROBE_TARGETS":             "/nonexistent/targets.yaml",
	"HEADPROBE_TARGET":              "t1",
	"HEADPROBE_EVERY":               "2 s",
	"HEADPROBE_BUILDER_SIGNER":      "0xnothex",
	"HEADPROBE_BUILDER_CONTRACT":    "0xnothex",
	"HEADPROBE_BUILDER_BLOCKS":      "ten",
	"HEADPROBE_MIN_BUILDER_BLOCKS":  "one",
	"HEADPROBE_LISTEN":              "no-port",
	"HEADPROBE_CONDUCTOR_SCOPE":     "everything",
	"HEADPROBE_CONDUCTOR_PEERS":     "ftp://peer",
}

// noBadValue are the variables badValues leaves out.
var noBadValue = []string{"HEADPROBE_TLS_SERVER_NAME", "HEADPROBE_TLS_CERT", "HEADPROBE_TLS_KEY", "HEADPROBE_STATE_FILE",
	"HEADPROBE_MAX_CONCURRENT", "HEADPROBE_MAX_CONCURRENT_PROBES", "HEADPROBE_ENABLE_RELOAD"}

// goodEnv gives every endpoint a valid value, so that each variable that depends on one is read.
var goodEnv = map[string]string{
	"HEADPROBE_L2": "http://127.0.0.1:1", "HEADPROBE_BUILDER": "http://127.0.0.1:2", "HEADPROBE_OP_NODE": "http://127.0.0.1:3",
	"HEADPROBE_ROLLUP_BOOST": "http://127.0.0.1:4", "HEADPROBE_ROLLUP_BOOST_DEBUG": "http://127.0.0.1:5",
	"HEADPROBE_CONDUCTOR": "http://127.0.0.1:6", "HEADPROBE_FLASHBLOCKS": "ws://127.0.0.1:7",
	"HEADPROBE_BUILDER_SIGNER": "0x71562b71999873DB5b286dF957af199Ec94617F7",
}

// notRead are the variables each command does not read, as the README documents: the
// one-shot commands ignore what only their sibling judges.
var notRead = map[string][]string{
	"health": {"HEADPROBE_EVERY", "HEADPROBE_LISTEN", "HEADPROBE_MAX_CONCURRENT_PROBES", "HEADPROBE_CONDUCTOR_SCOPE", "HEADPROBE_CONDUCTOR_PEERS"},
	"ready": {"HEADPROBE_EVERY", "HEADPROBE_LISTEN", "HEADPROBE_MAX_CONCURRENT_PROBES", "HEADPROBE_CONDUCTOR_SCOPE", "HEADPROBE_CONDUCTOR_PEERS",
		"HEADPROBE_BUILDER", "HEADPROBE_BUILDER_JWT_SECRET", "HEADPROBE_BUILDER_HEADER", "HEADPROBE_MAX_BUILDER_LAG",
		"HEADPROBE_CHECK_FORK", "HEADPROBE_ROLLUP_BOOST_DEBUG", "HEADPROBE_CONDUCTOR", "HEADPROBE_CONDUCTOR_HEADER",
		"HEADPROBE_FLASHBLOCKS", "HEADPROBE_FLASHBLOCKS_HEADER", "HEADPROBE_MAX_FLASHBLOCK_GAP",
		"HEADPROBE_BUILDER_SIGNER", "HEADPROBE_BUILDER_CONTRACT", "HEADPROBE_BUILDER_BLOCKS", "HEADPROBE_MIN_BUILDER_BLOCKS",
		"HEADPROBE_MAX_SAFE_INTERVAL", "HEADPROBE_MIN_PEERS"},
	"live": {"HEADPROBE_EVERY", "HEADPROBE_LISTEN", "HEADPROBE_MAX_CONCURRENT_PROBES", "HEADPROBE_CONDUCTOR_SCOPE", "HEADPROBE_CONDUCTOR_PEERS",
		"HEADPROBE_BUILDER", "HEADPROBE_BUILDER_JWT_SECRET", "HEADPROBE_BUILDER_HEADER", "HEADPROBE_MAX_BUILDER_LAG",
		"HEADPROBE_CHECK_FORK", "HEADPROBE_ROLLUP_BOOST", "HEADPROBE_ROLLUP_BOOST_HEADER", "HEADPROBE_ROLLUP_BOOST_DEBUG",
		"HEADPROBE_CONDUCTOR", "HEADPROBE_CONDUCTOR_HEADER",
		"HEADPROBE_FLASHBLOCKS", "HEADPROBE_FLASHBLOCKS_HEADER", "HEADPROBE_MAX_FLASHBLOCK_GAP",
		"HEADPROBE_OP_NODE", "HEADPROBE_OP_NODE_JWT_SECRET", "HEADPROBE_OP_NODE_HEADER",
		"HEADPROBE_BUILDER_SIGNER", "HEADPROBE_BUILDER_CONTRACT", "HEADPROBE_BUILDER_BLOCKS", "HEADPROBE_MIN_BUILDER_BLOCKS",
		"HEADPROBE_MAX_SAFE_INTERVAL", "HEADPROBE_MIN_PEERS",
		"HEADPROBE_MAX_UNSAFE_INTERVAL", "HEADPROBE_INTERVAL", "HEADPROBE_MIN_BLOCKS", "HEADPROBE_MAX_CLOCK_SKEW",
		"HEADPROBE_CHAIN_ID", "HEADPROBE_STATE_FILE", "HEADPROBE_MAX_STALL"},
	"watch": {"HEADPROBE_LISTEN", "HEADPROBE_MAX_CONCURRENT_PROBES", "HEADPROBE_CONDUCTOR_SCOPE", "HEADPROBE_CONDUCTOR_PEERS"},
	"serve": {},
}

// TestEnv_EveryCommandRefusesOnlyWhatItReads sets each variable, one at a time, to a bad value,
// for every command: a command that reads the variable refuses it; one that does not never parses
// it, so one environment block shared by a pod's probes cannot fail a probe over another's value.
func TestEnv_EveryCommandRefusesOnlyWhatItReads(t *testing.T) {
	bad, good := maps.Clone(badValues), maps.Clone(goodEnv)
	declared := map[string]kind.Flag{} // a kind's flags this table does not list: as the kind declares them
	all, _ := config.FlagTable()
	for _, f := range all {
		name := config.Env(f.Name)[0]
		if _, listed := badValues[name]; listed || slices.Contains(noBadValue, name) {
			continue
		}
		if f.Bad != "" {
			bad[name], declared[name] = f.Bad, f
		}
		if f.Good != "" {
			good[name] = f.Good
		}
	}
	for _, name := range config.EnvVars() {
		if _, ok := bad[name]; !ok && !slices.Contains(noBadValue, name) {
			t.Errorf("%s has no bad value in this table, nor in its kind's declaration (kind.Flag's Bad)", name)
		}
	}
	for _, command := range []string{"health", "ready", "live", "watch", "serve"} {
		for name, bad := range bad {
			var environ []string
			for k, v := range good {
				if k != name {
					environ = append(environ, k+"="+v)
				}
			}
			environ = append(environ, name+"="+bad)
			_, err := Parse(hp(command), environ)
			read := !slices.Contains(notRead[command], name)
			if f, ok := declared[name]; ok {
				read = f.ReadBy(modeOf(command))
			}
			switch {
			case read && err == nil:
				t.Errorf("%s with %s=%q: accepted, want refused", command, name, bad)
			case !read && err != nil:
				t.Errorf("%s with %s=%q, which it does not read: refused: %v", command, name, bad, err)
			}
		}
	}
}

// TestFlag_NotReadIsWarnedNeverFatal: a flag the command does not read, given on the command line
// with a bad value, is a warning.
func TestFlag_NotReadIsWarnedNeverFatal(t *testing.T) {
	for _, tc := range []struct{ command, flag, value string }{
		{"live", "--max-unsafe-interval", "10 s"},
		{"live", "--interval", "forever"},
		{"live", "--chain-id", "ten"},
		{"ready", "--max-builder-lag", "five"},
		{"ready", "--check-fork=false", ""},
	} {
		args := hp(tc.command, "--l2", "http://127.0.0.1:1", tc.flag)
		if tc.value != "" {
			args = append(args, tc.value)
		}
		p, err := Parse(args, nil)
		if err != nil {
			t.Errorf("%q: refused: %v", args, err)
			continue
		}
		if len(p.Warnings) == 0 {
			t.Errorf("%q: no warning for a flag %s does not read", args, tc.command)
		}
	}
}

// modeOf is the mode a command judges in: watch and serve judge health.
func modeOf(command string) check.Mode {
	for _, m := range []check.Mode{check.Ready, check.Live} {
		if m.String() == command {
			return m
		}
	}
	return check.Health
}
