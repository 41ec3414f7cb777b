package rpc

import (
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
)

// ParseHeaders turns repeated "Name: value" flags into a header set. Its errors show the name,
// never the value, which is usually a credential.
func ParseHeaders(lines []string) (http.Header, error) {
	h := http.Header{}
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("want \"Name: value\", got a value without a colon")
		}
		if !validHeaderName(name) {
			return nil, fmt.Errorf("%q is not a valid header name", clip(name, 40))
		}
		if strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("the value of %q contains a line break", name)
		}
		h.Add(textproto.CanonicalMIMEHeaderKey(name), strings.TrimSpace(value))
	}
	return h, nil
}

// validHeaderName reports whether name is an RFC 7230 token.
func validHeaderName(name string) bool {
	for _, c := range name {
		if c > 127 || c <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	return true
}
