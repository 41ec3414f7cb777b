package cli

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/headprobe/headprobe/internal/config"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/testkit"
)

// helpOf is the --help text of a command line.
func helpOf(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	Run(context.Background(), hp(args...), &out, &out)
	return out.String()
}

// categories are the help categories of a --help text, in order.
func categories(help string) []string {
	_, options, _ := strings.Cut(help, "OPTIONS:")
	var cats []string
	for _, line := range strings.Split(options, "\n") {
		if strings.HasPrefix(line, "   ") && !strings.HasPrefix(line, "    ") && !strings.HasPrefix(strings.TrimSpace(line), "-") && strings.TrimSpace(line) != "" {
			cats = append(cats, strings.TrimSpace(line))
		}
	}
	return cats
}

// flagsOf are the long flag names a --help text lists.
func flagsOf(help string) []string {
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^   --([a-z0-9-]+)`).FindAllStringSubmatch(help, -1) {
		names = append(names, m[1])
	}
	return names
}

func TestHelp_ReadmeCategoriesMatch(t *testing.T) {
	readme := string(testkit.MustRead(t, "../../README.md"))
	_, list, ok := strings.Cut(readme, "`headprobe --help` files the flags under these categories: ")
	if !ok {
		t.Fatal("the README's list of help categories is missing")
	}
	list, _, _ = strings.Cut(list, ". ")
	var want []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(strings.Join(strings.Fields(list), " "), -1) {
		want = append(want, m[1])
	}
	if got := categories(helpOf(t, "--help")); !slices.Equal(got, want) {
		t.Errorf("--help categories %q, README %q", got, want)
	}
}

func TestHelp_EachCommandListsOnlyWhatItReads(t *testing.T) {
	for _, command := range []string{"health", "ready", "live"} {
		listed := flagsOf(helpOf(t, command, "--help"))
		for _, name := range listed {
			for _, m := range []check.Mode{check.Health, check.Ready, check.Live} {
				if m.String() == command && !config.Reads(m, name) {
					t.Errorf("%s --help lists --%s, which %s does not read", command, name, command)
				}
			}
		}
		if !slices.Contains(listed, flagL2) || !slices.Contains(listed, config.FlagTimeout) {
			t.Errorf("%s --help lacks --l2 or --timeout: %q", command, listed)
		}
	}
	live := flagsOf(helpOf(t, "live", "--help"))
	for _, name := range []string{flagBuilder, config.FlagMaxUnsafe, config.FlagInterval, flagOpNode, config.FlagChainID} {
		if slices.Contains(live, name) {
			t.Errorf("live --help lists --%s", name)
		}
	}
	if ready := flagsOf(helpOf(t, "ready", "--help")); slices.Contains(ready, flagBuilder) || !slices.Contains(ready, flagOpNode) {
		t.Errorf("ready --help: %q", ready)
	}
	if health := flagsOf(helpOf(t, "health", "--help")); !slices.Contains(health, flagBuilder) || !slices.Contains(health, flagCheckFork) {
		t.Errorf("health --help: %q", health)
	}
}

func TestHelp_EveryAndListenAreNotOutput(t *testing.T) {
	help := helpOf(t, "serve", "--help")
	_, output, _ := strings.Cut(help, "\n   Output\n")
	output, _, _ = strings.Cut(output, "\n\n")
	for _, name := range []string{"--every", "--listen"} {
		if strings.Contains(output, name) {
			t.Errorf("%s is under Output", name)
		}
		if !strings.Contains(help, name) {
			t.Errorf("serve --help lacks %s", name)
		}
	}
}
