package cli

import (
	"slices"
	"strings"
)

// unknownEnvWarnings warns about every HEADPROBE_* variable of e that no flag reads (a
// misspelling would otherwise be silently ignored), naming the nearest real one.
func unknownEnvWarnings(e environment) []string {
	known := EnvVars()
	var warnings []string
	for _, kv := range e.environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, envPrefix) || slices.Contains(known, name) {
			continue
		}
		nearest := slices.MinFunc(known, func(a, b string) int { return editDistance(name, a) - editDistance(name, b) })
		warnings = append(warnings, warning("%s is not a headprobe variable (did you mean %s?)", name, nearest))
	}
	slices.Sort(warnings)
	return warnings
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
