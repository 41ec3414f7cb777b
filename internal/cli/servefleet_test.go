package cli

import (
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/config"
)

func TestServeFleet_Parse(t *testing.T) {
	path := targetsYAML(t, "targets:\n  a: {l2: http://a:1}\n  b: {l2: http://b:1, builder: http://c:1}\n")
	p := fleetPlan(t, hp("serve", "--targets", path, "--listen", ":9100", "--max-concurrent-probes", "8"))
	if p.Command != config.ServeName || p.Listen != ":9100" || len(p.Targets) != 2 || p.MaxConcurrent != 8 || !p.Targets[1].Builder {
		t.Errorf("plan %+v", p)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{hp("serve", "--targets", path, "--max-concurrent-probes", "0"), "--max-concurrent-probes must be at least 1"},
		{hp("serve", "--targets", path, "--listen", "nowhere"), "--listen must be HOST:PORT"},
		{hp("serve", "--targets", targetsYAML(t, "targets:\n  a: {l2: http://a:1, interval: 10ms}\n")), `target "a", key "interval"`},
	} {
		if _, err := Parse(c.args, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.args, err, c.want)
		}
	}
}

func TestServeFleet_OneTargetIsServedAsWithoutTheFile(t *testing.T) {
	path := targetsYAML(t, "targets:\n  a: {l2: http://a:1, timeout: 2s}\n  b: {l2: http://b:1}\n")
	p := fleetPlan(t, hp("serve", "--targets", path, "--target", "a", "--every", "5s"))
	if p.Command != config.ServeName || p.Target != "a" || p.Targets != nil || p.Timeout.String() != "2s" || p.Every.String() != "5s" {
		t.Errorf("plan %+v", p)
	}
	if _, err := Parse(hp("serve", "--targets", path, "--target", "c"), nil); err == nil || !strings.Contains(err.Error(), `--target "c" is not in`) {
		t.Errorf("an unknown target: %v", err)
	}
}

func TestServeFleet_WarnsOfTheFlagsItIgnores(t *testing.T) {
	path := targetsYAML(t, "targets:\n  a: {l2: http://a:1}\n  b: {l2: http://b:1}\n")
	p := fleetPlan(t, hp("serve", "--targets", path))
	for _, w := range p.Warnings {
		if strings.Contains(w, "not used by serve --targets") {
			t.Errorf("a warning without any ignored flag: %q", w)
		}
	}
	p, err := Parse(hp("serve", "--targets", path, "--textfile", "/tmp/x.prom", "--every", "5s"), []string{"HEADPROBE_STATE_FILE=/tmp/state"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"--textfile", "--every", "--state-file"} {
		found := false
		for _, w := range p.Warnings {
			found = found || strings.Contains(w, name+" is not used by serve --targets")
		}
		if !found {
			t.Errorf("no warning for %s in %q", name, p.Warnings)
		}
	}
}
