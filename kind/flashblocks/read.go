package flashblocks

import (
	"time"

	"github.com/headprobe/headprobe/rpc"
)

// read is one check's reading of the stream, without I/O: given the frames and the L2's heads as
// they arrive, with their times, it says when it has seen enough and keeps what the sighting
// reports. A stream is alive as soon as a frame is for the block the L2 is building: its head + 1.
type read struct {
	// start is when the check began to read; from is where its counts start (start, or the end of
	// the previous check on a subscription kept open); gap is --max-flashblock-gap.
	start, from time.Time
	gap         time.Duration
	// quietSince is when the stream was last heard of before any frame of this read: the last
	// frame of an open subscription, or the start for a fresh one.
	quietSince time.Time

	frames        int
	first, latest *Seen
	blocks        []blockSeen // the distinct block numbers of the read's frames, in order (bounded)
	gaps          int
	lastGap       *Gap
	compressed    bool
	heads         []headSeen // the L2's heads seen during the read, in order
	bad           *rpc.Failure
	ended         *rpc.Failure
	match         *blockSeen // the first frame found for the block the L2 is building
	matchHead     uint64
	end           time.Time
}

// blockSeen is a block number and when its first frame of the read came.
type blockSeen struct {
	number uint64
	at     time.Time
}

// headSeen is an L2 head number and when the read learnt it.
type headSeen struct {
	number uint64
	at     time.Time
}

// maxBlocks bounds the distinct block numbers a read keeps.
const maxBlocks = 64

// addFrame records a frame of the read.
func (r *read) addFrame(s Seen) {
	r.frames++
	if r.first == nil {
		r.first = &s
	}
	r.latest = &s
	r.compressed = r.compressed || s.Compressed
	if s.Gap != nil {
		r.gaps++
		r.lastGap = s.Gap
	}
	if !s.Known {
		return
	}
	for _, b := range r.blocks {
		if b.number == s.Block {
			return
		}
	}
	if len(r.blocks) == maxBlocks {
		r.blocks = r.blocks[1:]
	}
	b := blockSeen{number: s.Block, at: s.At}
	r.blocks = append(r.blocks, b)
	r.tryMatch()
}

// addHead records the L2's head as the read learnt it at now.
func (r *read) addHead(number uint64, now time.Time) {
	if n := len(r.heads); n > 0 && r.heads[n-1].number == number {
		return
	}
	r.heads = append(r.heads, headSeen{number: number, at: now})
	r.tryMatch()
}

// tryMatch looks for a frame for the block the L2 is building: its head + 1 for a head seen
// during the read, or + 2 for a frame that came after that head was learnt (the L2 sealed one
// more block after it answered, which the read has not seen).
func (r *read) tryMatch() {
	if r.match != nil {
		return
	}
	for ahead := uint64(1); ahead <= 2; ahead++ {
		for i := len(r.heads) - 1; i >= 0; i-- { // the latest head first
			h := r.heads[i]
			for _, b := range r.blocks {
				if b.number == h.number+ahead && (ahead == 1 || !b.at.Before(h.at)) {
					r.match, r.matchHead = &b, h.number
					return
				}
			}
		}
	}
}

// deadline is when the read stops without a match: a gap after the stream was last heard of, and
// at the latest a gap after the start.
func (r *read) deadline() time.Time {
	heard := r.quietSince
	if r.latest != nil && r.latest.At.After(heard) {
		heard = r.latest.At
	}
	return minTime(heard.Add(r.gap), r.start.Add(r.gap))
}

// done says whether the read has seen enough at now: a match, a bad frame, the end of the
// connection, or its deadline.
func (r *read) done(now time.Time) bool {
	return r.match != nil || r.bad != nil || r.ended != nil || !now.Before(r.deadline())
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
