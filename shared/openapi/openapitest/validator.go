package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"keygate/shared/openapi"
)

// testServer is the server URL the validator routes against.
const testServer = "http://keygate.test"

// Validator validates responses against the OpenAPI document.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

// New returns the Validator of the embedded document; a broken document
// fails tb. The document is loaded and validated once per test binary and
// the Validator shared: it only reads it.
func New(tb testing.TB) *Validator {
	tb.Helper()
	v, err := shared()
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// shared builds the one Validator New returns.
var shared = sync.OnceValues(func() (*Validator, error) {
	doc, err := Load()
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	doc.Servers = openapi3.Servers{{URL: testServer}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi router: %w", err)
	}
	return &Validator{doc: doc, router: router}, nil
})

// Load parses the embedded document and checks that it is valid OpenAPI 3.
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.YAML())
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return doc, nil
}

// Proxy validates resp, the answer to req. A route the document does not
// know (an unknown or unclean path) must answer 404 with the error envelope.
func (v *Validator) Proxy(tb testing.TB, req events.APIGatewayProxyRequest, resp events.APIGatewayProxyResponse) {
	tb.Helper()
	u := testServer + (&url.URL{Path: req.Path}).EscapedPath()
	q := url.Values{}
	for k, val := range req.QueryStringParameters {
		q.Set(k, val)
	}
	for k, vals := range req.MultiValueQueryStringParameters {
		q[k] = vals
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	httpReq, err := http.NewRequest(req.HTTPMethod, u, nil)
	if err != nil {
		tb.Fatalf("openapi: build request %s %s: %v", req.HTTPMethod, req.Path, err)
	}
	header := http.Header(resp.MultiValueHeaders)
	if header == nil {
		header = http.Header{}
		for k, val := range resp.Headers {
			header.Set(k, val)
		}
	}
	v.Response(tb, httpReq, resp.StatusCode, header, []byte(resp.Body))
}

// Response validates one response to req.
// A CORS preflight (OPTIONS answered 204 without a body) is not part of the
// document and passes.
func (v *Validator) Response(tb testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	tb.Helper()
	if req.Method == http.MethodOptions {
		if status != http.StatusNoContent || len(body) != 0 {
			tb.Errorf("openapi: preflight %s answered %d %q, want 204 without a body", req.URL.Path, status, body)
		}
		return
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		if status != http.StatusNotFound {
			tb.Errorf("openapi: %s %s is not a documented route but answered %d", req.Method, req.URL.Path, status)
		}
		v.errorEnvelope(tb, req, body)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		tb.Errorf("openapi: %s %s -> %d does not match the document: %v\nbody: %s", req.Method, req.URL.Path, status, err, body)
	}
}

// errorEnvelope checks body against the Error schema.
func (v *Validator) errorEnvelope(tb testing.TB, req *http.Request, body []byte) {
	tb.Helper()
	var val any
	if err := json.Unmarshal(body, &val); err != nil {
		tb.Errorf("openapi: %s %s: body is not JSON: %v", req.Method, req.URL.Path, err)
		return
	}
	schema := v.doc.Components.Schemas["Error"].Value
	if err := schema.VisitJSON(val); err != nil {
		tb.Errorf("openapi: %s %s: not an error envelope: %v\nbody: %s", req.Method, req.URL.Path, err, body)
	}
}
