package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Authorizer is a REQUEST Lambda authorizer, called in-process.
type Authorizer func(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error)

// Function is a Lambda proxy integration, called in-process.
type Function func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)

// AuthorizerConfig describes the API's REQUEST authorizer.
type AuthorizerConfig struct {
	Name string
	// IdentityHeader is the identity source, e.g. "Authorization". With
	// caching on, a request without it gets UNAUTHORIZED and the authorizer
	// is not called; with caching off the authorizer decides (API Gateway
	// validates identity sources only to build the cache key).
	IdentityHeader string
	// IdentityContext are context variables among the identity sources
	// ("identity.sourceIp", "httpMethod", "resourcePath"): part of the
	// cache key.
	IdentityContext []string
	// TTL is the result cache TTL (ReauthorizeEvery); 0 turns caching off.
	TTL     time.Duration
	Handler Authorizer
}

// Config describes one deployed REST API stage.
type Config struct {
	Region    string // default "us-east-1"
	AccountID string // default "123456789012"
	APIID     string // default "keygatelcl"
	Stage     string // required
	Routes    []Route
	// Functions maps a route's FunctionID to its handler.
	Functions  map[string]Function
	Authorizer *AuthorizerConfig
	// Authorizers are further authorizers by name, for the routes whose
	// AuthorizerName names one; each has its own cache.
	Authorizers map[string]*AuthorizerConfig
	// Responses are the customized gateway responses keyed by type.
	Responses      map[string]Response
	StageVariables map[string]string
	// APIKeySource is where API keys come from: "HEADER" (x-api-key, the
	// default) or "AUTHORIZER" (the authorizer's usageIdentifierKey).
	APIKeySource string
	// UsagePlans apply to routes with APIKeyRequired.
	UsagePlans []UsagePlan
	// StrictStage serves only stage-prefixed paths (/<stage>/...), as the
	// execute-api endpoint does: any other path is 403 {"message":"Forbidden"}.
	// Off (the default for `make run` and sam local users), paths are
	// served with and without the prefix.
	StrictStage bool
	// BinaryMediaTypes are the API's binaryMediaTypes ("image/png",
	// "image/*", "*/*"): without them base64 responses reach the client as
	// text, as on AWS.
	BinaryMediaTypes []string
	// CORS, when set, answers OPTIONS on every resource as SAM's Cors does.
	CORS *CORS
	// IntegrationTimeout bounds a function call (default 29 s, API
	// Gateway's limit); past it the client gets INTEGRATION_TIMEOUT.
	IntegrationTimeout time.Duration
	// MaxBodyBytes bounds request bodies (default 10 MiB, API Gateway's
	// payload limit); larger ones get REQUEST_TOO_LARGE.
	MaxBodyBytes int64
	Logger       *slog.Logger
	Now          func() time.Time
	// RateRules are the AWS WAF rate-based rules of a web ACL on the
	// stage: evaluated before anything of API Gateway's.
	RateRules []RateRule
}

// Gateway serves one REST API stage. It is an http.Handler.
type Gateway struct {
	cfg    Config
	router *router
	caches map[string]*authCache // by authorizer name ("" the default)
	usage  *usagePlans
	// upstream is the client of HTTP_PROXY integrations.
	upstream *http.Client
	// waf counts requests for RateRules.
	waf []*rateCounter
}

// New validates cfg and returns a Gateway.
func New(cfg Config) (*Gateway, error) {
	if cfg.Stage == "" {
		return nil, errors.New("gateway: no stage")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "123456789012"
	}
	if cfg.APIID == "" {
		cfg.APIID = "keygatelcl"
	}
	if cfg.IntegrationTimeout <= 0 {
		cfg.IntegrationTimeout = 29 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 10 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.StageVariables) == 0 {
		cfg.StageVariables = nil // events carry null, not {}
	}
	rt, err := newRouter(cfg.Routes)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	for _, r := range rt.routes {
		if r.proxy == nil && cfg.Functions[r.FunctionID] == nil {
			return nil, fmt.Errorf("gateway: route %s %s: no handler for function %q", r.Method, r.Path, r.FunctionID)
		}
		if az := cfg.authorizerOf(r.Route); r.Authorized && (az == nil || az.Handler == nil) {
			return nil, fmt.Errorf("gateway: route %s %s needs an authorizer", r.Method, r.Path)
		}
	}
	g := &Gateway{cfg: cfg, router: rt, upstream: newUpstreamClient(), caches: map[string]*authCache{}}
	for _, r := range cfg.RateRules {
		g.waf = append(g.waf, newRateCounter(r))
	}
	all := map[string]*AuthorizerConfig{"": cfg.Authorizer}
	for name, az := range cfg.Authorizers {
		all[name] = az
	}
	for name, az := range all {
		ttl := time.Duration(0)
		if az != nil {
			if az.IdentityHeader == "" {
				return nil, errors.New("gateway: authorizer without identity header")
			}
			for _, c := range az.IdentityContext {
				if !slices.Contains(emulatedIdentityContext, c) {
					return nil, fmt.Errorf("gateway: identity source context.%s is not emulated (only %v)", c, emulatedIdentityContext)
				}
			}
			ttl = az.TTL
		}
		g.caches[name] = newAuthCache(ttl, cfg.Now)
	}
	switch cfg.APIKeySource {
	case "", "HEADER", "AUTHORIZER":
	default:
		return nil, fmt.Errorf("gateway: ApiKeySourceType %q: want HEADER or AUTHORIZER", cfg.APIKeySource)
	}
	if g.usage, err = newUsagePlans(cfg.UsagePlans, cfg.Now); err != nil {
		return nil, err
	}
	return g, nil
}

// emulatedIdentityContext are the context identity sources the gateway
// puts in an authorizer's cache key.
var emulatedIdentityContext = []string{"identity.sourceIp", "httpMethod", "resourcePath"}

// authorizerOf is the authorizer of route r (nil for none).
func (c Config) authorizerOf(r Route) *AuthorizerConfig {
	if r.AuthorizerName != "" {
		return c.Authorizers[r.AuthorizerName]
	}
	return c.Authorizer
}

// Stage returns the stage name.
func (g *Gateway) Stage() string { return g.cfg.Stage }

// FlushAuthorizerCache drops every cached authorizer result, as API
// Gateway's FlushStageAuthorizersCache does. It implements the apikeys
// function's CacheFlusher. The local gateway serves one API and one stage,
// so it flushes whatever ids it is given (locally they may be
// placeholders): flushing too much is never wrong, too little would be.
func (g *Gateway) FlushAuthorizerCache(ctx context.Context, restAPIID, stage string) error {
	for _, c := range g.caches {
		c.flush()
	}
	g.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "authorizer cache flushed",
		slog.String("restApiId", restAPIID), slog.String("stage", stage))
	return nil
}

// stripStage removes a leading /<stage> from an escaped path. ok is false
// for a path without it under StrictStage; otherwise such a path is served
// as it is.
func (g *Gateway) stripStage(p string) (path string, ok bool) {
	prefix := "/" + g.cfg.Stage
	if p == prefix {
		return "/", true
	}
	if rest, ok := strings.CutPrefix(p, prefix+"/"); ok {
		return "/" + rest, true
	}
	return p, !g.cfg.StrictStage
}
