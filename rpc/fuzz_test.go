package rpc

// Seed corpora live in testdata/fuzz/<FuzzName>/ (built from the recordings and edge cases).
// Run a target with, for example:
//
//	go test ./rpc -run '^$' -fuzz '^FuzzDecodeHead$' -fuzztime 30s

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/headprobe/headprobe/check"
)

func FuzzDecodeHead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := DecodeHead(json.RawMessage(data))
		if err != nil {
			var fail *Failure
			if !errors.As(err, &fail) {
				t.Fatalf("error %T %q is not a *Failure", err, err)
			}
			if fail.Class != ClassMalformed && fail.Class != ClassNoBlock {
				t.Fatalf("class %q (%q)", fail.Class, fail.Msg)
			}
			if h != (check.Head{}) {
				t.Fatalf("head %+v alongside an error", h)
			}
			if strings.ContainsAny(fail.Msg, "\r\n") {
				t.Fatalf("reason %q spans several lines", fail.Msg)
			}
			if len(fail.Msg) > 240 {
				t.Fatalf("reason is %d bytes long: %q", len(fail.Msg), fail.Msg)
			}
			return
		}
		// The same input decodes the same way again.
		if h2, err := DecodeHead(json.RawMessage(data)); err != nil || h2 != h {
			t.Fatalf("second decode: %+v, %v; first %+v", h2, err, h)
		}
		// The head, written back as a minimal block, decodes to itself.
		again := fmt.Sprintf(`{"number":%q,"hash":%q,"timestamp":%q}`, hexutil.EncodeUint64(h.Number), h.Hash.Hex(), hexutil.EncodeUint64(h.Timestamp))
		if h3, err := DecodeHead(json.RawMessage(again)); err != nil || h3 != h {
			t.Fatalf("re-encoded %s decodes to %+v, %v; want %+v", again, h3, err, h)
		}
	})
}

// secretErrors are the texts ParseSecret may fail with; none depends on the content.
var secretErrors = regexp.MustCompile(`^(is empty|is not hex \(want 64 hex characters, as in geth's jwt\.hex\)|holds \d+ bytes, want 32 \(64 hex characters\))$`)

func FuzzParseSecret(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		secret, err := ParseSecret(data)
		if err == nil {
			if len(secret) != SecretSize {
				t.Fatalf("secret of %d bytes accepted", len(secret))
			}
			// The canonical form parses to the same secret.
			if again, err := ParseSecret([]byte("0x" + hex.EncodeToString(secret))); err != nil || string(again) != string(secret) {
				t.Fatalf("canonical form: %x, %v", again, err)
			}
			return
		}
		if secret != nil {
			t.Fatalf("secret %x alongside an error", secret)
		}
		msg := err.Error()
		if !secretErrors.MatchString(msg) {
			t.Fatalf("unexpected error text %q", msg)
		}
		// An input that is a piece of the fixed texts themselves ("is not hex") is not a leak.
		if in := string(data); len(in) >= 8 && strings.Contains(msg, in) && !strings.Contains(secretTemplates, in) {
			t.Fatalf("error %q repeats the input", msg)
		}
	})
}

// secretTemplates is every fixed word ParseSecret's errors are made of.
const secretTemplates = "is empty | is not hex (want 64 hex characters, as in geth's jwt.hex) | holds bytes, want 32 (64 hex characters)"

func FuzzValidateURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		err := ValidateURL(raw)
		redacted := Redact(raw)
		if strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") {
			// An absolute IPC socket path: accepted and shown as is.
			if err != nil || redacted != raw {
				t.Fatalf("IPC path %q: error %v, redacted %q", raw, err, redacted)
			}
			return
		}
		secrets, allowed := urlSecrets(raw)
		for _, s := range secrets {
			if strings.Contains(allowed, s) || strings.Contains(redactMark, s) {
				continue // also part of what may be shown (the host, a path segment)
			}
			if strings.Contains(redacted, s) {
				t.Fatalf("Redact(%q) = %q shows %q", raw, redacted, s)
			}
			if err != nil && strings.Contains(err.Error(), s) {
				t.Fatalf("ValidateURL(%q) = %q shows %q", raw, err, s)
			}
		}
	})
}

// urlSecrets returns the user-info passwords and query values of at least 6 characters in raw,
// found both by url.Parse and by a plain reading of the text, and the text that may be shown
// (scheme, host and path).
func urlSecrets(raw string) (secrets []string, allowed string) {
	add := func(s string) {
		if len(s) >= 6 {
			secrets = append(secrets, s)
		}
	}
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			if p, ok := u.User.Password(); ok {
				add(p)
			}
		}
		if q, err := url.ParseQuery(u.RawQuery); err == nil {
			for _, vs := range q {
				for _, v := range vs {
					add(v)
				}
			}
		}
		for _, v := range strings.Split(u.RawQuery, "&") {
			_, v, _ = strings.Cut(v, "=")
			add(v)
		}
		allowed += u.Scheme + "://" + u.Host + " " + u.Path + " " + u.EscapedPath() + " " + u.Opaque + " "
	}
	// A plain reading, for text url.Parse refuses: scheme://userinfo@host/path?query#fragment.
	// public is the input with only the secret spans replaced: whatever it still contains (a host
	// next to its separator, an escaped byte in %q form that spells digits) reveals nothing.
	scheme, rest := "", raw
	if before, after, ok := strings.Cut(rest, "://"); ok {
		scheme, rest = before+"://", after
	}
	rest, fragment, _ := strings.Cut(rest, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	pairs := strings.Split(query, "&")
	for i, pair := range pairs {
		k, v, ok := strings.Cut(pair, "=")
		add(v)
		if ok {
			pairs[i] = k + "=" + redactMark
		} else {
			pairs[i] = redactMark
		}
	}
	authority, path, hasPath := strings.Cut(rest, "/")
	userinfo := ""
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo = authority[:i+1]
		if name, p, ok := strings.Cut(authority[:i], ":"); ok {
			add(p)
			userinfo = name + ":" + redactMark + "@"
		}
		authority = authority[i+1:]
	}
	public := scheme + userinfo + authority
	if hasPath {
		public += "/" + path
	}
	if hasQuery {
		public += "?" + strings.Join(pairs, "&")
	}
	public += "#" + fragment
	allowed += " " + public + " " + fmt.Sprintf("%q", public) + " " + fmt.Sprintf("%q %q", authority, "/"+path)
	return secrets, allowed
}
