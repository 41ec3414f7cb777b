package config

import (
	"fmt"
	"slices"
	"strings"
)

// UnknownEnvWarnings warns about every HEADPROBE_* variable of e that no flag reads (a
// misspelling would otherwise be silently ignored), naming the nearest real one.
func UnknownEnvWarnings(e Environment) []string {
	known := EnvVars()
	var warnings []string
	for _, kv := range e.environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix) || slices.Contains(known, name) {
			continue
		}
		if near := nearest(name, known); near != "" {
			warnings = append(warnings, Warning("%s is not a headprobe variable (did you mean %s?)", name, near))
		} else {
			warnings = append(warnings, Warning("%s is not a headprobe variable", name))
		}
	}
	slices.Sort(warnings)
	return warnings
}

// nearest is the real variable a misspelt name most likely meant, or "" when none is close: the
// one within a few edits of it (HEADPROBE_TIMOUT, HEADPROBE_L2_JWT_SECRT), else one it extends
// (HEADPROBE_L2_URL: HEADPROBE_L2), else the shortest one it begins (HEADPROBE_MAX_UNSAFE:
// HEADPROBE_MAX_UNSAFE_INTERVAL).
func nearest(name string, known []string) string {
	best, bestDistance := "", 0
	typed := strings.TrimPrefix(name, EnvPrefix)
	limit := max(2, len(typed)/3)
	for _, k := range known {
		d := editDistance(typed, strings.TrimPrefix(k, EnvPrefix))
		if d <= limit && (best == "" || d < bestDistance) {
			best, bestDistance = k, d
		}
	}
	if best != "" {
		return best
	}
	for _, k := range known {
		if strings.HasPrefix(name, k+"_") && len(k) > len(best) {
			best = k
		}
	}
	if best != "" {
		return best
	}
	for _, k := range known {
		if strings.HasPrefix(k, name+"_") && (best == "" || len(k) < len(best)) {
			best = k
		}
	}
	return best
}

// Meant is the hint for a required variable that is missing while a misspelling of it is set:
// " (HEADPROBE_L2_URL is set: did you mean HEADPROBE_L2?)", or "".
func Meant(e Environment, want string) string {
	known := EnvVars()
	for _, kv := range e.environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, EnvPrefix) && !slices.Contains(known, name) && nearest(name, known) == want {
			return fmt.Sprintf(" (%s is set: did you mean %s?)", name, want)
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(b)]
}
