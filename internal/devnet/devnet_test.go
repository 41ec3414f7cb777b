package devnet

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// block is the part of an eth_getBlockByNumber result the tests look at.
type block struct {
	Number    string `json:"number"`
	Hash      string `json:"hash"`
	Timestamp string `json:"timestamp"`
}

// post sends one raw JSON-RPC request and returns the HTTP status and body.
func post(t *testing.T, url, token, method string, params ...any) (int, []byte) {
	t.Helper()
	if params == nil {
		params = []any{}
	}
	req, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		t.Fatal(err)
	}
	hreq, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(req))
	if err != nil {
		t.Fatal(err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if token != "" {
		hreq.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(hreq)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, buf.Bytes()
}

// result sends a request that must succeed and decodes its result into out.
func result(t *testing.T, url, token string, out any, method string, params ...any) {
	t.Helper()
	status, body := post(t, url, token, method, params...)
	if status != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d: %s", method, url, status, body)
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("%s: decode %s: %v", method, body, err)
	}
	if resp.Error != nil {
		t.Fatalf("%s: RPC error %s", method, resp.Error.Message)
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		t.Fatalf("%s: decode result %s: %v", method, resp.Result, err)
	}
}

// latest fetches the latest block over RPC.
func latest(t *testing.T, url, token string) block {
	t.Helper()
	var b block
	result(t, url, token, &b, "eth_getBlockByNumber", "latest", false)
	return b
}

// hexUint parses a 0x-quantity.
func hexUint(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

// secretFile writes a fixed secret into a temp dir and returns its path.
func secretFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jwt.hex")
	if err := WriteSecretFile(path, bytes.Repeat([]byte{7}, 32)); err != nil {
		t.Fatal(err)
	}
	return path
}

// startNode starts a node and closes it when the test ends.
func startNode(t *testing.T, cfg NodeConfig) *Node {
	t.Helper()
	if cfg.JWTSecretFile == "" {
		cfg.JWTSecretFile = secretFile(t)
	}
	n, err := StartNode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("close %s: %v", cfg.Name, err)
		}
	})
	return n
}

// token signs an Engine-API JWT with the given secret.
func token(t *testing.T, secret []byte) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iat": time.Now().Unix()}).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSealAdvancesHead(t *testing.T) {
	n := startNode(t, NodeConfig{Name: "l2"})
	if b := latest(t, n.HTTPURL(), ""); b.Number != "0x0" {
		t.Fatalf("genesis head number = %s, want 0x0", b.Number)
	}
	if err := n.Seal(); err != nil {
		t.Fatal(err)
	}
	b := latest(t, n.HTTPURL(), "")
	if b.Number != "0x1" {
		t.Fatalf("head number after Seal = %s, want 0x1", b.Number)
	}
	if ts, now := hexUint(t, b.Timestamp), uint64(time.Now().Unix()); ts < now-1 {
		t.Fatalf("head timestamp %d older than now-1 (%d)", ts, now-1)
	}
	num, hash, ts := n.Head()
	if num != 1 || hash.Hex() != b.Hash || ts != hexUint(t, b.Timestamp) {
		t.Fatalf("Head() = %d %s %d, RPC says %+v", num, hash.Hex(), ts, b)
	}
}

func TestAuthPortNeedsJWT(t *testing.T) {
	secret := bytes.Repeat([]byte{0xab}, 32)
	net, err := Start(Options{Dir: t.TempDir(), Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()

	data, err := os.ReadFile(net.JWTSecretFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(secret) + "\n"; string(data) != want {
		t.Fatalf("secret file = %q, want %q", data, want)
	}
	if fi, err := os.Stat(net.JWTSecretFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode: %v %v", fi.Mode(), err)
	}
	if !bytes.Equal(net.Secret, secret) {
		t.Fatalf("Net.Secret = %x", net.Secret)
	}

	for _, n := range []*Node{net.L2, net.Builder} {
		if status, body := post(t, n.AuthURL(), "", "eth_getBlockByNumber", "latest", false); status != http.StatusUnauthorized {
			t.Fatalf("no token: HTTP %d %s, want 401", status, body)
		}
		if status, _ := post(t, n.AuthURL(), token(t, []byte("wrong secret, wrong secret, 32b!")), "eth_getBlockByNumber", "latest", false); status != http.StatusUnauthorized {
			t.Fatalf("wrong secret: HTTP %d, want 401", status)
		}
		if b := latest(t, n.AuthURL(), token(t, secret)); b.Number != "0x0" || b.Hash == "" {
			t.Fatalf("with token: %+v", b)
		}
	}
	// One shared genesis, like a sequencer and its builder.
	if l2, builder := latest(t, net.L2.HTTPURL(), ""), latest(t, net.Builder.HTTPURL(), ""); l2.Hash != builder.Hash {
		t.Fatalf("genesis hashes differ: l2 %s builder %s", l2.Hash, builder.Hash)
	}
}

func TestRandomSecret(t *testing.T) {
	net, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if len(net.Secret) != 32 || bytes.Equal(net.Secret, make([]byte, 32)) {
		t.Fatalf("random secret = %x", net.Secret)
	}
	if b := latest(t, net.Builder.AuthURL(), token(t, net.Secret)); b.Number != "0x0" {
		t.Fatalf("builder via auth port: %+v", b)
	}
}

func TestOldGenesisUntilSeal(t *testing.T) {
	genesis := time.Now().Add(-time.Hour)
	n := startNode(t, NodeConfig{Name: "l2", GenesisTime: genesis})
	if ts := hexUint(t, latest(t, n.HTTPURL(), "").Timestamp); ts != uint64(genesis.Unix()) {
		t.Fatalf("genesis timestamp = %d, want %d", ts, genesis.Unix())
	}
	if err := n.Seal(); err != nil {
		t.Fatal(err)
	}
	if ts, now := hexUint(t, latest(t, n.HTTPURL(), "").Timestamp), uint64(time.Now().Unix()); ts < now-1 {
		t.Fatalf("sealed timestamp %d older than now-1 (%d)", ts, now-1)
	}
}

func TestStopRestart(t *testing.T) {
	secretPath := secretFile(t)
	n := startNode(t, NodeConfig{Name: "l2", JWTSecretFile: secretPath})
	if err := n.Seal(); err != nil {
		t.Fatal(err)
	}
	httpURL, authURL := n.HTTPURL(), n.AuthURL()
	before := latest(t, httpURL, "")

	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{httpURL, authURL} {
		if c, err := net.DialTimeout("tcp", strings.TrimPrefix(u, "http://"), time.Second); err == nil {
			c.Close()
			t.Fatalf("%s still accepts connections after Stop", u)
		}
	}
	if err := n.Seal(); err == nil {
		t.Fatal("Seal on a stopped node succeeded")
	}
	if err := n.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}

	if err := n.Restart(); err != nil {
		t.Fatal(err)
	}
	if n.HTTPURL() != httpURL || n.AuthURL() != authURL {
		t.Fatalf("URLs changed: %s %s -> %s %s", httpURL, authURL, n.HTTPURL(), n.AuthURL())
	}
	if after := latest(t, httpURL, ""); after != before {
		t.Fatalf("head after restart %+v, want %+v", after, before)
	}
	secret := bytes.Repeat([]byte{7}, 32)
	if b := latest(t, authURL, token(t, secret)); b != before {
		t.Fatalf("auth port after restart: %+v", b)
	}
	if err := n.Seal(); err != nil {
		t.Fatal(err)
	}
	if b := latest(t, httpURL, ""); b.Number != "0x2" {
		t.Fatalf("head after restart+Seal = %s, want 0x2", b.Number)
	}
}

func TestPeriodStallResume(t *testing.T) {
	n := startNode(t, NodeConfig{Name: "l2", Period: 100 * time.Millisecond})
	number := func() uint64 { num, _, _ := n.Head(); return num }
	waitFor(t, "periodic blocks", func() bool { return number() >= 2 })

	n.Stall()
	stalled := number()
	if got := hexUint(t, latest(t, n.HTTPURL(), "").Number); got != stalled {
		t.Fatalf("RPC head %d, in-process head %d", got, stalled)
	}
	for range 2 {
		time.Sleep(300 * time.Millisecond)
		if got := number(); got != stalled {
			t.Fatalf("head moved while stalled: %d -> %d", stalled, got)
		}
	}

	n.Resume()
	waitFor(t, "blocks after Resume", func() bool { return number() > stalled })
}

func TestRestartResumesLoop(t *testing.T) {
	n := startNode(t, NodeConfig{Name: "l2", Period: 50 * time.Millisecond})
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped, _, _ := n.Head()
	if err := n.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "blocks after Restart", func() bool { num, _, _ := n.Head(); return num > stopped })

	// A stalled node stays stalled across a restart.
	n.Stall()
	if err := n.Restart(); err != nil {
		t.Fatal(err)
	}
	num, _, _ := n.Head()
	time.Sleep(200 * time.Millisecond)
	if got, _, _ := n.Head(); got != num {
		t.Fatalf("stalled node sealed after Restart: %d -> %d", num, got)
	}
}

func TestForkAndChainID(t *testing.T) {
	genesis := time.Now()
	a := startNode(t, NodeConfig{Name: "a", GenesisTime: genesis, GenesisExtra: []byte("a")})
	b := startNode(t, NodeConfig{Name: "b", GenesisTime: genesis, GenesisExtra: []byte("b"), ChainID: 902})
	if ha, hb := latest(t, a.HTTPURL(), "").Hash, latest(t, b.HTTPURL(), "").Hash; ha == hb {
		t.Fatalf("different GenesisExtra, same genesis hash %s", ha)
	}
	for n, want := range map[*Node]string{a: "0x385", b: "0x386"} {
		var id string
		result(t, n.HTTPURL(), "", &id, "eth_chainId")
		if id != want {
			t.Fatalf("eth_chainId = %s, want %s", id, want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	n := startNode(t, NodeConfig{Name: "l2", Period: 10 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 4 {
		wg.Go(func() {
			for range 10 {
				if err := n.Seal(); err != nil {
					errs <- fmt.Errorf("goroutine %d: %w", i, err)
				}
				n.Head()
			}
		})
	}
	wg.Go(func() {
		n.Stall()
		n.Resume()
		n.Stall()
		n.Resume()
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if num, _, _ := n.Head(); num < 40 {
		t.Fatalf("head %d after 40 explicit seals", num)
	}
}

// sealLoops counts the running sealing-loop goroutines.
func sealLoops() int {
	buf := make([]byte, 1<<20)
	for {
		k := runtime.Stack(buf, true)
		if k < len(buf) {
			return strings.Count(string(buf[:k]), "created by github.com/headprobe/headprobe/internal/devnet.(*Node).startLoopLocked")
		}
		buf = make([]byte, 2*len(buf))
	}
}

func TestRestartWaitsForBusyPort(t *testing.T) {
	n := startNode(t, NodeConfig{Name: "l2"})
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	squatter, err := net.Listen("tcp", strings.TrimPrefix(n.HTTPURL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	release := time.AfterFunc(200*time.Millisecond, func() { squatter.Close() })
	defer release.Stop()
	if err := n.Restart(); err != nil {
		t.Fatal(err)
	}
	if b := latest(t, n.HTTPURL(), ""); b.Number != "0x0" {
		t.Fatalf("after Restart: %+v", b)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	loops := sealLoops()
	n, err := StartNode(NodeConfig{Name: "l2", Period: 20 * time.Millisecond, JWTSecretFile: secretFile(t)})
	if err != nil {
		t.Fatal(err)
	}
	if got := sealLoops(); got != loops+1 {
		t.Fatalf("%d sealing loops running, want %d", got, loops+1)
	}
	n.Stall()
	if got := sealLoops(); got != loops {
		t.Fatalf("%d sealing loops after Stall, want %d", got, loops)
	}
	n.Resume()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if got := sealLoops(); got != loops {
		t.Fatalf("%d sealing loops after Close, want %d", got, loops)
	}
	if err := n.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := n.Restart(); err == nil {
		t.Fatal("Restart after Close succeeded")
	}
	if _, err := os.Stat(n.dataDir); !os.IsNotExist(err) {
		t.Fatalf("datadir left behind: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	if _, err := StartNode(NodeConfig{Name: "l2"}); err == nil {
		t.Fatal("StartNode without JWTSecretFile succeeded")
	}
	if _, err := Start(Options{}); err == nil {
		t.Fatal("Start without Dir succeeded")
	}
	if _, err := Start(Options{Dir: t.TempDir(), Secret: []byte("short")}); err == nil {
		t.Fatal("Start with a short secret succeeded")
	}
}
