package httpapi

import "net/http"

// DefaultAllowOrigin is the CORS origin used when none is configured.
const DefaultAllowOrigin = "*"

// CORS headers sent on every response.
const (
	allowHeaders = "Authorization, Content-Type"
	allowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	maxAge       = "600"
	// exposeHeaders lets browser clients read why a request was refused
	// and whether a revocation flushed the authorizer cache.
	exposeHeaders = "X-Keygate-Reason, X-Keygate-Cache-Flush"
)

// SetCORS sets the CORS response headers for origin (DefaultAllowOrigin when
// empty). A specific origin also sets Vary: Origin.
func SetCORS(h http.Header, origin string) {
	if origin == "" {
		origin = DefaultAllowOrigin
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Headers", allowHeaders)
	h.Set("Access-Control-Allow-Methods", allowMethods)
	h.Set("Access-Control-Max-Age", maxAge)
	h.Set("Access-Control-Expose-Headers", exposeHeaders)
	if origin != "*" {
		h.Add("Vary", "Origin")
	}
}
