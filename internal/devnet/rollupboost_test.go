package devnet

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// status GETs the stand-in's /healthz.
func status(t *testing.T, rb *RollupBoost) int {
	t.Helper()
	resp, err := http.Get(rb.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRollupBoostStandIn_AppliesRollupBoostsRule: 200 with both nodes up, 206 with the builder
// down, 200 again with the execution mode disabled, 503 with the L2 down.
func TestRollupBoostStandIn_AppliesRollupBoostsRule(t *testing.T) {
	n, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.L2.Seal(); err != nil {
		t.Fatal(err)
	}
	rb, err := StartRollupBoost(n, RollupBoostOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Close()
	if got := status(t, rb); got != 200 {
		t.Errorf("both up: %d, want 200", got)
	}
	if err := n.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := status(t, rb); got != 206 {
		t.Errorf("builder down: %d, want 206", got)
	}
	rb.SetDisabled(true)
	if got := status(t, rb); got != 200 {
		t.Errorf("builder down, mode disabled: %d, want 200", got)
	}
	if err := n.L2.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := status(t, rb); got != 503 {
		t.Errorf("L2 down: %d, want 503", got)
	}
}

// TestRollupBoostStandIn_StaleL2Is503: a head older than max_unsafe_interval is a 503, as in
// health.rs, even though the node answers.
func TestRollupBoostStandIn_StaleL2Is503(t *testing.T) {
	secret, err := randomSecret()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "jwt.hex")
	if err := WriteSecretFile(file, secret); err != nil {
		t.Fatal(err)
	}
	old, err := StartNode(NodeConfig{Name: "old l2", GenesisTime: time.Now().Add(-time.Hour), JWTSecretFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	rb, err := StartRollupBoost(&Net{L2: old, Builder: old, Secret: secret, JWTSecretFile: file}, RollupBoostOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rb.Close()
	if got := status(t, rb); got != 503 {
		t.Errorf("an hour-old L2: %d, want 503", got)
	}
}
