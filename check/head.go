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
}

// Time is the head's timestamp as a time.Time.
func (h Head) Time() time.Time { return time.Unix(int64(h.Timestamp), 0) }

// Source fetches an endpoint's current unsafe head; its error text is shown to the operator as is.
type Source interface {
	Head(ctx context.Context) (Head, error)
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
