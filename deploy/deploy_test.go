package deploy_test

// Tests of the deploy recipes (deploy/**, Dockerfile, .dockerignore): every headprobe command line
// they contain goes through headprobe's own flag parser (cli.Parse, no network I/O) with the
// environment the recipe gives it, and the numbers around it (probe timeouts, unit timeouts,
// paths) must agree with the parsed configuration. The completion scripts run the built binary.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v2"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/cli"
	"github.com/headprobe/headprobe/internal/config"
	"github.com/headprobe/headprobe/internal/testkit"
)

// The flags and variables the recipes' checks look for, as the README documents them.
const (
	envPrefix         = "HEADPROBE_"
	flagL2Secret      = "l2-jwt-secret"
	flagBuilderSecret = "builder-jwt-secret"
	envL2             = "HEADPROBE_L2"
	envBuilder        = "HEADPROBE_BUILDER"
	envL2Secret       = "HEADPROBE_L2_JWT_SECRET"
	envBuilderSecret  = "HEADPROBE_BUILDER_JWT_SECRET"
)

// headprobe is the built binary, which the completion scripts run.
var headprobe string

// TestMain builds headprobe, which the completion scripts run, and runs the tests from the module
// root, so that they name the recipes as the README does (deploy/…, Dockerfile).
func TestMain(m *testing.M) { testkit.MainWithBinary(m, &headprobe) }

// parseCommandLine runs args (args[0] is the program) through cli.Parse with environ as the
// whole environment: flags and environment are read exactly as in a real run, but nothing is
// probed. Help and version (cli.ErrNoCheck) are errors here.
func parseCommandLine(args []string, environ map[string]string) (*cli.Plan, error) {
	var kv []string
	for k, v := range environ {
		kv = append(kv, k+"="+v)
	}
	return cli.Parse(args, kv)
}

// unknownEnvVars are the HEADPROBE_* names that no flag reads: urfave/cli would silently ignore them.
func unknownEnvVars(environ map[string]string) []string {
	var unknown []string
	for k := range environ {
		if strings.HasPrefix(k, envPrefix) && !slices.Contains(config.EnvVars(), k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

// dockerStage is one FROM … of a Dockerfile.
type dockerStage struct {
	image, name  string
	instructions [][2]string // instruction (upper case), rest of the line
}

// parseDockerfile splits a Dockerfile into stages, joining continued lines and dropping comments.
func parseDockerfile(data []byte) ([]dockerStage, error) {
	var stages []dockerStage
	var logical []string
	var cur strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
			continue
		}
		cur.WriteString(trimmed)
		logical = append(logical, cur.String())
		cur.Reset()
	}
	for _, line := range logical {
		instr, rest, _ := strings.Cut(line, " ")
		instr, rest = strings.ToUpper(instr), strings.TrimSpace(rest)
		if instr == "FROM" {
			var fields []string
			for _, f := range strings.Fields(rest) {
				if !strings.HasPrefix(f, "--") {
					fields = append(fields, f)
				}
			}
			s := dockerStage{image: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				s.name = fields[2]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			if instr == "ARG" {
				continue
			}
			return nil, fmt.Errorf("%s before the first FROM", instr)
		}
		s := &stages[len(stages)-1]
		s.instructions = append(s.instructions, [2]string{instr, rest})
	}
	if len(stages) == 0 {
		return nil, errors.New("no FROM")
	}
	return stages, nil
}

// dockerImage is what the Dockerfile promises about the image.
type dockerImage struct {
	binary string // absolute path of headprobe in the final image
}

// checkDockerfile returns the image's promises and what is wrong with the Dockerfile.
func checkDockerfile(data []byte, goDirective string) (dockerImage, []string) {
	var img dockerImage
	stages, err := parseDockerfile(data)
	if err != nil {
		return img, []string{err.Error()}
	}
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	if len(stages) < 2 {
		bad("want a multi-stage build (builder + final), have %d stage(s)", len(stages))
		return img, problems
	}
	builder, final := stages[0], stages[len(stages)-1]

	// The builder: an official Go image at least as new as go.mod's go directive.
	repo, tag, _ := strings.Cut(builder.image, ":")
	if repo != "golang" && repo != "docker.io/library/golang" {
		bad("builder image %q: want the official golang image", builder.image)
	} else if want := regexp.MustCompile(`^\d+\.\d+`).FindString(goDirective); !versionAtLeast(regexp.MustCompile(`^\d+\.\d+`).FindString(tag), want) {
		bad("builder image %q is older than go.mod's go %s", builder.image, goDirective)
	}
	out := ""
	for _, in := range builder.instructions {
		if in[0] != "RUN" || !strings.Contains(in[1], "go build") {
			continue
		}
		run := in[1]
		if !regexp.MustCompile(`(^|\s)CGO_ENABLED=0\s`).MatchString(run) && !stageEnv(builder, "CGO_ENABLED", "0") {
			bad("go build without CGO_ENABLED=0: the binary must be static for distroless/static")
		}
		if !strings.Contains(run, "-trimpath") {
			bad("go build without -trimpath")
		}
		if !regexp.MustCompile(`-ldflags=["']-s -w[ "']`).MatchString(run) {
			bad("go build without -ldflags='-s -w'")
		}
		if !strings.Contains(run, "internal/cli.version=$VERSION") {
			bad("go build does not stamp the version (-X …/internal/cli.version=$VERSION)")
		}
		if m := regexp.MustCompile(`\s-o\s+(\S+)`).FindStringSubmatch(run); m != nil {
			out = m[1]
		}
	}
	if out == "" {
		bad("no `go build … -o FILE` in the builder stage")
	}

	// The final image: distroless static, nonroot, the binary at a fixed absolute path.
	if !strings.HasPrefix(final.image, "gcr.io/distroless/static") || !strings.Contains(final.image, ":nonroot") {
		bad("final image %q: want gcr.io/distroless/static…:nonroot", final.image)
	}
	var user string
	var entrypoint []string
	for _, in := range final.instructions {
		switch in[0] {
		case "COPY":
			f := strings.Fields(in[1])
			if len(f) == 3 && f[0] == "--from="+builder.name && builder.name != "" && f[1] == out {
				img.binary = f[2]
			}
		case "USER":
			user = in[1]
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(in[1]), &entrypoint); err != nil {
				bad("ENTRYPOINT %s: want the exec (JSON) form, so signals reach headprobe", in[1])
			}
		case "RUN":
			bad("RUN in the final stage: distroless has no shell")
		}
	}
	if img.binary == "" {
		bad("the final stage does not COPY --from=%s %s to the image", builder.name, out)
	} else if !path.IsAbs(img.binary) || path.Base(img.binary) != "headprobe" {
		bad("binary at %q: want an absolute path ending in /headprobe", img.binary)
	}
	if user != "nonroot:nonroot" && user != "65532:65532" {
		bad("USER %q: want nonroot:nonroot", user)
	}
	if len(entrypoint) != 1 || entrypoint[0] != img.binary {
		bad("ENTRYPOINT %q: want [%q]", entrypoint, img.binary)
	}
	return img, problems
}

// stageEnv is true when the stage sets ENV name=value.
func stageEnv(s dockerStage, name, value string) bool {
	for _, in := range s.instructions {
		if in[0] == "ENV" && slices.Contains(strings.Fields(in[1]), name+"="+value) {
			return true
		}
	}
	return false
}

// versionAtLeast compares "major.minor" versions.
func versionAtLeast(have, want string) bool {
	h, w := strings.SplitN(have, ".", 2), strings.SplitN(want, ".", 2)
	if len(h) != 2 || len(w) != 2 {
		return false
	}
	hm, _ := strconv.Atoi(h[0])
	hn, _ := strconv.Atoi(h[1])
	wm, _ := strconv.Atoi(w[0])
	wn, _ := strconv.Atoi(w[1])
	return hm > wm || hm == wm && hn >= wn
}

// goDirective is go.mod's go version.
func goDirective(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^go\s+(\S+)`).FindSubmatch(testkit.MustRead(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	return string(m[1])
}

// dockerBinary is the path of headprobe in the image the Dockerfile builds.
func dockerBinary(t *testing.T) string {
	t.Helper()
	img, problems := checkDockerfile(testkit.MustRead(t, "Dockerfile"), goDirective(t))
	if img.binary == "" {
		t.Fatalf("Dockerfile: %v", problems)
	}
	return img.binary
}

func TestDockerfile(t *testing.T) {
	t.Log("the image is not built here (no Docker engine); this checks the Dockerfile's text")
	img, problems := checkDockerfile(testkit.MustRead(t, "Dockerfile"), goDirective(t))
	for _, p := range problems {
		t.Error("Dockerfile: " + p)
	}
	if img.binary != "/usr/local/bin/headprobe" {
		t.Errorf("binary at %q, want /usr/local/bin/headprobe (the path the recipes use)", img.binary)
	}
}

func TestDockerfile_CheckCatchesMistakes(t *testing.T) {
	good := string(testkit.MustRead(t, "Dockerfile"))
	for _, m := range [][2]string{
		{"CGO_ENABLED=0 ", ""},
		{"-trimpath", ""},
		{"-s -w -X", "-X"},
		{"internal/cli.version=$VERSION", "internal/cli.nothing=$VERSION"},
		{"gcr.io/distroless/static-debian12:nonroot", "gcr.io/distroless/base-debian12:nonroot"},
		{"static-debian12:nonroot", "static-debian12:latest"},
		{"USER nonroot:nonroot", "USER root"},
		{`ENTRYPOINT ["/usr/local/bin/headprobe"]`, `ENTRYPOINT /usr/local/bin/headprobe`},
		{"COPY --from=build /out/headprobe /usr/local/bin/headprobe", "COPY --from=build /out/headprobe /headprobe"},
		{"golang:1.26-bookworm", "golang:1.21-bookworm"},
	} {
		if !strings.Contains(good, m[0]) {
			t.Errorf("mutation %q no longer applies to the Dockerfile: update this test", m[0])
			continue
		}
		if _, problems := checkDockerfile([]byte(strings.Replace(good, m[0], m[1], 1)), goDirective(t)); len(problems) == 0 {
			t.Errorf("replacing %q by %q in the Dockerfile went unnoticed", m[0], m[1])
		}
	}
}

// dockerignoreExcludes is whether the .dockerignore patterns keep file (slash-separated, relative
// to the context root) out of the build context: the last matching pattern wins, and a file is
// out when it or one of its parent directories matches an exclusion.
func dockerignoreExcludes(patterns []string, file string) bool {
	excluded := false
	for _, p := range patterns {
		negate := strings.HasPrefix(p, "!")
		p = path.Clean(strings.TrimPrefix(strings.TrimPrefix(p, "!"), "/"))
		re := regexp.MustCompile("^" + globToRegexp(p) + "$")
		for dir := file; dir != "." && dir != "/"; dir = path.Dir(dir) {
			if re.MatchString(dir) {
				excluded = !negate
				break
			}
		}
	}
	return excluded
}

// globToRegexp translates a .dockerignore pattern (Go filepath.Match syntax plus **) to a regexp.
func globToRegexp(glob string) string {
	var b strings.Builder
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; {
		case strings.HasPrefix(glob[i:], "**/"):
			b.WriteString("(.*/)?")
			i += 2
		case strings.HasPrefix(glob[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

func TestDockerignore_KeepsWhatTheBuildNeeds(t *testing.T) {
	var patterns []string
	for _, line := range strings.Split(string(testkit.MustRead(t, ".dockerignore")), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	for _, f := range []string{".git", ".git/config", "headprobe", "main_test.go", "rpc/client_test.go", "testdata/x", "deploy/systemd/headprobe.service"} {
		if !dockerignoreExcludes(patterns, f) {
			t.Errorf(".dockerignore lets %s into the build context", f)
		}
	}
	if dockerignoreExcludes([]string{"**/*_test.go", "!keep_test.go"}, "keep_test.go") || !dockerignoreExcludes([]string{"**/testdata"}, "rpc/testdata/a.json") {
		t.Fatal("dockerignoreExcludes is wrong")
	}

	// What `CGO_ENABLED=0 go build .` reads: go.mod, go.sum and this module's packages' files.
	const tmpl = `{{if .Module}}{{if eq .Module.Path "github.com/headprobe/headprobe"}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{range .EmbedFiles}} {{.}}{{end}}{{"\n"}}{{end}}{{end}}`
	cmd := exec.Command("go", "list", "-deps", "-f", tmpl, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	needed := []string{"go.mod", "go.sum"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		rel, err := filepath.Rel(root, f[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range f[1:] {
			needed = append(needed, filepath.ToSlash(filepath.Join(rel, name)))
		}
	}
	if len(needed) < 4 {
		t.Fatalf("go list found too few files: %q", needed)
	}
	for _, f := range needed {
		if dockerignoreExcludes(patterns, f) {
			t.Errorf(".dockerignore excludes %s, which the build needs", f)
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

type k8sDoc struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Replicas    int              `yaml:"replicas"`    // a Deployment, StatefulSet
		ServiceName string           `yaml:"serviceName"` // a StatefulSet's headless Service
		podSpec     `yaml:",inline"` // a Pod
		Template    struct {         // a Deployment, StatefulSet, DaemonSet, Job
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
		JobTemplate struct { // a CronJob
			Spec struct {
				Template struct {
					Spec podSpec `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		} `yaml:"jobTemplate"`
	} `yaml:"spec"`
}

type podSpec struct {
	Containers     []k8sContainer `yaml:"containers"`
	InitContainers []k8sContainer `yaml:"initContainers"`
	Volumes        []struct {
		Name   string `yaml:"name"`
		Secret *struct {
			DefaultMode *int `yaml:"defaultMode"`
			Items       []struct {
				Key  string `yaml:"key"`
				Path string `yaml:"path"`
				Mode *int   `yaml:"mode"`
			} `yaml:"items"`
		} `yaml:"secret"`
	} `yaml:"volumes"`
}

type k8sContainer struct {
	Name          string   `yaml:"name"`
	Image         string   `yaml:"image"`
	Command       []string `yaml:"command"`
	Args          []string `yaml:"args"`
	RestartPolicy string   `yaml:"restartPolicy"`
	Ports         []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom any    `yaml:"valueFrom"`
	} `yaml:"env"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	StartupProbe   *k8sProbe `yaml:"startupProbe"`
}

type k8sProbe struct {
	Exec *struct {
		Command []string `yaml:"command"`
	} `yaml:"exec"`
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"` // a number or a port name
	} `yaml:"httpGet"`
	TimeoutSeconds   *int `yaml:"timeoutSeconds"`
	PeriodSeconds    *int `yaml:"periodSeconds"`
	FailureThreshold *int `yaml:"failureThreshold"`
	SuccessThreshold *int `yaml:"successThreshold"`
}

// pods are the pod specs of a document, whatever its kind.
func (d k8sDoc) pods() []podSpec {
	var pods []podSpec
	for _, p := range []podSpec{d.Spec.podSpec, d.Spec.Template.Spec, d.Spec.JobTemplate.Spec.Template.Spec} {
		if len(p.Containers) > 0 {
			pods = append(pods, p)
		}
	}
	return pods
}

// parseKubernetes reads every YAML document of a file.
func parseKubernetes(data []byte) ([]k8sDoc, error) {
	var docs []k8sDoc
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var d k8sDoc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if d.Kind != "" {
			docs = append(docs, d)
		}
	}
}

// secretMode is the file mode of path in the container when it lies in a mounted Secret.
func secretMode(pod podSpec, c k8sContainer, file string) (os.FileMode, bool) {
	for _, m := range c.VolumeMounts {
		rel, err := filepath.Rel(m.MountPath, file)
		if err != nil || strings.HasPrefix(rel, "..") || rel == "." {
			continue
		}
		for _, v := range pod.Volumes {
			if v.Name != m.Name || v.Secret == nil {
				continue
			}
			mode := 0o644 // Kubernetes' default
			if v.Secret.DefaultMode != nil {
				mode = *v.Secret.DefaultMode
			}
			if len(v.Secret.Items) == 0 {
				return os.FileMode(mode), true
			}
			for _, it := range v.Secret.Items {
				if it.Path == rel {
					if it.Mode != nil {
						mode = *it.Mode
					}
					return os.FileMode(mode), true
				}
			}
		}
	}
	return 0, false
}

// probeUse is what a recipe's probe or command may do.
type probeUse struct {
	kind  string       // livenessProbe, readinessProbe, startupProbe, or "" for a command line
	modes []check.Mode // acceptable commands
	probe *k8sProbe    // nil for a command line
	args  []string     // the command line
	env   map[string]string
}

// kubernetesProblems checks every exec probe of the documents; probes counts them by kind and command.
func kubernetesProblems(t *testing.T, docs []k8sDoc, binary string) (problems []string, probes map[string]int) {
	t.Helper()
	probes = map[string]int{}
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	dir := t.TempDir()
	for _, d := range docs {
		for _, pod := range d.pods() {
			for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
				where := fmt.Sprintf("%s/%s container %s", d.Kind, d.Metadata.Name, c.Name)
				environ := map[string]string{}
				for _, e := range c.Env {
					if e.ValueFrom == nil {
						environ[e.Name] = e.Value
					}
				}
				if u := unknownEnvVars(environ); len(u) > 0 {
					bad("%s: env %v is no headprobe flag's variable (silently ignored)", where, u)
				}
				// The secret files live in the test's temporary directory, with the Secret's mode.
				secrets := map[string]string{}
				substitute := func(v string) string {
					if !path.IsAbs(v) {
						return v
					}
					mode, ok := secretMode(pod, c, v)
					if !ok {
						return v
					}
					if secrets[v] == "" {
						secrets[v] = filepath.Join(dir, fmt.Sprint(len(secrets)), path.Base(v))
						testkit.WriteSecret(t, secrets[v], mode)
					}
					return secrets[v]
				}
				for k, v := range environ {
					environ[k] = substitute(v)
				}
				var uses []probeUse
				for _, p := range []struct {
					kind  string
					probe *k8sProbe
					modes []check.Mode
				}{
					{"livenessProbe", c.LivenessProbe, []check.Mode{check.Live}},
					{"readinessProbe", c.ReadinessProbe, []check.Mode{check.Ready}},
					{"startupProbe", c.StartupProbe, []check.Mode{check.Live, check.Ready}},
				} {
					if p.probe == nil || p.probe.Exec == nil || len(p.probe.Exec.Command) == 0 || path.Base(p.probe.Exec.Command[0]) != "headprobe" {
						continue
					}
					uses = append(uses, probeUse{kind: p.kind, modes: p.modes, probe: p.probe, args: p.probe.Exec.Command, env: environ})
				}
				// What `kubectl exec … -- headprobe` runs: the health command, with the container's env.
				if environ[envL2] != "" {
					uses = append(uses, probeUse{modes: []check.Mode{check.Health}, args: []string{"headprobe"}, env: environ})
				}
				for _, u := range uses {
					what := fmt.Sprintf("%s %s %q", where, u.kind, u.args)
					if u.kind == "" {
						what = fmt.Sprintf("%s `kubectl exec -- headprobe`", where)
					}
					args := slices.Clone(u.args)
					for i, a := range args[1:] {
						if name, value, ok := strings.Cut(a, "="); ok && strings.HasPrefix(name, "-") {
							args[i+1] = name + "=" + substitute(value)
						} else {
							args[i+1] = substitute(a)
						}
					}
					if args[0] != "headprobe" && args[0] != binary {
						bad("%s: runs %s, but the image has headprobe at %s", what, args[0], binary)
					}
					p, err := parseCommandLine(args, u.env)
					if err != nil {
						bad("%s: %v", what, err)
						continue
					}
					probes[u.kind+" "+p.Mode.String()]++
					if !slices.Contains(u.modes, p.Mode) {
						bad("%s: runs %s, want %v", what, p.Mode, u.modes)
					}
					if len(p.Warnings) > 0 {
						bad("%s: warnings %q", what, p.Warnings)
					}
					for _, s := range p.SecretFiles {
						if !strings.HasPrefix(s, dir) {
							bad("%s: JWT secret %s is not in a mounted Secret", what, s)
						}
					}
					if u.kind == "" {
						if environ[envBuilder] != "" && !p.Builder {
							bad("%s: HEADPROBE_BUILDER is set but the builder is not judged", what)
						}
						continue
					}
					problems = append(problems, probeTimingProblems(what, u.kind, u.probe, p)...)
				}
			}
		}
	}
	return problems, probes
}

// probeTimingProblems checks a probe's numbers against the parsed configuration: Kubernetes does
// not kill an exec probe that outlives timeoutSeconds, so the kubelet must wait for headprobe's
// own bound, interval + timeout (+50 ms), rounded up, plus a second.
func probeTimingProblems(what, kind string, p *k8sProbe, cfg *cli.Plan) []string {
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(what+": "+format, a...)) }
	if p.TimeoutSeconds == nil || p.PeriodSeconds == nil || p.FailureThreshold == nil {
		bad("timeoutSeconds, periodSeconds and failureThreshold must be given (the defaults are 1 s, 10 s and 3)")
		return problems
	}
	need := int(math.Ceil((cfg.Check.Interval + cfg.Timeout).Seconds())) + 1
	if *p.TimeoutSeconds < need {
		bad("timeoutSeconds %d < interval %s + timeout %s + 1 s = %d", *p.TimeoutSeconds, cfg.Check.Interval, cfg.Timeout, need)
	}
	if *p.PeriodSeconds < *p.TimeoutSeconds {
		bad("periodSeconds %d < timeoutSeconds %d: probes would run back to back", *p.PeriodSeconds, *p.TimeoutSeconds)
	}
	if *p.FailureThreshold < 1 {
		bad("failureThreshold %d < 1", *p.FailureThreshold)
	}
	switch kind {
	case "livenessProbe":
		if *p.FailureThreshold < 2 {
			bad("failureThreshold %d: one slow answer must not restart the container", *p.FailureThreshold)
		}
	case "startupProbe":
		if *p.FailureThreshold**p.PeriodSeconds < 60 {
			bad("failureThreshold × periodSeconds = %d s: give the client at least a minute to start", *p.FailureThreshold**p.PeriodSeconds)
		}
	}
	if p.SuccessThreshold != nil && *p.SuccessThreshold != 1 && kind != "readinessProbe" {
		bad("successThreshold %d: Kubernetes requires 1 for %s", *p.SuccessThreshold, kind)
	}
	return problems
}

// kubernetesFiles are the YAML files under deploy/kubernetes.
func kubernetesFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join("deploy", "kubernetes"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no YAML under deploy/kubernetes: %v", err)
	}
	return files
}

func TestKubernetesProbes_ParseAndFitTheirTimeouts(t *testing.T) {
	binary := dockerBinary(t)
	total := map[string]int{}
	for _, f := range kubernetesFiles(t) {
		docs, err := parseKubernetes(testkit.MustRead(t, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		problems, probes := kubernetesProblems(t, docs, binary)
		for _, p := range problems {
			t.Errorf("%s: %s", f, p)
		}
		for k, n := range probes {
			total[k] += n
		}
	}
	t.Logf("checked: %v", total)
	for _, want := range []string{"livenessProbe live", "readinessProbe ready", " health"} {
		if total[want] == 0 {
			t.Errorf("no %q in deploy/kubernetes", strings.TrimSpace(want))
		}
	}
	if total["startupProbe live"]+total["startupProbe ready"] == 0 {
		t.Error("no startupProbe in deploy/kubernetes")
	}
}

func TestKubernetesProbes_CheckCatchesMistakes(t *testing.T) {
	binary := dockerBinary(t)
	file := filepath.Join("deploy", "kubernetes", "sequencer-probes.yaml")
	good := string(testkit.MustRead(t, file))
	for _, m := range [][2]string{
		{`"ready", "--interval", "3s"`, `"ready", "--intervall", "3s"`},       // unknown flag
		{`"ready", "--interval", "3s"`, `"ready", "--interval", "3 s"`},       // bad value
		{`"ready", "--interval", "3s"`, `"ready", "--interval", "5s"`},        // timeoutSeconds too short
		{`"ready", "--interval", "3s"`, `"live", "--interval", "3s"`},         // wrong command for readiness
		{`"ready", "--interval", "3s"`, `"ready", "--interval", "3s", "now"`}, // stray argument
		{`command: ["/usr/local/bin/headprobe", "live"]`, `command: ["/usr/bin/headprobe", "live"]`},
		{"livenessProbe:\n            exec:\n              command: [\"/usr/local/bin/headprobe\", \"live\"]", "livenessProbe:\n            exec:\n              command: [\"/usr/local/bin/headprobe\", \"ready\"]"},
		{`value: "1s"`, `value: "1 second"`},
		{"HEADPROBE_MAX_UNSAFE_INTERVAL", "HEADPROBE_MAX_UNSAFE_INTERVALL"},
		{"value: http://127.0.0.1:8551", "value: 127.0.0.1:8551"},
		{"value: /secrets/jwt.hex", "value: /data/jwt.hex"},
		{"defaultMode: 0440", "defaultMode: 0444"},
		{"timeoutSeconds: 2", "timeoutSeconds: 1"},
		{"failureThreshold: 90", "failureThreshold: 1"},
		{"--l2-jwt-secret=/secrets/builder-jwt.hex", "--l2-jwt-secret=/builder-data/jwt.hex"},
	} {
		if !strings.Contains(good, m[0]) {
			t.Errorf("mutation %q no longer applies to %s: update this test", m[0], file)
			continue
		}
		docs, err := parseKubernetes([]byte(strings.Replace(good, m[0], m[1], 1)))
		if err != nil {
			t.Fatalf("mutation %q: %v", m[1], err)
		}
		if problems, _ := kubernetesProblems(t, docs, binary); len(problems) == 0 {
			t.Errorf("replacing %q by %q in %s went unnoticed", m[0], m[1], file)
		} else {
			t.Logf("%q → %q: %s", m[0], m[1], problems[0])
		}
	}
}

// ---------------------------------------------------------------------------------------------
// systemd and cron

// unit is a parsed systemd unit file: section → key → values, in order.
type unit map[string]map[string][]string

func parseUnit(data []byte) (unit, error) {
	u := unit{}
	section := ""
	var pending string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if pending != "" {
			line, pending = pending+" "+line, ""
		}
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			pending = strings.TrimSuffix(line, `\`)
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section == "" {
			return nil, fmt.Errorf("line %d: %q is no key=value in a section", n, line)
		}
		u[section][strings.TrimSpace(k)] = append(u[section][strings.TrimSpace(k)], strings.TrimSpace(v))
	}
	return u, sc.Err()
}

// last is the effective value of a key (the last assignment), or "".
func (u unit) last(section, key string) string {
	v := u[section][key]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// splitWords splits a command line or an Environment= value at blanks, honouring double and
// single quotes (systemd's and the shell's common subset).
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// systemdBool is a systemd boolean's value.
func systemdBool(v string) bool {
	switch strings.ToLower(v) {
	case "1", "yes", "y", "true", "t", "on":
		return true
	}
	return false
}

// systemdSpan parses a systemd time span such as 30s, 1min 30s or 30 (seconds).
func systemdSpan(v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	r := strings.NewReplacer(" ", "", "min", "m", "sec", "s", "msec", "ms")
	return time.ParseDuration(r.Replace(v))
}

// serviceProblems checks headprobe.service.
func serviceProblems(t *testing.T, u unit, binary string) (problems []string) {
	t.Helper()
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	svc := u["Service"]
	if svc == nil {
		return []string{"no [Service] section"}
	}
	if v := u.last("Service", "Type"); v != "oneshot" {
		bad("Type=%s, want oneshot", v)
	}

	// The environment: Environment= with the credentials directory (%d) in a temporary directory.
	creds := t.TempDir()
	for _, lc := range svc["LoadCredential"] {
		name, _, _ := strings.Cut(lc, ":")
		testkit.WriteSecret(t, filepath.Join(creds, name), 0o400) // systemd's mode for credentials
	}
	environ := map[string]string{}
	for _, e := range svc["Environment"] {
		words, err := splitWords(e)
		if err != nil {
			bad("Environment=%s: %v", e, err)
			continue
		}
		for _, w := range words {
			k, v, ok := strings.Cut(w, "=")
			if !ok {
				bad("Environment=%s: %q is no NAME=value", e, w)
				continue
			}
			environ[k] = strings.ReplaceAll(strings.ReplaceAll(v, "%d", creds), "%%", "%")
		}
	}
	if u := unknownEnvVars(environ); len(u) > 0 {
		bad("Environment= %v is no headprobe flag's variable (silently ignored)", u)
	}
	for k, v := range environ {
		if strings.Contains(v, "%") {
			bad("Environment=%s=%s: a specifier this test does not expand", k, v)
		}
	}

	// Only unknown (3) fails the unit: partial and unavailable are answers, in the textfile.
	var success []string
	for _, v := range svc["SuccessExitStatus"] {
		success = append(success, strings.Fields(v)...)
	}
	if !slices.Contains(success, "1") || !slices.Contains(success, "2") || slices.Contains(success, "3") {
		bad("SuccessExitStatus=%v: want 1 and 2 (partial, unavailable), never 3 (unknown)", success)
	}

	// Hardening.
	for _, k := range []string{"NoNewPrivileges", "PrivateTmp"} {
		if !systemdBool(u.last("Service", k)) {
			bad("%s=%q, want yes", k, u.last("Service", k))
		}
	}
	if v := u.last("Service", "ProtectSystem"); v != "strict" {
		bad("ProtectSystem=%q, want strict", v)
	}
	if user := u.last("Service", "User"); !systemdBool(u.last("Service", "DynamicUser")) && (user == "" || user == "root" || user == "0") {
		bad("runs as root: want DynamicUser=yes or a dedicated User=")
	}
	var writable []string
	for _, v := range svc["ReadWritePaths"] {
		writable = append(writable, strings.Fields(v)...)
	}

	// ExecStart, through headprobe's parser.
	if len(svc["ExecStart"]) != 1 {
		bad("want exactly one ExecStart=, have %d", len(svc["ExecStart"]))
		return problems
	}
	args, err := splitWords(svc["ExecStart"][0])
	if err != nil || len(args) == 0 {
		bad("ExecStart=%s: %v", svc["ExecStart"][0], err)
		return problems
	}
	if strings.ContainsAny(args[0][:1], "-@+!:") {
		bad("ExecStart=%s: no prefixes: they ignore failures or bypass the hardening", svc["ExecStart"][0])
	}
	if args[0] != binary {
		bad("ExecStart runs %s, want %s (the path the image and the other recipes use)", args[0], binary)
	}
	if strings.Contains(svc["ExecStart"][0], "$") || strings.Contains(svc["ExecStart"][0], "%") {
		bad("ExecStart=%s: $ and %% expansions are not checked here; use Environment=", svc["ExecStart"][0])
	}
	p, err := parseCommandLine(args, environ)
	if err != nil {
		bad("ExecStart: %v", err)
		return problems
	}
	if p.Mode != check.Health {
		bad("ExecStart runs %s, want health (the textfile carries L2 and builder)", p.Mode)
	}
	if len(p.Warnings) > 0 {
		bad("ExecStart: warnings %q", p.Warnings)
	}
	for _, s := range p.SecretFiles {
		if !strings.HasPrefix(s, creds) {
			bad("JWT secret %s: want it from LoadCredential= (%%d/…), readable by the unit alone", s)
		}
	}
	if p.Textfile == "" {
		bad("ExecStart has no --textfile")
	} else if !slices.ContainsFunc(writable, func(w string) bool {
		rel, err := filepath.Rel(w, filepath.Dir(p.Textfile))
		return err == nil && !strings.HasPrefix(rel, "..")
	}) {
		bad("--textfile %s is not under ReadWritePaths=%v: ProtectSystem=strict would refuse it", p.Textfile, writable)
	}
	bound := int(math.Ceil((p.Check.Interval + p.Timeout).Seconds())) + 1
	if span, err := systemdSpan(u.last("Service", "TimeoutStartSec")); err != nil || span < time.Duration(bound)*time.Second {
		bad("TimeoutStartSec=%q: want at least interval + timeout + 1 s = %d s", u.last("Service", "TimeoutStartSec"), bound)
	}
	return problems
}

func TestSystemdService(t *testing.T) {
	u, err := parseUnit(testkit.MustRead(t, filepath.Join("deploy", "systemd", "headprobe.service")))
	if err != nil {
		t.Fatal(err)
	}
	problems := serviceProblems(t, u, dockerBinary(t))
	for _, p := range problems {
		t.Error("headprobe.service: " + p)
	}
}

func TestSystemdService_CheckCatchesMistakes(t *testing.T) {
	file := filepath.Join("deploy", "systemd", "headprobe.service")
	good := string(testkit.MustRead(t, file))
	for _, m := range [][2]string{
		{"ExecStart=/usr/local/bin/headprobe health", "ExecStart=/usr/local/bin/headprobe ready"},
		{"ExecStart=/usr/local/bin/headprobe health", "ExecStart=/usr/local/bin/headprobe health --timout 2s"},
		{"ExecStart=/usr/local/bin/headprobe health", "ExecStart=-/usr/local/bin/headprobe health"},
		{"headprobe.prom", "headprobe.txt"},
		{"ReadWritePaths=/var/lib/node_exporter/textfile_collector", "ReadWritePaths=/var/lib/node_exporter/other"},
		{"Environment=HEADPROBE_TIMEOUT=1s", `Environment="HEADPROBE_TIMEOUT=1 second"`},
		{"HEADPROBE_TIMEOUT=1s", "HEADPROBE_TIMEOUT=40s"}, // longer than TimeoutStartSec
		{"HEADPROBE_MAX_UNSAFE_INTERVAL", "HEADPROBE_MAX_UNSAFE"},
		{"HEADPROBE_L2_JWT_SECRET=%d/jwt.hex", "HEADPROBE_L2_JWT_SECRET=%d/other.hex"},
		{"SuccessExitStatus=1 2", "SuccessExitStatus=1"},
		{"ProtectSystem=strict", "ProtectSystem=full"},
		{"NoNewPrivileges=yes", "NoNewPrivileges=no"},
		{"Type=oneshot", "Type=simple"},
		{"User=headprobe", "User=root"},
	} {
		if !strings.Contains(good, m[0]) {
			t.Errorf("mutation %q no longer applies to %s: update this test", m[0], file)
			continue
		}
		u, err := parseUnit([]byte(strings.Replace(good, m[0], m[1], 1)))
		if err != nil {
			t.Fatal(err)
		}
		if problems := serviceProblems(t, u, "/usr/local/bin/headprobe"); len(problems) == 0 {
			t.Errorf("replacing %q by %q in %s went unnoticed", m[0], m[1], file)
		} else {
			t.Logf("%q → %q: %s", m[0], m[1], problems[0])
		}
	}
}

func TestSystemdTimer_Every15Seconds(t *testing.T) {
	u, err := parseUnit(testkit.MustRead(t, filepath.Join("deploy", "systemd", "headprobe.timer")))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"OnBootSec": "15s", "OnUnitActiveSec": "15s", "AccuracySec": "1s"} {
		got, err := systemdSpan(u.last("Timer", k))
		if w, _ := systemdSpan(want); err != nil || got != w {
			t.Errorf("%s=%q, want %s", k, u.last("Timer", k), want)
		}
	}
	if v := u.last("Timer", "Unit"); v != "" && v != "headprobe.service" {
		t.Errorf("Unit=%s, want headprobe.service", v)
	}
	if v := u.last("Install", "WantedBy"); v != "timers.target" {
		t.Errorf("WantedBy=%q, want timers.target", v)
	}
}

// TestSystemdAnalyzeVerify lets systemd itself read the units, with a stand-in for the binary
// (verify refuses a missing executable).
func TestSystemdAnalyzeVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	stand, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true(1) to stand in for headprobe")
	}
	dir := t.TempDir()
	for _, name := range []string{"headprobe.service", "headprobe.timer"} {
		data := strings.ReplaceAll(string(testkit.MustRead(t, filepath.Join("deploy", "systemd", name))), "ExecStart=/usr/local/bin/headprobe", "ExecStart="+stand)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(analyze, "verify", filepath.Join(dir, "headprobe.service"), filepath.Join(dir, "headprobe.timer"))
	out, err := cmd.CombinedOutput()
	var mine []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, dir) || strings.Contains(line, "headprobe") {
			mine = append(mine, line)
		}
	}
	if len(mine) > 0 {
		t.Errorf("systemd-analyze verify:\n%s", strings.Join(mine, "\n"))
	} else if err != nil {
		t.Skipf("systemd-analyze verify cannot run here: %v\n%s", err, out)
	}
}

// readmeSection is the README's "## Deploy" section, up to the next second-level heading.
func readmeSection(t *testing.T) string {
	t.Helper()
	text := string(testkit.MustRead(t, "README.md"))
	start := strings.Index(text, "\n## Deploy\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Deploy" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+4]
	}
	return section
}

// fencedBlocks are the contents of the README section's ```lang blocks.
func fencedBlocks(text, lang string) []string {
	var blocks []string
	for _, m := range regexp.MustCompile("(?ms)^```"+regexp.QuoteMeta(lang)+"\\s*\n(.*?)^```").FindAllStringSubmatch(text, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

func TestDeployCronLine(t *testing.T) {
	blocks := fencedBlocks(readmeSection(t), "crontab")
	if len(blocks) != 1 {
		t.Fatalf("want one ```crontab block in the README's Deploy section, have %d", len(blocks))
	}
	dir := t.TempDir()
	environ := map[string]string{}
	var lines int
	for _, line := range strings.Split(blocks[0], "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && !strings.ContainsAny(k, " \t") {
			environ[k] = v
			continue
		}
		lines++
		f := strings.Fields(line)
		if len(f) < 6 || strings.Join(f[:5], " ") != "* * * * *" {
			t.Errorf("cron line %q: want every minute (* * * * *)", line)
			continue
		}
		if strings.Contains(line, "%") {
			t.Errorf("cron line %q: cron turns %% into a newline", line)
		}
		for _, k := range []string{envL2Secret, envBuilderSecret} {
			if environ[k] != "" {
				environ[k] = filepath.Join(dir, k)
				testkit.WriteSecret(t, environ[k], 0o600)
			}
		}
		if u := unknownEnvVars(environ); len(u) > 0 {
			t.Errorf("crontab sets %v, which no headprobe flag reads", u)
		}
		args := f[5:]
		if args[0] != "/usr/local/bin/headprobe" {
			t.Errorf("cron runs %s: cron's PATH is /usr/bin:/bin, want /usr/local/bin/headprobe", args[0])
		}
		p, err := parseCommandLine(args, environ)
		if err != nil {
			t.Errorf("cron line %q: %v", line, err)
			continue
		}
		if p.Mode != check.Health || !p.Quiet || !strings.HasSuffix(p.Textfile, ".prom") {
			t.Errorf("cron line %q: want health -q --textfile ….prom (cron mails any output)", line)
		}
	}
	if lines != 1 {
		t.Errorf("want one cron line, have %d", lines)
	}
}

func TestDeployReadmeSection_ExamplesParse(t *testing.T) {
	text := readmeSection(t)
	var files []string
	filepath.WalkDir("deploy", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, "_test.go") { // the recipes, not their tests
			files = append(files, filepath.ToSlash(p))
		}
		return err
	})
	for _, f := range append(files, "Dockerfile") {
		if !strings.Contains(text, f) {
			t.Errorf("the README's Deploy section does not mention %s", f)
		}
	}
	for _, want := range []string{"systemctl daemon-reload", "systemctl enable --now headprobe.timer", "docker build -t headprobe .", "source deploy/completion/headprobe.bash"} {
		if !strings.Contains(text, want) {
			t.Errorf("the README's Deploy section lacks %q", want)
		}
	}
	// Every `docker run … headprobe ARGS` example parses.
	runs := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "docker run ") {
			continue
		}
		f, err := splitWords(line)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.Index(f, "headprobe")
		if i < 0 {
			t.Errorf("%q: no headprobe image", line)
			continue
		}
		runs++
		args := f[i:]
		for j := 1; j < len(args); j++ { // a secret file given on the command line: a real one here
			if args[j-1] == "--"+flagL2Secret || args[j-1] == "--"+flagBuilderSecret {
				args[j] = filepath.Join(t.TempDir(), "jwt.hex")
				testkit.WriteSecret(t, args[j], 0o600)
			}
		}
		if _, err := parseCommandLine(args, nil); err != nil {
			t.Errorf("%q: %v", line, err)
		}
	}
	if runs == 0 {
		t.Error("no `docker run … headprobe …` example")
	}
}

// ---------------------------------------------------------------------------------------------
// Shell completion

// complete runs the built binary as the shell completion scripts run it.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command(headprobe, append(args, "--generate-bash-completion")...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	// Had the probe run, it would have printed a verdict (UNKNOWN: --l2 is required) and exited 3.
	if err != nil || stderr.Len() > 0 || strings.Contains(stdout.String(), "UNKNOWN") {
		t.Errorf("completing %q: %v, stdout %q, stderr %q (the probe must not run)", args, err, stdout.String(), stderr.String())
	}
	return strings.Fields(stdout.String())
}

func TestCompletion_CommandsAndFlags(t *testing.T) {
	words := complete(t)
	for _, want := range []string{"health", "ready", "live"} {
		if !slices.Contains(words, want) {
			t.Errorf("`headprobe <TAB>` offers %q, lacks %s", words, want)
		}
	}
	for _, args := range [][]string{{"health", "--l"}, {"ready", "--l"}, {"--l"}} {
		words := complete(t, args...)
		if !slices.Contains(words, "--l2") || !slices.Contains(words, "--l2-jwt-secret") {
			t.Errorf("`headprobe %s<TAB>` offers %q, want --l2 and --l2-jwt-secret", strings.Join(args, " "), words)
		}
		for _, w := range words {
			if !strings.HasPrefix(w, "--l") {
				t.Errorf("`headprobe %s<TAB>` offers %q", strings.Join(args, " "), w)
			}
		}
	}
}

func TestCompletion_ScriptsAreValid(t *testing.T) {
	for _, sh := range []struct{ shell, file string }{
		{"bash", filepath.Join("deploy", "completion", "headprobe.bash")},
		{"zsh", filepath.Join("deploy", "completion", "headprobe.zsh")},
	} {
		if !strings.Contains(string(testkit.MustRead(t, sh.file)), "--generate-bash-completion") {
			t.Errorf("%s does not ask headprobe (--generate-bash-completion)", sh.file)
		}
		bin, err := exec.LookPath(sh.shell)
		if err != nil {
			t.Logf("%s not installed: %s not syntax-checked", sh.shell, sh.file)
			continue
		}
		if out, err := exec.Command(bin, "-n", sh.file).CombinedOutput(); err != nil {
			t.Errorf("%s -n %s: %v\n%s", sh.shell, sh.file, err, out)
		}
	}
}

// offers is whether a completion offered every wanted word and nothing else of its kind: with no
// words wanted, nothing; when completing a flag, only flags with that prefix; otherwise no flags
// (commands may be added, so the rest is open).
func offers(got []string, cur string, want []string) bool {
	if len(want) == 0 || want[0] == "FILES" {
		return slices.Equal(got, want)
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	for _, g := range got {
		if strings.HasPrefix(cur, "-") != strings.HasPrefix(g, "-") || (strings.HasPrefix(cur, "-") && !strings.HasPrefix(g, cur)) {
			return false
		}
	}
	return true
}

// TestCompletion_BashScriptCompletes runs the bash completion function in a real bash, against
// the built headprobe.
func TestCompletion_BashScriptCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	script, err := filepath.Abs(filepath.Join("deploy", "completion", "headprobe.bash"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		line string // words before the one being completed, after headprobe
		cur  string
		want []string
	}{
		{"", "", []string{"health", "live", "ready"}},
		{"", "re", []string{"ready"}},
		{"health", "--l", []string{"--l2", "--l2-header", "--l2-jwt-secret"}},
		{"health --timeout 2s", "--max-u", []string{"--max-unsafe-interval"}},
		{"health --l2", "", nil}, // a flag's value: bash falls back to file names
		{"health --", "", nil},   // after --, headprobe would run the probe: no completion
	} {
		const prog = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _headprobe; printf '%s\n' "${COMPREPLY[@]}"; complete -p headprobe >&2`
		args := []string{"-c", prog, "bash", script, headprobe}
		args = append(append(args, strings.Fields(c.line)...), c.cur)
		cmd := exec.Command(bash, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("bash: %v\n%s", err, stderr.String())
		}
		if got := strings.Fields(stdout.String()); !offers(got, c.cur, c.want) {
			t.Errorf("`headprobe %s %s<TAB>` = %q, want %q", c.line, c.cur, got, c.want)
		}
		if !strings.Contains(stderr.String(), "-F _headprobe headprobe") {
			t.Errorf("the script does not register _headprobe for headprobe: %q", stderr.String())
		}
	}
}

// TestCompletion_ZshScriptCompletes runs the zsh completion function in a real zsh, with the
// completion system's _describe, _files and compdef stubbed, against the built headprobe.
func TestCompletion_ZshScriptCompletes(t *testing.T) {
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("zsh not installed")
	}
	script, err := filepath.Abs(filepath.Join("deploy", "completion", "headprobe.zsh"))
	if err != nil {
		t.Fatal(err)
	}
	const prog = `compdef() { print -u2 "compdef $*" }
_describe() { print -l -- "${(@P)2}" }
_files() { print FILES }
source "$1"; shift
words=("$@"); CURRENT=$#
_headprobe`
	for _, c := range []struct {
		line, cur string
		want      []string
	}{
		{"", "", []string{"health", "live", "ready"}},
		{"health", "--l", []string{"--l2", "--l2-header", "--l2-jwt-secret"}},
		{"health --l2", "", []string{"FILES"}},
		{"health --", "", []string{"FILES"}},
	} {
		args := append(append([]string{"-f", "-c", prog, "zsh", script, headprobe}, strings.Fields(c.line)...), c.cur)
		cmd := exec.Command(zsh, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("zsh: %v\n%s", err, stderr.String())
		}
		if got := strings.Fields(stdout.String()); !offers(got, c.cur, c.want) {
			t.Errorf("`headprobe %s %s<TAB>` = %q, want %q", c.line, c.cur, got, c.want)
		}
		if !strings.Contains(stderr.String(), "compdef _headprobe headprobe") {
			t.Errorf("the script does not register _headprobe for headprobe: %q", stderr.String())
		}
	}
}
