// Package upstream is the worked example of docs/extend.md for a service
// behind keygate's HTTP_PROXY upstream: it verifies X-Keygate-Assertion, the
// identity assertion keygate's authorizer signs, with a JOSE library
// (go-jose), against the JWKS keygate publishes, and checks that the
// workspace in the path is one the caller belongs to. A request that did
// not come through keygate, or whose assertion is forged, expired, for
// another audience or signed by a key keygate does not publish, is refused.
//
// keygate does not deploy it; the e2e tests run it as the upstream.
package upstream
