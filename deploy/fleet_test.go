package deploy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/headprobe/headprobe/internal/testkit"
)

// fleetRecipe is the sample targets file.
var fleetRecipe = filepath.Join("deploy", "fleet", "targets.yaml")

// withRealSecrets is a copy of a targets file's text, in a temporary directory, whose secret
// files (the *-jwt-secret keys) are real ones at the same places under that directory, so that
// headprobe's parser reads them as it would on the host. It also returns the problems of the
// paths as written: a secret's path must be absolute, the file being read from any directory.
func withRealSecrets(t *testing.T, text string) (path string, problems []string) {
	t.Helper()
	dir := t.TempDir()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return writeFile(t, dir, text), []string{"not YAML: " + err.Error()}
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if strings.HasSuffix(k.Value, "-jwt-secret") && v.Kind == yaml.ScalarNode {
					if !filepath.IsAbs(v.Value) {
						problems = append(problems, k.Value+": "+v.Value+" is not an absolute path")
						continue
					}
					real := filepath.Join(dir, "root", v.Value)
					testkit.WriteSecret(t, real, 0o600)
					v.Value = real
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, string(out)), problems
}

func writeFile(t *testing.T, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "targets.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkTargetsFile is what the sample targets file must be: every target parses for each
// command, alone and all at once, without a warning; each has a chain label; its secrets are files
// at absolute paths.
func checkTargetsFile(t *testing.T, text string) []string {
	t.Helper()
	path, problems := withRealSecrets(t, text)
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for _, command := range []string{"health", "ready", "live"} {
		p, err := parseCommandLine([]string{"headprobe", command, "--targets", path}, nil)
		if err != nil {
			bad("%s --targets: %v", command, err)
			continue
		}
		if len(p.Targets) < 2 {
			bad("%s --targets: %d targets, want a fleet", command, len(p.Targets))
		}
		for _, tp := range p.Targets {
			if len(tp.Warnings) > 0 {
				bad("target %s: warnings %q", tp.Target, tp.Warnings)
			}
			if tp.Labels["chain"] == "" {
				bad("target %s: no chain label: alerts group by chain", tp.Target)
			}
			one, err := parseCommandLine([]string{"headprobe", command, "--targets", path, "--target", tp.Target}, nil)
			if err != nil || one.Target != tp.Target || one.Bound != tp.Bound {
				bad("%s --target %s: %v", command, tp.Target, err)
			}
		}
	}
	return problems
}

func TestFleetTargetsFile(t *testing.T) {
	for _, p := range checkTargetsFile(t, string(testkit.MustRead(t, fleetRecipe))) {
		t.Errorf("%s: %s", fleetRecipe, p)
	}
}

func TestFleetTargetsFile_CheckCatchesMistakes(t *testing.T) {
	good := string(testkit.MustRead(t, fleetRecipe))
	for _, m := range []struct{ from, to string }{
		{"check-fork: true", "check-fork: yes"},
		{"max-builder-lag: 5", "max-builder-lag: five"},
		{"l2-jwt-secret: /secrets/base/jwt.hex", "l2-jwt-secret: jwt.hex"},
		{"labels: {chain: op-sepolia, role: replica}", "labels: {role: replica}"},
		{"max-unsafe-interval: 10s", "max-unsafe-intervals: 10s"},
		{"builder: \"\"", "builder: \"\"\n    interval: 500ms"},
	} {
		if !strings.Contains(good, m.from) {
			t.Fatalf("the recipe no longer holds %q", m.from)
		}
		if problems := checkTargetsFile(t, strings.Replace(good, m.from, m.to, 1)); len(problems) == 0 {
			t.Errorf("%q → %q: no problem found", m.from, m.to)
		}
	}
}
