// Command floor is the F1 baseline of the bench: the least a one-shot probe that speaks
// go-ethereum's JSON-RPC client can do. It dials every endpoint in its arguments concurrently
// and sends each one batch, [eth_chainId, eth_getBlockByNumber("latest", false)], then exits 0
// when every endpoint answered both, 2 otherwise. It imports go-ethereum's rpc package only.
//
//	floor http://127.0.0.1:8545 http://127.0.0.1:8546
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errs := make([]error, len(os.Args)-1)
	var wg sync.WaitGroup
	for i, url := range os.Args[1:] {
		wg.Go(func() { errs[i] = ask(ctx, url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[i+1], err)
			os.Exit(2)
		}
	}
}

// ask dials url and sends the batch.
func ask(ctx context.Context, url string) error {
	c, err := rpc.DialContext(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close()
	var chainID string
	var head map[string]json.RawMessage
	batch := []rpc.BatchElem{
		{Method: "eth_chainId", Result: &chainID},
		{Method: "eth_getBlockByNumber", Args: []any{"latest", false}, Result: &head},
	}
	if err := c.BatchCallContext(ctx, batch); err != nil {
		return err
	}
	for _, e := range batch {
		if e.Error != nil {
			return e.Error
		}
	}
	if chainID == "" || head["number"] == nil {
		return fmt.Errorf("empty answer")
	}
	return nil
}
