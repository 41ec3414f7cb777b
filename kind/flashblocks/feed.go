package flashblocks

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/headprobe/headprobe/rpc"
)

// Seen is a frame as the reader recorded it: when it came, its place in the stream, and its block
// number resolved from the index-0 frame of its payload when the frame itself does not say it.
type Seen struct {
	Frame
	At  time.Time
	Seq uint64 // 1 for the subscription's first frame
	// Gap, when set, is an index gap this frame made in its payload.
	Gap *Gap
}

// Gap is an index within a payload that does not follow the one before it: a jump (1 then 3) or
// a repeat (2 then 2, or back to 1).
type Gap struct {
	PayloadID string
	From, To  uint64
}

// String is "0x…: index 1 → 3 (jump)".
func (g Gap) String() string {
	kind := "jump"
	if g.To <= g.From {
		kind = "repeat"
	}
	return fmt.Sprintf("%s index %d → %d (%s)", g.PayloadID, g.From, g.To, kind)
}

// maxRecent bounds the frames a feed keeps, and maxPayloads the payloads whose block and last index
// it remembers: a builder publishes one payload per block, a few frames a second.
const (
	maxRecent   = 256
	maxPayloads = 16
)

// payload is what the feed remembers of one payload id.
type payload struct {
	id        string
	block     uint64
	known     bool
	lastIndex uint64
}

// feed is what a subscription's reader has recorded, safe for concurrent use.
type feed struct {
	mu       sync.Mutex
	opened   time.Time
	seq      uint64
	recent   []Seen
	payloads []payload
	// bad is the latest frame that did not decode, badSeq how many such frames came so far.
	bad    *rpc.Failure
	badSeq uint64
	// ended is why the connection ended; nil while it is open.
	ended   *rpc.Failure
	changed chan struct{}
}

func newFeed(opened time.Time) *feed {
	return &feed{opened: opened, changed: make(chan struct{})}
}

// add records a frame read at now, or err when it did not decode.
func (f *feed) add(now time.Time, fr Frame, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.wake()
	if err != nil {
		f.bad, f.badSeq = asFailure(err), f.badSeq+1
		return
	}
	f.seq++
	s := Seen{Frame: fr, At: now, Seq: f.seq}
	p := f.payload(fr.PayloadID)
	switch {
	case p == nil:
		f.payloads = append(f.payloads, payload{id: fr.PayloadID, block: fr.Block, known: fr.Known, lastIndex: fr.Index})
		if len(f.payloads) > maxPayloads {
			f.payloads = f.payloads[1:]
		}
	default:
		if fr.Index != p.lastIndex+1 {
			s.Gap = &Gap{PayloadID: fr.PayloadID, From: p.lastIndex, To: fr.Index}
		}
		p.lastIndex = fr.Index
		if fr.Known && (fr.Index == 0 || !p.known) {
			p.block, p.known = fr.Block, true
		}
		if !fr.Known && p.known {
			s.Block, s.Known = p.block, true
		}
	}
	f.recent = append(f.recent, s)
	if len(f.recent) > maxRecent {
		f.recent = f.recent[len(f.recent)-maxRecent:]
	}
}

// payload is the remembered payload of that id, or nil.
func (f *feed) payload(id string) *payload {
	for i := range f.payloads {
		if f.payloads[i].id == id {
			return &f.payloads[i]
		}
	}
	return nil
}

// end records why the connection ended: a frame over the cap is a bad frame, our own close none.
func (f *feed) end(_ time.Time, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.wake()
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		f.bad, f.badSeq = &rpc.Failure{Class: rpc.ClassTooLarge, Msg: fmt.Sprintf("frame larger than %d bytes: refused", MaxFrameBytes)}, f.badSeq+1
		f.ended = &rpc.Failure{Class: rpc.ClassTooLarge, Msg: "closed after a frame over the cap"}
	case errors.Is(err, net.ErrClosed):
		f.ended = &rpc.Failure{Class: rpc.ClassCanceled, Msg: "closed by headprobe"}
	default:
		f.ended = rpc.Explain(err, 0, "", nil)
	}
}

// wake tells the waiters something changed; the caller holds mu.
func (f *feed) wake() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// view is the feed's state after frame seq: the frames since (at most maxRecent), the bad frames
// so far, why it ended, and a channel closed at the next change.
type view struct {
	opened  time.Time
	seq     uint64
	frames  []Seen
	last    *Seen // the latest frame, whether after seq or not
	bad     *rpc.Failure
	badSeq  uint64
	ended   *rpc.Failure
	changed <-chan struct{}
}

func (f *feed) view(after uint64) view {
	f.mu.Lock()
	defer f.mu.Unlock()
	v := view{opened: f.opened, seq: f.seq, bad: f.bad, badSeq: f.badSeq, ended: f.ended, changed: f.changed}
	for i := range f.recent {
		if f.recent[i].Seq > after {
			v.frames = append(v.frames, f.recent[i:]...)
			break
		}
	}
	if n := len(f.recent); n > 0 {
		last := f.recent[n-1]
		v.last = &last
	}
	return v
}

// asFailure is err as a *rpc.Failure.
func asFailure(err error) *rpc.Failure {
	var f *rpc.Failure
	if errors.As(err, &f) {
		return f
	}
	return &rpc.Failure{Class: rpc.ClassMalformed, Msg: rpc.OneLine(err.Error())}
}
