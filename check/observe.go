package check

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Reorg records a head that went backwards, or was replaced at the same height, inside the window.
type Reorg struct {
	From Head
	To   Head
}

// Observation is what one endpoint showed during the window.
type Observation struct {
	// First and Last are the first and the latest head seen; nil when no request succeeded.
	First, Last *Head
	// Err is the error of the request that ended the observation, if one failed.
	Err error
	// Samples counts the requests made.
	Samples int
	// Progress is how many blocks the head advanced since the window started; after a reorg, only
	// heights beyond the highest head seen before it count.
	Progress uint64
	// Reorg is the last backwards move of the head, if any.
	Reorg *Reorg
	// Age is now minus the last head's timestamp in whole seconds, at the time it was seen; 0 for a future head.
	Age time.Duration
	// Ahead is how far the last head's timestamp lies in the future of the local clock (clock skew),
	// else 0; it saturates at the largest Duration, about 292 years. AheadSeconds is the same
	// distance, exact whatever the timestamp.
	Ahead        time.Duration
	AheadSeconds uint64
	// Window is how long the observation lasted.
	Window time.Duration
	// Latency is the duration of the last request.
	Latency time.Duration
	// Mark is where the head last made progress across runs, to be saved for the next run;
	// nil without a previous mark and a head. StuckFor is how long it has been there.
	Mark     *Mark
	StuckFor time.Duration
}

// Observe samples src once, or, with cfg.Interval > 0, until the head has advanced by
// cfg.MinBlocks (answering as soon as it has), the window closes, a request fails or ctx ends.
func Observe(ctx context.Context, clock Clock, src Source, cfg Config) Observation {
	return observeWith(ctx, clock, src, cfg, nil)
}

// observeWith is Observe with a hook called after every sample.
func observeWith(ctx context.Context, clock Clock, src Source, cfg Config, onSample func(Observation)) Observation {
	var o Observation
	start := clock.Now()
	deadline := start.Add(cfg.Interval)
	var base *Head
	for {
		sent := clock.Now()
		h, err := src.Head(ctx)
		now := clock.Now()
		o.Latency = now.Sub(sent)
		o.Samples++
		if err != nil {
			o.Err = err
			break
		}
		base = o.record(h, now, base)
		if onSample != nil {
			o.Window = now.Sub(start)
			onSample(o)
		}
		if cfg.Interval <= 0 || o.Progress >= cfg.MinBlocks {
			break
		}
		remaining := deadline.Sub(now)
		if remaining <= 0 {
			break
		}
		if ctx.Err() != nil {
			o.Err = cutShort(ctx)
			break
		}
		select {
		case <-ctx.Done():
			o.Err = cutShort(ctx)
			o.Window = clock.Now().Sub(start)
			return o
		case <-clock.After(min(cfg.pollEvery(), remaining)):
		}
	}
	o.Window = clock.Now().Sub(start)
	return o
}

// record adds a head seen at now and returns the baseline that progress is counted from.
func (o *Observation) record(h Head, now time.Time, base *Head) *Head {
	if o.First == nil {
		o.First = &h
		base = &h
	}
	if prev := o.Last; prev != nil && (h.Number < prev.Number || (h.Number == prev.Number && h.Hash != prev.Hash)) {
		// Blocks rebuilt up to the height already seen are no progress: count from that height.
		o.Reorg = &Reorg{From: *prev, To: h}
		base = &Head{Number: prev.Number}
	}
	o.Last = &h
	o.Progress = 0
	if h.Number > base.Number {
		o.Progress = h.Number - base.Number
	}
	o.Age, o.AheadSeconds = headAge(h, now)
	o.Ahead = seconds(o.AheadSeconds)
	return base
}

// headAge is rollup-boost's age: now and the timestamp in whole seconds; a future head has age 0.
// ahead is how many whole seconds a future head lies ahead of now, computed without overflow
// whatever the timestamp (garbage reaches 2^64-1).
func headAge(h Head, now time.Time) (age time.Duration, ahead uint64) {
	n := uint64(max(now.Unix(), 0))
	if h.Timestamp > n {
		return 0, h.Timestamp - n
	}
	return seconds(n - h.Timestamp), 0
}

// seconds converts whole seconds to a Duration, saturating at the largest one.
func seconds(s uint64) time.Duration {
	if s > math.MaxInt64/uint64(time.Second) {
		return math.MaxInt64
	}
	return time.Duration(s) * time.Second
}

// AheadText is Ahead as a Duration string ("1h0m0s"), or the exact seconds ("18446744072009551615s")
// for a head too far in the future for a Duration.
func (o Observation) AheadText() string {
	if o.AheadSeconds > math.MaxInt64/uint64(time.Second) {
		return strconv.FormatUint(o.AheadSeconds, 10) + "s"
	}
	return o.Ahead.String()
}

// cutShort explains a window that ended before its time: an interrupted or overrun run is never judged "stuck".
func cutShort(ctx context.Context) error {
	return fmt.Errorf("observation cut short: %w", ctx.Err())
}
