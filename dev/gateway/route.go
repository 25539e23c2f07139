package gateway

import (
	"fmt"
	"net/url"
	"strings"
)

// Route is one API Gateway method: an HTTP method (or ANY) on a resource
// path such as "/open/apikeys/{keyId}" or "/files/{proxy+}".
type Route struct {
	Method     string
	Path       string
	FunctionID string
	// Authorized routes run the REQUEST authorizer first: Config.Authorizer,
	// or the one of Config.Authorizers that AuthorizerName names.
	Authorized     bool
	AuthorizerName string
	// APIKeyRequired routes need an API key of a usage plan: with
	// ApiKeySource AUTHORIZER, the authorizer's usageIdentifierKey.
	APIKeyRequired bool
	// Proxy, when set, is the route's HTTP_PROXY integration (FunctionID
	// is then empty).
	Proxy *HTTPProxy
}

type segKind int

const (
	segLiteral segKind = iota
	segParam
	segGreedy
)

type segment struct {
	kind segKind
	text string // literal text or parameter name
}

// compiledRoute is a Route with its path split into segments and its
// $context.resourceId, both fixed when the route is compiled.
type compiledRoute struct {
	Route
	segs       []segment
	resourceID string
	proxy      *HTTPProxy
	mappings   []mapping
}

// noRoute is the route of a request that matches none (a preflight or
// MISSING_AUTHENTICATION_TOKEN): an empty resource path, whose resourceId
// is derived like any other.
var noRoute = compiledRoute{resourceID: resourceID("")}

func compileRoute(r Route) (compiledRoute, error) {
	if !strings.HasPrefix(r.Path, "/") {
		return compiledRoute{}, fmt.Errorf("route %s %s: path must start with /", r.Method, r.Path)
	}
	r.Method = strings.ToUpper(r.Method)
	c := compiledRoute{Route: r, resourceID: resourceID(r.Path), proxy: r.Proxy}
	if r.Proxy != nil {
		m, err := compileProxy(r.Proxy)
		if err != nil {
			return compiledRoute{}, fmt.Errorf("route %s %s: %w", r.Method, r.Path, err)
		}
		c.mappings = m
	}
	parts := splitPath(r.Path)
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}"):
			if i != len(parts)-1 {
				return compiledRoute{}, fmt.Errorf("route %s %s: greedy parameter must be last", r.Method, r.Path)
			}
			c.segs = append(c.segs, segment{segGreedy, p[1 : len(p)-2]})
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			c.segs = append(c.segs, segment{segParam, p[1 : len(p)-1]})
		default:
			c.segs = append(c.segs, segment{segLiteral, p})
		}
	}
	return c, nil
}

// splitPath splits "/a/b/" into ["a","b"]; "/" gives none.
func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match matches raw (still escaped) path segments and returns the decoded
// path parameters and a specificity rank (higher is more specific).
func (c compiledRoute) match(raw []string) (map[string]string, []segKind, bool) {
	var params map[string]string
	set := func(k, v string) {
		if params == nil {
			params = make(map[string]string)
		}
		params[k] = v
	}
	kinds := make([]segKind, 0, len(c.segs))
	for i, s := range c.segs {
		if s.kind == segGreedy {
			if i >= len(raw) {
				return nil, nil, false // {proxy+} needs at least one segment
			}
			v, err := url.PathUnescape(strings.Join(raw[i:], "/"))
			if err != nil {
				return nil, nil, false
			}
			set(s.text, v)
			kinds = append(kinds, segGreedy)
			return params, kinds, true
		}
		if i >= len(raw) {
			return nil, nil, false
		}
		v, err := url.PathUnescape(raw[i])
		if err != nil {
			return nil, nil, false
		}
		switch s.kind {
		case segLiteral:
			if v != s.text {
				return nil, nil, false
			}
		case segParam:
			if v == "" {
				return nil, nil, false
			}
			set(s.text, v)
		}
		kinds = append(kinds, s.kind)
	}
	if len(raw) != len(c.segs) {
		return nil, nil, false
	}
	return params, kinds, true
}

// moreSpecific reports whether a beats b: at the first differing segment a
// literal beats a parameter, which beats a greedy parameter.
func moreSpecific(a, b []segKind) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) > len(b)
}

// router finds the route for a request as API Gateway resolves resources.
type router struct{ routes []compiledRoute }

func newRouter(routes []Route) (*router, error) {
	rt := &router{}
	seen := make(map[string]bool)
	for _, r := range routes {
		c, err := compileRoute(r)
		if err != nil {
			return nil, err
		}
		k := c.Method + " " + c.Path
		if seen[k] {
			return nil, fmt.Errorf("route %s defined twice", k)
		}
		seen[k] = true
		rt.routes = append(rt.routes, c)
	}
	return rt, nil
}

// find returns the most specific route for method and escaped path, with
// its decoded path parameters. A method-specific route beats ANY on the same
// resource.
func (rt *router) find(method, escapedPath string) (compiledRoute, map[string]string, bool) {
	raw := splitPath(escapedPath)
	var (
		best       compiledRoute
		bestParams map[string]string
		bestKinds  []segKind
		found      bool
	)
	for _, c := range rt.routes {
		if c.Method != method && c.Method != "ANY" {
			continue
		}
		params, kinds, ok := c.match(raw)
		if !ok {
			continue
		}
		better := !found || moreSpecific(kinds, bestKinds) ||
			(!moreSpecific(bestKinds, kinds) && best.Method == "ANY" && c.Method != "ANY")
		if better {
			best, bestParams, bestKinds, found = c, params, kinds, true
		}
	}
	return best, bestParams, found
}

// hasPath reports whether any route's resource matches the escaped path,
// whatever its method.
func (rt *router) hasPath(escapedPath string) bool {
	raw := splitPath(escapedPath)
	for _, c := range rt.routes {
		if _, _, ok := c.match(raw); ok {
			return true
		}
	}
	return false
}
