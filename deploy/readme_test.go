package deploy_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/cli"
	"github.com/headprobe/headprobe/internal/testkit"
)

// TestReadmeCommands_Parse runs every `headprobe …` command of the README's sh blocks through
// headprobe's own parser (cli.Parse, no probe runs; watch with its --every), with its secret files
// replaced by real ones, so the documentation cannot drift from the flags.
func TestReadmeCommands_Parse(t *testing.T) {
	var commands []string
	for _, block := range fencedBlocks(string(testkit.MustRead(t, "README.md")), "sh") {
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
			if args[j] == "--targets" { // a targets file's secrets, made real
				args[j+1], _ = withRealSecrets(t, string(testkit.MustRead(t, args[j+1])))
			}
			if args[j] == "--"+flagL2Secret || args[j] == "--"+flagBuilderSecret {
				args[j+1] = filepath.Join(dir, strings.ReplaceAll(args[j]+args[j+1], "/", "_"))
				testkit.WriteSecret(t, args[j+1], 0o600)
			}
		}
		_, err := parseCommandLine(args, nil)
		if errors.Is(err, cli.ErrNoCheck) && (strings.Contains(command, "--help") || strings.Contains(command, "--version")) {
			continue
		}
		if err != nil {
			t.Errorf("README command %d %q: %v", i, command, err)
		}
	}
	t.Logf("%d README commands parse", len(commands))
}
