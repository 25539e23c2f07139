package inproc

import (
	"fmt"
	"strings"

	"keygate/dev/gateway"
	"keygate/dev/samtemplate"
	"keygate/shared/apidoc"
)

// OperationsAuthorizer names the authorizer of the API document's routes:
// keygate's authorizer function with the token, the method and the
// resource path as identity sources, so that each cached answer serves one
// operation (access.AllowOperation).
const OperationsAuthorizer = "OperationsAuthorizer"

// operationIdentity are its context identity sources.
var operationIdentity = []string{"httpMethod", "resourcePath"}

// operationRoutes are the routes of the API document's operations: each an
// HTTP_PROXY integration to the upstream (same method, path and query),
// behind OperationsAuthorizer unless public, with the identity headers of
// the template's upstream routes (their X-Keygate-* and Authorization
// mappings). Without an upstream the document's operations are not served.
func operationRoutes(t *samtemplate.Template, d *apidoc.Document) ([]gateway.Route, error) {
	upstream := strings.TrimSuffix(t.Parameters["UpstreamUrl"].Value, "/")
	if d == nil || upstream == "" {
		return nil, nil
	}
	identity := identityMappings(t)
	if len(identity) == 0 {
		return nil, fmt.Errorf("inproc: the template's upstream routes map no X-Keygate-* header")
	}
	var routes []gateway.Route
	for _, op := range d.Operations {
		params := map[string]string{}
		for _, seg := range strings.Split(op.Path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(strings.TrimSuffix(name, "}"), "+")
				params["integration.request.path."+name] = "method.request.path." + name
			}
		}
		r := gateway.Route{Method: op.Method, Path: op.Path, Proxy: &gateway.HTTPProxy{URI: upstream + op.Path, RequestParameters: params}}
		if !op.Public {
			r.Authorized, r.AuthorizerName = true, OperationsAuthorizer
			for k, v := range identity {
				params[k] = v
			}
		}
		routes = append(routes, r)
	}
	return routes, nil
}

// identityMappings are the header mappings of the template's upstream
// routes: what every authorized operation forwards.
func identityMappings(t *samtemplate.Template) map[string]string {
	out := map[string]string{}
	for _, p := range t.Proxies {
		for k, v := range p.RequestParameters {
			if strings.HasPrefix(k, "integration.request.header.") {
				out[k] = v
			}
		}
	}
	return out
}
