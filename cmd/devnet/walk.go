package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/report"
	"github.com/headprobe/headprobe/roles"
	"github.com/headprobe/headprobe/rpc"
)

// chainID is the devnet's chain id, which every step's command asks for.
const chainID = 901

// walk runs headprobe's check in-process against the devnet, exactly as the printed command would.
type walk struct {
	net    *devnet.Net
	window time.Duration
}

// probe prints the headprobe command for the current step against the L2 and the given
// builder, runs the same check and prints its output.
func (w walk) probe(ctx context.Context, builderNode *devnet.Node) check.State {
	const timeout = time.Second
	cfg := check.Config{MaxAge: 10 * time.Second, Interval: w.window, MinBlocks: 1, ChainID: chainID}
	args := []string{
		"headprobe", "health",
		"--l2", w.net.L2.AuthURL(), "--l2-jwt-secret", w.net.JWTSecretFile,
		"--builder", builderNode.AuthURL(), "--builder-jwt-secret", w.net.JWTSecretFile,
		"--interval", cfg.Interval.String(), "--chain-id", strconv.Itoa(chainID), "--check-fork",
	}
	fmt.Printf("   $ %s\n", strings.Join(args, " "))
	opts := rpc.Options{Timeout: timeout, JWTSecret: w.net.Secret, ChainID: true} // as headprobe does with a builder
	l2 := rpc.New(w.net.L2.AuthURL(), opts)
	defer l2.Close()
	builder := rpc.New(builderNode.AuthURL(), opts)
	defer builder.Close()
	ctx, cancel := context.WithTimeout(ctx, cfg.Interval+timeout+50*time.Millisecond)
	defer cancel()
	result := check.Run(ctx, check.SystemClock{}, check.Health, cfg, []check.Target{
		{Role: roles.L2, URL: rpc.Redact(w.net.L2.AuthURL()), Source: l2},
		{Role: roles.Builder, URL: rpc.Redact(builderNode.AuthURL()), Source: builder},
	}, roles.Relations(nil, true)) // --check-fork
	var out strings.Builder
	report.Text(&out, result, false)
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		fmt.Fprintf(os.Stdout, "   %s\n", line)
	}
	return result.State
}
