package registry_test

import (
	"slices"
	"testing"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/registry"
)

// Every kind declares flags, roles and causes that are its own: no flag, role or cause is
// declared twice, no kind's cause is one of check's common ones, and every flag has a category
// and help.
func TestRegistry_KindsDeclareWhatIsTheirsAlone(t *testing.T) {
	flags, roles, causes := map[string]string{}, map[string]string{}, map[check.Cause]string{}
	for _, k := range registry.Kinds {
		if k.Name == "" || k.Configure == nil || len(k.Roles) == 0 {
			t.Errorf("kind %q: a name, roles and Configure are required", k.Name)
		}
		for _, f := range k.Flags {
			if other, ok := flags[f.Name]; ok {
				t.Errorf("--%s is declared by %s and %s", f.Name, other, k.Name)
			}
			flags[f.Name] = k.Name
			if f.Category == "" || f.Usage == "" {
				t.Errorf("--%s (%s) has no category or no help", f.Name, k.Name)
			}
		}
		for _, r := range k.Roles {
			if other, ok := roles[r.Name]; ok {
				t.Errorf("role %s is declared by %s and %s", r.Name, other, k.Name)
			}
			roles[r.Name] = k.Name
			if len(r.Modes) == 0 || r.Failure == check.Healthy {
				t.Errorf("role %s (%s) has no modes or no failure state", r.Name, k.Name)
			}
		}
		for _, c := range k.Causes {
			if other, ok := causes[c]; ok {
				t.Errorf("cause %s is declared by %s and %s", c, other, k.Name)
			}
			if slices.Contains(check.CommonCauses, c) {
				t.Errorf("cause %s of %s is one of check's common causes", c, k.Name)
			}
			causes[c] = k.Name
		}
	}
	for _, name := range []string{"l2", "builder", "op-node", "rollup-boost", "conductor", "flashblocks", "builder-blocks"} {
		if _, ok := roles[name]; !ok {
			t.Errorf("no kind declares the role %s", name)
		}
	}
}

// A cause a role says it explains, or counts as the builder's, is one some kind or check declares:
// kinds name each other's causes by their stable values, and a typo there would silently never
// match.
func TestRegistry_CausesNamedAcrossKindsExist(t *testing.T) {
	declared := slices.Clone(check.CommonCauses)
	for _, k := range registry.Kinds {
		declared = append(declared, k.Causes...)
	}
	for _, k := range registry.Kinds {
		for _, r := range k.Roles {
			named := slices.Clone(r.BuilderCauses)
			for c, explained := range r.Explains {
				named = append(append(named, c), explained...)
			}
			for _, c := range named {
				if !slices.Contains(declared, c) {
					t.Errorf("role %s (%s) names the cause %q, which no kind declares", r.Name, k.Name, c)
				}
			}
		}
	}
}
