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

// Clock is the time the check runs on; tests inject a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
