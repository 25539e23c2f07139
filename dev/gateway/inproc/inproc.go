package inproc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/authorizer"
	"keygate/dev/gateway"
	"keygate/dev/samtemplate"
	"keygate/functions/apikeys"
	"keygate/functions/config"
	"keygate/functions/identity"
	"keygate/functions/jwks"
	webhooksfn "keygate/functions/webhooks"
	"keygate/shared/apidoc"
	"keygate/shared/apigw"
	"keygate/shared/assertion"
	"keygate/shared/lambdaenv"
	"keygate/shared/routes"
	"keygate/shared/store"
)

// Options configure New.
type Options struct {
	// Template is the loaded template.yaml.
	Template *samtemplate.Template
	// Endpoint is DYNAMODB_ENDPOINT for every function ("" = AWS).
	Endpoint string
	// Table is TABLE_NAME for every function.
	Table string
	// Region is AWS_REGION (default "us-east-1").
	Region string
	// GatewayLogger receives one JSON line per request (nil discards).
	GatewayLogger *slog.Logger
	// FunctionLogger receives the functions' and the authorizer's logs,
	// as CloudWatch would (nil discards).
	FunctionLogger *slog.Logger
	// API, if set, is the DynamoDB client of every function instead of
	// the one each builds from its environment, and AuthorizerAPI (default
	// API) the authorizer's: tests inject faults or count calls through
	// them.
	API           store.API
	AuthorizerAPI store.API
	// FunctionTimeout and AuthorizerTimeout override the deadline of each
	// invocation's context, which is otherwise what Lambda gives it: the
	// function's Timeout in the template (Lambda's 3 s if unset).
	FunctionTimeout   time.Duration
	AuthorizerTimeout time.Duration
	// Now, if set, is the clock of the authorizer and the functions (tests
	// of limits inject one).
	Now func() time.Time
	// ExtraRoutes and ExtraFunctions add routes that are not in the
	// template (tests use them to probe the authorizer's policy on
	// methods keygate does not serve).
	ExtraRoutes    []gateway.Route
	ExtraFunctions map[string]gateway.Function
	// StrictStage serves only /<stage>/... paths, as AWS does (e2e uses
	// it); off, paths without the prefix are served too.
	StrictStage bool
	// SigningKeyFile holds the identity assertion's key set when the
	// template has an upstream (UpstreamUrl): the local stand-in for the
	// Secrets Manager secret, created on first use. Issuer is the
	// assertion's iss when the template leaves AssertionIssuer empty: the
	// local stage's URL (on AWS the authorizer derives the execute-api one).
	SigningKeyFile string
	Issuer         string
	// Document is the team's compiled API document (nil: none), given to
	// every function as the package's apidoc.json would be on AWS.
	Document *apidoc.Document
}

// The gateway is the apikeys function's cache, reached through
// lateFlusher; a compile-time check, since gateway may not import apigw.
var _ apigw.StageFlusher = (*gateway.Gateway)(nil)

// lateFlusher forwards to the gateway, which exists only after the
// functions are built.
type lateFlusher struct{ gw *gateway.Gateway }

// FlushAuthorizerCache flushes the gateway's cache once it exists.
func (f *lateFlusher) FlushAuthorizerCache(ctx context.Context, restAPIID, stage string) error {
	if f.gw == nil {
		return errors.New("local gateway not ready")
	}
	return f.gw.FlushAuthorizerCache(ctx, restAPIID, stage)
}

// New builds the functions and the authorizer and returns the gateway that
// serves them.
func New(ctx context.Context, opts Options) (*gateway.Gateway, error) {
	t := opts.Template
	if t == nil {
		return nil, errors.New("inproc: no template")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	discard := slog.New(slog.DiscardHandler)
	if opts.GatewayLogger == nil {
		opts.GatewayLogger = discard
	}
	if opts.FunctionLogger == nil {
		opts.FunctionLogger = discard
	}
	b := builder{ctx: ctx, opts: opts, flusher: &lateFlusher{}}

	cfg := gateway.FromTemplate(t)
	cfg.Region = opts.Region
	cfg.Logger = opts.GatewayLogger
	cfg.StrictStage = opts.StrictStage
	cfg.Functions = make(map[string]gateway.Function)
	for _, id := range slices.Sorted(maps.Keys(t.Functions)) {
		if t.Authorizer.FunctionID == id || len(t.RoutesOf(id)) == 0 {
			continue // the authorizer, and functions with no route (the stream's: see Streams)
		}
		f, err := b.function(id)
		if err != nil {
			return nil, err
		}
		cfg.Functions[id] = withDeadline(deadline(opts.FunctionTimeout, t.Functions[id]), f.Handle)
	}
	if cfg.Authorizer != nil {
		id := t.Authorizer.FunctionID
		h, err := b.authorizer(id)
		if err != nil {
			return nil, err
		}
		cfg.Authorizer.Handler = withDeadline(deadline(opts.AuthorizerTimeout, t.Functions[id]), h)
	}
	// The API's other authorizers (the API document's operations'): the
	// same function, its own identity sources and cache.
	for name, az := range cfg.Authorizers {
		fn := t.Authorizers[name].FunctionID
		if cfg.Authorizer == nil || fn != t.Authorizer.FunctionID {
			return nil, fmt.Errorf("inproc: authorizer %s: only the default authorizer's function is wired (%s)", name, fn)
		}
		az.Handler = cfg.Authorizer.Handler
	}
	cfg.Routes = append(cfg.Routes, opts.ExtraRoutes...)
	maps.Copy(cfg.Functions, opts.ExtraFunctions)
	gw, err := gateway.New(cfg)
	if err != nil {
		return nil, err
	}
	b.flusher.gw = gw
	return gw, nil
}

// deadline is how long Lambda lets one invocation of fn run: override if
// set, else fn's Timeout, else Lambda's default of 3 s.
func deadline(override time.Duration, fn samtemplate.Function) time.Duration {
	switch {
	case override > 0:
		return override
	case fn.Timeout > 0:
		return time.Duration(fn.Timeout) * time.Second
	}
	return 3 * time.Second
}

// withDeadline gives each invocation of h the deadline d, as Lambda does.
func withDeadline[Req, Resp any](d time.Duration, h func(context.Context, Req) (Resp, error)) func(context.Context, Req) (Resp, error) {
	return func(ctx context.Context, req Req) (Resp, error) {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return h(ctx, req)
	}
}

// builder builds handlers the way each function's main.go does.
type builder struct {
	ctx     context.Context
	opts    Options
	flusher *lateFlusher
}

// Env returns the environment of function id as Lambda would see it: the
// template's variables with TABLE_NAME, DYNAMODB_ENDPOINT and AWS_REGION set
// for this local stack.
func Env(t *samtemplate.Template, id, table, endpoint, region string) (map[string]string, error) {
	fn, ok := t.Functions[id]
	if !ok {
		return nil, fmt.Errorf("template has no function %s", id)
	}
	env := maps.Clone(fn.Env)
	if env == nil {
		env = make(map[string]string)
	}
	env["TABLE_NAME"] = table
	env["DYNAMODB_ENDPOINT"] = endpoint
	env["AWS_REGION"] = region
	// Webhooks may use http:// on loopback, and deliveries reach it, in
	// the local stack only (the template never sets this).
	env["WEBHOOK_ALLOW_LOOPBACK"] = "true"
	// And the OpenID provider may be a loopback stand-in on http.
	env["JWT_ALLOW_LOOPBACK_HTTP"] = "true"
	for k, v := range env {
		if strings.HasPrefix(v, "{{resolve:secretsmanager:") {
			env[k] = localSecret
		}
	}
	return env, nil
}

// localSecret stands in for the values template.yaml resolves from Secrets
// Manager at deploy time (CURSOR_KEY): random, generated once per process,
// so every function of this local stack agrees on it and a cursor of an
// earlier run is refused, as a cursor altered by a client would be.
var localSecret = func() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails: it crashes the program instead
	return hex.EncodeToString(b[:])
}()

// handlerFunc is what every keygate function offers.
type handlerFunc interface {
	Handle(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)
	Handler() http.Handler
}

// wirings are the functions' Wire, the same their bootstraps call, by
// logical ID: the local gateway adds only its logger, its DynamoDB client
// (when a test injects one; nil builds one from the environment, as on
// Lambda) and itself as the apikeys function's cache.
var wirings = map[string]func(context.Context, lambdaenv.Deps, store.API, apigw.StageFlusher) (handlerFunc, error){
	routes.ApiKeysFunction: func(ctx context.Context, d lambdaenv.Deps, api store.API, f apigw.StageFlusher) (handlerFunc, error) {
		return apikeys.Wire(ctx, d, api, f)
	},
	routes.IdentityFunction: func(ctx context.Context, d lambdaenv.Deps, api store.API, _ apigw.StageFlusher) (handlerFunc, error) {
		return identity.Wire(ctx, d, api)
	},
	routes.ConfigFunction: func(ctx context.Context, d lambdaenv.Deps, _ store.API, _ apigw.StageFlusher) (handlerFunc, error) {
		return config.Wire(ctx, d) // no table
	},
	routes.JwksFunction: func(ctx context.Context, d lambdaenv.Deps, api store.API, _ apigw.StageFlusher) (handlerFunc, error) {
		return jwks.Wire(ctx, d, api)
	},
	routes.WebhooksFunction: func(ctx context.Context, d lambdaenv.Deps, api store.API, _ apigw.StageFlusher) (handlerFunc, error) {
		return webhooksfn.Wire(ctx, d, api)
	},
}

// env is the environment of function id in this local stack (Env).
func (b builder) env(id string) (map[string]string, error) {
	return Env(b.opts.Template, id, b.opts.Table, b.opts.Endpoint, b.opts.Region)
}

// deps are the wiring inputs of function id on its environment env.
func (b builder) deps(id string, env map[string]string) lambdaenv.Deps {
	return lambdaenv.Deps{Env: lambdaenv.Map(env), Logger: b.opts.FunctionLogger.With("function", id), Now: b.opts.Now, Document: b.opts.Document}
}

// function builds one proxy-integration function by logical ID; errors
// name the function.
func (b builder) function(id string) (handlerFunc, error) {
	wire, ok := wirings[id]
	if !ok {
		return nil, fmt.Errorf("%s: no wiring for this function (dev/gateway/inproc wirings)", id)
	}
	env, err := b.env(id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	f, err := wire(b.ctx, b.deps(id, env), b.opts.API, b.flusher)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	return f, nil
}

// Handler builds function id as the local gateway does and returns its
// http.Handler (its ServeMux), for tests that compare it with the template.
func Handler(ctx context.Context, t *samtemplate.Template, id, table, endpoint string) (http.Handler, error) {
	b := builder{ctx: ctx, opts: Options{Template: t, Table: table, Endpoint: endpoint, Region: "us-east-1",
		FunctionLogger: slog.New(slog.DiscardHandler)}, flusher: &lateFlusher{}}
	f, err := b.function(id)
	if err != nil {
		return nil, err
	}
	return f.Handler(), nil
}

// authorizer builds the REQUEST authorizer with its Wire, as
// authorizer/bootstrap does.
func (b builder) authorizer(id string) (gateway.Authorizer, error) {
	api := b.opts.AuthorizerAPI
	if api == nil {
		api = b.opts.API
	}
	env, err := b.env(id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	if env["UPSTREAM_URL"] != "" {
		if b.opts.SigningKeyFile == "" {
			return nil, fmt.Errorf("%s: the template has an upstream: set inproc.Options.SigningKeyFile", id)
		}
		if err := assertion.EnsureFile(b.opts.SigningKeyFile); err != nil {
			return nil, fmt.Errorf("%s: signing key file: %w", id, err)
		}
		// The local stand-in for the Secrets Manager secret, and the local
		// stage's URL as the issuer unless the template names one.
		env["SIGNING_KEY_SECRET"] = ""
		env["SIGNING_KEY_FILE"] = b.opts.SigningKeyFile
		if env["ASSERTION_ISSUER"] == "" {
			env["ASSERTION_ISSUER"] = b.opts.Issuer
		}
	}
	h, err := authorizer.Wire(b.ctx, b.deps(id, env), api)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	return h.Handle, nil
}
