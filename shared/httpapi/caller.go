package httpapi

import (
	"fmt"
	"net/http"

	"keygate/shared/access"
	"keygate/shared/routes"
)

// KeyHandlerFunc handles a key route (one behind the authorizer): c is the
// request's caller, which NewMux resolved from the authorizer's context
// before calling it. It writes a success response or returns an error, as
// HandlerFunc does.
type KeyHandlerFunc func(w http.ResponseWriter, r *http.Request, c access.Caller) error

// Handler is what NewMux serves a route with: a HandlerFunc (any route) or
// a KeyHandlerFunc (a key route).
type Handler interface {
	HandlerFunc | KeyHandlerFunc
}

// bind returns h as it serves rt. On a key route the caller is resolved
// first, once, here: a request without a valid authorizer context never
// reaches a handler, and is answered in the error envelope as the
// configuration error it is (500 INTERNAL_SERVER_ERROR, the details only in
// the log). A public route has no caller, so a KeyHandlerFunc for one is
// an error.
func bind(rt routes.Route, h any) (HandlerFunc, error) {
	var serve KeyHandlerFunc
	switch h := h.(type) {
	case HandlerFunc:
		if rt.Auth == routes.Public {
			return h, nil
		}
		serve = func(w http.ResponseWriter, r *http.Request, _ access.Caller) error { return h(w, r) }
	case KeyHandlerFunc:
		if rt.Auth == routes.Public {
			return nil, fmt.Errorf("httpapi: %s is a public route: it has no caller for a KeyHandlerFunc", rt.Pattern())
		}
		serve = h
	default:
		return nil, fmt.Errorf("httpapi: %s: unknown handler type %T", rt.Pattern(), h)
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := access.CallerFromContext(r.Context())
		if err != nil {
			return err
		}
		return serve(w, r, c)
	}, nil
}
