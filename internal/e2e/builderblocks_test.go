package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/headprobe/headprobe/internal/devnet"
)

// The builder's blocks (issue #22) on the compiled binary: the devnet's builder stand-in winning
// the L2's blocks and losing them, a fake L2 counting what it is asked, and the window's faults.

// bbSigner is the builder's address of the fake L2s.
const bbSigner = "0x000000000000000000000000000000000000b1d0"

// bbDoc is the part of the JSON document these tests read.
type bbDoc struct {
	ExitCode        int     `json:"exit_code"`
	Reason          string  `json:"reason"`
	DurationSeconds float64 `json:"duration_seconds"`
	BuilderBlocks   *struct {
		OK                   bool     `json:"ok"`
		Reason               string   `json:"reason"`
		Cause                string   `json:"cause"`
		ErrorClass           string   `json:"error_class"`
		Landed               *uint64  `json:"landed"`
		Window               *uint64  `json:"window"`
		Short                string   `json:"short"`
		LastLandedNumber     *uint64  `json:"last_landed_number"`
		LastLandedAgeSeconds *float64 `json:"last_landed_age_seconds"`
	} `json:"builder_blocks"`
}

func parseBB(t *testing.T, o outcome) bbDoc {
	t.Helper()
	var doc bbDoc
	if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil {
		t.Fatalf("-o json: %v\n%s", err, o.stdout)
	}
	if doc.ExitCode != o.code {
		t.Errorf("json exit_code %d, process exit %d", doc.ExitCode, o.code)
	}
	return doc
}

// textfileValues are the gauges of a textfile, by name and labels as written.
func textfileValues(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if i := strings.LastIndexByte(line, ' '); i > 0 {
			out[line[:i]] = line[i+1:]
		}
	}
	return out
}

// TestBuilderBlocks_Devnet: the devnet's L2 seals blocks the builder stand-in wins (each carries
// its transaction): healthy, landed 10/10; then its own blocks (rollup-boost falling back): partial
// builder_blocks_missing, naming nothing older as a one-shot probe; then the builder's again:
// healthy. JSON, the textfile and the exit code agree at each step.
func TestBuilderBlocks_Devnet(t *testing.T) {
	t.Parallel()
	net := sequencer(t)
	textfile := filepath.Join(t.TempDir(), "headprobe.prom")
	args := authArgs(net, "--builder-signer", devnet.BuilderAddress.Hex(), "--textfile", textfile, "--chain-id", "901")
	sealN := func(n int) {
		for range n {
			seal(t, net.L2, net.Builder)
		}
	}
	for _, step := range []struct {
		name   string
		wins   bool
		blocks int
		code   int
		landed uint64
		ratio  string
		cause  string
	}{
		{"the builder's blocks land", true, 12, exitHealthy, 10, "1", ""},
		{"rollup-boost falls back to the L2's own blocks", false, 10, exitPartial, 0, "0", "builder_blocks_missing"},
		{"the builder's blocks land again", true, 1, exitHealthy, 1, "0.1", ""},
	} {
		net.L2.SetBuilderWins(step.wins)
		sealN(step.blocks)
		text := probeRun(t, args...)
		if step.code == exitPartial {
			text.expect(t, step.code, "PARTIAL: builder-blocks no L2 block of the last 10 came from the builder; none seen since headprobe started")
		} else {
			text.expect(t, step.code, "HEALTHY: ", fmt.Sprintf("builder-blocks landed %d/10", step.landed))
		}
		if !strings.Contains(text.stdout, fmt.Sprintf("  builder-blocks  %s", map[bool]string{true: "ok  ", false: "FAIL"}[step.code == 0])) {
			t.Errorf("%s: no builder-blocks line:\n%s", step.name, text.stdout)
		}
		o := probeRun(t, append(args, "-o", "json")...)
		doc := parseBB(t, o)
		b := doc.BuilderBlocks
		switch {
		case o.code != step.code:
			t.Errorf("%s: exit %d, want %d", step.name, o.code, step.code)
		case b == nil || b.Landed == nil || b.Window == nil:
			t.Fatalf("%s: builder_blocks %s", step.name, o.stdout)
		case *b.Landed != step.landed || *b.Window != 10 || b.Cause != step.cause || b.OK != (step.code == 0):
			t.Errorf("%s: builder_blocks landed %d/%d cause %q ok %v", step.name, *b.Landed, *b.Window, b.Cause, b.OK)
		case step.landed > 0 && (b.LastLandedNumber == nil || b.LastLandedAgeSeconds == nil):
			t.Errorf("%s: no last landed block", step.name)
		}
		v := textfileValues(t, textfile)
		if got := v["headprobe_builder_blocks_landed_ratio"]; got != step.ratio {
			t.Errorf("%s: textfile ratio %q, want %s", step.name, got, step.ratio)
		}
		if got := v[`headprobe_endpoint_ok{endpoint="builder-blocks"}`]; got != map[bool]string{true: "1", false: "0"}[step.code == 0] {
			t.Errorf("%s: textfile endpoint_ok %q", step.name, got)
		}
		if got := v["headprobe_status"]; got != fmt.Sprint(step.code) {
			t.Errorf("%s: textfile status %q, want %d", step.name, got, step.code)
		}
		if _, ok := v["headprobe_builder_last_landed_age_seconds"]; ok != (step.landed > 0) {
			t.Errorf("%s: textfile last landed age present %v", step.name, ok)
		}
		promtoolCheck(t, textfile) // the new series pass a real promtool's lint
	}
}

// bbL2 is a fake L2 over HTTP: eth_getBlockByNumber answers block(n) for a number, block(head)
// for "latest", null above the head; it counts the requests and the calls in them.
type bbL2 struct {
	url   string
	head  uint64
	block func(n uint64) string

	mu              sync.Mutex
	requests, calls int
}

func startBBL2(t *testing.T, head uint64, block func(n uint64) string) *bbL2 {
	l := &bbL2{head: head, block: block}
	hits := newFaultHits()
	l.url = fmHTTP(t, hits, http.HandlerFunc(l.serve))
	return l
}

func (l *bbL2) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	type call struct {
		ID     json.RawMessage   `json:"id"`
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	var calls []call
	batch := bytes.HasPrefix(bytes.TrimSpace(body), []byte("["))
	if batch {
		json.Unmarshal(body, &calls)
	} else {
		var c call
		json.Unmarshal(body, &c)
		calls = []call{c}
	}
	l.mu.Lock()
	l.requests++
	l.calls += len(calls)
	l.mu.Unlock()
	var out []string
	for _, c := range calls {
		result := "null"
		switch {
		case c.Method == "eth_chainId":
			result = faultChainID
		case c.Method == "eth_getBlockByNumber" && len(c.Params) > 0:
			var tag string
			json.Unmarshal(c.Params[0], &tag)
			n := l.head
			if tag != "latest" {
				fmt.Sscanf(tag, "0x%x", &n)
			}
			if n <= l.head {
				result = l.block(n)
			}
		}
		out = append(out, `{"jsonrpc":"2.0","id":`+string(c.ID)+`,"result":`+result+`}`)
	}
	w.Header().Set("Content-Type", "application/json")
	if batch {
		io.WriteString(w, "["+strings.Join(out, ",")+"]")
		return
	}
	io.WriteString(w, out[0])
}

func (l *bbL2) counts() (requests, calls int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests, l.calls
}

// bbBlock is block n, stamped now, with the transactions given (JSON objects or hashes).
func bbBlock(n uint64, txs ...string) string {
	return fmt.Sprintf(`{"number":"0x%x","hash":"%s","parentHash":"%s","timestamp":"0x%x","transactions":[%s]}`,
		n, fmBlockHash(n), fmBlockHash(n-1), time.Now().Unix(), strings.Join(txs, ","))
}

// bbBuilderTx is op-rbuilder's builder transaction; bbUserTx anyone else's.
const (
	bbBuilderTx = `{"from":"` + bbSigner + `","to":"0x0000000000000000000000000000000000000000","input":"0x426c6f636b204e756d6265723a203136"}`
	bbUserTx    = `{"from":"0x00000000000000000000000000000000000000ee","to":"0x00000000000000000000000000000000000000ef","input":"0x"}`
)

// bbLanding is a chain whose every block carries the builder's transaction.
func bbLanding(n uint64) string { return bbBlock(n, bbUserTx, bbBuilderTx) }

// Without --builder-signer nothing is asked beyond the head; with it, one request more: a single
// batch of --builder-blocks calls, whatever the window.
func TestBuilderBlocks_OneBatch_AndNoneWithoutTheFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		extra           []string
		requests, calls int
	}{
		{nil, 1, 1},
		{[]string{"--builder-signer", bbSigner}, 2, 11},
		{[]string{"--builder-signer", bbSigner, "--builder-blocks", "50"}, 2, 51},
		{[]string{"--builder-signer", bbSigner, "--chain-id", "901"}, 2, 12}, // eth_chainId joins the head's batch, as without the flag
	} {
		l2 := startBBL2(t, 100, bbLanding)
		o := probeRun(t, append([]string{"--l2", l2.url}, tc.extra...)...)
		if o.code != exitHealthy {
			t.Errorf("%v: exit %d", tc.extra, o.code)
		}
		if r, c := l2.counts(); r != tc.requests || c != tc.calls {
			t.Errorf("%v: %d requests of %d calls, want %d of %d", tc.extra, r, c, tc.requests, tc.calls)
		}
	}
}

// bbCase is one fault row of the window.
type bbCase struct {
	name  string
	head  uint64
	block func(n uint64) string
	args  []string
	code  int
	line  string // in the first line
	cause string // JSON builder_blocks.cause
	class string // JSON builder_blocks.error_class
	short string // JSON builder_blocks.short, when the window was read
}

// bbHuge is a block of about 4 MB: one transaction with 2 MB of input (4 MB of hex).
func bbHuge(n uint64) string {
	return bbBlock(n, `{"from":"`+bbSigner+`","to":"0x00000000000000000000000000000000000000ef","input":"0x`+strings.Repeat("ab", 2<<20)+`"}`)
}

func bbCases() []bbCase {
	return []bbCase{
		{"transactions as hashes only (a node ignoring the flag)", 100, func(n uint64) string { return bbBlock(n, `"`+fmBlockHash(n)+`"`) }, nil,
			exitPartial, "PARTIAL: builder-blocks not counted: the L2's last 10 blocks: malformed response: block #100 lists its transactions as hashes", "unreachable", "malformed", ""},
		{"from missing", 100, func(n uint64) string { return bbBlock(n, `{"to":"0x00000000000000000000000000000000000000ef"}`) }, nil,
			exitPartial, "malformed response: block #100 transaction 0 has no from", "unreachable", "malformed", ""},
		{"from malformed", 100, func(n uint64) string { return bbBlock(n, bbUserTx, `{"from":"0xb1d0"}`) }, nil,
			exitPartial, `malformed response: block #100 transaction 1: from "0xb1d0" is not an address`, "unreachable", "malformed", ""},
		{"a 4 MB block in the window (over the body cap)", 100, func(n uint64) string {
			if n == 98 {
				return bbHuge(n)
			}
			return bbLanding(n)
		}, []string{"--timeout", "5s"}, exitPartial, "response larger than 4194304 bytes: refused", "unreachable", "too_large", ""},
		{"window reaching below the genesis", 3, func(n uint64) string {
			if n == 2 {
				return bbLanding(n)
			}
			return bbBlock(n, bbUserTx)
		}, nil, exitHealthy, "builder-blocks landed 1/3 (#1–#3) (only 3 blocks after the genesis)", "", "", "only 3 blocks after the genesis"},
		{"reorg inside the window: the builder's blocks replaced", 100, func(n uint64) string {
			switch {
			case n == 98: // #99's parent is another #98: the blocks from #98 down are the old branch's
				return strings.Replace(bbLanding(n), `"hash":"`+fmBlockHash(98)+`"`, `"hash":"0x`+strings.Repeat("0f", 32)+`"`, 1)
			case n > 98:
				return bbBlock(n, bbUserTx)
			}
			return bbLanding(n)
		}, nil, exitPartial, "no L2 block of the last 2 came from the builder (reorg inside the window: only the 2 blocks linked to #100 counted)",
			"builder_blocks_missing", "", "reorg inside the window: only the 2 blocks linked to #100 counted"},
	}
}

// TestBuilderBlocks_Faults runs each fault of the window in text and JSON, beside a fake L2 at
// #100 (or younger): the exit code, the first line, the JSON cause and class, the run's bound and,
// for the 4 MB block, a small peak RSS.
func TestBuilderBlocks_Faults(t *testing.T) {
	t.Parallel()
	fx := &faultFixture{spawner: buildSpawner(t, t.TempDir())}
	for _, c := range bbCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			l2 := startBBL2(t, c.head, c.block)
			for _, output := range []string{"text", "json"} {
				args := append([]string{"--l2", l2.url, "--builder-signer", bbSigner, "-o", output}, c.args...)
				o := fx.execRSS(t, args...)
				fmWithinBound(t, output, fmRunBound(t, args), o)
				if o.maxRSSKiB <= 0 || o.maxRSSKiB >= 50_000 {
					t.Errorf("%s: peak RSS %d KiB, want < 50 MB", output, o.maxRSSKiB)
				}
				if output == "text" {
					prefix := map[int]string{exitHealthy: "HEALTHY: ", exitPartial: "PARTIAL: "}[c.code]
					o.expect(t, c.code, prefix, c.line)
					continue
				}
				doc := parseBB(t, o.outcome)
				b := doc.BuilderBlocks
				switch {
				case o.code != c.code:
					t.Errorf("exit %d, want %d", o.code, c.code)
				case b == nil:
					t.Errorf("no builder_blocks: %s", o.stdout)
				case b.Cause != c.cause || b.ErrorClass != c.class || b.OK != (c.code == 0) || b.Short != c.short:
					t.Errorf("builder_blocks cause %q class %q ok %v short %q; want %q %q %q", b.Cause, b.ErrorClass, b.OK, b.Short, c.cause, c.class, c.short)
				case c.code != 0 && !strings.Contains(doc.Reason, "builder-blocks "+b.Reason):
					t.Errorf("json reason %q does not carry builder_blocks.reason %q", doc.Reason, b.Reason)
				}
			}
		})
	}
}

// A malformed signer address is refused before any I/O, exit 3, whatever the output format.
func TestBuilderBlocks_MalformedSigner_IsUnknown(t *testing.T) {
	t.Parallel()
	rec := fmRecording(t, nil)
	for _, output := range []string{"text", "json"} {
		o := probeRun(t, "--l2", rec.url, "--builder-signer", "0xb1d0", "-o", output)
		if o.code != exitUnknown || !strings.Contains(o.stdout+o.stderr, "--builder-signer must be an address, 0x and 40 hex digits (specified: ") {
			t.Errorf("%s: exit %d:\n%s%s", output, o.code, o.stdout, o.stderr)
		}
	}
	if n := rec.hits.conns.Load() + rec.hits.requests.Load(); n != 0 {
		t.Errorf("refused configuration, yet the probe reached the L2 (%d connections and requests)", n)
	}
}
