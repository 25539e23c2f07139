package gateway

import (
	"net/http"
)

// CORS is an API's Cors setting as SAM applies it: an unauthenticated
// OPTIONS method (a MOCK integration) on every resource, answering 200 with
// these headers. Values are mapping expressions, static ones quoted ("'*'").
type CORS struct {
	AllowOrigin, AllowHeaders, AllowMethods, MaxAge string
}

// preflight answers an OPTIONS request on a known resource; it reports
// false when the path has no resource, so the request falls through to
// MISSING_AUTHENTICATION_TOKEN.
func (g *Gateway) preflight(w http.ResponseWriter, q *request, escapedPath string, o *outcome) bool {
	c := g.cfg.CORS
	if c == nil || q.r.Method != http.MethodOptions || !g.router.hasPath(escapedPath) {
		return false
	}
	v := g.vars(q, "", nil)
	h := w.Header()
	for name, expr := range map[string]string{
		"Access-Control-Allow-Origin":  c.AllowOrigin,
		"Access-Control-Allow-Headers": c.AllowHeaders,
		"Access-Control-Allow-Methods": c.AllowMethods,
		"Access-Control-Max-Age":       c.MaxAge,
	} {
		if expr != "" {
			h.Set(name, renderHeader(expr, v))
		}
	}
	h.Set("Content-Type", "application/json")
	g.stamp(h, q)
	w.WriteHeader(http.StatusOK)
	o.status = http.StatusOK
	return true
}
