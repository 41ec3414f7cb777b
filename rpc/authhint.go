package rpc

import (
	"net/url"
)

// The hints of an HTTP 401, each naming the credentials the request carried (authHint).
const (
	// hintJWT: a JWT signed with --*-jwt-secret was sent (it replaces any other Authorization).
	hintJWT = "check the JWT secret"
	// hintAuthorizationHeader: an Authorization header given with --*-header was sent.
	hintAuthorizationHeader = "the Authorization header given was refused: check it"
	// hintBasicAuth: the URL's user info was sent as HTTP basic auth.
	hintBasicAuth = "the URL's credentials were sent as basic auth and refused: check them (an Engine-API port wants a JWT secret instead)"
	// hintNoCredentials: nothing was sent that authenticates.
	hintNoCredentials = "no credentials were sent: an Engine-API port wants a JWT secret"
)

// authHint is what a 401 from raw says to check, given what its requests carry, in the order
// they take the Authorization header: a JWT, an Authorization header given, the URL's user info
// (net/http's basic auth, only without one), or nothing.
func authHint(raw string, opts Options) string {
	u, err := url.Parse(raw)
	switch {
	case opts.JWTSecret != nil:
		return hintJWT
	case opts.Headers.Get("Authorization") != "":
		return hintAuthorizationHeader
	case err == nil && u.User != nil:
		return hintBasicAuth
	}
	return hintNoCredentials
}
