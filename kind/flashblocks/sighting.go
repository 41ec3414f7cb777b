package flashblocks

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Sighting is what one check read of the stream; Judge is pure.
type Sighting struct {
	role, against check.Role
	url           string
	gap           time.Duration
	// err is why the stream could not be subscribed to.
	err *rpc.Failure
	r   read
}

// Judge judges the read against the L2's head as judged in res (and the heads seen during the
// read), in this order: the subscription failed (unreachable); a frame did not decode
// (malformed); a frame was for the block the L2 is building (ok); the connection ended
// (unreachable); no frame within the gap (stale); frames only for other blocks (behind). Frames
// whose block is unknown, or an L2 without a head, show the stream alive.
func (s Sighting) Judge(_ check.Mode, _ check.Config, res *check.Result) check.Finding {
	r := s.r
	var final *uint64 // the L2's judged head: its own line's
	if e := res.Endpoint(s.against.Name); e != nil && e.Last != nil {
		final = &e.Last.Number
		r.heads = append(append([]headSeen(nil), r.heads...), headSeen{number: e.Last.Number, at: r.end})
		r.match = nil
		r.tryMatch()
	}
	d := &Detail{s: s, r: r}
	f := check.Finding{Role: s.role, Detail: d}
	switch {
	case s.err != nil:
		f.Cause, f.Reason = check.CauseUnreachable, s.err.Msg
	case r.bad != nil:
		f.Cause, f.Reason = CauseMalformedFrame, r.bad.Msg
	case r.match != nil:
		f.Reason = s.matched(r, final)
	case r.ended != nil:
		f.Cause, f.Reason = check.CauseUnreachable, r.ended.Msg
	case r.frames == 0:
		f.Cause, f.Reason = check.CauseStale, s.silence(r)
	case len(r.blocks) == 0:
		f.Reason = "alive; the block it builds is not known yet (no index 0 nor metadata.block_number seen)"
	case len(r.heads) == 0:
		f.Reason = fmt.Sprintf("building #%d; not compared: no head from the %s", r.blocks[len(r.blocks)-1].number, s.against.Title)
	default:
		f.Cause = check.CauseBehind
		f.Reason = fmt.Sprintf("building #%d while the %s is at #%d", r.blocks[len(r.blocks)-1].number, s.against.Title, r.heads[len(r.heads)-1].number)
	}
	return f
}

// matched names the L2 head the matching frame was compared against: the L2's judged head (final,
// shown on its own line), or, when that head was one seen earlier in the read, that one and the
// judged one, so that the two lines never seem to disagree.
func (s Sighting) matched(r read, final *uint64) string {
	if r.match.number == r.matchHead+1 && (final == nil || *final == r.matchHead) {
		return fmt.Sprintf("building #%d on the %s's #%d", r.match.number, s.against.Title, r.matchHead)
	}
	why := fmt.Sprintf("building #%d while the %s was at #%d", r.match.number, s.against.Title, r.matchHead)
	if final != nil && *final != r.matchHead {
		why += fmt.Sprintf(" (now #%d)", *final)
	}
	return why
}

// silence explains a read without a frame: for the whole gap, or as long as the run's bound let it
// last; on a subscription kept open, since its last frame.
func (s Sighting) silence(r read) string {
	if r.quietSince.Before(r.start) {
		quiet := r.end.Sub(r.quietSince)
		if quiet < s.gap {
			return fmt.Sprintf("no frame for %s (the run's bound; max %s)", quiet.Round(time.Millisecond), s.gap)
		}
		return fmt.Sprintf("no frame for %s (max %s)", quiet.Round(time.Millisecond), s.gap)
	}
	if waited := r.end.Sub(r.start); waited < s.gap {
		return fmt.Sprintf("no frame within %s (the run's bound)", waited.Round(time.Millisecond))
	}
	return fmt.Sprintf("no frame within %s", s.gap)
}

// Detail is what the renderers show of the stream.
type Detail struct {
	s Sighting
	r read
}

// Doc is the JSON object's fields under "flashblocks".
type Doc struct {
	URL        string `json:"url"`
	ErrorClass string `json:"error_class,omitempty"`
	// Frames is how many frames the read saw, FlashblocksPerSecond their rate over it.
	Frames               int     `json:"frames"`
	FlashblocksPerSecond float64 `json:"flashblocks_per_second"`
	ReadSeconds          float64 `json:"read_seconds"`
	// FirstFrameSeconds is how long the first frame took to come, from the start of the read.
	FirstFrameSeconds *float64 `json:"first_frame_seconds"`
	PayloadID         string   `json:"payload_id,omitempty"`
	Index             *uint64  `json:"index"`
	BlockNumber       *uint64  `json:"block_number"`
	L2BlockNumber     *uint64  `json:"l2_block_number"`
	Compressed        bool     `json:"compressed"`
	IndexGaps         int      `json:"index_gaps"`
	LastIndexGap      string   `json:"last_index_gap,omitempty"`
	MaxGapSeconds     float64  `json:"max_gap_seconds"`
}

// Doc is the detail's JSON fields.
func (d *Detail) Doc() any {
	r := d.r
	doc := Doc{URL: d.s.url, Frames: r.frames, ReadSeconds: r.end.Sub(r.from).Seconds(), Compressed: r.compressed,
		IndexGaps: r.gaps, MaxGapSeconds: d.s.gap.Seconds(), FlashblocksPerSecond: d.rate()}
	var f *rpc.Failure
	switch {
	case d.s.err != nil:
		f = d.s.err
	case r.bad != nil:
		f = r.bad
	case r.ended != nil && r.match == nil:
		f = r.ended
	}
	if f != nil {
		doc.ErrorClass = string(f.Class)
	}
	if r.first != nil {
		first := r.first.At.Sub(r.from).Seconds()
		doc.FirstFrameSeconds = &first
	}
	if l := r.latest; l != nil {
		doc.PayloadID, doc.Index = l.PayloadID, &l.Index
		if l.Known {
			doc.BlockNumber = &l.Block
		}
	}
	if n := len(r.heads); n > 0 {
		doc.L2BlockNumber = &r.heads[n-1].number
	}
	if r.lastGap != nil {
		doc.LastIndexGap = r.lastGap.String()
	}
	return doc
}

// rate is the frames per second over the read.
func (d *Detail) rate() float64 {
	if s := d.r.end.Sub(d.r.from).Seconds(); s > 0 {
		return float64(d.r.frames) / s
	}
	return 0
}

// Line is the text report's detail: the latest frame, the counts, the URL.
func (d *Detail) Line() string {
	r := d.r
	var parts []string
	if l := r.latest; l != nil {
		block := "#?"
		if l.Known {
			block = fmt.Sprintf("#%d", l.Block)
		}
		parts = append(parts, fmt.Sprintf("%s payload %s index %d", block, l.PayloadID, l.Index))
	}
	read := r.end.Sub(r.from)
	if d.s.err != nil {
		return d.s.url
	}
	frames := "frames"
	if r.frames == 1 {
		frames = "frame"
	}
	parts = append(parts, fmt.Sprintf("%d %s in %s (%.1f/s)", r.frames, frames, read.Round(time.Millisecond), d.rate()))
	if r.first != nil {
		parts = append(parts, "first after "+r.first.At.Sub(r.from).Round(time.Millisecond).String())
	}
	if r.compressed {
		parts = append(parts, "brotli")
	}
	if r.gaps > 0 {
		parts = append(parts, fmt.Sprintf("%d index gaps, last %s", r.gaps, r.lastGap))
	}
	return strings.Join(append(parts, d.s.url), "  ")
}

// Series are the headprobe_flashblocks_* gauges; those of a value the read did not learn are left out.
func (d *Detail) Series() []check.Series {
	r := d.r
	out := []check.Series{
		{Name: "headprobe_flashblocks_frames", Help: "Flashblocks frames read in the last check.", Value: float64(r.frames)},
		{Name: "headprobe_flashblocks_per_second", Help: "Flashblocks per second over the last check's read.", Value: d.rate()},
		{Name: "headprobe_flashblocks_read_seconds", Help: "How long the last check read the flashblocks stream.", Value: r.end.Sub(r.from).Seconds()},
		{Name: "headprobe_flashblocks_index_gaps", Help: "Index gaps (jumps or repeats) within a payload in the last check's read.", Value: float64(r.gaps)},
	}
	if r.first != nil {
		out = append(out, check.Series{Name: "headprobe_flashblocks_first_frame_seconds", Help: "Time to the first flashblocks frame of the last check.", Value: r.first.At.Sub(r.from).Seconds()})
	}
	if l := r.latest; l != nil {
		out = append(out, check.Series{Name: "headprobe_flashblocks_index", Help: "Index of the latest flashblock within its payload.", Value: float64(l.Index)})
		if l.Known {
			out = append(out, check.Series{Name: "headprobe_flashblocks_block_number", Help: "Number of the block the latest flashblock builds.", Value: float64(l.Block)})
		}
	}
	return out
}

// failureOf is err as a *rpc.Failure, a connection failure when it is not one.
func failureOf(err error) *rpc.Failure {
	var f *rpc.Failure
	if errors.As(err, &f) {
		return f
	}
	return &rpc.Failure{Class: rpc.ClassConnection, Msg: rpc.OneLine(err.Error())}
}
