package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/fsx"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/rpc"
)

// maxTargetsFile bounds what --targets reads: a few hundred targets take well under this.
const maxTargetsFile = 4 << 20

// The sections of a targets file, and the key of a target's labels.
const (
	sectionDefaults = "defaults"
	sectionTargets  = "targets"
	keyLabels       = "labels"
)

// TargetsFile is a parsed --targets file: its targets in file order, each with the defaults
// merged under its own keys.
type TargetsFile struct {
	Path    string
	Targets []*FileTarget
	keys    map[string]keyKind // targetKeys, listed once for the whole file
}

// FileTarget is one target of the file.
type FileTarget struct {
	name string
	line int
	// values are the flags the file gives the target, by long name: its own keys, and the
	// defaults' it does not give.
	values map[string]fileValue
	labels map[string]string // the defaults' labels, then its own
}

// fileValue is a flag's value in the file.
type fileValue struct {
	text         string   // a text or toggle flag's value
	list         []string // a repeatable flag's values
	line         int
	fromDefaults bool
}

// TargetError is a targets file refused: where, and why. Target is "" outside any target (the
// file, or its defaults when InDefaults), Key "" when no one key is at fault.
type TargetError struct {
	Path       string
	Line       int
	Target     string
	InDefaults bool
	Key        string
	Err        error
}

// Error is one line: "FILE:LINE: target "NAME", key "KEY": reason".
func (e *TargetError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	var where []string
	switch {
	case e.Target != "":
		where = append(where, fmt.Sprintf("target %q", e.Target))
	case e.InDefaults:
		where = append(where, sectionDefaults)
	}
	if e.Key != "" {
		key := fmt.Sprintf("key %q", e.Key)
		if !flagLike(e.Key) {
			key = fmt.Sprintf("an unknown key at line %d", e.Line)
		}
		if e.Target != "" && e.InDefaults {
			key += " (from defaults)"
		}
		where = append(where, key)
	}
	if len(where) > 0 {
		b.WriteString(strings.Join(where, ", ") + ": ")
	}
	b.WriteString(e.Err.Error())
	return rpc.OneLine(b.String())
}

// Unwrap is the reason.
func (e *TargetError) Unwrap() error { return e.Err }

// keyKind is how a key's value is written.
type keyKind int

const (
	keyText keyKind = iota // one scalar
	keyList                // one scalar or a list of them (a repeatable flag)
)

// runFlags are the flags that hold for the whole run, not one target: the fleet's own, and where
// and how its one report goes.
var runFlags = []string{FlagTargets, FlagTarget, FlagMaxConcurrent, FlagOutput, FlagQuiet, FlagNoColor, FlagTextfile, FlagStateFile}

// targetKeys are the keys a target may give: the long name of every per-run flag, so a flag
// added to probeFlags is a key at once.
func targetKeys() map[string]keyKind {
	keys := map[string]keyKind{}
	for _, f := range ProbeFlags() {
		name := f.Names()[0]
		if slices.Contains(runFlags, name) {
			continue
		}
		keys[name] = keyText
		if _, ok := f.(CmdSlice); ok {
			keys[name] = keyList
		}
	}
	return keys
}

// secretKey is true for a key naming a file that holds a secret: a JWT secret or a TLS key.
func secretKey(name string) bool { return strings.HasSuffix(name, "-secret") || name == FlagTLSKey }

// inlineSecret matches a value that is a secret itself rather than a file's path: hex of eight
// bytes or more, or a PEM block.
var inlineSecret = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(0[xX])?[0-9a-fA-F]{16,}$|-----BEGIN`) })

// flagLikeKey is what a key of the file looks like when a refusal may quote it: a flag's long name.
var flagLikeKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`) })

// flagLike is true when a refusal may quote key: it looks like a flag's long name (lower-case
// letters, digits and dashes, at most 40 characters) and not like a secret (a run of hex).
// Anything else is named by its line: it may be a line of a file that is not a targets file, a
// password's hash in /etc/shadow or an api_key.
func flagLike(key string) bool {
	return flagLikeKey().MatchString(key) && !inlineSecret().MatchString(key)
}

// yamlQuoted are the spans of a YAML parser's message that quote the file (an anchor's name).
var yamlQuoted = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(` ?('[^']*'|` + "`[^`]*`" + `|"[^"]*")`) })

// targetName is what a target may be called: it prefixes report lines and goes in URLs and labels.
var targetName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$`) })

// LoadTargets reads and checks a targets file: its shape, its keys, its labels, no inline secret.
// The values themselves are checked when a target's configuration is parsed (parseTarget).
func LoadTargets(path string) (*TargetsFile, error) {
	data, err := fsx.ReadRegular(path, maxTargetsFile)
	if err != nil {
		return nil, fmt.Errorf("--%s: %v", FlagTargets, err)
	}
	f := &TargetsFile{Path: path, keys: targetKeys()}
	fail := func(line int, format string, a ...any) error {
		return &TargetError{Path: path, Line: line, Err: fmt.Errorf(format, a...)}
	}
	failErr := func(line int, err error) error { return &TargetError{Path: path, Line: line, Err: err} }
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fail(0, "%s", yamlQuoted().ReplaceAllString(err.Error(), "")) // yaml's message names the line; what it quotes of the file is dropped
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fail(0, "is empty: want %s: and %s:", sectionDefaults, sectionTargets)
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, fail(root.Line, "is not a targets file: want a mapping with %s: and %s:", sectionDefaults, sectionTargets)
	}
	var defaults *FileTarget
	var targets *yaml.Node
	err = eachPair(root, func(key string, k, v *yaml.Node) error {
		switch key {
		case sectionDefaults:
			d, err := f.target("", k.Line, v, true)
			defaults = d
			return err
		case sectionTargets:
			targets = v
			return nil
		}
		if !flagLike(key) {
			return fail(k.Line, "an unknown key at line %d: not a targets file (want %s: and %s:)", k.Line, sectionDefaults, sectionTargets)
		}
		return fail(k.Line, "unknown section %q (want %s: and %s:)", key, sectionDefaults, sectionTargets)
	}, failErr)
	if err != nil {
		return nil, err
	}
	if targets == nil {
		return nil, fail(root.Line, "has no %s: section", sectionTargets)
	}
	if targets = deref(targets); targets.Kind != yaml.MappingNode || len(targets.Content) == 0 {
		return nil, fail(targets.Line, "%s: must map each target's name to its keys", sectionTargets)
	}
	err = eachPair(targets, func(name string, k, v *yaml.Node) error {
		if !targetName().MatchString(name) {
			return fail(k.Line, "the target name at line %d: want letters, digits and . _ : / @ -, at most 128, starting with a letter or digit", k.Line)
		}
		t, err := f.target(name, k.Line, v, false)
		if err != nil {
			return err
		}
		if defaults != nil {
			for key, value := range defaults.values {
				if _, own := t.values[key]; !own {
					t.values[key] = value
				}
			}
			for label, value := range defaults.labels {
				if _, own := t.labels[label]; !own {
					t.labels[label] = value
				}
			}
		}
		for key, value := range t.values { // a blank value of its own unsets the defaults'
			if value.text == "" && value.list == nil {
				delete(t.values, key)
			}
		}
		f.Targets = append(f.Targets, t)
		return nil
	}, failErr)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// target reads the keys of one target, or of the defaults (name "").
func (f *TargetsFile) target(name string, line int, node *yaml.Node, defaults bool) (*FileTarget, error) {
	t := &FileTarget{name: name, line: line, values: map[string]fileValue{}, labels: map[string]string{}}
	fail := func(line int, key string, err error) error {
		return &TargetError{Path: f.Path, Line: line, Target: name, InDefaults: defaults, Key: key, Err: err}
	}
	if node = deref(node); node.Kind != yaml.MappingNode {
		return nil, fail(node.Line, "", errors.New("want a mapping of keys (flags' long names) to values"))
	}
	keys := f.keys
	err := eachPair(node, func(key string, k, v *yaml.Node) error {
		if key == keyLabels {
			labels, err := readLabels(v)
			if err != nil {
				return fail(v.Line, key, err)
			}
			t.labels = labels
			return nil
		}
		kind, ok := keys[key]
		if !ok {
			return fail(k.Line, key, unknownKey(key, keys))
		}
		value := fileValue{line: k.Line, fromDefaults: defaults}
		var err error
		if kind == keyList {
			value.list, err = scalars(v)
		} else {
			value.text, err = scalar(v)
		}
		if err != nil {
			return fail(v.Line, key, err)
		}
		if secretKey(key) && (inlineSecret().MatchString(value.text) || strings.ContainsAny(value.text, "\r\n")) {
			return fail(v.Line, key, errors.New("holds a secret itself: secrets stay in files; give the path of the file holding it"))
		}
		for i, h := range value.list { // a header is one line, as on the command line
			if strings.ContainsAny(h, "\r\n") {
				return fail(v.Line, key, fmt.Errorf("header %d of %d holds a line break (CR or LF); give each header its own list item", i+1, len(value.list)))
			}
		}
		t.values[key] = value
		return nil
	}, func(line int, err error) error { return fail(line, "", err) })
	return t, err
}

// unknownKey is the error for a key that is not a target's: a flag for the whole run, or none.
func unknownKey(key string, keys map[string]keyKind) error {
	if slices.Contains(runFlags, key) {
		return fmt.Errorf("--%s holds for the whole run, not one target: give it on the command line", key)
	}
	best, bestD := "", 0
	for k := range keys {
		if d := editDistance(key, k); d <= max(2, len(key)/3) && (best == "" || d < bestD || (d == bestD && k < best)) {
			best, bestD = k, d
		}
	}
	if best != "" {
		return fmt.Errorf("is not a flag's long name (did you mean %s?)", best)
	}
	return errors.New("is not a flag's long name")
}

// readLabels reads a labels mapping: valid Prometheus label names, scalar values.
func readLabels(node *yaml.Node) (map[string]string, error) {
	labels := map[string]string{}
	if node = deref(node); node.Kind != yaml.MappingNode {
		return nil, errors.New("want a mapping of label names to values")
	}
	err := eachPair(node, func(name string, k, v *yaml.Node) error {
		if err := report.ValidLabel(name); err != nil {
			if !flagLike(name) {
				return fmt.Errorf("the label name at line %d: want a Prometheus label name (letters, digits and _, not starting with a digit or __), not target or endpoint", k.Line)
			}
			return err
		}
		label := fmt.Sprintf("label %q", name)
		if !flagLike(name) {
			label = fmt.Sprintf("the label at line %d", k.Line)
		}
		if name == report.TargetLabel {
			return fmt.Errorf("%s is headprobe's own: the target's name", label)
		}
		value, err := scalar(v)
		if err != nil {
			return fmt.Errorf("%s %v", label, err)
		}
		labels[name] = value
		return nil
	}, func(_ int, err error) error { return err })
	return labels, err
}

// scalar is a node's one value, trimmed, as the environment's values are.
func scalar(node *yaml.Node) (string, error) {
	node = deref(node)
	switch {
	case node.Kind != yaml.ScalarNode:
		return "", errors.New("must be one value, not a list or a mapping")
	case node.Tag == "!!null":
		return "", errors.New("has no value (write \"\" to unset the defaults' value)")
	}
	return strings.TrimSpace(node.Value), nil
}

// scalars is a repeatable flag's values: one scalar or a list of them; blank ones are skipped.
// An empty list unsets the defaults' values.
func scalars(node *yaml.Node) ([]string, error) {
	node = deref(node)
	items := []*yaml.Node{node}
	if node.Kind == yaml.SequenceNode {
		items = node.Content
	}
	var values []string
	for _, item := range items {
		v, err := scalar(item)
		if err != nil {
			return nil, err
		}
		if v != "" {
			values = append(values, v)
		}
	}
	return values, nil
}

// eachPair calls fn for each key of a mapping, in order, refusing with fail a key given twice or
// not a plain scalar.
func eachPair(node *yaml.Node, fn func(key string, k, v *yaml.Node) error, fail func(line int, err error) error) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := deref(node.Content[i]), node.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return fail(k.Line, errors.New("a key must be a plain name"))
		}
		if first, dup := seen[k.Value]; dup {
			if !flagLike(k.Value) {
				return fail(k.Line, fmt.Errorf("the key at line %d is given twice (first on line %d)", k.Line, first))
			}
			return fail(k.Line, fmt.Errorf("%q is given twice (first on line %d)", k.Value, first))
		}
		seen[k.Value] = k.Line
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// deref follows YAML aliases (*name) to the node they stand for.
func deref(node *yaml.Node) *yaml.Node {
	for node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	return node
}

// Lookup is the target of that name, or an error naming the nearest one.
func (f *TargetsFile) Lookup(name string) (*FileTarget, error) {
	var names []string
	for _, t := range f.Targets {
		if t.name == name {
			return t, nil
		}
		names = append(names, t.name)
	}
	best := ""
	for _, n := range names {
		if d := editDistance(name, n); d <= max(2, len(name)/3) && (best == "" || d < editDistance(name, best)) {
			best = n
		}
	}
	if best != "" {
		return nil, fmt.Errorf("--%s %q is not in %s (did you mean %s?)", FlagTarget, name, f.Path, best)
	}
	return nil, fmt.Errorf("--%s %q is not in %s (%d targets)", FlagTarget, name, f.Path, len(names))
}

// ParseTarget is parseConfig for one target: the command line, then the environment, then the
// target's keys, then the defaults'. A refusal names the file, the target, the key at fault and
// its line.
func (f *TargetsFile) ParseTarget(c *cli.Context, t *FileTarget, mode check.Mode) (*cli.Context, *Config, error) {
	tc := withTarget(c, t)
	cfg, err := Parse(tc, mode)
	if err != nil {
		return tc, nil, f.blame(c, t, err)
	}
	cfg.Target = t.name
	cfg.Labels = map[string]string{report.TargetLabel: t.name}
	for k, v := range t.labels {
		cfg.Labels[k] = v
	}
	return tc, cfg, nil
}

// blame places a configuration error of target t: on the key whose value it is about (the first
// --name it mentions whose value came from the file), else on the target.
func (f *TargetsFile) blame(c *cli.Context, t *FileTarget, err error) error {
	msg := err.Error()
	e := &TargetError{Path: f.Path, Line: t.line, Target: t.name, Err: err}
	at := len(msg)
	for name, v := range t.values {
		if OnCommandLine(c, name) != nil {
			continue
		}
		if _, inEnv := FromEnv(c, name); inEnv {
			continue
		}
		if i := mention(msg, name); i >= 0 && (i < at || (i == at && len(name) > len(e.Key))) {
			at, e.Key, e.Line, e.InDefaults = i, name, v.line, v.fromDefaults
		}
	}
	return e
}

// mention is where msg first names the flag --name (not a longer flag it begins), or -1.
func mention(msg, name string) int {
	for from := 0; ; {
		i := strings.Index(msg[from:], "--"+name)
		if i < 0 {
			return -1
		}
		i += from
		end := i + 2 + len(name)
		if end == len(msg) || !strings.ContainsRune("abcdefghijklmnopqrstuvwxyz0123456789-", rune(msg[end])) {
			return i
		}
		from = end
	}
}
