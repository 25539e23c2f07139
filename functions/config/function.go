package config

import (
	"encoding/json"
	"fmt"
	"net/http"

	"keygate/shared/httpapi"
	"keygate/shared/openapi"
)

// Function serves the public routes.
type Function struct {
	httpapi.Lambda
}

// New builds the function once per Lambda instance. Both answers are fixed
// by cfg, so they are encoded here, once, not on every request.
func New(cfg Config) *Function {
	global, err := json.Marshal(newGlobalConfigJSON(cfg))
	if err != nil {
		// globalConfigJSON holds only strings, bools and ints.
		panic(fmt.Sprintf("config: marshal global config: %v", err))
	}
	mux := http.NewServeMux()
	// The global configuration ignores any Authorization header: the route
	// is public.
	mux.HandleFunc("GET /open/global/config", serveJSON(global))
	mux.HandleFunc("GET /open/_document", serveJSON(openapi.JSON()))
	return &Function{Lambda: httpapi.NewLambda(mux, httpapi.Options{AllowOrigin: cfg.AllowOrigin, Logger: cfg.Logger})}
}

// serveJSON answers 200 with body, a JSON document encoded in advance.
func serveJSON(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	}
}
