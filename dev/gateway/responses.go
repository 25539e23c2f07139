package gateway

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"keygate/dev/samtemplate"
)

// The gateway response types the engine produces.
const (
	ResponseUnauthorized          = "UNAUTHORIZED"
	ResponseAccessDenied          = "ACCESS_DENIED"
	ResponseAuthorizerFailure     = "AUTHORIZER_FAILURE"
	ResponseAuthorizerConfigError = "AUTHORIZER_CONFIGURATION_ERROR"
	ResponseMissingAuthToken      = "MISSING_AUTHENTICATION_TOKEN"
	ResponseRequestTooLarge       = "REQUEST_TOO_LARGE"
	ResponseIntegrationTimeout    = "INTEGRATION_TIMEOUT"
	ResponseIntegrationFailure    = "INTEGRATION_FAILURE"
	ResponseThrottled             = "THROTTLED"
	ResponseQuotaExceeded         = "QUOTA_EXCEEDED"
	ResponseInvalidAPIKey         = "INVALID_API_KEY"
	ResponseDefault4XX            = "DEFAULT_4XX"
	ResponseDefault5XX            = "DEFAULT_5XX"

	// typeLambdaError is a failed or malformed Lambda proxy integration
	// response: 502, customizable only through DEFAULT_5XX.
	typeLambdaError = "lambda-proxy-error"

	// typeBadRequest is a request the gateway refuses before any
	// integration (a malformed body, a path that escapes an HTTP_PROXY
	// route's prefix): 400, customizable through DEFAULT_4XX.
	typeBadRequest = "bad-request"

	// typeUnknownStage is a path outside the stage under StrictStage.
	typeUnknownStage = "unknown-stage"
)

// Response is a customized gateway response, as in the template's
// GatewayResponses: header values are mapping expressions ('literal',
// method.request.header.X, context.X, stageVariables.X) and Body is an
// application/json mapping template with $context variables.
type Response struct {
	StatusCode int
	Headers    map[string]string
	Body       string
}

// builtin describes API Gateway's own default for a response type.
type builtin struct {
	status    int
	message   string // $context.error.message; "" renders messageString as null
	errorType string // x-amzn-ErrorType
	// fixed: API Gateway answers with its own body whatever the template
	// customizes (not a customizable type, or one whose customization AWS
	// ignores).
	fixed bool
}

var builtins = map[string]builtin{
	ResponseUnauthorized:          {http.StatusUnauthorized, "Unauthorized", "UnauthorizedException", false},
	ResponseAccessDenied:          {http.StatusForbidden, "User is not authorized to access this resource", "AccessDeniedException", false},
	ResponseAuthorizerFailure:     {http.StatusInternalServerError, "", "AuthorizerConfigurationException", false},
	ResponseAuthorizerConfigError: {http.StatusInternalServerError, "", "AuthorizerConfigurationException", false},
	ResponseMissingAuthToken:      {http.StatusForbidden, "Missing Authentication Token", "MissingAuthenticationTokenException", false},
	// Customizing REQUEST_TOO_LARGE has no effect on AWS (a known issue of
	// REST APIs, Developer Guide "Amazon API Gateway important notes").
	ResponseRequestTooLarge:    {http.StatusRequestEntityTooLarge, "Request Too Long", "RequestTooLargeException", true},
	ResponseIntegrationTimeout: {http.StatusGatewayTimeout, "Endpoint request timed out", "InternalServerErrorException", false},
	// Both 504 by default (Developer Guide, "Gateway response types"); the
	// template sets INTEGRATION_FAILURE's status to 502.
	ResponseIntegrationFailure: {http.StatusGatewayTimeout, "Internal server error", "InternalServerErrorException", false},
	typeLambdaError:            {http.StatusBadGateway, "Internal server error", "InternalServerErrorException", false},
	ResponseThrottled:          {http.StatusTooManyRequests, "Too Many Requests", "TooManyRequestsException", false},
	ResponseQuotaExceeded:      {http.StatusTooManyRequests, "Limit Exceeded", "LimitExceededException", false},
	ResponseInvalidAPIKey:      {http.StatusForbidden, "Forbidden", "ForbiddenException", false},
	typeBadRequest:             {http.StatusBadRequest, "Bad request", "BadRequestException", false},
	typeUnknownStage:           {http.StatusForbidden, "Forbidden", "ForbiddenException", true},
	typeURITooLong:             {http.StatusRequestURITooLong, "Request-URI Too Long", "RequestURITooLongException", true},
	typeHeadersTooBig:          {http.StatusRequestHeaderFieldsTooLarge, "Request Header Fields Too Large", "RequestHeaderFieldsTooLargeException", true},
}

// explicitDenyMessage is ACCESS_DENIED's message when a Deny matched.
const explicitDenyMessage = "User is not authorized to access this resource with an explicit deny"

// defaultBody is API Gateway's default application/json template.
const defaultBody = `{"message":$context.error.messageString}`

// renderVars is what a gateway response can refer to.
type renderVars struct {
	responseType string
	message      string
	req          *http.Request     // the client request, never nil
	ctx          map[string]string // context.* values (requestId, stage, ...)
	authorizer   map[string]string // context.authorizer.*
	pathParams   map[string]string
	queryParams  map[string]string
	stageVars    map[string]string
}

// lookup resolves a dotted context variable name such as "error.message"
// or "authorizer.userId".
func (v renderVars) lookup(name string) (string, bool) {
	switch name {
	case "error.message":
		return v.message, true
	case "error.messageString":
		if v.message == "" {
			return "null", true
		}
		b, _ := json.Marshal(v.message)
		return string(b), true
	case "error.responseType":
		return v.responseType, true
	}
	if k, ok := strings.CutPrefix(name, "authorizer."); ok {
		s, ok := v.authorizer[k]
		return s, ok
	}
	s, ok := v.ctx[name]
	return s, ok
}

var contextVar = regexp.MustCompile(`\$\{?context((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\}?`)

// renderBody substitutes $context.x and ${context.x} in a body template.
// The longest known variable name wins ("$context.requestId." keeps its
// dot); unknown variables render empty, as API Gateway does.
func renderBody(tmpl string, v renderVars) string {
	return contextVar.ReplaceAllStringFunc(tmpl, func(m string) string {
		braced := strings.HasPrefix(m, "${")
		inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(m, "$"), "{"), "}")
		hadClose := strings.HasSuffix(m, "}")
		name := strings.TrimPrefix(inner, "context.")
		for n := name; ; {
			if s, ok := v.lookup(n); ok {
				rest := strings.TrimPrefix(name, n)
				if hadClose && !braced {
					rest += "}"
				}
				return s + rest
			}
			i := strings.LastIndexByte(n, '.')
			if i < 0 {
				break
			}
			n = n[:i]
		}
		if hadClose && !braced {
			return "}"
		}
		return ""
	})
}

// renderHeader evaluates a gateway response header mapping value.
func renderHeader(expr string, v renderVars) string {
	expr = strings.TrimSpace(expr)
	if s := samtemplate.Unquote(expr); s != expr { // a quoted literal
		return s
	}
	switch {
	case strings.HasPrefix(expr, "method.request.header."):
		return v.req.Header.Get(strings.TrimPrefix(expr, "method.request.header."))
	case strings.HasPrefix(expr, "method.request.querystring."):
		return v.queryParams[strings.TrimPrefix(expr, "method.request.querystring.")]
	case strings.HasPrefix(expr, "method.request.path."):
		return v.pathParams[strings.TrimPrefix(expr, "method.request.path.")]
	case strings.HasPrefix(expr, "stageVariables."):
		return v.stageVars[strings.TrimPrefix(expr, "stageVariables.")]
	case strings.HasPrefix(expr, "context."):
		s, _ := v.lookup(strings.TrimPrefix(expr, "context."))
		return s
	}
	return expr
}

// gatewayResponse picks the response for a type: the template's own, else
// DEFAULT_4XX or DEFAULT_5XX by the type's status class, else API Gateway's
// built-in default. The status is the customized one if set, else the
// type's default.
func (g *Gateway) gatewayResponse(typ string, v renderVars, explicitDeny bool) (int, http.Header, string) {
	b, ok := builtins[typ]
	if !ok {
		b = builtin{http.StatusInternalServerError, "Internal server error", "InternalServerErrorException", false}
	}
	if typ == ResponseAccessDenied && explicitDeny {
		b.message = explicitDenyMessage
	}
	if v.message == "" {
		v.message = b.message
	}
	v.responseType = typ
	switch typ {
	case typeLambdaError:
		v.responseType = ResponseDefault5XX
	case typeBadRequest:
		v.responseType = ResponseDefault4XX
	}
	status := b.status
	resp, custom := g.cfg.Responses[typ]
	custom = custom && !b.fixed
	if custom && resp.StatusCode != 0 {
		status = resp.StatusCode
	}
	if !custom && !b.fixed {
		fallback := ResponseDefault4XX
		if status >= 500 {
			fallback = ResponseDefault5XX
		}
		resp, custom = g.cfg.Responses[fallback]
	}
	body := defaultBody
	h := make(http.Header)
	if custom {
		if resp.Body != "" {
			body = resp.Body
		}
		for k, expr := range resp.Headers {
			h.Set(k, renderHeader(expr, v))
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("x-amzn-ErrorType", b.errorType)
	return status, h, renderBody(body, v)
}
