package report

import (
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Result is the JSON document of a run; its field names are documented in the README and stable.
type Result struct {
	Status          string     `json:"status"`
	ExitCode        int        `json:"exit_code"`
	Command         string     `json:"command"`
	Reason          string     `json:"reason"`
	Time            string     `json:"time"`
	DurationSeconds float64    `json:"duration_seconds"`
	Thresholds      Thresholds `json:"thresholds"`
	L2              *Endpoint  `json:"l2,omitempty"`
	Builder         *Endpoint  `json:"builder,omitempty"`
}

// Thresholds echoes the configuration the verdict was reached with.
type Thresholds struct {
	MaxUnsafeIntervalSeconds float64 `json:"max_unsafe_interval_seconds"`
	IntervalSeconds          float64 `json:"interval_seconds"`
	MinBlocks                uint64  `json:"min_blocks"`
}

// Endpoint is one endpoint in the JSON document.
type Endpoint struct {
	URL               string   `json:"url"`
	OK                bool     `json:"ok"`
	Reason            string   `json:"reason"`
	ErrorClass        string   `json:"error_class,omitempty"`
	Head              *Head    `json:"head"`
	AgeSeconds        *float64 `json:"age_seconds"`
	ClockAheadSeconds uint64   `json:"clock_ahead_seconds,omitempty"`
	ProgressBlocks    uint64   `json:"progress_blocks"`
	WindowSeconds     float64  `json:"window_seconds"`
	Samples           int      `json:"samples"`
	LatencySeconds    float64  `json:"latency_seconds"`
	Reorg             *Reorg   `json:"reorg,omitempty"`
	Fork              *Fork    `json:"fork,omitempty"`
}

// Fork is the builder's fork check in the JSON document: the height compared and, when the L2's
// block could not be fetched, why the check was not made.
type Fork struct {
	Number      uint64 `json:"number"`
	BuilderHash string `json:"builder_hash"`
	L2Hash      string `json:"l2_hash,omitempty"`
	Diverged    bool   `json:"diverged"`
	Error       string `json:"error,omitempty"`
}

// Head is a block head in the JSON document.
type Head struct {
	Number    uint64 `json:"number"`
	Hash      string `json:"hash"`
	Timestamp uint64 `json:"timestamp"`
}

// Reorg is a backwards move of the head in the JSON document.
type Reorg struct {
	From Head `json:"from"`
	To   Head `json:"to"`
}

// Document converts a result into its JSON form.
func Document(r check.Result) Result {
	doc := Result{
		Status:          r.State.String(),
		ExitCode:        r.State.ExitCode(),
		Command:         r.Mode.String(),
		Reason:          r.Reason,
		Time:            r.Start.UTC().Format(time.RFC3339Nano),
		DurationSeconds: r.Duration.Seconds(),
		Thresholds: Thresholds{
			MaxUnsafeIntervalSeconds: r.Config.MaxAge.Seconds(),
			IntervalSeconds:          r.Config.Interval.Seconds(),
			MinBlocks:                r.Config.MinBlocks,
		},
	}
	if r.L2.Name != "" {
		doc.L2 = endpoint(r.L2)
	}
	if r.Builder != nil {
		doc.Builder = endpoint(*r.Builder)
	}
	return doc
}

// JSON writes the result as one JSON object and a newline.
func JSON(w io.Writer, r check.Result) error {
	return json.NewEncoder(w).Encode(Document(r))
}

func endpoint(e check.Endpoint) *Endpoint {
	out := &Endpoint{
		URL:               e.URL,
		OK:                e.OK,
		Reason:            e.Reason,
		ClockAheadSeconds: e.AheadSeconds,
		ProgressBlocks:    e.Progress,
		WindowSeconds:     e.Window.Seconds(),
		Samples:           e.Samples,
		LatencySeconds:    e.Latency.Seconds(),
	}
	var f *rpc.Failure
	if errors.As(e.Err, &f) {
		out.ErrorClass = string(f.Class)
	}
	if e.Last != nil {
		h, age := head(*e.Last), e.Age.Seconds()
		out.Head, out.AgeSeconds = &h, &age
	}
	if e.Reorg != nil {
		out.Reorg = &Reorg{From: head(e.Reorg.From), To: head(e.Reorg.To)}
	}
	if f := e.Fork; f != nil {
		out.Fork = &Fork{Number: f.Number, BuilderHash: f.BuilderHash.Hex(), Diverged: f.Diverged()}
		if f.Err != nil {
			out.Fork.Error = f.Err.Error()
		} else {
			out.Fork.L2Hash = f.L2Hash.Hex()
		}
	}
	return out
}

func head(h check.Head) Head {
	return Head{Number: h.Number, Hash: h.Hash.Hex(), Timestamp: h.Timestamp}
}
