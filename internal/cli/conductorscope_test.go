package cli

import (
	"slices"
	"strings"
	"testing"
)

// serve's --conductor-scope: builder by default, all from the command line (before or after the
// command name) or HEADPROBE_CONDUCTOR_SCOPE, anything else refused in one line; the other
// commands ignore it, with a warning when the command line gives it.
func TestConductorScope_DefaultEnvCommandLineAndRefusal(t *testing.T) {
	file := targetsYAML(t, "targets:\n  a: {l2: http://a:1}\n  b: {l2: http://b:1}\n")
	for _, c := range []struct {
		args    []string
		environ []string
		want    string
	}{
		{hp("serve", "--l2", "http://b:1"), nil, "builder"},
		{hp("serve", "--l2", "http://b:1"), []string{"HEADPROBE_CONDUCTOR_SCOPE=all"}, "all"},
		{hp("serve", "--l2", "http://b:1", "--conductor-scope", "builder"), []string{"HEADPROBE_CONDUCTOR_SCOPE=all"}, "builder"},
		{hp("--conductor-scope", "all", "serve", "--l2", "http://b:1"), nil, "all"},
		{hp("serve", "--targets", file, "--conductor-scope", "all"), nil, "all"},
	} {
		p, err := Parse(c.args, c.environ)
		if err != nil || p.ConductorScope != c.want || len(p.Warnings) != 0 {
			t.Errorf("%q %q: %v %+v, want scope %s without warning", c.args, c.environ, err, p, c.want)
		}
	}
	for _, args := range [][]string{
		hp("serve", "--l2", "http://b:1", "--conductor-scope", "everything"),
		hp("serve", "--targets", file, "--conductor-scope", "L2"),
	} {
		_, err := Parse(args, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "--conductor-scope must be builder or all (specified: ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want a one-line refusal naming the flag", args, err)
		}
	}
	p, err := Parse(hp("--conductor-scope", "all", "health", "--l2", "http://b:1"), nil)
	if err != nil || !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.Contains(w, "--conductor-scope is for serve; health ignores it") }) || p.ConductorScope != "" {
		t.Errorf("health with --conductor-scope: %v %+v, want a warning", err, p)
	}
	if p, err := Parse(hp("health", "--l2", "http://b:1"), []string{"HEADPROBE_CONDUCTOR_SCOPE=everything"}); err != nil || len(p.Warnings) != 0 {
		t.Errorf("health with a bad HEADPROBE_CONDUCTOR_SCOPE: %v %+v, want it never parsed", err, p)
	}
}
