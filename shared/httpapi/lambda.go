package httpapi

import (
	"context"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Lambda is a function's routes behind Wrap, served both to API Gateway proxy
// events (Handle, the Lambda entry point) and over HTTP (Handler, for tests
// and the local gateway). keygate's functions embed it.
type Lambda struct {
	handler http.Handler
	adapter *httpadapter.HandlerAdapter
}

// NewLambda wraps mux with Wrap and adapts it to proxy events, once per
// Lambda instance.
func NewLambda(mux *http.ServeMux, o Options) Lambda {
	h := Wrap(mux, o)
	return Lambda{handler: h, adapter: httpadapter.New(h)}
}

// Handler returns the wrapped HTTP handler.
func (l Lambda) Handler() http.Handler { return l.handler }

// Handle runs an API Gateway proxy event through the handler.
func (l Lambda) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return l.adapter.ProxyWithContext(ctx, req)
}
