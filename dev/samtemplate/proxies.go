package samtemplate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ProxyRoute is an HTTP_PROXY method of the API's DefinitionBody: the
// upstream routes that are not function events.
type ProxyRoute struct {
	Method string // upper case, "ANY" for x-amazon-apigateway-any-method
	Path   string
	// URI is the integration's endpoint, intrinsics resolved, {name}
	// placeholders kept.
	URI string
	// TimeoutMillis is timeoutInMillis (0 when unset).
	TimeoutMillis int
	// RequestParameters are the integration's mappings, target -> source,
	// with conditional entries resolved (AWS::NoValue ones dropped).
	RequestParameters map[string]string
	// Authorized and APIKeyRequired: SAM gives every method of the body the
	// API's default authorizer and ApiKeyRequired, as it does to events,
	// unless its security names another authorizer (AuthorizerName) or
	// SAM's NONE marker (with api_key_false: neither).
	Authorized     bool
	APIKeyRequired bool
	AuthorizerName string
}

// httpVerbs are the OpenAPI operation keys API Gateway imports.
var httpVerbs = map[string]string{"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "patch": "PATCH", "head": "HEAD", "options": "OPTIONS", "x-amazon-apigateway-any-method": "ANY"}

// proxies reads the http_proxy methods of an inline DefinitionBody. A
// method that resolves to AWS::NoValue (a condition off) is absent; any
// other integration type in the body is an error, since nothing would
// serve it locally.
func proxies(r *resolver, body *yaml.Node, authorized, apiKeyRequired bool) ([]ProxyRoute, error) {
	var out []ProxyRoute
	paths, items := entries(get(body, "paths"))
	for i, path := range paths {
		verbs, methods := entries(items[i])
		for j, verb := range verbs {
			method, isVerb := httpVerbs[verb]
			if !isVerb {
				continue
			}
			op, err := r.pick(methods[j])
			if errors.Is(err, errNoValue) || (err == nil && op == nil) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", verb, path, err)
			}
			integ := get(op, "x-amazon-apigateway-integration")
			typ, err := r.str(get(integ, "type"))
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
			if !strings.EqualFold(typ, "http_proxy") {
				return nil, fmt.Errorf("%s %s: integration type %q is not emulated (only http_proxy)", method, path, typ)
			}
			p := ProxyRoute{Method: method, Path: path, Authorized: authorized, APIKeyRequired: apiKeyRequired, RequestParameters: map[string]string{}}
			for _, req := range seq(get(op, "security")) {
				names, _ := entries(req)
				for _, name := range names {
					switch name {
					case "NONE":
						p.Authorized = false
					case "api_key_false":
						p.APIKeyRequired = false
					case "api_key":
						p.APIKeyRequired = true
					default:
						p.Authorized, p.AuthorizerName = true, name
					}
				}
			}
			if p.URI, err = r.str(get(integ, "uri")); err != nil {
				return nil, fmt.Errorf("%s %s uri: %w", method, path, err)
			}
			if v := get(integ, "timeoutInMillis"); v != nil {
				s, err := r.str(v)
				if err == nil {
					p.TimeoutMillis, err = strconv.Atoi(s)
				}
				if err != nil {
					return nil, fmt.Errorf("%s %s timeoutInMillis: %v", method, path, err)
				}
			}
			targets, sources := entries(get(integ, "requestParameters"))
			for k, target := range targets {
				src, err := r.str(sources[k])
				if errors.Is(err, errNoValue) {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("%s %s %s: %w", method, path, target, err)
				}
				p.RequestParameters[target] = src
			}
			out = append(out, p)
		}
	}
	return out, nil
}
