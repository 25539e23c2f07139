package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// outcome records what happened to a request, for the log line.
type outcome struct {
	status       int
	responseType string // gateway response type, "" when the function answered
	auth         string // "", "called", "cached"
	decision     string
	principalID  string
	authLatency  time.Duration
	err          error
}

// ServeHTTP handles one request as API Gateway REST does.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := &request{r: r, id: newRequestID(), start: g.cfg.Now(), sourceIP: sourceIP(r), route: noRoute}
	var o outcome
	defer func() { g.logRequest(r.Context(), q, &o) }()
	if len(r.TransferEncoding) > 0 {
		// GuardFraming stops reading heads after a chunked body: the
		// connection ends with this request.
		w.Header().Set("Connection", "close")
	}

	// AWS WAF runs before API Gateway: a blocked request reaches nothing
	// of the API (no log line of the stage either).
	for _, c := range g.waf {
		if !c.admit(r, q.sourceIP, q.start) {
			c.block(w)
			o.status, o.responseType = c.rule.Status, "WAF_"+c.rule.Name
			return
		}
	}
	raw := r.URL.EscapedPath()
	escaped, staged := g.stripStage(raw)
	if !g.cfg.StrictStage && escaped != raw {
		// Without the stage prefix a path may begin like the stage
		// (stage v1, an API's /v1/status): the route the whole path
		// names wins when the stripped one names none.
		if _, _, ok := g.router.find(r.Method, escaped); !ok {
			if _, _, ok := g.router.find(r.Method, raw); ok {
				escaped = raw
			}
		}
	}
	q.path = escaped
	if p, err := url.PathUnescape(escaped); err == nil {
		q.path = p
	}
	q.stagePath = "/" + g.cfg.Stage + q.path
	q.requestTime = q.start.UTC().Format(requestTimeLayout)
	if !staged {
		// No such stage: API Gateway answers before any API of it runs.
		g.fail(w, q, &o, typeUnknownStage, "", nil, false)
		return
	}
	if requestHeaderBytes(r) > maxRequestHeaderBytes {
		g.fail(w, q, &o, typeHeadersTooBig, "", nil, false)
		return
	}
	route, params, ok := g.router.find(r.Method, escaped)
	if !ok && g.preflight(w, q, escaped, &o) {
		return
	}
	if !ok {
		g.fail(w, q, &o, ResponseMissingAuthToken, "", nil, false)
		return
	}
	q.route, q.pathParams = route, params
	if route.proxy != nil && escapesPrefix(escaped) {
		o.err = errors.New("path escapes its prefix (dot segment or encoded slash): not sent to the upstream")
		g.fail(w, q, &o, typeBadRequest, "", nil, false)
		return
	}
	q.methodARN = MethodARN(g.cfg.Region, g.cfg.AccountID, g.cfg.APIID, g.cfg.Stage, r.Method, q.path)
	if route.Authorized && len(q.methodARN) > maxMethodARNBytes {
		g.fail(w, q, &o, typeURITooLong, "", nil, false)
		return
	}
	q.headers, q.multiHeaders = flattenHeaders(r)
	q.query, q.multiQuery = flattenQuery(r)

	body, err := io.ReadAll(io.LimitReader(r.Body, g.cfg.MaxBodyBytes+1))
	if err != nil {
		o.err = err
		g.fail(w, q, &o, typeBadRequest, "", nil, false)
		return
	}
	if int64(len(body)) > g.cfg.MaxBodyBytes {
		g.fail(w, q, &o, ResponseRequestTooLarge, "", nil, false)
		return
	}
	q.body, q.rawBody = string(body), body
	if len(body) > 0 && binaryMediaTypes(g.cfg.BinaryMediaTypes).matches(r.Header.Get("Content-Type")) {
		q.body, q.bodyBase64 = base64.StdEncoding.EncodeToString(body), true
	}

	var authorizer map[string]interface{}
	var authCtx map[string]string
	if route.Authorized {
		res, typ, explicit := g.authorize(r.Context(), q, &o)
		if typ != "" {
			g.fail(w, q, &o, typ, "", res.contextWithPrincipal(), explicit)
			return
		}
		authorizer = make(map[string]interface{}, len(res.Context)+2)
		for k, v := range res.Context {
			authorizer[k] = v
		}
		authorizer["principalId"] = res.PrincipalID
		authorizer["integrationLatency"] = o.authLatency.Milliseconds()
		q.usageKey, authCtx = res.UsageKey, res.contextWithPrincipal()
	}
	if route.APIKeyRequired {
		key := q.usageKey
		if g.cfg.APIKeySource != "AUTHORIZER" {
			key = r.Header.Get("X-Api-Key")
		}
		if typ := g.usage.admit(key); typ != "" {
			o.decision = "usage_plan"
			g.fail(w, q, &o, typ, "", authCtx, false)
			return
		}
	}
	if route.proxy != nil {
		g.proxy(w, q, &o, authCtx)
		return
	}
	g.integrate(w, q, &o, authorizer)
}

// contextWithPrincipal is the $context.authorizer map of a result.
func (a authResult) contextWithPrincipal() map[string]string {
	if a.PrincipalID == "" && len(a.Context) == 0 {
		return nil
	}
	m := maps.Clone(a.Context)
	if m == nil {
		m = make(map[string]string, 1)
	}
	m["principalId"] = a.PrincipalID
	return m
}

// authorize runs (or reuses) the authorizer and evaluates its policy. It
// returns a gateway response type when the request must stop.
func (g *Gateway) authorize(ctx context.Context, q *request, o *outcome) (authResult, string, bool) {
	az := g.cfg.authorizerOf(q.route.Route)
	cache := g.caches[q.route.AuthorizerName]
	identity := strings.TrimSpace(q.r.Header.Get(az.IdentityHeader))
	if identity == "" && cache.enabled() {
		o.decision = "missing_identity_source"
		return authResult{}, ResponseUnauthorized, false
	}
	// The cache key is every identity source's value: the header and the
	// context variables the authorizer names (the source address, the
	// method, the resource path).
	for _, c := range az.IdentityContext {
		switch c {
		case "identity.sourceIp":
			identity += "\x00" + q.sourceIP
		case "httpMethod":
			identity += "\x00" + q.r.Method
		case "resourcePath":
			identity += "\x00" + q.route.Path
		}
	}
	res, ok := cache.get(identity)
	if ok {
		o.auth = "cached"
	} else {
		o.auth = "called"
		start := time.Now()
		raw, err := g.callAuthorizer(ctx, q)
		o.authLatency = time.Since(start)
		switch {
		case err != nil && err.Error() == unauthorizedMessage:
			o.decision = "unauthorized"
			return authResult{}, ResponseUnauthorized, false
		case err != nil:
			// A function error or timeout of the authorizer is
			// AUTHORIZER_CONFIGURATION_ERROR (500), as on AWS.
			o.decision, o.err = "authorizer_error", err
			return authResult{}, ResponseAuthorizerConfigError, false
		}
		res, err = parseAuthResponse(raw)
		if err == nil {
			err = checkPolicyResources(res.Policy)
		}
		if err != nil {
			o.decision, o.err = "malformed_response", err
			return authResult{}, ResponseAuthorizerConfigError, false
		}
		cache.put(identity, res)
	}
	o.principalID = res.PrincipalID
	d := res.Policy.Evaluate("execute-api:Invoke", q.methodARN)
	o.decision = d.String()
	if d != DecisionAllow {
		return res, ResponseAccessDenied, d == DecisionExplicitDeny
	}
	return res, "", false
}

// callAuthorizer invokes the authorizer with a timeout and returns its
// response as the JSON API Gateway would receive, for parseAuthResponse to
// validate as API Gateway does.
func (g *Gateway) callAuthorizer(ctx context.Context, q *request) ([]byte, error) {
	ev := g.authorizerEvent(q)
	ev.Headers, ev.MultiValueHeaders = maps.Clone(ev.Headers), maps.Clone(ev.MultiValueHeaders)
	resp, err := callWithTimeout(ctx, g.cfg.IntegrationTimeout, func(ctx context.Context) (any, error) {
		return g.cfg.authorizerOf(q.route.Route).Handler(ctx, ev)
	})
	if err != nil {
		return nil, err
	}
	return json.Marshal(resp)
}

// errTimeout marks a handler that did not return in time.
var errTimeout = errors.New("timed out")

// callWithTimeout runs fn in its own goroutine with a deadline and turns
// panics into errors, as a Lambda runtime would report them.
func callWithTimeout(ctx context.Context, d time.Duration, fn func(context.Context) (any, error)) (any, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	type result struct {
		v   any
		err error
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- result{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		v, err := fn(ctx)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return nil, errTimeout
	}
}

// integrate calls the route's function and writes its proxy response.
func (g *Gateway) integrate(w http.ResponseWriter, q *request, o *outcome, authorizer map[string]interface{}) {
	fn := g.cfg.Functions[q.route.FunctionID]
	ev := g.proxyEvent(q, authorizer)
	v, err := callWithTimeout(q.r.Context(), g.cfg.IntegrationTimeout, func(ctx context.Context) (any, error) {
		return fn(ctx, ev)
	})
	if errors.Is(err, errTimeout) {
		o.err = err
		g.fail(w, q, o, ResponseIntegrationTimeout, "", nil, false)
		return
	}
	if err != nil {
		o.err = fmt.Errorf("function %s: %w", q.route.FunctionID, err)
		g.fail(w, q, o, typeLambdaError, "", nil, false)
		return
	}
	resp, _ := v.(events.APIGatewayProxyResponse)
	if resp.StatusCode < 100 || resp.StatusCode > 599 {
		o.err = fmt.Errorf("function %s: malformed proxy response: statusCode %d", q.route.FunctionID, resp.StatusCode)
		g.fail(w, q, o, typeLambdaError, "", nil, false)
		return
	}
	body := []byte(resp.Body)
	// AWS decodes only for a binary client: first Accept type among the
	// binary media types. Otherwise the base64 text is the body.
	if resp.IsBase64Encoded && binaryMediaTypes(g.cfg.BinaryMediaTypes).matches(firstAccept(q.r.Header.Get("Accept"))) {
		if body, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			o.err = fmt.Errorf("function %s: malformed base64 body: %w", q.route.FunctionID, err)
			g.fail(w, q, o, typeLambdaError, "", nil, false)
			return
		}
	}
	h := w.Header()
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range resp.Headers {
		if _, ok := resp.MultiValueHeaders[k]; !ok {
			h.Set(k, v)
		}
	}
	g.stamp(h, q)
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	o.status = resp.StatusCode
}

// fail writes the gateway response of type typ.
func (g *Gateway) fail(w http.ResponseWriter, q *request, o *outcome, typ, message string, authorizer map[string]string, explicitDeny bool) {
	status, h, body := g.gatewayResponse(typ, g.vars(q, message, authorizer), explicitDeny)
	for k, vs := range h {
		w.Header()[k] = vs
	}
	g.stamp(w.Header(), q)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
	o.status, o.responseType = status, typ
}

// stamp adds the headers API Gateway adds to every response.
func (g *Gateway) stamp(h http.Header, q *request) {
	h.Set("x-amzn-RequestId", q.id)
	h.Set("x-amz-apigw-id", strings.ReplaceAll(q.id[:13], "-", "")+"=")
}

// vars collects what gateway response templates can refer to.
func (g *Gateway) vars(q *request, message string, authorizer map[string]string) renderVars {
	return renderVars{
		message:     message,
		req:         q.r,
		authorizer:  authorizer,
		pathParams:  q.pathParams,
		queryParams: q.query,
		stageVars:   g.cfg.StageVariables,
		ctx: map[string]string{
			"requestId":              q.id,
			"extendedRequestId":      q.id,
			"stage":                  g.cfg.Stage,
			"apiId":                  g.cfg.APIID,
			"accountId":              g.cfg.AccountID,
			"httpMethod":             q.r.Method,
			"resourcePath":           q.route.Path,
			"resourceId":             q.route.resourceID,
			"path":                   q.stagePath,
			"domainName":             q.r.Host,
			"protocol":               q.r.Proto,
			"requestTime":            q.requestTime,
			"requestTimeEpoch":       strconv.FormatInt(q.start.UnixMilli(), 10),
			"identity.sourceIp":      q.sourceIP,
			"identity.userAgent":     q.r.UserAgent(),
			"authorizer.principalId": authorizer["principalId"],
		},
	}
}

// logRequest writes one JSON line per request. It never logs headers, so
// never the token.
func (g *Gateway) logRequest(ctx context.Context, q *request, o *outcome) {
	attrs := []slog.Attr{
		slog.String("requestId", q.id),
		slog.String("method", q.r.Method),
		slog.String("path", q.path),
		slog.String("resource", q.route.Path),
		slog.Int("status", o.status),
		slog.Float64("latencyMs", float64(g.cfg.Now().Sub(q.start).Microseconds())/1000),
	}
	if o.responseType != "" {
		attrs = append(attrs, slog.String("responseType", o.responseType))
	}
	if o.auth != "" || o.decision != "" {
		attrs = append(attrs, slog.String("authorizer", o.auth), slog.String("decision", o.decision))
	}
	if o.principalID != "" {
		attrs = append(attrs, slog.String("principalId", o.principalID))
	}
	level := slog.LevelInfo
	if o.err != nil {
		attrs = append(attrs, slog.String("error", o.err.Error()))
		if o.status >= 500 {
			level = slog.LevelError
		}
	}
	g.cfg.Logger.LogAttrs(ctx, level, "request", attrs...)
}
