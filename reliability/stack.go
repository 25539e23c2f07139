package reliability

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/authorizer"
	"keygate/functions/apikeys"
	fnconfig "keygate/functions/config"
	"keygate/functions/identity"
	"keygate/internal/gateway"
	"keygate/internal/gateway/inproc"
	"keygate/internal/modroot"
	"keygate/internal/samtemplate"
	"keygate/internal/testlog"
	"keygate/shared/apikey"
	"keygate/shared/store"
)

// Options configure a Stack.
type Options struct {
	// Table is the DynamoDB table (it must exist).
	Table string
	// API is the DynamoDB client of the functions.
	API store.API
	// AuthorizerAPI is the authorizer's DynamoDB client (default API); tests
	// point it at a faulty endpoint or wrap it to count calls.
	AuthorizerAPI store.API
	// CacheTTL overrides the template's authorizer cache TTL: 0 keeps the
	// template's, a negative value turns the cache off.
	CacheTTL time.Duration
	// AuthorizerTimeout and FunctionTimeout are the Lambda timeouts, i.e. the
	// deadline of each invocation's context (default: each function's Timeout
	// in the template).
	AuthorizerTimeout time.Duration
	FunctionTimeout   time.Duration
	// Template is template.yaml's path (default: the module root's).
	Template string
	// Logs receives every component's log lines (default: discarded).
	Logs *testlog.Buffer
}

// Stack is keygate served by the local API Gateway engine on a loopback
// port, with its real authorizer and functions in-process.
type Stack struct {
	// URL is the base URL, without the stage (as `sam local start-api`).
	URL string
	// Gateway is the API Gateway engine.
	Gateway *gateway.Gateway
	// Template is the template the stack was configured from.
	Template *samtemplate.Template

	srv  *http.Server
	done chan struct{}
	once sync.Once
}

// Start configures the stack from the template and serves it on
// 127.0.0.1:0. Close stops it.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	if opts.API == nil || opts.Table == "" {
		return nil, errors.New("reliability: Options.API and Options.Table are required")
	}
	if opts.AuthorizerAPI == nil {
		opts.AuthorizerAPI = opts.API
	}
	if opts.Logs == nil {
		opts.Logs = &testlog.Buffer{}
	}
	path := opts.Template
	if path == "" {
		root, err := modroot.Find()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(root, "template.yaml")
	}
	tmpl, err := samtemplate.Load(path, map[string]string{"KeysTable": opts.Table})
	if err != nil {
		return nil, fmt.Errorf("reliability: %w", err)
	}
	gw, err := newGateway(tmpl, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("reliability: listen: %w", err)
	}
	s := &Stack{
		URL:      "http://" + ln.Addr().String(),
		Gateway:  gw,
		Template: tmpl,
		srv:      &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the HTTP server. It is safe to call more than once.
func (s *Stack) Close() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.done
	})
}

// newGateway wires the authorizer and the functions into the gateway that
// template.yaml describes, as their Lambda mains do (configuration from the
// function's environment, one store built once), except that the DynamoDB
// clients are the given ones, so tests can fail or count their calls. This is
// internal/gateway/inproc with injectable clients and Lambda's per-invocation
// deadlines.
func newGateway(tmpl *samtemplate.Template, opts Options) (*gateway.Gateway, error) {
	getenv := func(id string) (func(string) string, error) {
		// DYNAMODB_ENDPOINT is empty: the client is given, not built here.
		return inproc.Getenv(tmpl, id, opts.Table, "", "us-east-1")
	}
	st := store.New(opts.API, opts.Table)
	flusher := &lateFlusher{}
	cfg := gateway.FromTemplate(tmpl)
	cfg.Logger = opts.Logs.Logger("gateway")
	cfg.Functions = map[string]gateway.Function{}
	for id, fn := range tmpl.Functions {
		if id == tmpl.Authorizer.FunctionID {
			continue
		}
		env, err := getenv(id)
		if err != nil {
			return nil, err
		}
		var h gateway.Function
		switch id {
		case "ApiKeysFunction":
			c, err := apikeys.ConfigFromEnv(env)
			if err != nil {
				return nil, fmt.Errorf("reliability: %s: %w", id, err)
			}
			c.Logger = opts.Logs.Logger(id)
			if opts.CacheTTL > 0 {
				// The template's AuthorizerCacheTtl would set this through
				// the environment; CacheTTL overrides the gateway directly.
				c.ReflushAfter = apikeys.DefaultReflushAfter
			}
			h = apikeys.New(c, st, flusher).Handle
		case "IdentityFunction":
			c, err := identity.ConfigFromEnv(env)
			if err != nil {
				return nil, fmt.Errorf("reliability: %s: %w", id, err)
			}
			c.Logger = opts.Logs.Logger(id)
			h = identity.New(c, st).Handle
		case "ConfigFunction":
			c, err := fnconfig.ConfigFromEnv(env)
			if err != nil {
				return nil, fmt.Errorf("reliability: %s: %w", id, err)
			}
			c.Logger = opts.Logs.Logger(id)
			h = fnconfig.New(c).Handle
		default:
			return nil, fmt.Errorf("reliability: no constructor for function %s", id)
		}
		cfg.Functions[id] = withTimeout(opts.FunctionTimeout, fn, h)
	}

	if cfg.Authorizer == nil {
		return nil, errors.New("reliability: the template has no authorizer")
	}
	azFn := tmpl.Functions[tmpl.Authorizer.FunctionID]
	env, err := getenv(azFn.LogicalID)
	if err != nil {
		return nil, err
	}
	prefix := env("KEY_PREFIX")
	if prefix == "" {
		prefix = apikey.DefaultPrefix
	}
	h := authorizer.New(store.New(opts.AuthorizerAPI, opts.Table),
		authorizer.Config{KeyPrefix: prefix}, opts.Logs.Logger(azFn.LogicalID))
	timeout := opts.AuthorizerTimeout
	if timeout <= 0 {
		timeout = time.Duration(azFn.Timeout) * time.Second
	}
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	cfg.Authorizer.Handler = withDeadline(timeout, h.Handle)
	switch {
	case opts.CacheTTL < 0:
		cfg.Authorizer.TTL = 0
	case opts.CacheTTL > 0:
		cfg.Authorizer.TTL = opts.CacheTTL
	}
	gw, err := gateway.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("reliability: gateway: %w", err)
	}
	flusher.set(gw)
	return gw, nil
}

// withDeadline gives each authorizer invocation the deadline Lambda gives it:
// its function's timeout.
func withDeadline(d time.Duration, h gateway.Authorizer) gateway.Authorizer {
	return func(ctx context.Context, req events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return h(ctx, req)
	}
}

// withTimeout gives each function invocation the deadline Lambda gives it:
// d, or else the function's timeout in the template.
func withTimeout(d time.Duration, fn samtemplate.Function, h gateway.Function) gateway.Function {
	if d <= 0 {
		d = time.Duration(fn.Timeout) * time.Second
	}
	if d <= 0 {
		d = 3 * time.Second // Lambda's default
	}
	return func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return h(ctx, req)
	}
}

// lateFlusher lets the apikeys function, built before the gateway, flush the
// gateway's authorizer cache.
type lateFlusher struct {
	mu sync.Mutex
	gw *gateway.Gateway
}

func (f *lateFlusher) set(gw *gateway.Gateway) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gw = gw
}

// FlushAuthorizerCache flushes the gateway's cache.
func (f *lateFlusher) FlushAuthorizerCache(ctx context.Context, restAPIID, stage string) error {
	f.mu.Lock()
	gw := f.gw
	f.mu.Unlock()
	if gw == nil {
		return errors.New("reliability: gateway not ready")
	}
	return gw.FlushAuthorizerCache(ctx, restAPIID, stage)
}
