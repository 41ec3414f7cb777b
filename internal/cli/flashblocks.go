package cli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/headprobe/headprobe/flashblocks"
	"github.com/headprobe/headprobe/roles"
	"github.com/headprobe/headprobe/rpc"
)

// parseFlashblocks reads --flashblocks, its header and --max-flashblock-gap into cfg.flashblocks;
// none without --flashblocks. The stream is a websocket: ws or wss only.
func (cfg *config) parseFlashblocks(c *cli.Context) error {
	url := strings.TrimSpace(str(c, flagFlashblocks))
	if url == "" {
		return nil
	}
	if err := rpc.ValidateURL(url); err != nil {
		return fmt.Errorf("--%s %v", flagFlashblocks, err)
	}
	if !strings.HasPrefix(url, "ws://") && !strings.HasPrefix(url, "wss://") {
		return fmt.Errorf("--%s %q is not a websocket URL: want ws:// or wss:// (rollup-boost's outbound stream is ws://HOST:1112)", flagFlashblocks, rpc.Redact(url))
	}
	lines, err := headerLines(c, flagFlashblocksHeader)
	if err != nil {
		return err
	}
	headers, err := rpc.ParseHeaders(lines)
	if err != nil {
		return fmt.Errorf("--%s: %v", flagFlashblocksHeader, err)
	}
	gap, err := duration(c, flagMaxFlashblockGap)
	if err != nil {
		return err
	}
	if gap <= 0 {
		return fmt.Errorf("--%s must be greater than zero (specified: %s)", flagMaxFlashblockGap, str(c, flagMaxFlashblockGap))
	}
	if bound := runBound(cfg); gap > bound {
		cfg.warnings = append(cfg.warnings, warning("--%s %s is longer than the run (interval + timeout: %s): a silent stream is judged at the run's end", flagMaxFlashblockGap, gap, bound))
	}
	cfg.flashblocks = &flashblocks.Options{URL: url, Headers: headers, TLS: cfg.tls, Timeout: cfg.timeout, MaxGap: gap,
		Role: roles.Flashblocks, Against: roles.L2}
	return nil
}
