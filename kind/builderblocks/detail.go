package builderblocks

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/headprobe/headprobe/check"
	"github.com/headprobe/headprobe/rpc"
)

// Detail is what the renderers show of the builder's blocks: the count, the newest block that
// carried the builder's transaction and its age.
type Detail struct {
	Marks Marks
	// Asked is --builder-blocks, Min --min-builder-blocks.
	Asked, Min uint64
	// Count is what the window showed; nil when it was not read.
	Count *Count
	// Err is why the window could not be read.
	Err error
	// Last is the newest block seen carrying the builder's transaction (in the window, or in an
	// earlier check of the same process); LastAge its age. Nil when none was seen.
	Last    *Block
	LastAge time.Duration
	// Waived says why a failure does not count (rollup-boost's execution mode is disabled).
	Waived string
}

// Doc is the JSON object's further fields under "builder_blocks".
type Doc struct {
	Landed               *uint64  `json:"landed"`
	Window               *uint64  `json:"window"`
	FromNumber           *uint64  `json:"from_number,omitempty"`
	ToNumber             *uint64  `json:"to_number,omitempty"`
	Short                string   `json:"short,omitempty"`
	LastLandedNumber     *uint64  `json:"last_landed_number"`
	LastLandedAgeSeconds *float64 `json:"last_landed_age_seconds"`
	Signer               string   `json:"signer"`
	Contract             string   `json:"contract,omitempty"`
	MinBlocks            uint64   `json:"min_builder_blocks"`
	ErrorClass           string   `json:"error_class,omitempty"`
	Waived               string   `json:"waived,omitempty"`
}

// Line is the text report's detail: "landed 9/10 (#1225–#1234)  last #1234, 1s ago".
func (d *Detail) Line() string {
	var parts []string
	if c := d.Count; c != nil {
		if c.Window > 0 {
			parts = append(parts, fmt.Sprintf("landed %d/%d (#%d–#%d)", c.Landed, c.Window, c.From, c.To))
		}
		if c.Short != "" {
			parts = append(parts, c.Short)
		}
	} else {
		parts = append(parts, "landed -/"+fmt.Sprint(d.Asked))
	}
	if d.Last != nil {
		parts = append(parts, fmt.Sprintf("last #%d, %s ago", d.Last.Number, d.LastAge))
	}
	parts = append(parts, "signer "+d.Marks.Signer.Hex())
	if d.Marks.Contract != nil {
		parts = append(parts, "contract "+d.Marks.Contract.Hex())
	}
	return strings.Join(parts, "  ")
}

// short is a passing reason: "landed 9/10 (#1225–#1234), the last #1234 1s ago".
func (d *Detail) short() string {
	s := "landed -/" + fmt.Sprint(d.Asked)
	if c := d.Count; c != nil && c.Window > 0 {
		s = fmt.Sprintf("landed %d/%d (#%d–#%d)", c.Landed, c.Window, c.From, c.To)
		if c.Short != "" {
			s += " (" + c.Short + ")"
		}
	}
	if d.Last != nil {
		s += fmt.Sprintf(", the last #%d %s ago", d.Last.Number, d.LastAge)
	}
	return s
}

// Doc is the JSON fields: see Doc.
func (d *Detail) Doc() any {
	doc := Doc{Signer: d.Marks.Signer.Hex(), MinBlocks: d.Min, Waived: d.Waived}
	if c := d.Marks.Contract; c != nil {
		doc.Contract = c.Hex()
	}
	if c := d.Count; c != nil {
		landed, window := c.Landed, c.Window
		doc.Landed, doc.Window, doc.Short = &landed, &window, c.Short
		if c.Window > 0 {
			from, to := c.From, c.To
			doc.FromNumber, doc.ToNumber = &from, &to
		}
	}
	if l := d.Last; l != nil {
		n, a := l.Number, d.LastAge.Seconds()
		doc.LastLandedNumber, doc.LastLandedAgeSeconds = &n, &a
	}
	var f *rpc.Failure
	if errors.As(d.Err, &f) {
		doc.ErrorClass = string(f.Class)
	}
	return doc
}

// Series are the gauges: the share of the window that landed, and the age of the last block that
// did; each only when known.
func (d *Detail) Series() []check.Series {
	var out []check.Series
	if c := d.Count; c != nil && c.Window > 0 {
		out = append(out, check.Series{Name: "headprobe_builder_blocks_landed_ratio",
			Help: "Share of the L2's last --builder-blocks blocks that carry the builder's transaction (--builder-signer).", Value: float64(c.Landed) / float64(c.Window)})
	}
	if d.Last != nil {
		out = append(out, check.Series{Name: "headprobe_builder_last_landed_age_seconds",
			Help: "Age of the newest L2 block seen carrying the builder's transaction, in whole seconds.", Value: d.LastAge.Seconds()})
	}
	return out
}
