package e2e

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

// fmUpdate rewrites the README's failure-modes table: go test -run TestFailureModesTable -update ./internal/e2e
var fmUpdate = flag.Bool("update", false, "rewrite README.md's failure-modes table from the fault matrix")

const (
	fmReadme = "README.md"
	fmBegin  = "<!-- failure-modes:begin -->"
	fmEnd    = "<!-- failure-modes:end -->"
)

// renderFailureModes is the README table of the fault matrix: what the operator sees for each
// fault. The text shown is what the matrix asserts the first line contains.
func renderFailureModes(cases []faultCase) string {
	var b strings.Builder
	b.WriteString("| situation | L2 exit | builder exit | the first line says, after `UNAVAILABLE: l2` / `PARTIAL: builder` | JSON `error_class` |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, c := range cases {
		builder := fmt.Sprint(c.builder)
		if c.alongside != nil {
			builder = "2 (both failing)"
		}
		var says []string
		switch c.l2 {
		case 0:
			says = append(says, "`HEALTHY:`")
		case 3:
			says = append(says, "`UNKNOWN:`")
		}
		for _, part := range append([]string{strings.ReplaceAll(c.reason, "SIDE", "<endpoint>")}, c.also...) {
			says = append(says, "`"+strings.TrimSpace(part)+"`")
		}
		class := ""
		if c.class != "" {
			class = "`" + c.class + "`"
		}
		text := strings.Join(says, " … ")
		if c.note != "" {
			text += "; " + c.note
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", fmCell(c.situation), c.l2, builder, fmCell(text), class)
	}
	return b.String()
}

// fmCell escapes a markdown table cell.
func fmCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// TestFailureModesTable keeps the README's "Failure modes" table equal to the fault matrix it is
// rendered from; -update rewrites it.
func TestFailureModesTable(t *testing.T) {
	raw, err := os.ReadFile(fmReadme)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	begin, end := strings.Index(readme, fmBegin), strings.Index(readme, fmEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the markers %s … %s", fmReadme, fmBegin, fmEnd)
	}
	begin += len(fmBegin)
	want := "\n" + renderFailureModes(faultMatrix())
	if got := readme[begin:end]; got != want {
		if *fmUpdate {
			info, err := os.Stat(fmReadme)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(fmReadme, []byte(readme[:begin]+want+readme[end:]), info.Mode().Perm()); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote the failure-modes table of %s", fmReadme)
			return
		}
		t.Errorf("%s's failure-modes table differs from the fault matrix; run: go test -run TestFailureModesTable -update ./internal/e2e\n--- README\n%s\n--- matrix\n%s", fmReadme, got, want)
	}
}
