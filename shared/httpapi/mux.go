package httpapi

import (
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"

	"keygate/shared/routes"
)

// HandlerFunc handles one route: it writes a success response, or returns
// an error that NewMux's one renderer writes in the error envelope (Error).
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// NewMux returns a ServeMux serving exactly the routes of function in the
// route table, each with its handler from handlers (keyed by
// routes.Route.Pattern). A route without a handler, or a handler without a
// route, is an error: the function and the table cannot drift apart. On
// every key route the caller is resolved from the authorizer's context
// before the handler runs, which a KeyHandlerFunc receives (see bind).
func NewMux[H Handler](function string, handlers map[string]H, logger *slog.Logger) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	left := maps.Clone(handlers)
	for _, rt := range routes.Of(function) {
		h, ok := handlers[rt.Pattern()]
		if !ok {
			return nil, fmt.Errorf("httpapi: %s has no handler for its route %s", function, rt.Pattern())
		}
		delete(left, rt.Pattern())
		serve, err := bind(rt, any(h))
		if err != nil {
			return nil, err
		}
		mux.HandleFunc(rt.Pattern(), func(w http.ResponseWriter, r *http.Request) {
			if err := serve(w, r); err != nil {
				Error(w, r, logger, err)
			}
		})
	}
	if len(left) > 0 {
		return nil, fmt.Errorf("httpapi: %s has handlers for routes not in the route table: %v", function, slices.Sorted(maps.Keys(left)))
	}
	return mux, nil
}
