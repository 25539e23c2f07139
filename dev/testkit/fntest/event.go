package fntest

import (
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/access"
	"keygate/shared/keys"
)

// Test API Gateway identifiers, as in the request context of a real event.
const (
	RestAPIID = "abc123defg"
	Stage     = "prod"
	methodARN = "arn:aws:execute-api:us-east-1:123456789012:" + RestAPIID + "/" + Stage + "/GET/open/auth/whoami"
)

// Request describes one API Gateway proxy request.
type Request struct {
	Method string
	Path   string
	// Query holds the query string parameters.
	Query map[string]string
	// Body is the raw body; ContentType defaults to application/json when a
	// body is set (use NoContentType to send none).
	Body        string
	ContentType string
	// NoContentType sends no Content-Type header at all.
	NoContentType bool
	// Headers are extra headers (e.g. Authorization).
	Headers map[string]string
	// Authorizer is requestContext.authorizer; nil for a public route.
	Authorizer map[string]interface{}
}

// Event returns the proxy event API Gateway would send.
func (r Request) Event() events.APIGatewayProxyRequest {
	headers := map[string]string{"Host": RestAPIID + ".execute-api.us-east-1.amazonaws.com", "Accept": "application/json"}
	if r.Body != "" && !r.NoContentType {
		ct := r.ContentType
		if ct == "" {
			ct = "application/json"
		}
		headers["Content-Type"] = ct
	} else if r.ContentType != "" {
		headers["Content-Type"] = r.ContentType
	}
	for k, v := range r.Headers {
		headers[k] = v
	}
	multi := make(map[string][]string, len(headers))
	for k, v := range headers {
		multi[k] = []string{v}
	}
	var multiQuery map[string][]string
	if len(r.Query) > 0 {
		multiQuery = make(map[string][]string, len(r.Query))
		for k, v := range r.Query {
			multiQuery[k] = []string{v}
		}
	}
	resource := r.Path
	return events.APIGatewayProxyRequest{
		Resource:                        resource,
		Path:                            r.Path,
		HTTPMethod:                      r.Method,
		Headers:                         headers,
		MultiValueHeaders:               multi,
		QueryStringParameters:           r.Query,
		MultiValueQueryStringParameters: multiQuery,
		Body:                            r.Body,
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID:    "123456789012",
			ResourcePath: resource,
			Stage:        Stage,
			RequestID:    "req-1",
			APIID:        RestAPIID,
			HTTPMethod:   r.Method,
			Path:         "/" + Stage + r.Path,
			DomainName:   RestAPIID + ".execute-api.us-east-1.amazonaws.com",
			Identity:     events.APIGatewayRequestIdentity{SourceIP: "192.0.2.10", UserAgent: "fntest"},
			Authorizer:   r.Authorizer,
		},
	}
}

// Authorizer returns requestContext.authorizer as API Gateway fills it after
// the authorizer allowed a key: the context of access.Allow plus principalId.
func Authorizer(tb testing.TB, userID, keyID string, scopes []keys.Scope, memberships ...keys.Membership) map[string]interface{} {
	tb.Helper()
	base, err := access.ParseMethodARN(methodARN)
	if err != nil {
		tb.Fatalf("method ARN: %v", err)
	}
	res, err := access.Allow(base, access.Grant{UserID: userID, KeyID: keyID, Scopes: scopes, Memberships: memberships})
	if err != nil {
		tb.Fatalf("access.Allow: %v", err)
	}
	m := map[string]interface{}{"principalId": res.Response.PrincipalID, "integrationLatency": float64(12)}
	for k, v := range res.Response.Context {
		m[k] = v
	}
	return m
}

// Header returns a response header (from MultiValueHeaders or Headers).
func Header(resp events.APIGatewayProxyResponse, name string) string {
	if v := http.Header(resp.MultiValueHeaders).Get(name); v != "" {
		return v
	}
	return http.Header(toMulti(resp.Headers)).Get(name)
}

func toMulti(h map[string]string) map[string][]string {
	m := make(map[string][]string, len(h))
	for k, v := range h {
		m[http.CanonicalHeaderKey(k)] = []string{v}
	}
	return m
}
