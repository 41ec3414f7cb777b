package rpc

// The helpers a kind decoding its own answers shares with the heads' decoding, so that its
// failures read and classify alike.

// Malformed is a failure of class malformed: "malformed response: " and the reason.
func Malformed(format string, args ...any) *Failure { return malformed(format, args...) }

// JSONErrorText shortens an encoding/json or hexutil error to what went wrong.
func JSONErrorText(err error) string { return jsonErrorText(err) }

// JSONKind names the JSON type that starts with b ("a string", "an array"…).
func JSONKind(b byte) string { return jsonKind(b) }

// Clip shortens server-supplied text to n bytes and "…", on a character boundary.
func Clip(s string, n int) string { return clip(s, n) }

// Scrub replaces every secret of the client's (its JWT, its headers' values, its URL's user
// info), and anything that looks like a JWT, in a failure's text.
func (c *Client) Scrub(err error) error { return c.scrub(err) }
