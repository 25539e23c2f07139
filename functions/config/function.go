package config

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"keygate/shared/httpapi"
	"keygate/shared/openapi"
	"keygate/shared/routes"
)

// Function serves the public routes.
type Function struct {
	logger *slog.Logger
	httpapi.Lambda
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

// New builds the function once per Lambda instance. Both answers are fixed
// by cfg, so they are encoded here, once, not on every request.
func New(cfg Config) (*Function, error) {
	return NewWithSignIn(context.Background(), cfg)
}

// NewWithSignIn is New, reading the sign-in provider's discovery document
// (cfg.ConsoleSignIn) with ctx.
func NewWithSignIn(ctx context.Context, cfg Config) (*Function, error) {
	global, err := json.Marshal(newGlobalConfigJSON(cfg))
	if err != nil {
		// globalConfigJSON holds only strings, bools and ints.
		panic(fmt.Sprintf("config: marshal global config: %v", err))
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	signIn := newConsoleSignIn(ctx, cfg.ConsoleSignIn, logger)
	// The global configuration ignores any Authorization header: the route
	// is public.
	mux, err := httpapi.NewMux(routes.ConfigFunction, map[string]httpapi.HandlerFunc{
		"GET /open/global/config":       serveJSON(global),
		"GET /open/_document":           serveJSON(openapi.JSON()),
		"GET /open/console":             serveConsole("index.html", "text/html; charset=utf-8", signIn),
		"GET /open/console/app.js":      serveConsole("app.js", "text/javascript; charset=utf-8", signIn),
		"GET /open/console/app.css":     serveConsole("app.css", "text/css; charset=utf-8", signIn),
		"GET /open/console/signin.json": signIn.serve,
	}, logger)
	if err != nil {
		return nil, err
	}
	return &Function{logger: logger, Lambda: httpapi.NewLambda(mux, httpapi.Options{AllowOrigin: cfg.AllowOrigin, Logger: logger})}, nil
}

// serveJSON answers 200 with body, a JSON document encoded in advance.
func serveJSON(body []byte) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return nil
	}
}
