package check

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Head is an endpoint's unsafe head as returned by eth_getBlockByNumber("latest", false).
type Head struct {
	Number    uint64
	Hash      common.Hash
	Timestamp uint64 // seconds since the Unix epoch
	// ChainID is the endpoint's eth_chainId when the source was asked for it (see ChainIDKnown).
	ChainID uint64
	// ChainIDKnown says ChainID was reported by the endpoint (0 is a valid answer).
	ChainIDKnown bool
	// Detail is what else the sample answered, for the role's criteria and the renderers (op-node's
	// sync status); nil for an execution client. A pointer, so that heads stay comparable.
	Detail Detail
}

// Source fetches an endpoint's current unsafe head; its error text is shown to the operator as is.
type Source interface {
	Head(ctx context.Context) (Head, error)
}

// HashSource is a Source that can also fetch the hash of an older block, for the fork check.
type HashSource interface {
	Source
	HashAt(ctx context.Context, number uint64) (common.Hash, error)
}

// Clock is the time a check or a watch runs on: Now stamps observations, After paces samples
// inside a window, NewTicker paces a watch's checks. Tests inject a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
	NewTicker(d time.Duration) Ticker
}

// Ticker delivers ticks on C until Stop.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// NewTicker returns a time.Ticker; like it, it drops ticks when the receiver is slow.
func (SystemClock) NewTicker(d time.Duration) Ticker { return systemTicker{time.NewTicker(d)} }

// systemTicker is a time.Ticker as a Ticker.
type systemTicker struct{ t *time.Ticker }

// C is the ticker's channel.
func (s systemTicker) C() <-chan time.Time { return s.t.C }

// Stop stops the ticker.
func (s systemTicker) Stop() { s.t.Stop() }
