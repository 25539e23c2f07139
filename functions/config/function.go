package config

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"keygate/shared/httpapi"
	"keygate/shared/openapi"
)

// Function serves the public routes.
type Function struct {
	global  globalConfigJSON
	doc     []byte
	handler http.Handler
	adapter *httpadapter.HandlerAdapter
}

// New builds the function once per Lambda instance.
func New(cfg Config) *Function {
	doc := openapi.JSON()
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	f := &Function{global: newGlobalConfigJSON(cfg), doc: doc}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open/global/config", f.globalConfig)
	mux.HandleFunc("GET /open/_document", f.document)
	f.handler = httpapi.Wrap(mux, httpapi.Options{AllowOrigin: cfg.AllowOrigin, Logger: logger})
	f.adapter = httpadapter.New(f.handler)
	return f
}

// Handler returns the HTTP handler (for tests and the local gateway).
func (f *Function) Handler() http.Handler { return f.handler }

// Handle is the Lambda entry point.
func (f *Function) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return f.adapter.ProxyWithContext(ctx, req)
}

// globalConfig handles GET /open/global/config. It ignores any
// Authorization header: the route is public.
func (f *Function) globalConfig(w http.ResponseWriter, r *http.Request) {
	httpapi.JSON(w, http.StatusOK, f.global)
}

// document handles GET /open/_document: the OpenAPI 3 document as JSON.
func (f *Function) document(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.doc)
}
