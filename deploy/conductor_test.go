package deploy_test

// Tests of the op-conductor recipe (deploy/kubernetes/sequencer-conductor.yaml): headprobe serve as
// a native sidecar of each sequencer pod, and op-conductor reading its /conductor/healthz.

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/cli"
	"github.com/headprobe/headprobe/internal/testkit"
)

// conductorFile is the recipe.
var conductorFile = filepath.Join("deploy", "kubernetes", "sequencer-conductor.yaml")

// opConductorSource is op-conductor v1.19.6's source in the Go module cache: its flags, and those
// of op-service it adds (rpc, rollup config).
var opConductorSource = filepath.Join("github.com", "ethereum-optimism", "optimism@v1.19.6")

// opConductorModule is the module that holds it.
const opConductorModule = "github.com/ethereum-optimism/optimism@v1.19.6"

// conductorFlags are op-conductor v1.19.6's flag names, read from its flags.go (and op-service's
// rpc and rollup-config flags, which it appends), and the names of its required flags.
func conductorFlags(t *testing.T) (names, required []string) {
	t.Helper()
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(modcache)), opConductorSource)
	flagsGo, err := os.ReadFile(filepath.Join(root, "op-conductor", "flags", "flags.go"))
	if err != nil {
		t.Fatalf("op-conductor v1.19.6's source is not in the module cache (%v): go mod download %s (.ci/run does)", err, opConductorModule)
	}
	byVar := map[string]string{}
	for _, m := range regexp.MustCompile(`(?s)(\w+)\s*=\s*&cli\.\w+Flag\{\s*Name:\s*"([^"]+)"`).FindAllStringSubmatch(string(flagsGo), -1) {
		byVar[m[1]] = m[2]
		names = append(names, m[2])
	}
	block := regexp.MustCompile(`(?s)var requiredFlags = \[\]cli\.Flag\{(.*?)\}`).FindStringSubmatch(string(flagsGo))
	if block == nil || len(names) < 20 {
		t.Fatalf("op-conductor's flags.go: %d flags, required list found %v: the parse no longer fits the file", len(names), block != nil)
	}
	for _, v := range regexp.MustCompile(`\w+`).FindAllString(block[1], -1) {
		if byVar[v] == "" {
			t.Fatalf("required flag %s has no name in flags.go", v)
		}
		required = append(required, byVar[v])
	}
	for _, file := range []string{filepath.Join("op-service", "rpc", "cli.go"), filepath.Join("op-service", "flags", "flags.go")} {
		src, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`\w+FlagName\s*=\s*"([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
			names = append(names, m[1])
		}
	}
	return names, required
}

// conductorArgs are a container's --name[=value] arguments; a bare flag is "true".
func conductorArgs(args []string) (map[string]string, []string) {
	flags := map[string]string{}
	var order []string
	for _, a := range args {
		name, value, ok := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !ok {
			value = "true"
		}
		flags[name] = value
		order = append(order, name)
	}
	return flags, order
}

// servePlan parses a container's headprobe serve command line with its env (the secret files made
// real, with the Secret's mode); nil when the container does not run serve.
func servePlan(t *testing.T, pod podSpec, c k8sContainer, binary string) (*cli.Plan, error) {
	t.Helper()
	args := c.Command
	if len(args) == 0 && strings.Contains(c.Image, "headprobe") {
		args = []string{binary}
	}
	args = append(slices.Clone(args), c.Args...)
	if len(args) < 2 || path.Base(args[0]) != "headprobe" || args[1] != "serve" {
		return nil, nil
	}
	dir := t.TempDir()
	environ := map[string]string{}
	for _, e := range c.Env {
		v := e.Value
		if mode, ok := secretMode(pod, c, v); ok && path.IsAbs(v) {
			v = filepath.Join(dir, fmt.Sprint(len(environ)), path.Base(v))
			testkit.WriteSecret(t, v, mode)
		}
		environ[e.Name] = v
	}
	return parseCommandLine(args, environ)
}

// conductorProblems checks every op-conductor container against its pod's headprobe serve sidecar;
// conductors counts those that read a sidecar.
func conductorProblems(t *testing.T, docs []k8sDoc, binary string, names, required []string) (problems []string, conductors int) {
	t.Helper()
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	for _, d := range docs {
		for _, pod := range d.pods() {
			var plan *cli.Plan
			for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
				p, err := servePlan(t, pod, c, binary)
				if err != nil {
					bad("%s container %s: %v", d.Metadata.Name, c.Name, err)
				}
				if p != nil {
					plan = p
				}
			}
			for _, c := range pod.Containers {
				if !strings.Contains(c.Image, "op-conductor") {
					continue
				}
				where := fmt.Sprintf("%s/%s container %s", d.Kind, d.Metadata.Name, c.Name)
				flags, order := conductorArgs(c.Args)
				for _, name := range order {
					if !slices.Contains(names, name) {
						bad("%s: --%s is no flag of op-conductor v1.19.6", where, name)
					}
				}
				for _, name := range required {
					if _, ok := flags[name]; !ok {
						bad("%s: --%s is required by op-conductor v1.19.6", where, name)
					}
				}
				if flags["rollup-boost.next-enabled"] != "true" {
					bad("%s: without --rollup-boost.next-enabled op-conductor does not read headprobe", where)
					continue
				}
				if v, ok := flags["rollup-boost.enabled"]; ok && v != "false" {
					bad("%s: --rollup-boost.enabled reads rollup-boost's status codes and excludes --rollup-boost.next-enabled", where)
				}
				if plan == nil {
					bad("%s: no headprobe serve sidecar in the pod", where)
					continue
				}
				conductors++
				_, port, _ := net.SplitHostPort(plan.Listen)
				u, err := url.Parse(flags["rollup-boost.next-healthcheck-url"])
				switch {
				case err != nil || u.Scheme != "http":
					bad("%s: --rollup-boost.next-healthcheck-url %q: want http://127.0.0.1:%s/conductor/healthz", where, flags["rollup-boost.next-healthcheck-url"], port)
				case u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost":
					bad("%s: --rollup-boost.next-healthcheck-url reads %s: each conductor must read its own pod's sidecar, on 127.0.0.1", where, u.Host)
				case u.Port() != port:
					bad("%s: --rollup-boost.next-healthcheck-url asks port %s, serve listens on %s", where, u.Port(), port)
				case u.Path != "/conductor/healthz" || u.RawQuery != "":
					bad("%s: --rollup-boost.next-healthcheck-url path %q: want /conductor/healthz, the JSON contract", where, u.RequestURI())
				}
				if plan.ConductorScope != "builder" {
					bad("%s: the sidecar feeds scope %q: op-conductor judges op-node itself, feed it the builder's side (README)", where, plan.ConductorScope)
				}
				problems = append(problems, peerProblems(where, d, plan, port)...)
				if !plan.Builder {
					bad("%s: the sidecar judges no builder: scope builder would feed nothing", where)
				}
				limit, errL := strconv.ParseUint(flags["healthcheck.rollup-boost-partial-healthiness-tolerance-limit"], 10, 64)
				window, errW := strconv.ParseUint(flags["healthcheck.rollup-boost-partial-healthiness-tolerance-interval-seconds"], 10, 64)
				every, errI := strconv.ParseUint(flags["healthcheck.interval"], 10, 64)
				if errL != nil || errW != nil || errI != nil || limit == 0 || window == 0 || every == 0 {
					bad("%s: give --healthcheck.interval and both partial-tolerance flags, each above 0 (op-conductor refuses one without the other)", where)
					continue
				}
				if window < 2*(limit+1)*every {
					bad("%s: a %d s window holds %d checks of a builder that stays down; under 2 × (limit %d + 1) it may never overflow", where, window, window/every, limit)
				}
			}
		}
	}
	return problems, conductors
}

// peerProblems checks the sidecar's --conductor-peers against its StatefulSet: one URL per
// replica, each pod's own name under the headless Service (pod-N.service), serve's port,
// /conductor/healthz. A sidecar that finds itself among them asks its own local answer, which is
// never Healthy while it would hold, so the same list serves every pod of the template.
func peerProblems(where string, d k8sDoc, plan *cli.Plan, port string) (problems []string) {
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	if len(plan.ConductorPeers) == 0 {
		bad("%s: the sidecar has no --conductor-peers: with every builder down, leadership would go round the cluster (README)", where)
		return
	}
	if d.Kind != "StatefulSet" || d.Spec.Replicas < 2 || d.Spec.ServiceName == "" {
		bad("%s: the peers are the pods of a StatefulSet of at least 2 replicas with a serviceName", where)
		return
	}
	want := map[string]bool{}
	for i := range d.Spec.Replicas {
		want[fmt.Sprintf("%s-%d.%s", d.Metadata.Name, i, d.Spec.ServiceName)] = true
	}
	seen := map[string]bool{}
	for _, p := range plan.ConductorPeers {
		u, err := url.Parse(p)
		switch {
		case err != nil || u.Scheme != "http":
			bad("%s: peer %q is not an http URL", where, p)
		case !want[u.Hostname()]:
			bad("%s: peer host %s is none of the StatefulSet's pods (%s-N.%s)", where, u.Hostname(), d.Metadata.Name, d.Spec.ServiceName)
		case u.Port() != port:
			bad("%s: peer %s asks port %s, serve listens on %s", where, u.Hostname(), u.Port(), port)
		case u.Path != "/conductor/healthz" || u.RawQuery != "":
			bad("%s: peer path %q: want /conductor/healthz", where, u.RequestURI())
		default:
			seen[u.Hostname()] = true
		}
	}
	if len(problems) == 0 && len(seen) != d.Spec.Replicas {
		bad("%s: %d distinct peers for %d replicas", where, len(seen), d.Spec.Replicas)
	}
	return problems
}

// conductorRecipeProblems are the sidecar's problems (sidecar_test.go) and the conductors'.
func conductorRecipeProblems(t *testing.T, data []byte, binary string, names, required []string) ([]string, int) {
	t.Helper()
	docs, err := parseKubernetes(data)
	if err != nil {
		return []string{err.Error()}, 0
	}
	problems, _ := sidecarProblems(t, docs, binary)
	more, conductors := conductorProblems(t, docs, binary, names, required)
	return append(problems, more...), conductors
}

func TestConductorRecipe_EachConductorReadsItsOwnSidecar(t *testing.T) {
	names, required := conductorFlags(t)
	problems, conductors := conductorRecipeProblems(t, testkit.MustRead(t, conductorFile), dockerBinary(t), names, required)
	for _, p := range problems {
		t.Errorf("%s: %s", conductorFile, p)
	}
	if conductors == 0 {
		t.Errorf("%s: no op-conductor reads a headprobe sidecar", conductorFile)
	}
	// headprobe's flags in the recipe are the real binary's.
	out, err := exec.Command(headprobe, "serve", "--help").Output()
	if err != nil {
		t.Fatal(err)
	}
	help := string(out)
	for _, env := range []string{"HEADPROBE_CONDUCTOR_SCOPE", "HEADPROBE_EVERY", "HEADPROBE_BUILDER", "HEADPROBE_FLASHBLOCKS", "HEADPROBE_CHECK_FORK"} {
		if !strings.Contains(help, "[$"+env+"]") {
			t.Errorf("serve --help of the built binary lacks %s", env)
		}
	}
}

func TestConductorRecipe_CheckCatchesMistakes(t *testing.T) {
	names, required := conductorFlags(t)
	good := string(testkit.MustRead(t, conductorFile))
	binary := dockerBinary(t)
	for _, m := range [][2]string{
		{"- --rollup-boost.next-enabled\n", "- --rollup-boost.enabled\n"}, // status codes, not the JSON
		{"- --rollup-boost.next-enabled\n", "\n"},
		{"127.0.0.1:8080/conductor/healthz", "127.0.0.1:8080/healthz"}, // rollup-boost's status-code contract
		{"127.0.0.1:8080/conductor", "127.0.0.1:8081/conductor"},       // not serve's port
		{"127.0.0.1:8080/conductor", "op-sequencer:8080/conductor"},    // another pod's sidecar, through the Service
		{"127.0.0.1:8080/conductor/healthz\n", "127.0.0.1:8080/conductor/healthz?target=seq-a\n"},
		{"tolerance-limit=9", "tolerance-limt=9"}, // no such flag
		{"- --healthcheck.rollup-boost-partial-healthiness-tolerance-interval-seconds=20\n", "\n"},
		{"interval-seconds=20", "interval-seconds=5"}, // a window a dead builder may never overflow
		{"- --healthcheck.min-peer-count=2\n", "\n"},  // required by op-conductor
		{"value: builder # feed", "value: all # feed"},
		{"value: builder # feed", "value: builders # feed"},
		{"value: http://127.0.0.1:8552 # op-rbuilder", "value: \"\" # op-rbuilder"},
		{"restartPolicy: Always # a native", "restartPolicy: OnFailure # a native"},
		{`args: ["serve", "--listen", ":8080"]`, `args: ["serve", "--listen", "127.0.0.1:8080"]`},
		{"- name: HEADPROBE_CONDUCTOR_PEERS\n", "- name: HEADPROBE_CONDUCTOR_PEERZ\n"},
		{"- name: HEADPROBE_CONDUCTOR_PEERS\n              value: http", "- name: HEADPROBE_TIMEOUT\n              value: 1s\n              x: http"}, // no peers
		{"op-sequencer-2.op-sequencer:8080", "op-sequencer-1.op-sequencer:8080"},                                                                      // a pod twice, one missing
		{"op-sequencer-1.op-sequencer:8080/conductor/healthz", "op-sequencer-1.op-sequencer:8081/conductor/healthz"},
		{"op-sequencer-0.op-sequencer:8080/conductor/healthz", "op-sequencer-0.op-sequencer:8080/healthz"},
	} {
		if !strings.Contains(good, m[0]) {
			t.Errorf("mutation %q no longer applies to %s: update this test", m[0], conductorFile)
			continue
		}
		problems, conductors := conductorRecipeProblems(t, []byte(strings.Replace(good, m[0], m[1], 1)), binary, names, required)
		if len(problems) == 0 && conductors > 0 {
			t.Errorf("replacing %q by %q in %s went unnoticed", m[0], m[1], conductorFile)
		} else if len(problems) > 0 {
			t.Logf("%q → %q: %s", m[0], m[1], problems[0])
		}
	}
}
