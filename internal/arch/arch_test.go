package arch

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/headprobe/headprobe"

// allowed reads architecture.md's table: package -> the packages it may import; "*" is anything.
func allowed(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string][]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		cells := strings.Split(s.Text(), "|")
		if len(cells) != 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name := strings.Trim(strings.Fields(cells[1])[0], "`")
		var may []string
		for _, m := range strings.Split(cells[2], ",") {
			if m = strings.Trim(strings.TrimSpace(m), "`"); m != "" {
				may = append(may, m)
			}
		}
		rows[name] = may
	}
	return rows
}

// TestImports_AsArchitectureSays compares every package's imports (tests' imports aside) with its
// row of architecture.md.
func TestImports_AsArchitectureSays(t *testing.T) {
	rows := allowed(t)
	if len(rows) < 10 {
		t.Fatalf("architecture.md's table has %d rows", len(rows))
	}
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if name == "" {
			name = "headprobe"
		}
		may, ok := rowOf(rows, name)
		if !ok {
			t.Errorf("%s is not in architecture.md's table", name)
			continue
		}
		if slices.Contains(may, "*") {
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			if dep := strings.TrimPrefix(imp, module+"/"); !slices.ContainsFunc(may, func(m string) bool { return matches(m, dep) }) {
				t.Errorf("%s imports %s, which architecture.md does not allow", name, dep)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list gave %d packages", seen)
	}
}

// rowOf is the package's row: its own, else that of a pattern "dir/*" naming every package
// directly under dir (a kind: kind/*), so that a new kind needs no row of its own.
func rowOf(rows map[string][]string, name string) ([]string, bool) {
	if may, ok := rows[name]; ok {
		return may, true
	}
	for pattern, may := range rows {
		if matches(pattern, name) {
			return may, true
		}
	}
	return nil, false
}

// matches reports whether a table entry names the package: itself, or a pattern "dir/*" any
// package directly under dir.
func matches(entry, name string) bool {
	dir, ok := strings.CutSuffix(entry, "/*")
	if !ok {
		return entry == name
	}
	rest, under := strings.CutPrefix(name, dir+"/")
	return under && rest != "" && !strings.Contains(rest, "/")
}
