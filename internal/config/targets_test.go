package config

import (
	"slices"
	"testing"
)

// Every flag but the run's own is a key a target may give, a header flag a list.
func TestTargetKeys_EveryPerRunFlag(t *testing.T) {
	keys := targetKeys()
	for _, f := range ProbeFlags() {
		name := f.Names()[0]
		if _, ok := keys[name]; ok == slices.Contains(runFlags, name) {
			t.Errorf("--%s: a key %v, a flag of the whole run %v", name, ok, slices.Contains(runFlags, name))
		}
	}
	if keys["l2-header"] != keyList || keys["l2"] != keyText {
		t.Errorf("kinds: l2-header %v, l2 %v", keys["l2-header"], keys["l2"])
	}
}
