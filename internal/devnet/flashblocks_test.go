package devnet

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/kind/flashblocks"
)

// subscribe dials the publisher; the connection is closed when the test ends.
func subscribe(t *testing.T, f *Flashblocks) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(f.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// next reads the next flashblock within 2 s, decoded by headprobe's decoder, with its raw JSON.
func next(t *testing.T, c *websocket.Conn) (flashblocks.Frame, map[string]any) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	kind, data, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	f, err := flashblocks.Decode(kind, data)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if kind == websocket.TextMessage {
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
	}
	return f, raw
}

func TestFlashblocks_FollowsTheBuilder(t *testing.T) {
	net := startNet(t, Options{})
	if err := net.L2.Seal(); err != nil {
		t.Fatal(err)
	}
	pub, err := StartFlashblocks(net.Builder, FlashblocksOptions{Every: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pub.Close() })
	c := subscribe(t, pub)
	// The payload in progress may have begun before the subscription: wait for the next one.
	if err := net.L2.Seal(); err != nil {
		t.Fatal(err)
	}
	number, hash, ts := net.Builder.Head()
	f, raw := next(t, c)
	for f.Index != 0 || f.Block != number+1 {
		f, raw = next(t, c)
	}
	base := raw["base"].(map[string]any)
	if base["parent_hash"] != hash.Hex() || base["timestamp"] != "0x"+strconv.FormatUint(ts+1, 16) || raw["payload_id"] == nil || raw["diff"] == nil {
		t.Errorf("index 0: %v", raw)
	}
	for i := uint64(1); i < 5; i++ {
		if f, raw = next(t, c); f.Index != i || f.Block != number+1 || raw["base"] != nil {
			t.Errorf("frame %+v, want index %d of #%d without base", f, i, number+1)
		}
	}
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, _, err := c.ReadMessage(); err == nil {
		t.Error("a sixth flashblock for one block")
	}
	c = subscribe(t, pub) // the timed-out read spoilt the connection

	pub.Compress(true)
	pub.SendOld(3)
	net.L2.Seal()
	// The first frame may still build on the head before the seal: #number+1-3 or #number+2-3.
	if f, _ := next(t, c); !f.Compressed || f.Block+3 < number+1 || f.Block+3 > number+2 {
		t.Errorf("frame %+v, want a brotli frame three blocks behind #%d or #%d", f, number+1, number+2)
	}
	pub.Stall()
	time.Sleep(50 * time.Millisecond) // a frame already on its way
	published := pub.Published()
	time.Sleep(200 * time.Millisecond)
	if n := pub.Published(); n != published {
		t.Errorf("%d flashblocks published while stalled", n-published)
	}
	if pub.Accepted() != 2 {
		t.Errorf("%d subscriptions accepted, want 2", pub.Accepted())
	}
}
