package samtemplate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// defaultAuthorizerTTL is API Gateway's authorizerResultTtlInSeconds when none is set.
const defaultAuthorizerTTL = 300

// buildAPI reads the AWS::Serverless::Api: stage, default authorizer, CORS, gateway responses.
// With several APIs, the one with a DefaultAuthorizer (else the first by logical ID) is used.
func buildAPI(t *Template, r *resolver) error {
	var apiID string
	for _, id := range sortedKeys(r.resources) {
		if typeOf(r.resources[id]) != "AWS::Serverless::Api" {
			continue
		}
		if apiID == "" || get(get(get(r.resources[id], "Properties"), "Auth"), "DefaultAuthorizer") != nil {
			apiID = id
		}
	}
	t.GatewayResponses = map[string]GatewayResponse{}
	if apiID == "" {
		return nil
	}
	t.API = apiID
	props := get(r.resources[apiID], "Properties")
	var err error
	if t.Stage, err = r.str(get(props, "StageName")); err != nil {
		return fmt.Errorf("%s.StageName: %w", apiID, err)
	}
	if t.Authorizer, err = authorizer(r, get(props, "Auth")); err != nil {
		return fmt.Errorf("%s.Auth: %w", apiID, err)
	}
	if t.Authorizers, err = otherAuthorizers(r, get(props, "Auth")); err != nil {
		return fmt.Errorf("%s.Auth.Authorizers: %w", apiID, err)
	}
	t.APIKeySource = "HEADER"
	if v := get(props, "ApiKeySourceType"); v != nil {
		if t.APIKeySource, err = r.str(v); err != nil {
			return fmt.Errorf("%s.ApiKeySourceType: %w", apiID, err)
		}
	}
	if v := get(get(props, "Auth"), "ApiKeyRequired"); v != nil {
		t.apiKeyRequired = v.Value == "true"
	}
	if v := get(props, "BinaryMediaTypes"); v != nil {
		types, err := r.list(v)
		if err != nil {
			return fmt.Errorf("%s.BinaryMediaTypes: %w", apiID, err)
		}
		for _, m := range types {
			// SAM writes "/" as "~1" (JSON Pointer escaping in the OpenAPI
			// document it generates).
			t.BinaryMediaTypes = append(t.BinaryMediaTypes, strings.ReplaceAll(m, "~1", "/"))
		}
	}
	if t.Cors, err = cors(r, get(props, "Cors")); err != nil {
		return fmt.Errorf("%s.Cors: %w", apiID, err)
	}
	keys, vals := entries(get(props, "GatewayResponses"))
	for i, typ := range keys {
		gr, err := gatewayResponse(r, typ, vals[i])
		if err != nil {
			return fmt.Errorf("%s.GatewayResponses.%s: %w", apiID, typ, err)
		}
		t.GatewayResponses[typ] = gr
	}
	return nil
}

func authorizer(r *resolver, auth *yaml.Node) (Authorizer, error) {
	def := get(auth, "DefaultAuthorizer")
	if def == nil {
		return Authorizer{}, nil
	}
	return namedAuthorizer(r, auth, def.Value)
}

// otherAuthorizers are Auth.Authorizers but the default, by name.
func otherAuthorizers(r *resolver, auth *yaml.Node) (map[string]Authorizer, error) {
	out := map[string]Authorizer{}
	names, _ := entries(get(auth, "Authorizers"))
	for _, name := range names {
		if def := get(auth, "DefaultAuthorizer"); def != nil && def.Value == name {
			continue
		}
		a, err := namedAuthorizer(r, auth, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = a
	}
	return out, nil
}

// namedAuthorizer reads Auth.Authorizers.<name>.
func namedAuthorizer(r *resolver, auth *yaml.Node, name string) (Authorizer, error) {
	a := Authorizer{Name: name, PayloadType: "TOKEN", TTLSeconds: defaultAuthorizerTTL}
	n := get(get(auth, "Authorizers"), a.Name)
	if n == nil {
		return a, fmt.Errorf("authorizer %s is not in Authorizers", a.Name)
	}
	fn, err := r.str(get(n, "FunctionArn"))
	if err != nil {
		return a, err
	}
	a.FunctionID, _, _ = strings.Cut(fn, ".") // !GetAtt AuthorizerFunction.Arn
	if v := get(n, "FunctionPayloadType"); v != nil {
		a.PayloadType = v.Value
	}
	id := get(n, "Identity")
	if a.IdentityHeaders, err = r.list(get(id, "Headers")); err != nil {
		return a, err
	}
	if a.IdentityContext, err = r.list(get(id, "Context")); err != nil {
		return a, err
	}
	if a.PayloadType == "TOKEN" {
		a.IdentityHeaders = []string{"Authorization"}
		if h := get(id, "Header"); h != nil {
			a.IdentityHeaders = []string{h.Value}
		}
	}
	if len(a.IdentityHeaders) > 0 {
		a.IdentityHeader = a.IdentityHeaders[0]
	}
	if v := get(id, "ReauthorizeEvery"); v != nil {
		s, err := r.str(v)
		if err != nil {
			return a, err
		}
		if a.TTLSeconds, err = strconv.Atoi(s); err != nil {
			return a, fmt.Errorf("ReauthorizeEvery %q: %w", s, err)
		}
	}
	return a, nil
}

func cors(r *resolver, n *yaml.Node) (Cors, error) {
	if n == nil {
		return Cors{}, nil
	}
	if n.Kind == yaml.ScalarNode || isIntrinsic(n) { // Cors: "'*'" (AllowOrigin only)
		s, err := r.str(n)
		return Cors{AllowOrigin: s}, err
	}
	var c Cors
	for key, dst := range map[string]*string{
		"AllowOrigin": &c.AllowOrigin, "AllowHeaders": &c.AllowHeaders,
		"AllowMethods": &c.AllowMethods, "MaxAge": &c.MaxAge,
	} {
		if v := get(n, key); v != nil {
			s, err := r.str(v)
			if err != nil && !errors.Is(err, errNoValue) {
				return c, fmt.Errorf("%s: %w", key, err)
			}
			*dst = s
		}
	}
	return c, nil
}

func gatewayResponse(r *resolver, typ string, n *yaml.Node) (GatewayResponse, error) {
	gr := GatewayResponse{Type: typ, Headers: map[string]string{}}
	if v := get(n, "StatusCode"); v != nil {
		s, err := r.str(v)
		if err != nil {
			return gr, err
		}
		if gr.StatusCode, err = strconv.Atoi(s); err != nil {
			return gr, fmt.Errorf("StatusCode %q: %w", s, err)
		}
	}
	keys, vals := entries(get(get(n, "ResponseParameters"), "Headers"))
	for i, k := range keys {
		v, err := r.str(vals[i])
		if err != nil {
			return gr, fmt.Errorf("header %s: %w", k, err)
		}
		gr.Headers[k] = v
	}
	keys, vals = entries(get(n, "ResponseTemplates"))
	for i, k := range keys {
		v, err := r.str(vals[i])
		if err != nil {
			return gr, fmt.Errorf("template %s: %w", k, err)
		}
		if k == "application/json" {
			gr.Body = v
		}
	}
	return gr, nil
}

func isIntrinsic(n *yaml.Node) bool {
	_, _, ok := intrinsic(n)
	return ok
}
