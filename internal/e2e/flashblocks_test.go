package e2e

import (
	"bytes"
	endian "encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/internal/devnet"
	"github.com/headprobe/headprobe/internal/testkit"
)

// The flashblocks stream's faults (issue #12), on the compiled binary beside a healthy fake L2 at
// #16: each gives exit 1 with its reason in the first line and in the JSON flashblocks object, a
// small peak RSS, and an end within the run's bound.

// fbCase is one fault of the stream.
type fbCase struct {
	name   string
	serve  func(t *testing.T) string // the stream's URL
	code   int
	reason string // after "flashblocks " in the first line
	cause  string
	class  string
}

// fbDoc is the part of the JSON document these tests read.
type fbDoc struct {
	ExitCode        int     `json:"exit_code"`
	Reason          string  `json:"reason"`
	DurationSeconds float64 `json:"duration_seconds"`
	Flashblocks     *struct {
		OK          bool     `json:"ok"`
		Reason      string   `json:"reason"`
		Cause       string   `json:"cause"`
		ErrorClass  string   `json:"error_class"`
		Frames      int      `json:"frames"`
		PerSecond   float64  `json:"flashblocks_per_second"`
		BlockNumber *uint64  `json:"block_number"`
		L2Block     *uint64  `json:"l2_block_number"`
		Compressed  bool     `json:"compressed"`
		FirstFrame  *float64 `json:"first_frame_seconds"`
	} `json:"flashblocks"`
}

func fbCases() []fbCase {
	return []fbCase{
		{"upgrade refused: HTTP 200", fbStatus(200), 1, "websocket: bad handshake (HTTP status 200 OK)", "unreachable", "connection"},
		{"upgrade refused: HTTP 404", fbStatus(404), 1, "websocket: bad handshake (HTTP status 404 Not Found)", "unreachable", "connection"},
		{"upgrade refused: HTTP 401", fbStatus(401), 1, "unauthorized (HTTP 401 on the WebSocket handshake)", "unreachable", "unauthorized"},
		{"port closed", func(t *testing.T) string { return "ws://" + strings.TrimPrefix(fmRefused(t, nil).url, "http://") }, 1, "connection refused", "unreachable", "refused"},
		{"accepted and silent", fbWS(fbWaitClosed), 1, "no frame within 1s", "stale", ""},
		{"garbage text", fbWS(fbSend(websocket.TextMessage, []byte("garbage, not a flashblock"))), 1, "malformed frame: not a flashblock (invalid JSON at byte 1)", "malformed", "malformed"},
		{"binary that is not brotli", fbWS(fbSend(websocket.BinaryMessage, []byte{0xff, 0xfe, 0xfd, 0x00, 0x01})), 1, "malformed frame: binary frame is not brotli-compressed", "malformed", "malformed"},
		{"valid brotli of invalid JSON", fbWS(func(c *websocket.Conn) { fbSend(websocket.BinaryMessage, fbBrotli([]byte(`{"payload_id":`)))(c) }), 1, "malformed frame: not a flashblock (invalid JSON", "malformed", "malformed"},
		{"a 100 MiB frame", fbWS(fbHugeFrame), 1, "frame larger than 4194304 bytes: refused", "malformed", "too_large"},
		{"a brotli frame of 100 MiB once decompressed", fbBombServer, 1, "frame larger than 4194304 bytes once decompressed: refused", "malformed", "too_large"},
		{"frames for an old block", fbWS(fbPublish(5, false)), 1, "building #5 while the L2 is at #16", "behind", ""},
		{"closed after one frame", fbWS(func(c *websocket.Conn) { c.WriteMessage(websocket.TextMessage, fbFrame(5, 0)) }), 1, "connection closed by the server", "unreachable", "connection"},
		{"building the next block", fbWS(fbPublish(17, false)), 0, "building #17 on the L2's #16", "", ""},
		{"building the next block, brotli-compressed", fbWS(fbPublish(17, true)), 0, "building #17 on the L2's #16", "", ""},
	}
}

// TestFlashblocks_Faults runs every fault of the stream, in text and in JSON.
func TestFlashblocks_Faults(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	fx := &faultFixture{spawner: buildSpawner(t, t.TempDir())}
	for _, c := range fbCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			l2 := fmRPC(fmFresh)(t, nil)
			for _, output := range []string{"text", "json"} {
				// A generous timeout: the fake L2 answers from this loaded test process (a 1 s timeout
				// flaked under load); the stream's own bound is --max-flashblock-gap's 1 s.
				args := []string{"--l2", l2.url, "--flashblocks", c.serve(t), "--timeout", "3s", "-o", output}
				o := fx.execRSS(t, args...)
				fmWithinBound(t, output, fmRunBound(t, args), o)
				if o.maxRSSKiB <= 0 || o.maxRSSKiB >= 50_000 {
					t.Errorf("%s: peak RSS %d KiB, want < 50 MB", output, o.maxRSSKiB)
				}
				if output == "text" {
					prefix := "PARTIAL: flashblocks "
					if c.code == 0 {
						prefix = "HEALTHY: "
					}
					o.expect(t, c.code, prefix, c.reason)
					continue
				}
				c.checkJSON(t, o)
			}
		})
	}
}

// checkJSON checks the JSON document of a run against the case.
func (c fbCase) checkJSON(t *testing.T, o faultOutcome) {
	t.Helper()
	var doc fbDoc
	if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil {
		t.Fatalf("-o json: %v", err)
	}
	f := doc.Flashblocks
	switch {
	case o.code != c.code || doc.ExitCode != c.code:
		t.Errorf("exit %d, json exit_code %d, want %d", o.code, doc.ExitCode, c.code)
	case f == nil:
		t.Errorf("no flashblocks object: %s", o.stdout)
	case f.OK != (c.code == 0) || f.Cause != c.cause || f.ErrorClass != c.class || !strings.Contains(f.Reason, strings.TrimPrefix(c.reason, "malformed ")):
		t.Errorf("flashblocks ok %v cause %q class %q reason %q; want cause %q class %q reason %q", f.OK, f.Cause, f.ErrorClass, f.Reason, c.cause, c.class, c.reason)
	case c.code != 0 && !strings.Contains(doc.Reason, "flashblocks "+f.Reason):
		t.Errorf("json reason %q does not carry flashblocks.reason %q", doc.Reason, f.Reason)
	case c.code == 0 && (f.Frames < 1 || f.BlockNumber == nil || *f.BlockNumber != 17 || f.L2Block == nil || *f.L2Block != 16 || f.FirstFrame == nil):
		t.Errorf("flashblocks %+v: want frames, block #17 on the L2's #16, a first frame", *f)
	}
}

// TestFlashblocks_Devnet follows the devnet's builder with its publisher: alive, compressed,
// stalled, old blocks, and watch keeping one subscription across its checks.
func TestFlashblocks_Devnet(t *testing.T) {
	t.Parallel() // waits on timeouts and servers: overlaps the others
	net, err := devnet.Start(devnet.Options{Period: time.Second, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	pub, err := devnet.StartFlashblocks(net.Builder, devnet.FlashblocksOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	for deadline := time.Now().Add(10 * time.Second); pub.Published() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no flashblock published within 10 s")
		}
	}
	run := func(want int, reason string) fbDoc {
		t.Helper()
		o := probeRun(t, "health", "--l2", net.L2.HTTPURL(), "--flashblocks", pub.URL(), "-o", "json")
		var doc fbDoc
		if err := json.Unmarshal([]byte(o.stdout), &doc); err != nil || doc.Flashblocks == nil {
			t.Fatalf("-o json: %v: %s", err, o.stdout)
		}
		if o.code != want || !strings.Contains(doc.Reason, reason) {
			t.Errorf("exit %d, reason %q; want %d, %q", o.code, doc.Reason, want, reason)
		}
		if d := time.Duration(doc.DurationSeconds * float64(time.Second)); d > time.Second+300*time.Millisecond {
			t.Errorf("the probe measured %s, beyond its bound", d)
		}
		return doc
	}
	if doc := run(exitHealthy, "flashblocks building #"); doc.Flashblocks.Compressed {
		t.Error("text frames reported compressed")
	}
	pub.Compress(true)
	if doc := run(exitHealthy, "flashblocks building #"); !doc.Flashblocks.Compressed {
		t.Error("brotli frames not reported compressed")
	}
	pub.Stall()
	run(exitPartial, "flashblocks no frame within 1s")
	pub.SendOld(3)
	pub.Resume()
	run(exitPartial, "while the L2 is at #")
	pub.SendOld(0)
	run(exitHealthy, "flashblocks building #")

	// watch: one subscription for all its checks.
	before := pub.Accepted()
	cmd := exec.Command(binary, "watch", "--every", "300ms", "-o", "json", "--l2", net.L2.HTTPURL(), "--flashblocks", pub.URL())
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	lines, stderr := startLines(t, cmd)
	var healthy int
	for deadline := time.After(15 * time.Second); healthy < 4; {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("watch ended; stderr %q", stderr.String())
			}
			var doc fbDoc
			if err := json.Unmarshal([]byte(line), &doc); err != nil || doc.Flashblocks == nil {
				t.Fatalf("watch line %q: %v", line, err)
			}
			if doc.ExitCode == exitHealthy {
				healthy++
			} else {
				t.Logf("watch check not healthy: %s", doc.Reason)
			}
		case <-deadline:
			t.Fatalf("fewer than 4 healthy checks in 15 s")
		}
	}
	cmd.Process.Signal(os.Interrupt)
	go func() {
		for range lines {
		}
	}()
	cmd.Wait()
	if n := pub.Accepted() - before; n != 1 {
		t.Errorf("watch subscribed %d times for its checks, want once", n)
	}
}

// fbStatus answers the handshake with an HTTP status instead of upgrading.
func fbStatus(code int) func(t *testing.T) string {
	return func(t *testing.T) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(code)
			w.Write([]byte("no stream here\n"))
		}))
		t.Cleanup(srv.Close)
		return "ws" + strings.TrimPrefix(srv.URL, "http")
	}
}

// fbWS upgrades every connection and hands it to serve.
func fbWS(serve func(c *websocket.Conn)) func(t *testing.T) string {
	return func(t *testing.T) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer c.Close()
			serve(c)
		}))
		t.Cleanup(srv.Close)
		return "ws" + strings.TrimPrefix(srv.URL, "http")
	}
}

// fbWaitClosed sends nothing and waits for the client to go.
func fbWaitClosed(c *websocket.Conn) {
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
	}
}

// fbSend sends one message, then waits for the client to go.
func fbSend(kind int, msg []byte) func(c *websocket.Conn) {
	return func(c *websocket.Conn) {
		c.WriteMessage(kind, msg)
		fbWaitClosed(c)
	}
}

// fbPublish sends flashblocks for block every 100 ms, index 0 with base and the next ones with
// metadata.block_number, as op-rbuilder does; compressed sends them as brotli binary frames.
func fbPublish(block uint64, compressed bool) func(c *websocket.Conn) {
	return func(c *websocket.Conn) {
		for i := 0; ; i++ {
			kind, msg := websocket.TextMessage, fbFrame(block, i)
			if compressed {
				kind, msg = websocket.BinaryMessage, fbBrotli(msg)
			}
			if err := c.WriteMessage(kind, msg); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// fbFrame is a minimal FlashblocksPayloadV1 for block.
func fbFrame(block uint64, index int) []byte {
	var b bytes.Buffer
	json.NewEncoder(&b).Encode(map[string]any{
		"payload_id": "0x00000000000000" + string("0123456789abcdef"[block%16]) + "1",
		"index":      index,
		"diff":       map[string]any{"transactions": []string{}},
		"metadata":   map[string]any{"block_number": block},
	})
	return b.Bytes()
}

// fbHugeFrame sends one 100 MiB text frame, written as it goes, never held in memory.
func fbHugeFrame(c *websocket.Conn) {
	const size = 100 << 20
	header := []byte{0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0} // FIN, text; 64-bit length, unmasked (a server's)
	endian.BigEndian.PutUint64(header[2:], size)
	conn := c.UnderlyingConn()
	conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(header); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte(" "), 64<<10)
	for sent := 0; sent < size; sent += len(chunk) {
		if _, err := conn.Write(chunk); err != nil {
			return
		}
	}
}

// fbBrotli is b brotli-compressed.
func fbBrotli(b []byte) []byte {
	var out bytes.Buffer
	w := brotli.NewWriterLevel(&out, brotli.BestSpeed)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// fbBombServer sends the bomb, made before the run starts (compressing 100 MiB takes a while).
func fbBombServer(t *testing.T) string {
	return fbWS(fbSend(websocket.BinaryMessage, fbBomb()))(t)
}

// fbBomb is a small brotli frame of 100 MiB once decompressed, made once.
var fbBomb = sync.OnceValue(func() []byte { return fbBrotli(bytes.Repeat([]byte(" "), 100<<20)) })

// TestFlashblocks_Textfile: the textfile of a run with a stream carries the headprobe_flashblocks_*
// series the README's flashblocks section lists, and no other, and promtool accepts it.
func TestFlashblocks_Textfile(t *testing.T) {
	prom := filepath.Join(t.TempDir(), "headprobe.prom")
	l2 := fmRPC(fmFresh)(t, nil)
	probeRun(t, "--l2", l2.url, "--flashblocks", fbWS(fbPublish(17, false))(t), "--textfile", prom, "-q").expect(t, exitHealthy, "")
	data, err := os.ReadFile(prom)
	if err != nil {
		t.Fatal(err)
	}
	s := parseExposition(t, data)
	emitted := map[string]bool{}
	for k := range s {
		if name, _, _ := strings.Cut(k, "{"); strings.HasPrefix(name, "headprobe_flashblocks_") {
			emitted[name] = true
		}
	}
	readme := string(testkit.MustRead(t, "README.md"))
	start := strings.Index(readme, "## Flashblocks: `--flashblocks`")
	end := strings.Index(readme[start+1:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal("README has no flashblocks section")
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("`(headprobe_flashblocks_[a-z_]+)`").FindAllStringSubmatch(readme[start:start+1+end], -1) {
		documented[m[1]] = true
	}
	for name := range emitted {
		if !documented[name] {
			t.Errorf("%s is in the textfile, not in the README's flashblocks section", name)
		}
	}
	for name := range documented {
		if !emitted[name] {
			t.Errorf("the README documents %s, which the textfile of a healthy run lacks", name)
		}
	}
	if v, ok := s["headprobe_endpoint_ok{endpoint=flashblocks}"]; !ok || v != 1 {
		t.Errorf("headprobe_endpoint_ok{endpoint=flashblocks} = %v (present %v), want 1", v, ok)
	}
	if v := s["headprobe_flashblocks_block_number"]; v != 17 {
		t.Errorf("headprobe_flashblocks_block_number = %v, want 17", v)
	}
	promtoolCheck(t, prom)
}
