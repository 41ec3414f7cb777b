package rpc

import (
	"net/http"
	"time"
)

// Explain is the *Failure of an error met by another client of an endpoint (the flashblocks
// stream's websocket): the same classes and texts as a JSON-RPC endpoint's, with whatever of url's
// and the headers' secrets the text would repeat replaced.
func Explain(err error, timeout time.Duration, url string, headers http.Header) *Failure {
	secrets := secretsOf(url, headers)
	f := classify(err, timeout, secrets, authHint(url, Options{Headers: headers}))
	return &Failure{Class: f.Class, Msg: scrubText(f.Msg, secrets)}
}
