package opnode

import (
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gethrpc "github.com/ethereum/go-ethereum/rpc"
	"github.com/headprobe/headprobe/rpc"
)

// optimismAPI and p2pAPI answer op-node's methods with the recorded fixtures, through a
// go-ethereum JSON-RPC server as op-node's own is.
type (
	optimismAPI struct{ result json.RawMessage }
	p2pAPI      struct{ result json.RawMessage }
)

func (a optimismAPI) SyncStatus() json.RawMessage { return a.result }
func (a p2pAPI) PeerStats() json.RawMessage       { return a.result }

// opNodeGethServer serves the fixtures' sync status and peer stats.
func opNodeGethServer(t *testing.T) *gethrpc.Server {
	t.Helper()
	result := func(name string) json.RawMessage {
		members := fixture(t, name)
		return json.RawMessage(strings.TrimPrefix(members, `"result":`))
	}
	srv := gethrpc.NewServer()
	if err := srv.RegisterName("optimism", optimismAPI{result("optimism_syncStatus.txt")}); err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterName("opp2p", p2pAPI{result("opp2p_peerStats.txt")}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

// op-node is reached like any endpoint: over a WebSocket and an IPC socket too, batch included.
func TestOpNode_OverWebSocketAndIPC(t *testing.T) {
	srv := opNodeGethServer(t)
	ws := serve(t, srv.WebsocketHandler([]string{"*"}).ServeHTTP)
	path := filepath.Join(t.TempDir(), "op-node.ipc")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Skipf("no unix sockets: %v", err)
	}
	go srv.ServeListener(ln)
	t.Cleanup(func() { ln.Close() })
	for _, url := range []string{serve(t, srv.ServeHTTP).URL, wsURL(ws.URL), path} {
		o := NewSource(url, rpc.Options{Timeout: time.Second}, true)
		for i := range 2 { // a second sample on the same connection
			h, err := o.Head(context.Background())
			s, _ := h.Detail.(*SyncStatus)
			if err != nil || h.Number != 1000 || s == nil || s.Peers == nil || s.Peers.Connected != 12 {
				t.Errorf("%s, sample %d: head %+v, error %v", url, i+1, h, err)
			}
		}
		o.Close()
	}
}
