package deploy_test

// Tests of the sidecar recipe (deploy/kubernetes/sequencer-serve.yaml): `headprobe serve` in one
// container, the kubelet's httpGet probes of the others pointing at it.

import (
	"fmt"
	"net"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/testkit"
)

// sidecarFile is the recipe with headprobe serve as a sidecar.
var sidecarFile = filepath.Join("deploy", "kubernetes", "sequencer-serve.yaml")

// probePaths are the paths each kind of httpGet probe may ask serve: what `headprobe live` and
// `headprobe ready` mean. /healthz never: its 206 is for op-conductor and dashboards, and its 503
// for a stale L2 would restart a slow chain.
var probePaths = map[string][]string{
	"livenessProbe":  {"/livez"},
	"readinessProbe": {"/readyz"},
	"startupProbe":   {"/livez", "/readyz"},
}

// probesOf are a container's probes by kind.
func probesOf(c k8sContainer) map[string]*k8sProbe {
	return map[string]*k8sProbe{"livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe, "startupProbe": c.StartupProbe}
}

// portOf resolves an httpGet port, a number or a name of the container's own ports (as the
// kubelet does); 0 when it does not resolve.
func portOf(c k8sContainer, port any) int {
	switch p := port.(type) {
	case int:
		return p
	case string:
		if n, err := strconv.Atoi(p); err == nil {
			return n
		}
		for _, cp := range c.Ports {
			if cp.Name == p {
				return cp.ContainerPort
			}
		}
	}
	return 0
}

// sidecarProblems checks every container that runs headprobe serve, and every httpGet probe of the
// pod's other containers; probed counts the latter by kind and path.
func sidecarProblems(t *testing.T, docs []k8sDoc, binary string) (problems []string, probed map[string]int) {
	t.Helper()
	probed = map[string]int{}
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	dir := t.TempDir()
	for _, d := range docs {
		for _, pod := range d.pods() {
			servePort := 0
			for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
				args := c.Command
				if len(args) == 0 && strings.Contains(c.Image, "headprobe") {
					args = []string{binary} // the image's ENTRYPOINT
				}
				args = append(slices.Clone(args), c.Args...)
				if len(args) < 2 || path.Base(args[0]) != "headprobe" || args[1] != "serve" {
					continue
				}
				where := fmt.Sprintf("%s/%s container %s", d.Kind, d.Metadata.Name, c.Name)
				environ := map[string]string{}
				for _, e := range c.Env {
					v := e.Value
					if mode, ok := secretMode(pod, c, v); ok && path.IsAbs(v) {
						v = filepath.Join(dir, fmt.Sprint(len(environ)), path.Base(v))
						testkit.WriteSecret(t, v, mode)
					}
					environ[e.Name] = v
				}
				if u := unknownEnvVars(environ); len(u) > 0 {
					bad("%s: env %v is no headprobe flag's variable", where, u)
				}
				p, err := parseCommandLine(args, environ)
				if err != nil {
					bad("%s: %q: %v", where, args, err)
					continue
				}
				if len(p.Warnings) > 0 {
					bad("%s: warnings %q", where, p.Warnings)
				}
				host, port, _ := net.SplitHostPort(p.Listen)
				if host != "" && host != "0.0.0.0" && host != "::" {
					bad("%s: serve listens on %s, but the kubelet probes the pod's IP: listen on :PORT", where, p.Listen)
				}
				servePort, _ = strconv.Atoi(port)
				if !slices.ContainsFunc(c.Ports, func(cp struct {
					Name          string `yaml:"name"`
					ContainerPort int    `yaml:"containerPort"`
				}) bool {
					return cp.ContainerPort == servePort
				}) {
					bad("%s: serve listens on port %d, which the container does not declare", where, servePort)
				}
				if slices.ContainsFunc(pod.InitContainers, func(i k8sContainer) bool { return i.Name == c.Name }) && c.RestartPolicy != "Always" {
					bad("%s: an init container without restartPolicy: Always never ends, and holds the pod back", where)
				}
				for kind, pr := range probesOf(c) {
					if pr != nil && (pr.HTTPGet == nil || pr.HTTPGet.Path != "/-/healthy" || portOf(c, pr.HTTPGet.Port) != servePort) {
						bad("%s: %s must ask serve's own health, /-/healthy on port %d", where, kind, servePort)
					}
				}
				if c.LivenessProbe == nil {
					bad("%s: no livenessProbe on /-/healthy: a stopped check loop would answer stale 503s for ever", where)
				}
			}
			if servePort == 0 {
				continue
			}
			for _, c := range pod.Containers {
				for kind, pr := range probesOf(c) {
					if pr == nil || pr.HTTPGet == nil || slices.ContainsFunc(c.Args, func(a string) bool { return a == "serve" }) {
						continue
					}
					where := fmt.Sprintf("%s/%s container %s %s %s", d.Kind, d.Metadata.Name, c.Name, kind, pr.HTTPGet.Path)
					if name, ok := pr.HTTPGet.Port.(string); ok {
						if _, err := strconv.Atoi(name); err != nil {
							bad("%s: port %q is looked up among %s's own ports; give serve's port by number, %d", where, name, c.Name, servePort)
							continue
						}
					}
					if portOf(c, pr.HTTPGet.Port) != servePort {
						continue // a probe of something else
					}
					probed[kind+" "+pr.HTTPGet.Path]++
					if !slices.Contains(probePaths[kind], pr.HTTPGet.Path) {
						bad("%s: want %v", where, probePaths[kind])
					}
					if pr.TimeoutSeconds == nil || pr.PeriodSeconds == nil || pr.FailureThreshold == nil {
						bad("%s: timeoutSeconds, periodSeconds and failureThreshold must be given", where)
						continue
					}
					if kind == "livenessProbe" && *pr.FailureThreshold < 2 {
						bad("%s: failureThreshold %d: one lost answer must not restart the container", where, *pr.FailureThreshold)
					}
					if kind == "startupProbe" && *pr.FailureThreshold**pr.PeriodSeconds < 60 {
						bad("%s: failureThreshold × periodSeconds = %d s: give the client at least a minute to start", where, *pr.FailureThreshold**pr.PeriodSeconds)
					}
				}
			}
		}
	}
	return problems, probed
}

func TestSidecar_ServeAndTheHTTPProbesAgree(t *testing.T) {
	docs, err := parseKubernetes(testkit.MustRead(t, sidecarFile))
	if err != nil {
		t.Fatal(err)
	}
	problems, probed := sidecarProblems(t, docs, dockerBinary(t))
	for _, p := range problems {
		t.Errorf("%s: %s", sidecarFile, p)
	}
	t.Logf("probes of serve: %v", probed)
	for _, want := range []string{"livenessProbe /livez", "readinessProbe /readyz"} {
		if probed[want] == 0 {
			t.Errorf("%s: no %s on serve's port", sidecarFile, want)
		}
	}
	if probed["startupProbe /livez"]+probed["startupProbe /readyz"] == 0 {
		t.Errorf("%s: no startupProbe on serve's port", sidecarFile)
	}
}

func TestSidecar_CheckCatchesMistakes(t *testing.T) {
	good := string(testkit.MustRead(t, sidecarFile))
	binary := dockerBinary(t)
	for _, m := range [][2]string{
		{`args: ["serve", "--listen", ":8080"]`, `args: ["serve", "--listen", "127.0.0.1:8080"]`}, // unreachable from the kubelet
		{`args: ["serve", "--listen", ":8080"]`, `args: ["serve", "--listen", ":9090"]`},          // not the declared port
		{`args: ["serve", "--listen", ":8080"]`, `args: ["serve", "--lisen", ":8080"]`},           // unknown flag
		{`value: "2s" # a check`, `value: "0s" # a check`},                                        // bad --every
		{"HEADPROBE_EVERY", "HEADPROBE_EVERYY"},                                                   // no such variable
		{"restartPolicy: Always # a native", "restartPolicy: OnFailure # a native"},
		{"path: /readyz", "path: /healthz"},
		{"path: /livez\n              port: 8080\n            periodSeconds: 10\n            timeoutSeconds: 1\n            failureThreshold: 3",
			"path: /healthz\n              port: 8080\n            periodSeconds: 10\n            timeoutSeconds: 1\n            failureThreshold: 3"},
		{"path: /readyz\n              port: 8080", "path: /readyz\n              port: headprobe"}, // a name of op-geth's ports
		{"path: /-/healthy\n              port: headprobe\n            periodSeconds: 10", "path: /healthz\n              port: headprobe\n            periodSeconds: 10"},
		{"failureThreshold: 90", "failureThreshold: 5"},
		{"value: /secrets/jwt.hex", "value: /data/jwt.hex"},
	} {
		if !strings.Contains(good, m[0]) {
			t.Errorf("mutation %q no longer applies to %s: update this test", m[0], sidecarFile)
			continue
		}
		docs, err := parseKubernetes([]byte(strings.Replace(good, m[0], m[1], 1)))
		if err != nil {
			t.Fatalf("mutation %q: %v", m[1], err)
		}
		problems, probed := sidecarProblems(t, docs, binary)
		if len(problems) == 0 && probed["readinessProbe /readyz"] > 0 && probed["startupProbe /livez"] > 0 {
			t.Errorf("replacing %q by %q in %s went unnoticed", m[0], m[1], sidecarFile)
		} else if len(problems) > 0 {
			t.Logf("%q → %q: %s", m[0], m[1], problems[0])
		}
	}
}
