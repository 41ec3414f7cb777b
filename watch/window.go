package watch

import "time"

// RateWindow is how far back blocks per second are measured.
const RateWindow = time.Minute

// MaxSamples caps the head samples kept per endpoint, whatever the tick period.
const MaxSamples = 64

// minSpacing thins fast ticks: while the newest sample is closer than this to the one before it,
// the next sample replaces it, so MaxSamples span the whole RateWindow however often the head is probed.
const minSpacing = RateWindow / (MaxSamples - 1)

// sample is a head number and when it was seen.
type sample struct {
	at     time.Time
	number uint64
}

// window is a fixed-size ring of one endpoint's head samples over the last RateWindow.
type window struct {
	buf      [MaxSamples]sample
	start, n int
}

func (w *window) at(i int) sample { return w.buf[(w.start+i)%MaxSamples] }

func (w *window) set(i int, s sample) { w.buf[(w.start+i)%MaxSamples] = s }

func (w *window) dropOldest() {
	w.start = (w.start + 1) % MaxSamples
	w.n--
}

// add records the head number seen at now. A head that went back (a reorg or a reset chain)
// starts a new window, so the rate never goes negative.
func (w *window) add(now time.Time, number uint64) {
	w.prune(now)
	if w.n > 0 && number < w.at(w.n-1).number {
		w.n = 0
	}
	s := sample{at: now, number: number}
	switch {
	case w.n >= 2 && w.at(w.n-1).at.Sub(w.at(w.n-2).at) < minSpacing:
		w.set(w.n-1, s)
	default:
		if w.n == MaxSamples {
			w.dropOldest()
		}
		w.set(w.n, s)
		w.n++
	}
}

// prune forgets samples older than RateWindow.
func (w *window) prune(now time.Time) {
	for w.n > 0 && now.Sub(w.at(0).at) > RateWindow {
		w.dropOldest()
	}
}

// rate is (newest - oldest number) / (newest - oldest time) in blocks per second; false with
// fewer than two samples or no time between them.
func (w *window) rate() (float64, bool) {
	if w.n < 2 {
		return 0, false
	}
	oldest, newest := w.at(0), w.at(w.n-1)
	dt := newest.at.Sub(oldest.at).Seconds()
	if dt <= 0 {
		return 0, false
	}
	return float64(newest.number-oldest.number) / dt, true
}
