package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/kind/flashblocks"
)

func TestConfig_Flashblocks(t *testing.T) {
	if cfg := mustParse(t, hp("--l2", "http://a:1"), nil); hasPart[*flashblocks.Part](cfg) {
		t.Errorf("no --flashblocks, yet a stream: %+v", cfg.Parts)
	}
	cfg := mustParse(t, hp("--l2", "http://a:1", "--flashblocks", "ws://rb:1112", "--flashblocks-header", "X-Key: k1", "--timeout", "2s"), nil)
	if p, ok := partOf[*flashblocks.Part](cfg); !ok || p.Options().URL != "ws://rb:1112" || p.Options().MaxGap != time.Second || p.Options().Timeout != 2*time.Second || p.Options().Headers.Get("X-Key") != "k1" || p.Role().Failure != check.Partial {
		t.Errorf("stream %+v", p)
	}
	env := map[string]string{"HEADPROBE_FLASHBLOCKS": "wss://rb:1112", "HEADPROBE_MAX_FLASHBLOCK_GAP": "500ms"}
	if p, ok := partOf[*flashblocks.Part](mustParse(t, hp("--l2", "http://a:1"), env)); !ok || p.Options().URL != "wss://rb:1112" || p.Options().MaxGap != 500*time.Millisecond {
		t.Errorf("from the environment: %+v", p)
	}
	if w := mustParse(t, hp("--l2", "http://a:1", "--flashblocks", "ws://rb:1112", "--max-flashblock-gap", "5s"), nil).Warnings; len(w) != 1 || !strings.Contains(w[0], "--max-flashblock-gap 5s is longer than the run (interval + timeout: 1.05s)") {
		t.Errorf("warnings %q", w)
	}
	if w := mustParse(t, hp("--l2", "http://a:1", "--flashblocks", "ws://rb:1112", "--max-flashblock-gap", "5s", "--interval", "5s"), nil).Warnings; len(w) != 0 {
		t.Errorf("a gap within the run: warnings %q", w)
	}
	for _, mode := range []string{"ready", "live"} {
		if cfg := mustParse(t, hp(mode, "--l2", "http://a:1", "--flashblocks", "http://not-even-ws"), nil); len(cfg.Parts) != 0 {
			t.Errorf("%s judges the stream: %+v", mode, cfg.Parts)
		}
	}
	mustRefuse(t, hp("--l2", "http://a:1", "--flashblocks", "http://rb:1112"), nil, `--flashblocks "http://rb:1112" is not a websocket URL: want ws:// or wss://`)
	mustRefuse(t, hp("--l2", "http://a:1", "--flashblocks", "/tmp/rb.ipc"), nil, "is not a websocket URL")
	mustRefuse(t, hp("--l2", "http://a:1", "--flashblocks", "rb:1112"), nil, "--flashblocks \"rb:1112\" has no scheme")
	mustRefuse(t, hp("--l2", "http://a:1", "--flashblocks", "ws://rb:1112", "--max-flashblock-gap", "0"), nil, "--max-flashblock-gap must be greater than zero")
	mustRefuse(t, hp("--l2", "http://a:1", "--flashblocks", "ws://rb:1112", "--max-flashblock-gap", "soon"), nil, "--max-flashblock-gap must be a duration")
	mustRefuse(t, hp("--l2", "http://a:1", "--flashblocks", "ws://rb:1112", "--flashblocks-header", "X-A: a\x01b"), nil, `--flashblocks-header: the value of "X-A" contains a control character`)
}

// TestRun_FlashblocksNotAWebsocketExits3: the refusal is one line, exit 3, before any I/O.
func TestRun_FlashblocksNotAWebsocketExits3(t *testing.T) {
	var stdout, stderr strings.Builder
	code := Run(context.Background(), hp("--l2", "http://127.0.0.1:1", "--flashblocks", "https://rb:1112"), &stdout, &stderr)
	if code != check.Unknown.ExitCode() || strings.Count(stdout.String(), "\n") != 1 || !strings.HasPrefix(stdout.String(), "UNKNOWN: --flashblocks ") {
		t.Errorf("exit %d, stdout %q", code, stdout.String())
	}
}
