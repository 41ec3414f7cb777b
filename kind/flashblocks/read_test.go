package flashblocks

import (
	"testing"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

var (
	t0       = time.Unix(1_700_000_000, 0)
	l2Role   = check.Role{Name: "l2", Title: "L2", Failure: check.Unavailable, Modes: []check.Mode{check.Health}}
	partRole = check.Role{Name: "flashblocks", Title: "flashblocks", Failure: check.Partial, Modes: []check.Mode{check.Health}}
)

// at is t0 plus ms milliseconds.
func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// frameAt is a frame for block, of index, seen at ms.
func frameAt(ms int, block, index uint64) Seen {
	return Seen{Frame: Frame{PayloadID: "0x0000000000000001", Index: index, Block: block, Known: true}, At: at(ms)}
}

func freshRead() read { return read{start: t0, from: t0, quietSince: t0, gap: time.Second} }

func TestRead_AnswersAtTheFirstFrameForTheNextBlock(t *testing.T) {
	for _, tc := range []struct {
		name   string
		steps  func(r *read)
		match  bool
		wantAt uint64 // the head matched
	}{
		{"head, then a frame for head+1", func(r *read) { r.addHead(100, at(5)); r.addFrame(frameAt(50, 101, 0)) }, true, 100},
		{"a frame for head+1 before the head arrives", func(r *read) { r.addFrame(frameAt(5, 101, 0)); r.addHead(100, at(50)) }, true, 100},
		{"the head moved during the read", func(r *read) {
			r.addHead(100, at(5))
			r.addFrame(frameAt(20, 100, 3))
			r.addHead(101, at(40))
			r.addFrame(frameAt(60, 102, 0))
		}, true, 101},
		{"head+2 after the head was seen: it sealed one more since", func(r *read) { r.addHead(100, at(5)); r.addFrame(frameAt(50, 102, 0)) }, true, 100},
		{"head+2 before the head was seen", func(r *read) { r.addFrame(frameAt(5, 102, 0)); r.addHead(100, at(50)) }, false, 0},
		{"head+3", func(r *read) { r.addHead(100, at(5)); r.addFrame(frameAt(50, 103, 0)) }, false, 0},
		{"the head's own block", func(r *read) { r.addHead(100, at(5)); r.addFrame(frameAt(50, 100, 4)) }, false, 0},
		{"an old block", func(r *read) { r.addHead(100, at(5)); r.addFrame(frameAt(50, 90, 0)) }, false, 0},
		{"a frame whose block is unknown", func(r *read) {
			r.addHead(100, at(5))
			r.addFrame(Seen{Frame: Frame{PayloadID: "0x0000000000000001", Index: 2}, At: at(50)})
		}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := freshRead()
			tc.steps(&r)
			if got := r.match != nil; got != tc.match {
				t.Fatalf("match %v, want %v (%+v)", got, tc.match, r.match)
			}
			if tc.match && r.matchHead != tc.wantAt {
				t.Errorf("matched against #%d, want #%d", r.matchHead, tc.wantAt)
			}
			if done := r.done(at(100)); done != tc.match {
				t.Errorf("done at 100ms %v, want %v", done, tc.match)
			}
		})
	}
}

func TestRead_Deadlines(t *testing.T) {
	r := freshRead()
	if r.done(at(999)) || !r.done(at(1000)) {
		t.Errorf("a silent fresh read must end at the gap: deadline %s", r.deadline().Sub(t0))
	}
	r.addHead(100, at(5))
	r.addFrame(frameAt(900, 90, 0)) // frames for an old block do not extend the read past the gap
	if !r.done(at(1000)) {
		t.Errorf("a read with frames but no match must end a gap after its start, deadline %s", r.deadline().Sub(t0))
	}
	// A subscription kept open: the last frame came 1.5 s before the check began.
	kept := read{start: t0, from: at(-2000), quietSince: at(-1500), gap: time.Second}
	if !kept.done(t0) {
		t.Errorf("a kept subscription silent for longer than the gap is judged at once, deadline %s", kept.deadline().Sub(t0))
	}
	recent := read{start: t0, from: at(-2000), quietSince: at(-300), gap: time.Second}
	if recent.done(at(699)) || !recent.done(at(700)) {
		t.Errorf("a kept subscription's deadline is a gap after its last frame, got %s", recent.deadline().Sub(t0))
	}
	bad := freshRead()
	bad.bad = &rpc.Failure{Class: rpc.ClassMalformed, Msg: "malformed frame: x"}
	if !bad.done(t0) {
		t.Error("a bad frame ends the read")
	}
}

// judged is the finding on r, with the L2's judged head (none when l2 is 0).
func judged(r read, l2 uint64, err *rpc.Failure) check.Finding {
	s := Sighting{role: partRole, against: l2Role, url: "ws://127.0.0.1:1112", gap: time.Second, err: err, r: r}
	res := &check.Result{}
	if l2 > 0 {
		res.Endpoints = []check.Endpoint{{Role: l2Role, Observation: check.Observation{Last: &check.Head{Number: l2}}}}
	}
	return s.Judge(check.Health, check.Config{}, res)
}

func TestSighting_Judge(t *testing.T) {
	withFrames := func(frames ...Seen) read {
		r := freshRead()
		for _, f := range frames {
			r.addFrame(f)
		}
		r.end = at(1000)
		return r
	}
	withHeadAt := func(head uint64, ms int, frames ...Seen) read {
		r := freshRead()
		r.addHead(head, at(ms))
		for _, f := range frames {
			r.addFrame(f)
		}
		r.end = at(1000)
		return r
	}
	silent := freshRead()
	silent.end = at(1000)
	cut := freshRead()
	cut.end = at(850)
	keptQuiet := read{start: t0, from: at(-2000), quietSince: at(-1500), gap: time.Second, end: t0}
	keptCut := read{start: t0, from: at(-2000), quietSince: at(-300), gap: time.Second, end: at(400)}
	closed := withFrames(frameAt(10, 90, 0))
	closed.ended = &rpc.Failure{Class: rpc.ClassConnection, Msg: "connection closed by the server"}
	badFrame := withFrames()
	badFrame.bad = &rpc.Failure{Class: rpc.ClassMalformed, Msg: "malformed frame: no index"}
	for _, tc := range []struct {
		name   string
		r      read
		l2     uint64
		err    *rpc.Failure
		cause  check.Cause
		reason string
	}{
		{"building the next block", withFrames(frameAt(10, 101, 0)), 100, nil, "", "building #101 on the L2's #100"},
		{"the L2's final head matches", withFrames(frameAt(10, 102, 0)), 101, nil, "", "building #102 on the L2's #101"},
		// Issue #18: matched against a head seen during the read, the reason names it, and the L2's
		// final head (its line's) too.
		{"the L2 sealed the block since", withHeadAt(100, 5, frameAt(10, 101, 0)), 101, nil, "", "building #101 while the L2 was at #100 (now #101)"},
		{"the L2 sealed two since", withHeadAt(100, 5, frameAt(10, 101, 0)), 102, nil, "", "building #101 while the L2 was at #100 (now #102)"},
		{"the L2 sealed one more after its answer", withHeadAt(100, 5, frameAt(10, 102, 0)), 0, nil, "", "building #102 while the L2 was at #100"},
		{"no frame", silent, 100, nil, check.CauseStale, "no frame within 1s"},
		{"no frame before the run's bound", cut, 100, nil, check.CauseStale, "no frame within 850ms (the run's bound)"},
		{"a kept subscription gone quiet", keptQuiet, 100, nil, check.CauseStale, "no frame for 1.5s (max 1s)"},
		{"a kept subscription cut by the run's bound", keptCut, 100, nil, check.CauseStale, "no frame for 700ms (the run's bound; max 1s)"},
		{"an old block", withFrames(frameAt(10, 90, 0), frameAt(210, 90, 1)), 100, nil, check.CauseBehind, "building #90 while the L2 is at #100"},
		{"more than one block ahead", withFrames(frameAt(10, 105, 0)), 100, nil, check.CauseBehind, "building #105 while the L2 is at #100"},
		{"closed", closed, 100, nil, check.CauseUnreachable, "connection closed by the server"},
		{"a bad frame", badFrame, 100, nil, CauseMalformedFrame, "malformed frame: no index"},
		{"refused", freshRead(), 100, &rpc.Failure{Class: rpc.ClassRefused, Msg: "connection refused"}, check.CauseUnreachable, "connection refused"},
		{"no head from the L2", withFrames(frameAt(10, 101, 0)), 0, nil, "", "building #101; not compared: no head from the L2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := judged(tc.r, tc.l2, tc.err)
			if f.Cause != tc.cause || f.Reason != tc.reason {
				t.Errorf("cause %q, reason %q; want %q, %q", f.Cause, f.Reason, tc.cause, tc.reason)
			}
			if f.Detail == nil || f.Detail.Line() == "" {
				t.Error("no detail")
			}
		})
	}
}

func TestSighting_Detail(t *testing.T) {
	r := freshRead()
	r.addHead(100, at(1))
	f0 := frameAt(100, 101, 0)
	f0.Compressed = true
	r.addFrame(f0)
	f2 := frameAt(300, 101, 2)
	f2.Gap = &Gap{PayloadID: "0x0000000000000001", From: 0, To: 2}
	r.addFrame(f2)
	r.end = at(400)
	f := judged(r, 100, nil)
	doc := f.Detail.Doc().(Doc)
	if doc.Frames != 2 || doc.FlashblocksPerSecond != 5 || *doc.FirstFrameSeconds != 0.1 || *doc.BlockNumber != 101 || *doc.Index != 2 ||
		doc.IndexGaps != 1 || doc.LastIndexGap != "0x0000000000000001 index 0 → 2 (jump)" || !doc.Compressed || *doc.L2BlockNumber != 100 {
		t.Errorf("doc %+v", doc)
	}
	names := map[string]bool{}
	for _, s := range f.Detail.Series() {
		names[s.Name] = true
	}
	for _, n := range []string{"frames", "per_second", "read_seconds", "index_gaps", "first_frame_seconds", "index", "block_number"} {
		if !names["headprobe_flashblocks_"+n] {
			t.Errorf("no series headprobe_flashblocks_%s", n)
		}
	}
	if line := f.Detail.Line(); line != "#101 payload 0x0000000000000001 index 2  2 frames in 400ms (5.0/s)  first after 100ms  brotli  1 index gaps, last 0x0000000000000001 index 0 → 2 (jump)  ws://127.0.0.1:1112" {
		t.Errorf("line %q", line)
	}
}

func TestFeed_ResolvesBlocksAndGaps(t *testing.T) {
	f := newFeed(t0)
	id := "0x0000000000000001"
	f.add(at(1), Frame{PayloadID: id, Index: 0, Block: 7, Known: true}, nil)
	f.add(at(2), Frame{PayloadID: id, Index: 1}, nil)
	f.add(at(3), Frame{PayloadID: id, Index: 3}, nil)
	f.add(at(4), Frame{PayloadID: id, Index: 3}, nil)
	f.add(at(5), Frame{PayloadID: "0x0000000000000002", Index: 2}, nil) // joined mid-payload: no gap, no block
	v := f.view(0)
	if len(v.frames) != 5 {
		t.Fatalf("%d frames", len(v.frames))
	}
	for i, want := range []struct {
		block uint64
		known bool
		gap   string
	}{{7, true, ""}, {7, true, ""}, {7, true, id + " index 1 → 3 (jump)"}, {7, true, id + " index 3 → 3 (repeat)"}, {0, false, ""}} {
		s := v.frames[i]
		gap := ""
		if s.Gap != nil {
			gap = s.Gap.String()
		}
		if s.Block != want.block || s.Known != want.known || gap != want.gap || s.Seq != uint64(i+1) {
			t.Errorf("frame %d: block %d %v, gap %q, seq %d; want %d %v %q", i, s.Block, s.Known, gap, s.Seq, want.block, want.known, want.gap)
		}
	}
	if v := f.view(4); len(v.frames) != 1 || v.frames[0].Seq != 5 {
		t.Errorf("view after 4: %+v", v.frames)
	}
}
