package opstack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

// The L2 genesis carries what op-geth needs to build blocks (../shared/opstack.md): every OP fork
// at 0 with osakaTime 0, Jovian's extraData, no blob schedule, the system contracts.
func TestL2Genesis_HasWhatOpGethNeeds(t *testing.T) {
	b, err := json.Marshal(l2Genesis(1234, devAddress))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Config    map[string]any    `json:"config"`
		Timestamp string            `json:"timestamp"`
		ExtraData string            `json:"extraData"`
		Alloc     map[string]any    `json:"alloc"`
		Rest      map[string]string `json:"-"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"osakaTime", "pragueTime", "cancunTime", "regolithTime", "canyonTime", "ecotoneTime", "fjordTime",
		"graniteTime", "holoceneTime", "isthmusTime", "jovianTime", "karstTime", "bedrockBlock"} {
		if v, ok := g.Config[k]; !ok || v != float64(0) {
			t.Errorf("config %s = %v, want 0", k, v)
		}
	}
	for _, k := range []string{"blobSchedule", "lagoonTime"} {
		if _, ok := g.Config[k]; ok {
			t.Errorf("config has %s: OP chains have no blob schedule, and interop without a dependency set panics op-node", k)
		}
	}
	if g.Config["chainId"] != float64(L2ChainID) || g.Timestamp != "0x4d2" || g.ExtraData != "0x01000000fa000000060000000000000000" {
		t.Errorf("chainId %v timestamp %s extraData %s", g.Config["chainId"], g.Timestamp, g.ExtraData)
	}
	if len(g.Alloc) != 3 {
		t.Errorf("alloc %v: want the two system contracts and the funded account", g.Alloc)
	}
}

// rollup.json names the L1 and L2 genesis given, and every fork at 0.
func TestRollupConfig_NamesBothGenesesAndForks(t *testing.T) {
	l1 := l1Ref{Hash: common.HexToHash("0x01"), Number: 7, Time: 1234}
	cfg := rollupConfigFor(l1, common.HexToHash("0x02"), common.HexToAddress("0x03"))
	b, _ := json.Marshal(cfg)
	s := string(b)
	for _, want := range []string{`"l2_time":1234`, `"number":7`, `"block_time":2`, `"karst_time":0`, `"jovian_time":0`,
		`"l2_chain_id":901`, `"l1_chain_id":1337`, `"hash":"0x0000000000000000000000000000000000000000000000000000000000000002"`,
		`"l1_system_config_address":"0x0000000000000000000000000000000000000003"`} {
		if !strings.Contains(s, want) {
			t.Errorf("rollup.json lacks %s: %s", want, s)
		}
	}
}

// The SystemConfig stand-in is the 60-byte creation code storing the signer (PUSH20, PUSH32, SSTORE, RETURN 1 byte).
func TestSystemConfigInitCode_StoresTheSigner(t *testing.T) {
	key, _ := crypto.HexToECDSA(sequencerKeyHex)
	signer := crypto.PubkeyToAddress(key.PublicKey)
	code, err := hexutil.Decode(systemConfigInitCode(signer))
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != 60 || code[0] != 0x73 || common.BytesToAddress(code[1:21]) != signer || code[21] != 0x7f {
		t.Errorf("init code %x", code)
	}
	key2, _ := crypto.HexToECDSA(devKeyHex)
	if crypto.PubkeyToAddress(key2.PublicKey) != devAddress {
		t.Error("devAddress is not the dev key's")
	}
}

// A process that ignores SIGTERM is killed after its grace; Stop waits for it either way.
func TestProc_StopKillsAfterTheGrace(t *testing.T) {
	dir := t.TempDir()
	p := &Proc{Name: "stubborn", Log: filepath.Join(dir, "log"), bin: "/bin/sh",
		args: []string{"-c", "trap '' TERM; echo up; while :; do sleep 0.1; done"}, grace: 300 * time.Millisecond}
	// up waits until the shell has set its trap and said "up" n times.
	up := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for b, _ := os.ReadFile(p.Log); strings.Count(string(b), "up") < n; b, _ = os.ReadFile(p.Log) {
			if time.Now().After(deadline) {
				t.Fatalf("the shell did not start: %q", b)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if err := p.start(); err != nil {
		t.Fatal(err)
	}
	up(1)
	if err := p.Freeze(); err != nil || !p.Frozen() {
		t.Fatalf("freeze: %v", err)
	}
	if err := p.Thaw(); err != nil || p.Frozen() {
		t.Fatalf("thaw: %v", err)
	}
	start := time.Now()
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	if p.Running() {
		t.Error("still running after Stop")
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("stopped in %s, before its grace: it ignores SIGTERM", d)
	}
	if err := p.Restart(); err != nil {
		t.Fatal(err)
	}
	up(2)
	if err := p.Kill(); err != nil || p.Running() {
		t.Errorf("kill: %v, running %v", err, p.Running())
	}
	if b, _ := os.ReadFile(p.Log); strings.Count(string(b), "up") != 2 {
		t.Errorf("log %q: want both runs' output appended", b)
	}
}

// freePorts hands out distinct ports.
func TestFreePorts_Distinct(t *testing.T) {
	ports, err := freePorts(20)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if seen[p] || p == 0 {
			t.Fatalf("ports %v", ports)
		}
		seen[p] = true
	}
}

// Cached reports an incomplete build as not built, and a complete one with its paths.
func TestCached_NeedsTheStampAndEveryBinary(t *testing.T) {
	cache := t.TempDir()
	if _, ok := Cached(cache); ok {
		t.Fatal("an empty cache is built")
	}
	dir := filepath.Join(cache, Key())
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	for _, n := range binaryNames {
		os.WriteFile(filepath.Join(bin, n), []byte("#!/bin/sh\n"), 0o755)
	}
	if _, ok := Cached(cache); ok {
		t.Fatal("built without the stamp")
	}
	os.WriteFile(filepath.Join(dir, stampName), []byte("x"), 0o644)
	bins, ok := Cached(cache)
	if !ok || bins.OpNode != filepath.Join(bin, "op-node") {
		t.Fatalf("%+v %v", bins, ok)
	}
	os.Remove(bins.OpBatcher)
	if _, ok := Cached(cache); ok {
		t.Error("built with a binary missing")
	}
}

// The build's go commands drop headprobe's GOFLAGS and workspace and never switch toolchains.
func TestGoEnv_DropsGOFLAGS(t *testing.T) {
	t.Setenv("GOFLAGS", "-mod=readonly")
	t.Setenv("GOTOOLCHAIN", "auto")
	env := strings.Join(goEnv(), "\n")
	if strings.Contains(env, "-mod=readonly") || strings.Contains(env, "GOTOOLCHAIN=auto") || !strings.Contains(env, "GOTOOLCHAIN=local") {
		t.Errorf("env:\n%s", env)
	}
}
