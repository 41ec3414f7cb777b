package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeCommands_Parse runs every `headprobe …` command of the README's sh blocks through
// headprobe's own parser (no probe runs), with its secret files replaced by real ones, so the
// documentation cannot drift from the flags.
func TestReadmeCommands_Parse(t *testing.T) {
	var commands []string
	for _, block := range fencedBlocks(string(mustRead(t, "README.md")), "sh") {
		joined := strings.ReplaceAll(block, "\\\n", " ")
		for _, line := range strings.Split(joined, "\n") {
			line, _, _ = strings.Cut(line, "#")
			if f := strings.Fields(line); len(f) > 0 && (f[0] == "headprobe" || f[0] == "/usr/local/bin/headprobe") {
				commands = append(commands, strings.Join(f, " "))
			}
		}
	}
	if len(commands) < 4 {
		t.Fatalf("found only %d headprobe commands in the README", len(commands))
	}
	dir := t.TempDir()
	for i, command := range commands {
		args := strings.Fields(command)
		for j := 1; j < len(args)-1; j++ {
			if args[j] == "--"+flagL2Secret || args[j] == "--"+flagBuilderSecret {
				args[j+1] = filepath.Join(dir, strings.ReplaceAll(args[j]+args[j+1], "/", "_"))
				writeSecret(t, args[j+1], 0o600)
			}
		}
		if args[1] == "watch" { // watch takes the probe flags plus --every, parsed the same way
			if every := strings.Index(command, "--every "); every >= 0 {
				if _, err := parseDuration("every", strings.Fields(command[every:])[1]); err != nil {
					t.Errorf("README command %d %q: %v", i, command, err)
				}
			}
			args = slicesDeleteFlag(append(args[:1:1], args[2:]...), "--every")
		}
		p := parseCommandLine(t, args, nil)
		if p.err != nil || (!p.ran && !strings.Contains(command, "--help") && !strings.Contains(command, "--version")) {
			t.Errorf("README command %d %q: %v", i, command, p.err)
		}
	}
	t.Logf("%d README commands parse", len(commands))
}

// slicesDeleteFlag removes a flag and its value from args.
func slicesDeleteFlag(args []string, flag string) []string {
	for i := range args {
		if args[i] == flag && i+1 < len(args) {
			return append(args[:i:i], args[i+2:]...)
		}
	}
	return args
}
