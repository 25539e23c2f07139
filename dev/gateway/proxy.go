package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HTTPProxy is an HTTP_PROXY integration (x-amazon-apigateway-integration
// type http_proxy): the request goes on to URI with the integration's
// request parameter mappings applied, and the upstream's answer comes back
// as it is.
type HTTPProxy struct {
	// URI is the endpoint, with {name} for each integration.request.path
	// parameter (the template's "${UpstreamUrl}/open/workspace/{workspaceId}/{proxy}").
	URI string
	// Timeout is timeoutInMillis (0: API Gateway's default and maximum,
	// 29 s).
	Timeout time.Duration
	// RequestParameters maps integration.request.{header,path,querystring}.NAME
	// to a source: method.request.{path,querystring,header}.NAME,
	// context.VAR (context.authorizer.KEY included), stageVariables.NAME or a
	// 'static' value.
	RequestParameters map[string]string
}

// maxIntegrationTimeout is API Gateway's limit for timeoutInMillis (REST
// API quotas: "Integration timeout ... 50 milliseconds - 29 seconds").
const maxIntegrationTimeout = 29 * time.Second

// hopByHop are the headers of RFC 9110 section 7.6.1 that a proxy does not
// forward, plus Proxy-Connection; the names a Connection header lists are
// dropped too.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// mapping is one parsed request parameter mapping.
type mapping struct {
	kind   string // header, path, querystring
	name   string
	source string
}

// compileProxy checks an HTTPProxy when the gateway is built, so that a
// mapping the emulation cannot evaluate fails at start, not per request.
func compileProxy(p *HTTPProxy) ([]mapping, error) {
	if p.Timeout < 0 || p.Timeout > maxIntegrationTimeout {
		return nil, fmt.Errorf("timeoutInMillis %d: want 50 to 29000", p.Timeout.Milliseconds())
	}
	u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(p.URI))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("uri %q: want an http or https URL", p.URI)
	}
	var out []mapping
	for target, source := range p.RequestParameters {
		rest, ok := strings.CutPrefix(target, "integration.request.")
		kind, name, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || name == "" || (kind != "header" && kind != "path" && kind != "querystring") {
			return nil, fmt.Errorf("request parameter %q: want integration.request.{header,path,querystring}.NAME", target)
		}
		if !validSource(source) {
			return nil, fmt.Errorf("request parameter %s: source %q is not emulated", target, source)
		}
		if kind == "path" && !strings.Contains(p.URI, "{"+name+"}") && !strings.Contains(p.URI, "{"+name+"+}") {
			return nil, fmt.Errorf("request parameter %s: the uri has no {%s}", target, name)
		}
		out = append(out, mapping{kind: kind, name: name, source: source})
	}
	return out, nil
}

func validSource(s string) bool {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return true
	}
	for _, p := range []string{"method.request.path.", "method.request.querystring.", "method.request.header.", "context.", "stageVariables."} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return true
		}
	}
	return false
}

// source evaluates a mapping source for q; ok is false when it has no value.
func (g *Gateway) source(q *request, src string, authorizer map[string]string) (string, bool) {
	if len(src) >= 2 && src[0] == '\'' {
		return src[1 : len(src)-1], true
	}
	if name, ok := strings.CutPrefix(src, "method.request.path."); ok {
		v, ok := q.pathParams[name]
		return v, ok
	}
	if name, ok := strings.CutPrefix(src, "method.request.querystring."); ok {
		v, ok := q.query[name]
		return v, ok
	}
	if name, ok := strings.CutPrefix(src, "method.request.header."); ok {
		v := q.r.Header.Values(name)
		return strings.Join(v, ","), len(v) > 0
	}
	if name, ok := strings.CutPrefix(src, "stageVariables."); ok {
		v, ok := g.cfg.StageVariables[name]
		return v, ok
	}
	name := strings.TrimPrefix(src, "context.")
	if key, ok := strings.CutPrefix(name, "authorizer."); ok {
		v, ok := authorizer[key]
		return v, ok
	}
	v, ok := g.vars(q, "", authorizer).ctx[name]
	return v, ok && v != ""
}

// escapesPrefix reports whether an escaped request path could reach another
// path once an upstream normalizes it: a dot segment, or an encoded slash,
// backslash or dot. Such requests never reach an HTTP_PROXY upstream, so a
// key allowed /open/workspace/ws1/* cannot reach ws2's path there.
func escapesPrefix(escaped string) bool {
	lower := strings.ToLower(escaped)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(lower, "%2e") || strings.Contains(escaped, `\`) {
		return true
	}
	for _, seg := range strings.Split(escaped, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// proxy sends q to the route's upstream and copies the answer back: 504
// INTEGRATION_TIMEOUT past the timeout, INTEGRATION_FAILURE when the
// upstream cannot be reached or answers no valid HTTP.
func (g *Gateway) proxy(w http.ResponseWriter, q *request, o *outcome, authorizer map[string]string) {
	p := q.route.proxy
	target := p.URI
	header := q.r.Header.Clone()
	for _, name := range strings.Split(strings.Join(header.Values("Connection"), ","), ",") {
		if name = strings.TrimSpace(name); name != "" {
			header.Del(name)
		}
	}
	for _, h := range hopByHop {
		header.Del(h)
	}
	header.Del("Content-Length") // set from the body actually sent
	query := q.r.URL.Query()
	for _, m := range q.route.mappings {
		v, ok := g.source(q, m.source, authorizer)
		switch m.kind {
		case "header":
			// The client's value never survives a mapping, even one
			// whose source has no value.
			header.Del(m.name)
			if ok {
				header.Set(m.name, v)
			}
		case "querystring":
			query.Del(m.name)
			if ok {
				query.Set(m.name, v)
			}
		case "path":
			target = strings.ReplaceAll(target, "{"+m.name+"}", escapePathValue(v))
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		o.err = fmt.Errorf("http proxy: uri %q: %w", target, err)
		g.fail(w, q, o, ResponseIntegrationFailure, "", nil, false)
		return
	}
	u.RawQuery = query.Encode()
	timeout := p.Timeout
	if timeout == 0 {
		timeout = maxIntegrationTimeout
	}
	ctx, cancel := context.WithTimeout(q.r.Context(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, q.r.Method, u.String(), bytes.NewReader(q.rawBody))
	if err != nil {
		o.err = fmt.Errorf("http proxy: %w", err)
		g.fail(w, q, o, ResponseIntegrationFailure, "", nil, false)
		return
	}
	req.Header = header
	req.Host = u.Host // API Gateway sends the endpoint's host, not the client's
	resp, err := g.upstream.Do(req)
	if err != nil {
		o.err = fmt.Errorf("http proxy %s %s: %w", q.r.Method, u.Redacted(), err)
		typ := ResponseIntegrationFailure
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			typ = ResponseIntegrationTimeout
		}
		g.fail(w, q, o, typ, "", nil, false)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, g.cfg.MaxBodyBytes+1))
	if err != nil || int64(len(body)) > g.cfg.MaxBodyBytes {
		if err == nil {
			err = errors.New("response body over the payload limit")
		}
		o.err = fmt.Errorf("http proxy %s %s: %w", q.r.Method, u.Redacted(), err)
		typ := ResponseIntegrationFailure
		if errors.Is(err, context.DeadlineExceeded) {
			typ = ResponseIntegrationTimeout
		}
		g.fail(w, q, o, typ, "", nil, false)
		return
	}
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	for _, name := range hopByHop {
		h.Del(name)
	}
	h.Del("Content-Length")
	g.stamp(h, q)
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	o.status = resp.StatusCode
}

// escapePathValue escapes a path parameter for the endpoint URL, segment by
// segment: a greedy {proxy+} value keeps its slashes.
func escapePathValue(v string) string {
	segs := strings.Split(v, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// newUpstreamClient is the client of HTTP_PROXY integrations: no
// environment proxy, no redirects followed (API Gateway passes a 3xx back
// to the client), its own connection pool.
func newUpstreamClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
