package gateway

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// request is everything the engine derives from one HTTP request.
type request struct {
	r          *http.Request
	usageKey   string // the authorizer's usageIdentifierKey
	id         string // requestId
	start      time.Time
	route      compiledRoute
	path       string // decoded path without the stage prefix
	pathParams map[string]string
	sourceIP   string
	body       string
	rawBody    []byte // the body as received, for HTTP_PROXY
	bodyBase64 bool   // body is base64: its Content-Type is a binary media type

	// Derived once per request, read by the events and gateway responses.
	stagePath   string // "/" + stage + path, as $context.path
	requestTime string // start in API Gateway's $context.requestTime format
	methodARN   string // set once a route matched

	headers      map[string]string
	multiHeaders map[string][]string
	query        map[string]string
	multiQuery   map[string][]string
}

// newRequestID returns a random UUID (version 4), as API Gateway's
// requestId looks.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// flattenHeaders returns API Gateway's headers (last value wins) and
// multiValueHeaders, or nil maps when there are none. Go's server
// canonicalizes header names; API Gateway keeps the client's case.
func flattenHeaders(r *http.Request) (map[string]string, map[string][]string) {
	h := r.Header.Clone()
	if r.Host != "" {
		h.Set("Host", r.Host)
	}
	if len(h) == 0 {
		return nil, nil
	}
	single := make(map[string]string, len(h))
	multi := make(map[string][]string, len(h))
	for k, vs := range h {
		if len(vs) == 0 {
			continue
		}
		single[k] = vs[len(vs)-1]
		multi[k] = vs
	}
	return single, multi
}

// flattenQuery returns queryStringParameters (last value wins) and
// multiValueQueryStringParameters, or nil maps when there are none.
func flattenQuery(r *http.Request) (map[string]string, map[string][]string) {
	q := r.URL.Query()
	if len(q) == 0 {
		return nil, nil
	}
	single := make(map[string]string, len(q))
	for k, vs := range q {
		single[k] = vs[len(vs)-1]
	}
	return single, q
}

// sourceIP is the client address without the port.
func sourceIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// MethodARN returns the ARN API Gateway passes to authorizers:
// arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>,
// where path is the request path without its leading slash.
func MethodARN(region, account, apiID, stage, method, path string) string {
	return "arn:aws:execute-api:" + region + ":" + account + ":" + apiID + "/" + stage + "/" +
		method + "/" + strings.TrimPrefix(path, "/")
}

// authorizerEvent builds the REQUEST authorizer event.
func (g *Gateway) authorizerEvent(q *request) events.APIGatewayCustomAuthorizerRequestTypeRequest {
	return events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type:                            "REQUEST",
		MethodArn:                       q.methodARN,
		Resource:                        q.route.Path,
		Path:                            q.path,
		HTTPMethod:                      q.r.Method,
		Headers:                         q.headers,
		MultiValueHeaders:               q.multiHeaders,
		QueryStringParameters:           q.query,
		MultiValueQueryStringParameters: q.multiQuery,
		PathParameters:                  q.pathParams,
		StageVariables:                  g.cfg.StageVariables,
		RequestContext: events.APIGatewayCustomAuthorizerRequestTypeRequestContext{
			Path:         q.stagePath,
			AccountID:    g.cfg.AccountID,
			ResourceID:   q.route.resourceID,
			Stage:        g.cfg.Stage,
			RequestID:    q.id,
			Identity:     events.APIGatewayCustomAuthorizerRequestTypeRequestIdentity{SourceIP: q.sourceIP},
			ResourcePath: q.route.Path,
			HTTPMethod:   q.r.Method,
			APIID:        g.cfg.APIID,
		},
	}
}

// proxyEvent builds the Lambda proxy integration event. authorizer is
// requestContext.authorizer (nil for unauthorized routes).
func (g *Gateway) proxyEvent(q *request, authorizer map[string]interface{}) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{
		Resource:                        q.route.Path,
		Path:                            q.path,
		HTTPMethod:                      q.r.Method,
		Headers:                         q.headers,
		MultiValueHeaders:               q.multiHeaders,
		QueryStringParameters:           q.query,
		MultiValueQueryStringParameters: q.multiQuery,
		PathParameters:                  q.pathParams,
		StageVariables:                  g.cfg.StageVariables,
		Body:                            q.body,
		IsBase64Encoded:                 q.bodyBase64,
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID:         g.cfg.AccountID,
			ResourceID:        q.route.resourceID,
			Stage:             g.cfg.Stage,
			DomainName:        q.r.Host,
			DomainPrefix:      strings.SplitN(q.r.Host, ".", 2)[0],
			RequestID:         q.id,
			ExtendedRequestID: q.id,
			Protocol:          q.r.Proto,
			Identity: events.APIGatewayRequestIdentity{
				SourceIP:  q.sourceIP,
				UserAgent: q.r.UserAgent(),
			},
			ResourcePath:     q.route.Path,
			Path:             q.stagePath,
			Authorizer:       authorizer,
			HTTPMethod:       q.r.Method,
			RequestTime:      q.requestTime,
			RequestTimeEpoch: q.start.UnixMilli(),
			APIID:            g.cfg.APIID,
		},
	}
}

// requestTimeLayout is the layout of $context.requestTime.
const requestTimeLayout = "02/Jan/2006:15:04:05 -0700"

// resourceID derives a stable 6-character resource id from a resource path.
func resourceID(path string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var h uint32 = 2166136261
	for i := 0; i < len(path); i++ {
		h = (h ^ uint32(path[i])) * 16777619
	}
	b := make([]byte, 6)
	for i := range b {
		b[i] = alphabet[h%36]
		h /= 36
	}
	return string(b)
}
