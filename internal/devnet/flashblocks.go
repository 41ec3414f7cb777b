package devnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gorilla/websocket"
)

// FlashblocksOptions configures a flashblocks publisher.
type FlashblocksOptions struct {
	// Every is the period between two flashblocks; 200 ms (op-rbuilder's default) when 0.
	Every time.Duration
	// PerBlock is how many flashblocks it publishes for one block, index 0 to PerBlock-1; 5 when 0.
	PerBlock int
}

// Flashblocks publishes flashblocks on a websocket as op-rbuilder does, following a node (the
// devnet's builder): while block N+1 is being built on the node's head N it sends index 0, 1, …
// every Every, with base (block_number N+1, parent_hash N's) on index 0, in the schema of rollup-boost's
// FlashblocksPayloadV1. It can stall (the connections stay open, silent), resume, send frames for
// an old block and brotli-compress them (binary frames), as rollup-boost's websocket-proxy does.
type Flashblocks struct {
	follow *Node
	opts   FlashblocksOptions
	ln     net.Listener
	srv    *http.Server

	mu        sync.Mutex
	subs      map[*subscriber]struct{}
	stalled   bool
	compress  bool
	behind    uint64 // blocks the frames lag behind the block being built
	head      uint64 // the node's head the current payload builds on
	index     int    // the next index of the current payload
	started   bool
	published uint64
	accepted  int

	stop, done chan struct{}
}

// subscriber is one websocket client; mu orders the writes.
type subscriber struct {
	mu   sync.Mutex
	conn *websocket.Conn
}

// StartFlashblocks starts a publisher following node on a free port of 127.0.0.1.
func StartFlashblocks(node *Node, opts FlashblocksOptions) (*Flashblocks, error) {
	if opts.Every <= 0 {
		opts.Every = 200 * time.Millisecond
	}
	if opts.PerBlock <= 0 {
		opts.PerBlock = 5
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("devnet flashblocks: %w", err)
	}
	f := &Flashblocks{follow: node, opts: opts, ln: ln, subs: map[*subscriber]struct{}{}, stop: make(chan struct{}), done: make(chan struct{})}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 5 * time.Second}
	go f.srv.Serve(ln)
	go f.loop()
	return f, nil
}

// URL is the stream's ws:// address.
func (f *Flashblocks) URL() string { return "ws://" + f.ln.Addr().String() }

// Stall stops publishing; the subscriptions stay open.
func (f *Flashblocks) Stall() { f.set(func() { f.stalled = true }) }

// Resume publishes again, from the block being built now.
func (f *Flashblocks) Resume() { f.set(func() { f.stalled, f.started = false, false }) }

// SendOld makes the frames be for the block blocks behind the one being built (0: the right one).
func (f *Flashblocks) SendOld(blocks uint64) { f.set(func() { f.behind, f.started = blocks, false }) }

// Compress makes the frames brotli-compressed binary frames (true) or JSON text frames (false).
func (f *Flashblocks) Compress(on bool) { f.set(func() { f.compress = on }) }

// Published is how many flashblocks it has sent so far (to each subscriber).
func (f *Flashblocks) Published() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.published
}

// Accepted is how many subscriptions it has accepted so far.
func (f *Flashblocks) Accepted() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.accepted
}

func (f *Flashblocks) set(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
}

// Close stops the publisher and closes its subscriptions; calling it again is a no-op.
func (f *Flashblocks) Close() error {
	select {
	case <-f.stop:
		return nil
	default:
	}
	close(f.stop)
	<-f.done
	err := f.srv.Close()
	f.mu.Lock()
	for s := range f.subs {
		s.conn.Close()
	}
	f.mu.Unlock()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// serve upgrades a subscriber and reads from it until it goes (answering its pings).
func (f *Flashblocks) serve(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s := &subscriber{conn: conn}
	f.mu.Lock()
	f.subs[s] = struct{}{}
	f.accepted++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.subs, s)
		f.mu.Unlock()
		conn.Close()
	}()
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
	}
}

// loop publishes every Every until Close.
func (f *Flashblocks) loop() {
	defer close(f.done)
	tick := time.NewTicker(f.opts.Every)
	defer tick.Stop()
	for {
		select {
		case <-f.stop:
			return
		case <-tick.C:
			f.publish()
		}
	}
}

// publish sends the next flashblock of the block being built on the node's head, if any is due.
func (f *Flashblocks) publish() {
	number, hash, ts := f.follow.Head()
	f.mu.Lock()
	if f.stalled {
		f.mu.Unlock()
		return
	}
	if !f.started || number != f.head {
		f.head, f.index, f.started = number, 0, true
	}
	if f.index >= f.opts.PerBlock {
		f.mu.Unlock()
		return
	}
	block := number + 1
	if f.behind < block {
		block -= f.behind
	} else {
		block = 0
	}
	msg := flashblock(block, f.index, hash, ts+1)
	kind := websocket.TextMessage
	if f.compress {
		kind, msg = websocket.BinaryMessage, compress(msg)
	}
	f.index++
	f.published++
	subs := make([]*subscriber, 0, len(f.subs))
	for s := range f.subs {
		subs = append(subs, s)
	}
	f.mu.Unlock()
	for _, s := range subs {
		s.mu.Lock()
		s.conn.SetWriteDeadline(time.Now().Add(time.Second))
		s.conn.WriteMessage(kind, msg)
		s.mu.Unlock()
	}
}

// flashblock is the JSON of flashblock index of block, built on parent, stamped timestamp: rollup-boost's
// FlashblocksPayloadV1 (crates/rollup-boost/src/flashblocks/primitives.rs), with op-rbuilder's
// metadata.block_number.
func flashblock(block uint64, index int, parent common.Hash, timestamp uint64) []byte {
	word := func(tag byte) string {
		return common.BytesToHash(append(common.FromHex(fmt.Sprintf("%016x", block)), tag, byte(index))).Hex()
	}
	msg := map[string]any{
		"payload_id": fmt.Sprintf("0x%016x", 0x5eed0000_00000000|block),
		"index":      index,
		"diff": map[string]any{
			"state_root":       word(1),
			"receipts_root":    word(2),
			"logs_bloom":       "0x" + strings.Repeat("00", 256),
			"gas_used":         hexutil.EncodeUint64(21000 * uint64(index)),
			"block_hash":       word(3),
			"transactions":     []string{},
			"withdrawals":      []any{},
			"withdrawals_root": word(4),
		},
		"metadata": map[string]any{"block_number": block, "new_account_balances": map[string]string{}, "receipts": map[string]any{}},
	}
	if index == 0 {
		msg["base"] = map[string]any{
			"parent_beacon_block_root": word(5),
			"parent_hash":              parent.Hex(),
			"fee_recipient":            common.Address{}.Hex(),
			"prev_randao":              word(6),
			"block_number":             hexutil.EncodeUint64(block),
			"gas_limit":                hexutil.EncodeUint64(30_000_000),
			"timestamp":                hexutil.EncodeUint64(timestamp),
			"extra_data":               "0x",
			"base_fee_per_gas":         "0x3b9aca00",
		}
	}
	out, _ := json.Marshal(msg)
	return out
}

// compress is msg brotli-compressed, as rollup-boost's websocket-proxy sends it.
func compress(msg []byte) []byte {
	var b bytes.Buffer
	w := brotli.NewWriter(&b)
	w.Write(msg)
	w.Close()
	return b.Bytes()
}
