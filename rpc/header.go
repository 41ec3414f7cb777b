package rpc

import (
	"fmt"
	"net/http"
	"net/textproto"
	"strings"

	"golang.org/x/net/http/httpguts"
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
		if !httpguts.ValidHeaderFieldName(name) {
			return nil, fmt.Errorf("%q is not a valid header name", clip(printable(name), 40))
		}
		if strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("the value of %q contains a line break", name)
		}
		// net/http refuses such a value only when it sends the request: refuse it here, before any I/O.
		if value = strings.TrimSpace(value); !httpguts.ValidHeaderFieldValue(value) {
			return nil, fmt.Errorf("the value of %q contains a control character", name)
		}
		h.Add(textproto.CanonicalMIMEHeaderKey(name), value)
	}
	return h, nil
}
