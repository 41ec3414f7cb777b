package serve

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/headprobe/headprobe/check"
)

// Handler answers serve's endpoints:
//   - /healthz, /readyz and /livez: the HTTP status of the mode's current verdict (200, 206 or
//     503; 503 when none is fresh) with its first line as text/plain, or its JSON document with
//     Accept: application/json or ?format=json;
//   - /conductor/healthz: op-conductor's JSON health contract on the health verdict (conductor.go);
//   - /-/healthy: 200 while the check loop runs, else 503;
//   - /metrics: the Prometheus exposition.
//
// Only GET and HEAD are answered (405 otherwise), and a request with a body is refused (413).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/healthz", s.verdict(check.Health))
	mux.Handle("/readyz", s.verdict(check.Ready))
	mux.Handle("/livez", s.verdict(check.Live))
	mux.HandleFunc(ConductorPath, s.conductor)
	mux.HandleFunc("/-/healthy", s.healthy)
	mux.Handle("/metrics", promhttp.HandlerFor(s.gatherer(), promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	return guard(mux)
}

// guard answers only GET and HEAD requests without a body and with a head within maxHeaderBytes,
// and marks every answer as not to be cached: a verdict is only current when it is read.
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		if refuseLargeHead(w, r) {
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			plain(w, http.StatusMethodNotAllowed, "method not allowed: GET or HEAD only")
			return
		}
		if r.ContentLength != 0 { // -1 (chunked) too: these requests carry no body
			h.Set("Connection", "close")
			plain(w, http.StatusRequestEntityTooLarge, "request body not accepted")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuseLargeHead answers 431 to a request whose head is over maxHeaderBytes, and says so. The
// head is the request line and the header lines, each with its CRLF, as http.Server parsed them.
// http.Server's own MaxHeaderBytes lets some 4 KiB more through (the slop of its buffering), so
// the documented bound is counted here, to the byte; http.Server's stays as the hard bound on
// what is read at all.
func refuseLargeHead(w http.ResponseWriter, r *http.Request) bool {
	size := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2
	if r.Host != "" {
		size += len("Host: ") + len(r.Host) + 2
	}
	for name, values := range r.Header {
		for _, v := range values {
			size += len(name) + 2 + len(v) + 2
		}
	}
	if size <= maxHeaderBytes {
		return false
	}
	w.Header().Set("Connection", "close")
	plain(w, http.StatusRequestHeaderFieldsTooLarge, "request header fields too large: the request line and headers are at most "+strconv.Itoa(maxHeaderBytes)+" bytes")
	return true
}

// verdict answers with mode's current verdict.
func (s *Server) verdict(mode check.Mode) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asJSON, ok := wantsJSON(r)
		if !ok {
			plain(w, http.StatusBadRequest, "format must be text or json")
			return
		}
		now := s.clock.Now()
		v, _, _ := s.verdicts.answer(mode, now, s.limit)
		contentType := "text/plain; charset=utf-8"
		if asJSON {
			contentType = "application/json"
		}
		write(w, v.Result.State.HTTPStatus(), contentType, v.body(asJSON, now))
	})
}

// healthy is the process's own health, Prometheus' convention: the check loop is running.
func (s *Server) healthy(w http.ResponseWriter, _ *http.Request) {
	if !s.running.Load() {
		plain(w, http.StatusServiceUnavailable, "headprobe's check loop is not running")
		return
	}
	plain(w, http.StatusOK, "headprobe is healthy: its check loop is running")
}

// wantsJSON is true for ?format=json, or, without a format, an Accept that names
// application/json with a higher quality than text/plain's (or without text/plain); ok is false
// for another format.
func wantsJSON(r *http.Request) (asJSON, ok bool) {
	switch r.URL.Query().Get("format") {
	case "json":
		return true, true
	case "text":
		return false, true
	case "":
	default:
		return false, false
	}
	var jsonQ, textQ float64 = -1, -1
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		media, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, err := strconv.ParseFloat(params["q"], 64); err == nil {
			q = v
		}
		switch media {
		case "application/json":
			jsonQ = max(jsonQ, q)
		case "text/plain": // a wildcard does not outweigh an explicit application/json
			textQ = max(textQ, q)
		}
	}
	return jsonQ > 0 && jsonQ > textQ, true
}

// plain writes one line of text.
func plain(w http.ResponseWriter, code int, line string) {
	write(w, code, "text/plain; charset=utf-8", []byte(line+"\n"))
}

// write answers with code and body, its length given.
func write(w http.ResponseWriter, code int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}
