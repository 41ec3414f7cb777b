package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// The comparison of the old and the new binary's JSON documents (see samejson_test.go) leaves out
// what two processes started at the same moment cannot agree on: the time they measured. What is
// left must be identical, byte for byte once indented, key order included.

// samejsonTimingFields are the keys removed, at any depth, before two documents are compared:
// every field of report/json.go and of the details' documents that is measured in time. The
// thresholds (max_unsafe_interval_seconds, interval_seconds) are configuration, and are kept.
var samejsonTimingFields = []string{
	"time",                    // report.Result: when the run started
	"duration_seconds",        // report.Result: how long the run took
	"age_seconds",             // report.Endpoint, and op-node's sync-status heads (rpc.RefDoc): now minus the head's timestamp
	"clock_ahead_seconds",     // report.Endpoint: how far the head's timestamp is ahead of this host's clock
	"window_seconds",          // report.Endpoint: the time between the first and the last sample
	"latency_seconds",         // report.Endpoint: the request's round trip
	"samples",                 // report.Endpoint: how many samples fitted in the --interval window (1 without one)
	"last_landed_age_seconds", // builderblocks.Detail: the age of the last block the builder landed
	"read_seconds",            // flashblocks.Detail: how long the stream was read
	"first_frame_seconds",     // flashblocks.Detail: when its first frame came
	"max_gap_seconds",         // flashblocks.Detail: the longest wait between two frames
	"flashblocks_per_second",  // flashblocks.Detail: frames over read_seconds
}

// samejsonDuration is a Go duration as time.Duration.String writes it ("0s", "1.002s", "600ms",
// "1h0m0s"). In a string of the document it is a measured time ("head #16 is 1s old", "stuck at
// #9 for 1.002s", "stamped 1h0m0s in the future") or an echoed flag ("(max 30s)"): both are
// masked as <duration>, as two runs cannot agree on the first, and agree on the second by
// construction (the same arguments).
var samejsonDuration = regexp.MustCompile(`(?:\d+(?:\.\d+)?(?:h|ms|m|µs|us|ns|s))+`)

// samejsonMaskDurations replaces every duration of s that stands alone (no letter, digit or dot
// right before it, no letter or digit right after) by <duration>.
func samejsonMaskDurations(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range samejsonDuration.FindAllStringIndex(s, -1) {
		if m[0] > 0 && samejsonWordByte(s[m[0]-1], true) || m[1] < len(s) && samejsonWordByte(s[m[1]], false) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString("<duration>")
		last = m[1]
	}
	return b.String() + s[last:]
}

func samejsonWordByte(c byte, before bool) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || before && c == '.' || c >= 0x80
}

// samejsonNormalize is the output of a -o json run with its timing fields removed and its
// durations masked, indented one member per line, every document of the output in turn (a fleet
// writes one array). Keys keep their order; numbers keep their text.
func samejsonNormalize(output string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(output))
	dec.UseNumber()
	var b bytes.Buffer
	for {
		if err := samejsonValue(dec, &b, ""); err != nil {
			if errors.Is(err, io.EOF) && b.Len() > 0 {
				return b.String(), nil
			}
			if errors.Is(err, io.EOF) {
				return "", errors.New("no JSON document")
			}
			return "", err
		}
		b.WriteByte('\n')
	}
}

// samejsonValue writes the next value of dec, normalized, at indent.
func samejsonValue(dec *json.Decoder, b *bytes.Buffer, indent string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		closing := map[json.Delim]byte{'{': '}', '[': ']'}[v]
		b.WriteByte(byte(v))
		n := 0
		for dec.More() {
			if n > 0 {
				b.WriteByte(',')
			}
			if v == '{' {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				if slices.Contains(samejsonTimingFields, key.(string)) {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					if n > 0 {
						b.Truncate(b.Len() - 1) // the comma written for it
					}
					continue
				}
				fmt.Fprintf(b, "\n%s  %s: ", indent, samejsonQuote(key.(string)))
			} else {
				fmt.Fprintf(b, "\n%s  ", indent)
			}
			if err := samejsonValue(dec, b, indent+"  "); err != nil {
				return err
			}
			n++
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return err
		}
		if n > 0 {
			b.WriteString("\n" + indent)
		}
		b.WriteByte(closing)
	case string:
		b.WriteString(samejsonQuote(samejsonMaskDurations(v)))
	case json.Number:
		b.WriteString(v.String())
	case bool:
		fmt.Fprint(b, v)
	case nil:
		b.WriteString("null")
	}
	return nil
}

func samejsonQuote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// samejsonDiff is a line diff of two normalized documents, "" when they are the same: "-" lines
// are the baseline's alone, "+" lines the new binary's alone, with two lines of context.
func samejsonDiff(baseline, current string) string {
	if baseline == current {
		return ""
	}
	a, b := strings.Split(baseline, "\n"), strings.Split(current, "\n")
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
	}
	var lines []line
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			lines = append(lines, line{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			lines = append(lines, line{'-', a[i]})
			i++
		default:
			lines = append(lines, line{'+', b[j]})
			j++
		}
	}
	const context = 2
	var out strings.Builder
	out.WriteString("--- baseline\n+++ new\n")
	skipped := false
	for k, l := range lines {
		near := false
		for d := max(0, k-context); d <= min(len(lines)-1, k+context); d++ {
			near = near || lines[d].op != ' '
		}
		if !near {
			if !skipped {
				out.WriteString("  …\n")
			}
			skipped = true
			continue
		}
		skipped = false
		fmt.Fprintf(&out, "%c %s\n", l.op, l.text)
	}
	return out.String()
}
