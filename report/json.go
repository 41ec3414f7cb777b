package report

import (
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/headprobe/headprobe/check"
)

// Result is the JSON document of a run; its field names are documented in the README and stable.
type Result struct {
	// Target is the name of the targets file's target the run probed; Labels are its labels. Both
	// are absent for a run without a targets file.
	Target string            `json:"target,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`

	Status          string     `json:"status"`
	ExitCode        int        `json:"exit_code"`
	Command         string     `json:"command"`
	Reason          string     `json:"reason"`
	Time            string     `json:"time"`
	DurationSeconds float64    `json:"duration_seconds"`
	Thresholds      Thresholds `json:"thresholds"`
	// Endpoints follow the fields above, each under its role's key ("l2", "builder"), in role
	// order; an endpoint not judged is absent.
	Endpoints []Keyed `json:"-"`
	// Parts follow the endpoints, each under its role's key ("rollup_boost", "conductor").
	Parts []KeyedPart `json:"-"`
}

// KeyedPart is a part of the JSON document with the key it goes under, its role's.
type KeyedPart struct {
	Key string
	*Part
}

// Part is a part's finding in the JSON document: these fields, then its detail's.
type Part struct {
	OK     bool   `json:"ok"`
	Reason string `json:"reason"`
	Cause  string `json:"cause,omitempty"`
	Note   string `json:"note,omitempty"`
	// Detail is the part's own fields (check.Detail's Doc), joined to the object.
	Detail any `json:"-"`
}

// MarshalJSON writes the fields, then the detail's.
func (p Part) MarshalJSON() ([]byte, error) {
	type fields Part
	return joinObjects(fields(p), p.Detail)
}

// Keyed is an endpoint of the JSON document with the key it goes under, its role's.
type Keyed struct {
	Key string
	*Endpoint
}

// MarshalJSON writes the fields, then each endpoint under its key.
func (r Result) MarshalJSON() ([]byte, error) {
	type fields Result // the same fields, without this method
	out, err := json.Marshal(fields(r))
	if err != nil {
		return nil, err
	}
	out = out[:len(out)-1] // reopen the object
	for _, e := range r.Endpoints {
		key, err := json.Marshal(e.Key)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(e.Endpoint)
		if err != nil {
			return nil, err
		}
		out = append(append(append(append(out, ','), key...), ':'), value...)
	}
	for _, p := range r.Parts {
		key, err := json.Marshal(p.Key)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(p.Part)
		if err != nil {
			return nil, err
		}
		out = append(append(append(append(out, ','), key...), ':'), value...)
	}
	return append(out, '}'), nil
}

// joinObjects is the JSON object of a's fields followed by b's; b nil adds none.
func joinObjects(a, b any) ([]byte, error) {
	out, err := json.Marshal(a)
	if err != nil || b == nil {
		return out, err
	}
	more, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	if len(more) < 2 || more[0] != '{' {
		return nil, errors.New("report: a detail's document is not a JSON object")
	}
	if len(more) == 2 { // {}
		return out, nil
	}
	return append(append(out[:len(out)-1], ','), more[1:]...), nil
}

// Endpoint is the endpoint of that key in the document, or nil.
func (r Result) Endpoint(key string) *Endpoint {
	for _, e := range r.Endpoints {
		if e.Key == key {
			return e.Endpoint
		}
	}
	return nil
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
	Cause             string   `json:"cause,omitempty"`
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
	// Waived says why the endpoint's failure does not count (a part waived it).
	Waived string `json:"waived,omitempty"`
	// L2Block and L2DistanceBlocks are op-node's comparison with the L2 (see sameHead).
	L2Block          *L2Block `json:"l2_block,omitempty"`
	L2DistanceBlocks *int64   `json:"l2_distance_blocks,omitempty"`
	// Detail is the head's further fields (check.Detail's Doc, op-node's sync status), joined to the object.
	Detail any `json:"-"`
}

// MarshalJSON writes the fields, then the detail's.
func (e Endpoint) MarshalJSON() ([]byte, error) {
	type fields Endpoint
	return joinObjects(fields(e), e.Detail)
}

// Fork is the fork check in the JSON document (the builder's, against the L2): the height compared
// (the lower of the two heads) and, when the older of the two blocks could not be fetched, why the
// check was not made (the hash not known is then left out). The field names are the builder's and
// the L2's, as the README documents them.
type Fork struct {
	Number      uint64 `json:"number"`
	BuilderHash string `json:"builder_hash,omitempty"`
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
	for _, e := range r.Endpoints {
		out := endpoint(e)
		if c, ok := r.HeadComparison(e.Role.Name); ok {
			out.sameHead(c)
		}
		doc.Endpoints = append(doc.Endpoints, Keyed{Key: e.Role.Key(), Endpoint: out})
	}
	for _, f := range r.Parts {
		p := &Part{OK: f.OK(), Reason: f.Reason, Cause: string(f.Cause), Note: f.Note}
		if f.Detail != nil {
			p.Detail = f.Detail.Doc()
		}
		doc.Parts = append(doc.Parts, KeyedPart{Key: f.Role.Key(), Part: p})
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
		Cause:             string(e.Cause),
		ClockAheadSeconds: e.AheadSeconds,
		ProgressBlocks:    e.Progress,
		WindowSeconds:     e.Window.Seconds(),
		Samples:           e.Samples,
		LatencySeconds:    e.Latency.Seconds(),
		Waived:            e.Waived,
	}
	if e.Last != nil && e.Last.Detail != nil {
		out.Detail = e.Last.Detail.Doc()
	}
	var classed check.Classed
	if errors.As(e.Err, &classed) {
		out.ErrorClass = classed.FailureClass()
	}
	if e.Last != nil {
		h, age := head(*e.Last), e.Age.Seconds()
		out.Head, out.AgeSeconds = &h, &age
	}
	if e.Reorg != nil {
		out.Reorg = &Reorg{From: head(e.Reorg.From), To: head(e.Reorg.To)}
	}
	if f := e.Fork; f != nil {
		out.Fork = &Fork{Number: f.Number, Diverged: f.Diverged()}
		if f.Err != nil {
			out.Fork.Error = f.Err.Error()
		}
		if f.Err == nil || e.Last == nil || e.Last.Number == f.Number { // its head: known
			out.Fork.BuilderHash = f.Hash.Hex()
		}
		if f.Err == nil || e.Last != nil && e.Last.Number > f.Number { // the L2's head: known
			out.Fork.L2Hash = f.AgainstHash.Hex()
		}
	}
	return out
}

func head(h check.Head) Head {
	return Head{Number: h.Number, Hash: h.Hash.Hex(), Timestamp: h.Timestamp}
}
