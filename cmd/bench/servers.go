package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// chain is a fake L2 whose latest block advances every period, stamped when it was "produced".
type chain struct {
	start  time.Time
	period time.Duration
}

// firstBlock is the number of the chain's head when the bench starts.
const firstBlock = 1_000_000

// head is the chain's latest block number and timestamp (seconds) at now.
func (c *chain) head(now time.Time) (number, timestamp uint64) {
	k := int64(now.Sub(c.start) / c.period)
	return firstBlock + uint64(k), uint64(c.start.Add(time.Duration(k) * c.period).Unix())
}

// blockHash is a stable, distinct hash for each block number.
func blockHash(n uint64) string {
	sum := sha256.Sum256(binary.BigEndian.AppendUint64(nil, n))
	return "0x" + hex.EncodeToString(sum[:])
}

// blockTemplate is go-ethereum 1.17.10's result for eth_getBlockByNumber("latest", false)
// (testdata/recordings/geth-1.17.10-dev/latest-block.http, 1.7 KB) with the number (%[1]x),
// hash (%[2]s), parent hash (%[3]s) and timestamp (%[4]x) filled in per block.
var blockTemplate = `{"baseFeePerGas":"0x27ee3253","blobGasUsed":"0x0","difficulty":"0x0","excessBlobGas":"0x0",` +
	`"extraData":"0xd88301110a846765746888676f312e32362e38856c696e7578","gasLimit":"0xaffd98","gasUsed":"0x0",` +
	`"hash":"%[2]s","logsBloom":"0x` + strings.Repeat("0", 512) + `",` +
	`"miner":"0x71562b71999873db5b286df957af199ec94617f7",` +
	`"mixHash":"0x816afda315c0bf60c7bdcebe1025af1828c54aa10f74d31ff7af538e4966a184","nonce":"0x0000000000000000",` +
	`"number":"0x%[1]x","parentBeaconBlockRoot":"0x0000000000000000000000000000000000000000000000000000000000000000",` +
	`"parentHash":"%[3]s","receiptsRoot":"0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",` +
	`"requestsHash":"0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",` +
	`"sha3Uncles":"0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347","size":"0x280",` +
	`"stateRoot":"0x279bde1ddc35ecc0b0cbcc69ce066cc7bca641e9bac89a765e60833540b7035d","timestamp":"0x%[4]x",` +
	`"transactions":[],"transactionsRoot":"0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",` +
	`"uncles":[],"withdrawals":[],"withdrawalsRoot":"0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"}`

// headRequest is the JSON-RPC request the probe sends, as curl sends it in P1/P4.
const headRequest = `{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["latest",false]}`

// rpcServer is a loopback JSON-RPC endpoint serving a chain, optionally answering after a delay.
// It counts the TCP connections it accepts and the HTTP requests it serves.
type rpcServer struct {
	URL      string
	chain    *chain
	delay    time.Duration
	srv      *http.Server
	conns    atomic.Int64
	requests atomic.Int64
}

// startRPC serves c on a fresh 127.0.0.1 port.
func startRPC(c *chain, delay time.Duration) (*rpcServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &rpcServer{URL: "http://" + ln.Addr().String(), chain: c, delay: delay}
	s.srv = &http.Server{Handler: s, ConnState: func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}}
	go s.srv.Serve(ln)
	return s, nil
}

// reset zeroes the counters before a run.
func (s *rpcServer) reset() { s.conns.Store(0); s.requests.Store(0) }

// Close stops the server.
func (s *rpcServer) Close() { s.srv.Close() }

func (s *rpcServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done():
			return
		}
	}
	var out []byte
	if body = bytes.TrimSpace(body); len(body) > 0 && body[0] == '[' {
		var reqs []rpcRequest
		if err := json.Unmarshal(body, &reqs); err != nil {
			out = parseError
		} else {
			answers := make([][]byte, len(reqs))
			for i, req := range reqs {
				answers[i] = s.answer(req)
			}
			out = append(append([]byte("["), bytes.Join(answers, []byte(","))...), ']')
		}
	} else {
		var req rpcRequest
		if err := json.Unmarshal(body, &req); err != nil {
			out = parseError
		} else {
			out = s.answer(req)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.Write(out)
}

// rpcRequest is the part of a JSON-RPC request the fake reads.
type rpcRequest struct {
	ID     json.RawMessage   `json:"id"`
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

var parseError = []byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`)

// answer is the response to one request: the latest block, the chain id (901), or "no such method".
func (s *rpcServer) answer(req rpcRequest) []byte {
	id := req.ID
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	switch req.Method {
	case "eth_getBlockByNumber":
		n, ts := s.chain.head(time.Now())
		n, ts, full := byNumber(req.Params, n, ts, s.chain.period)
		block := fmt.Sprintf(blockTemplate, n, blockHash(n), blockHash(n-1), ts)
		if full { // the builder's blocks (L1): each carries a user's transaction and the builder's
			block = strings.Replace(block, `"transactions":[]`, `"transactions":[`+fullTxs(n)+`]`, 1)
		}
		return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"result":%s}`, id, block)
	case "eth_chainId":
		return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"result":"0x385"}`, id)
	}
	return fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"method not available"}}`, id)
}

// blackhole accepts TCP connections and never answers on them.
type blackhole struct {
	URL   string
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startBlackhole() (*blackhole, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &blackhole{URL: "http://" + ln.Addr().String(), ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			b.conns = append(b.conns, c)
			b.mu.Unlock()
		}
	}()
	return b, nil
}

// Close stops listening and drops the held connections.
func (b *blackhole) Close() {
	b.ln.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		c.Close()
	}
}

// refusedURL is a loopback URL on a port that was just freed, so connecting to it is refused.
func refusedURL() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return "http://" + ln.Addr().String(), nil
}
