package rpc_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/rpc"
)

// startNet starts a real L2/builder pair and seals one block on the L2.
func startNet(t *testing.T) *devnet.Net {
	t.Helper()
	net, err := devnet.Start(devnet.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	if err := net.L2.Seal(); err != nil {
		t.Fatal(err)
	}
	return net
}

func TestRealNode_HeadOverHTTPAndJWTPort_MatchesTheNode(t *testing.T) {
	net := startNet(t)
	number, hash, timestamp := net.L2.Head()
	for _, tc := range []struct {
		name string
		url  string
		opts rpc.Options
	}{
		{"http port", net.L2.HTTPURL(), rpc.Options{Timeout: time.Second}},
		{"engine-api port with JWT", net.L2.AuthURL(), rpc.Options{Timeout: time.Second, JWTSecret: net.Secret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rpc.New(tc.url, tc.opts)
			defer c.Close()
			for i := 0; i < 2; i++ { // a second call reuses the connection and signs a fresh token
				h, err := c.Head(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if h.Number != number || h.Hash != hash || h.Timestamp != timestamp {
					t.Errorf("head #%d %s @%d, node says #%d %s @%d", h.Number, h.Hash, h.Timestamp, number, hash, timestamp)
				}
			}
		})
	}
}

func TestRealNode_WrongOrMissingSecret_SaysCheckTheJWTSecret(t *testing.T) {
	net := startNet(t)
	for name, secret := range map[string][]byte{
		"missing": nil,
		"wrong":   bytes.Repeat([]byte{0x42}, rpc.SecretSize),
	} {
		want := map[bool]string{true: "no credentials were sent: an Engine-API port wants a JWT secret", false: "check the JWT secret"}[secret == nil]
		t.Run(name, func(t *testing.T) {
			c := rpc.New(net.L2.AuthURL(), rpc.Options{Timeout: time.Second, JWTSecret: secret})
			defer c.Close()
			_, err := c.Head(context.Background())
			var f *rpc.Failure
			if !errors.As(err, &f) || f.Class != rpc.ClassUnauthorized {
				t.Fatalf("err = %v, want an unauthorized failure", err)
			}
			if !strings.Contains(f.Error(), want) {
				t.Errorf("reason %q, want %q", f.Error(), want)
			}
		})
	}
}

func TestRealNode_Stopped_IsRefusedFast(t *testing.T) {
	net := startNet(t)
	if err := net.Builder.Stop(); err != nil {
		t.Fatal(err)
	}
	c := rpc.New(net.Builder.AuthURL(), rpc.Options{Timeout: time.Second, JWTSecret: net.Secret})
	defer c.Close()
	start := time.Now()
	_, err := c.Head(context.Background())
	var f *rpc.Failure
	if !errors.As(err, &f) || f.Class != rpc.ClassRefused {
		t.Fatalf("err = %v, want refused", err)
	}
	// Far from the 1 s timeout: a refused port is not waited out (the bench measures the exact figure, P6).
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("a refused port took %s, want well under the 1s timeout", took)
	}
}
