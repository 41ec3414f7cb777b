package devnet

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// portRetry bounds how long Restart waits for its old ports to become free.
const (
	portRetry      = 5 * time.Second
	portRetryPause = 25 * time.Millisecond
)

// restartStack starts a new stack on the node's previous ports, retrying
// briefly while a port is busy.
func (n *Node) restartStack() (*running, error) {
	n.mu.Lock()
	httpAddr, authAddr := n.httpAddr, n.authAddr
	n.mu.Unlock()
	httpPort, err := portOf(httpAddr)
	if err != nil {
		return nil, fmt.Errorf("devnet %s: restart: %w", n.cfg.Name, err)
	}
	authPort, err := portOf(authAddr)
	if err != nil {
		return nil, fmt.Errorf("devnet %s: restart: %w", n.cfg.Name, err)
	}
	deadline := time.Now().Add(portRetry)
	for {
		// Probe first: a failed node start leaves goroutines of the eth
		// service behind, so avoid starting one that cannot bind.
		err = errors.Join(probe(httpAddr), probe(authAddr))
		if err == nil {
			var r *running
			if r, err = startStack(n.params(httpPort, authPort)); err == nil {
				return r, nil
			}
		}
		if !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return nil, fmt.Errorf("devnet %s: restart: %w", n.cfg.Name, err)
		}
		time.Sleep(portRetryPause)
	}
}

// probe reports whether addr can be listened on right now.
func probe(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return l.Close()
}

// portOf returns the port of a host:port address.
func portOf(addr string) (int, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(port)
}

// trimScheme strips "http://" from an endpoint URL.
func trimScheme(url string) string {
	return strings.TrimPrefix(url, "http://")
}
