package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/config"
)

// TestTargetsFile_NoContentEchoed: a file that is not a targets file (a shadow file, a file of
// credentials) is refused without quoting any of its keys: a key is quoted only when it looks
// like a flag's name (lower-case letters, digits and dashes, at most 40 characters, not hex),
// anything else is "an unknown key at line N".
func TestTargetsFile_NoContentEchoed(t *testing.T) {
	const hash = "$6$rounds=5000$saltsalt$Qh3x9f2l0Aab"
	for _, c := range []struct {
		name, file string
		line       int
		want       string
		content    []string // never in the refusal
	}{
		{"shadow", "root:*:20228:0:99999:7:::\nalice:" + hash + ":20228:0:99999:7:::\n", 1, "an unknown key at line 1", []string{"root:", "20228", "alice", hash}},
		{"a credential line", "api_key: sk_live_51H8s9dKq2\ntargets:\n  a: {l2: http://a:1}\n", 1, "an unknown key at line 1", []string{"api_key", "sk_live"}},
		{"upper-case key", "API-TOKEN: x\n", 1, "an unknown key at line 1", []string{"API-TOKEN"}},
		{"hex key", "deadbeefcafebabe0123: x\n", 1, "an unknown key at line 1", []string{"deadbeef"}},
		{"long key", strings.Repeat("a", 41) + ": x\n", 1, "an unknown key at line 1", []string{strings.Repeat("a", 41)}},
		{"in a target", "targets:\n  a:\n    l2: http://a:1\n    password=hunter2: x\n", 4, "an unknown key at line 4", []string{"hunter2"}},
		{"in defaults", "defaults:\n  Secret_Token: x\ntargets:\n  a: {l2: http://a:1}\n", 2, "an unknown key at line 2", []string{"Secret_Token"}},
		{"given twice", "targets:\n  a:\n    l2: http://a:1\n  a:\n    l2: http://b:1\n", 4, "given twice", nil},
		{"a key twice, not a name", "targets:\n  a:\n    l2: http://a:1\n    labels:\n      X_Key_1: a\n      X_Key_1: b\n", 5, "the key at line 6 is given twice (first on line 5)", []string{"X_Key_1"}},
		{"bad target name", "targets:\n  \"hunter2 secret\":\n    l2: http://a:1\n", 2, "target name at line 2", []string{"hunter2"}},
		{"bad label name", "targets:\n  a:\n    l2: http://a:1\n    labels: {\"Pass Word\": x}\n", 4, "label name at line 4", []string{"Pass Word"}},
		{"a scalar", "root:x:0:0:root:/root:/bin/bash\n", 1, "not a targets file", []string{"root:", "/bin/bash"}},
		{"a list", "- hunter2\n", 1, "not a targets file", []string{"hunter2"}},
		{"unknown anchor", "targets:\n  a: {l2: *hunter2}\n", 0, "unknown anchor", []string{"hunter2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := targetsYAML(t, c.file)
			_, err := Parse(hp("health", "--targets", path), nil)
			var te *config.TargetError
			if !errors.As(err, &te) {
				t.Fatalf("%v (%T), want a *config.TargetError", err, err)
			}
			msg := err.Error()
			if te.Line != c.line || !strings.Contains(msg, c.want) {
				t.Errorf("%q (line %d): want line %d and %q", msg, te.Line, c.line, c.want)
			}
			for _, s := range c.content {
				if strings.Contains(msg, s) {
					t.Errorf("%q echoes the file's %q", msg, s)
				}
			}
			var stdout, stderr bytes.Buffer
			Run(context.Background(), hp("health", "--targets", path), &stdout, &stderr)
			for _, s := range c.content {
				if strings.Contains(stdout.String()+stderr.String(), s) {
					t.Errorf("the run's output echoes the file's %q:\n%s%s", s, stdout.String(), stderr.String())
				}
			}
		})
	}
}

// TestTargetsFile_FlagLikeKeysAreQuoted: a key that looks like a flag's name is named, as the
// README shows it.
func TestTargetsFile_FlagLikeKeysAreQuoted(t *testing.T) {
	for file, want := range map[string]string{
		"targts:\n  a: {l2: http://a:1}\n":                         `unknown section "targts"`,
		"targets:\n  a: {l2: http://a:1, timout: 1s}\n":            `key "timout": is not a flag's long name (did you mean timeout?)`,
		"targets:\n  a: {l2: http://a:1, l2: http://b:1}\n":        `"l2" is given twice`,
		"targets:\n  a: {l2: http://a:1, labels: {chain-id: x}}\n": `"chain-id" is not a Prometheus label name`,
	} {
		_, err := Parse(hp("health", "--targets", targetsYAML(t, file)), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", file, err, want)
		}
	}
}
