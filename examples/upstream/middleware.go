package upstream

import (
	"context"
	"net/http"
	"strings"
)

// AssertionHeader carries keygate's identity assertion.
const AssertionHeader = "X-Keygate-Assertion"

type ctxKey struct{}

// IdentityFrom returns the identity Middleware verified.
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(Identity)
	return id, ok
}

// Middleware lets a request through only with a valid assertion whose
// workspaces include the one in the path (/open/workspace/<id>/...), and
// puts the identity in its context. It trusts no other X-Keygate-* header:
// the assertion is what a client cannot forge. A caller whose workspaces
// overflowed the assertion is refused here; a real service would look the
// membership up instead.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := v.Verify(r.Context(), r.Header.Get(AssertionHeader))
		if err != nil {
			http.Error(w, `{"error":{"code":"UNAUTHORIZED","message":"no valid identity assertion"}}`, http.StatusUnauthorized)
			return
		}
		if _, ok := id.Workspaces[workspaceOf(r.URL.Path)]; !ok {
			http.Error(w, `{"error":{"code":"FORBIDDEN","message":"not a member of this workspace"}}`, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

// workspaceOf returns the <id> of /open/workspace/<id>[/...] ("" otherwise).
func workspaceOf(path string) string {
	rest, ok := strings.CutPrefix(path, "/open/workspace/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}
