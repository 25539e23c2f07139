package gateway

import (
	"time"

	"keygate/dev/samtemplate"
)

// FromTemplate returns the Config that template.yaml describes: the stage,
// every function's Api routes, the DefinitionBody's HTTP_PROXY routes, the default REQUEST authorizer (identity
// header, ReauthorizeEvery as TTL), the GatewayResponses and the Cors
// setting. The caller adds the handlers: Functions by logical ID and
// Authorizer.Handler.
func FromTemplate(t *samtemplate.Template) Config {
	cfg := Config{Stage: t.Stage, Responses: make(map[string]Response, len(t.GatewayResponses))}
	for _, r := range t.Routes {
		cfg.Routes = append(cfg.Routes, Route{Method: r.Method, Path: r.Path, FunctionID: r.FunctionID, Authorized: r.Authorized, APIKeyRequired: r.APIKeyRequired})
	}
	for _, p := range t.Proxies {
		name := p.AuthorizerName
		if name == t.Authorizer.Name {
			name = "" // the default, named
		}
		cfg.Routes = append(cfg.Routes, Route{Method: p.Method, Path: p.Path, Authorized: p.Authorized, AuthorizerName: name,
			APIKeyRequired: p.APIKeyRequired,
			Proxy:          &HTTPProxy{URI: p.URI, Timeout: time.Duration(p.TimeoutMillis) * time.Millisecond, RequestParameters: p.RequestParameters}})
	}
	if t.Authorizer.Name != "" {
		cfg.Authorizer = authorizerConfig(t.Authorizer)
	}
	for name, a := range t.Authorizers {
		if cfg.Authorizers == nil {
			cfg.Authorizers = map[string]*AuthorizerConfig{}
		}
		cfg.Authorizers[name] = authorizerConfig(a)
	}
	cfg.APIKeySource = t.APIKeySource
	cfg.BinaryMediaTypes = t.BinaryMediaTypes
	for _, p := range t.UsagePlans {
		cfg.UsagePlans = append(cfg.UsagePlans, UsagePlan{Name: p.ID, RateLimit: p.RateLimit, BurstLimit: p.BurstLimit,
			QuotaLimit: p.QuotaLimit, QuotaPeriod: p.QuotaPeriod, KeyValues: p.KeyValues})
	}
	for _, r := range t.RateRules {
		rule := RateRule{Name: r.Name, Limit: r.Limit, Window: time.Duration(r.Window) * time.Second,
			Status: r.Status, Body: r.Body, ContentType: r.ContentType, Headers: r.Headers}
		if r.ScopeDown != nil {
			rule.Counted = matcher(*r.ScopeDown)
		}
		cfg.RateRules = append(cfg.RateRules, rule)
	}
	for typ, gr := range t.GatewayResponses {
		cfg.Responses[typ] = Response{StatusCode: gr.StatusCode, Headers: gr.Headers, Body: gr.Body}
	}
	if t.Cors.AllowOrigin != "" {
		cfg.CORS = &CORS{
			AllowOrigin:  t.Cors.AllowOrigin,
			AllowHeaders: t.Cors.AllowHeaders,
			AllowMethods: t.Cors.AllowMethods,
			MaxAge:       t.Cors.MaxAge,
		}
	}
	return cfg
}

// authorizerConfig is a template authorizer's settings (the caller adds
// its Handler).
func authorizerConfig(a samtemplate.Authorizer) *AuthorizerConfig {
	return &AuthorizerConfig{Name: a.Name, IdentityHeader: a.IdentityHeader, IdentityContext: a.IdentityContext,
		TTL: time.Duration(a.TTLSeconds) * time.Second}
}
