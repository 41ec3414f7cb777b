package opstack

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
)

// callTimeout bounds one JSON-RPC call of the devnet's own (not the probe's).
const callTimeout = 5 * time.Second

// Call makes one JSON-RPC call to url within callTimeout and decodes its result into result.
func Call(ctx context.Context, url string, result any, method string, params ...any) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	c, err := rpc.DialContext(ctx, url)
	if err != nil {
		return fmt.Errorf("%s %s: %w", url, method, err)
	}
	defer c.Close()
	if err := c.CallContext(ctx, result, method, params...); err != nil {
		return fmt.Errorf("%s %s: %w", url, method, err)
	}
	return nil
}

// waitFor polls cond every pause until it returns true or an error that is not to be retried,
// for at most bound; it names what it waited for on timeout, with cond's last error.
func waitFor(ctx context.Context, what string, bound time.Duration, cond func(ctx context.Context) (bool, error)) error {
	deadline := time.Now().Add(bound)
	var last error
	for {
		ok, err := cond(ctx)
		if ok {
			return nil
		}
		last = err
		if time.Now().After(deadline) {
			if last != nil {
				return fmt.Errorf("%s: not within %s: %w", what, bound, last)
			}
			return fmt.Errorf("%s: not within %s", what, bound)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// WaitFor polls cond every 250 ms until it holds, for at most bound.
func WaitFor(ctx context.Context, what string, bound time.Duration, cond func(ctx context.Context) (bool, error)) error {
	return waitFor(ctx, what, bound, cond)
}

// handedOut are the ports freePorts has returned in this process: none is returned twice, so
// that ports chosen before a devnet starts (Sidecars) are not given to its nodes.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// freePorts returns n distinct TCP ports of 127.0.0.1 that were free a moment ago and that it
// never returned before in this process. The kernel hands out listening ports from the odd half
// of its ephemeral range, away from the even ports outgoing connections take first.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	handedOut.Lock()
	defer handedOut.Unlock()
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("opstack: free port: %w", err)
		}
		held = append(held, l) // held until the end, so that the kernel offers another
		if p := l.Addr().(*net.TCPAddr).Port; !handedOut.ports[p] {
			handedOut.ports[p] = true
			ports = append(ports, p)
		}
	}
	return ports, nil
}

// blockRef is the part of an eth_getBlockByNumber answer the set-up reads.
type blockRef struct {
	Hash      string `json:"hash"`
	Number    hexU64 `json:"number"`
	Timestamp hexU64 `json:"timestamp"`
}

// hexU64 is a hex quantity.
type hexU64 uint64

// UnmarshalJSON reads "0x…".
func (h *hexU64) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	var v uint64
	if _, err := fmt.Sscanf(s, "0x%x", &v); err != nil {
		return fmt.Errorf("hex quantity %q: %w", s, err)
	}
	*h = hexU64(v)
	return nil
}
