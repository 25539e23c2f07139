package reliability

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"keygate/dev/gateway"
	"keygate/dev/gateway/inproc"
	"keygate/dev/modroot"
	"keygate/dev/samtemplate"
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
	// CacheTTL overrides the template's AuthorizerCacheTtl parameter (whole
	// seconds), which sets both the gateway's authorizer cache and the
	// apikeys function's second flush: 0 keeps the template's, a negative
	// value turns the cache off.
	CacheTTL time.Duration
	// AuthorizerTimeout and FunctionTimeout are the Lambda timeouts, i.e. the
	// deadline of each invocation's context (default: each function's Timeout
	// in the template).
	AuthorizerTimeout time.Duration
	FunctionTimeout   time.Duration
	// Logs receives every component's JSON log lines, each tagged with its
	// component as testlog.Buffer.Logger does (nil: nothing is logged).
	Logs io.Writer
	// LogLevel is the lowest level written to Logs (default: info).
	LogLevel slog.Level
	// UpstreamURL, when set, is the template's UpstreamUrl: the workspace
	// paths go to it through HTTP_PROXY, with an identity assertion signed
	// with the key set in SigningKeyFile (created when missing).
	UpstreamURL, SigningKeyFile string
}

// Stack is keygate served by the local API Gateway engine on a loopback
// port, with its real authorizer and functions in-process.
type Stack struct {
	// URL is the stage's base URL, http://127.0.0.1:<port>/<stage>: the
	// gateway is strict about the stage prefix, as AWS is.
	URL string

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
	root, err := modroot.Find()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, "template.yaml")
	params := map[string]string{"KeysTable": opts.Table}
	switch {
	case opts.CacheTTL < 0:
		params["AuthorizerCacheTtl"] = "0"
	case opts.CacheTTL%time.Second != 0:
		return nil, fmt.Errorf("reliability: CacheTTL %v: want whole seconds", opts.CacheTTL)
	case opts.CacheTTL > 0:
		params["AuthorizerCacheTtl"] = strconv.Itoa(int(opts.CacheTTL / time.Second))
	}
	if opts.UpstreamURL != "" {
		if opts.SigningKeyFile == "" {
			return nil, errors.New("reliability: UpstreamURL needs SigningKeyFile")
		}
		params["UpstreamUrl"] = opts.UpstreamURL
	}
	tmpl, err := samtemplate.Load(path, params)
	if err != nil {
		return nil, fmt.Errorf("reliability: %w", err)
	}
	if tmpl.Authorizer.Name == "" {
		return nil, errors.New("reliability: the template has no authorizer")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("reliability: listen: %w", err)
	}
	url := "http://" + ln.Addr().String() + "/" + tmpl.Stage
	// DYNAMODB_ENDPOINT stays empty: the clients are given, not built.
	gw, err := inproc.New(ctx, inproc.Options{
		Template:          tmpl,
		Table:             opts.Table,
		API:               opts.API,
		AuthorizerAPI:     opts.AuthorizerAPI,
		FunctionTimeout:   opts.FunctionTimeout,
		AuthorizerTimeout: opts.AuthorizerTimeout,
		GatewayLogger:     opts.logger("gateway"),
		FunctionLogger:    opts.logger(""),
		StrictStage:       true,
		SigningKeyFile:    opts.SigningKeyFile,
		Issuer:            url,
	})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("reliability: %w", err)
	}
	s := &Stack{
		URL:  url,
		srv:  &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(gateway.GuardFraming(ln))
	}()
	return s, nil
}

// logger returns a JSON logger writing to o.Logs at o.LogLevel, tagged with
// the component's name unless it is empty; with no Logs it discards.
func (o Options) logger(component string) *slog.Logger {
	if o.Logs == nil {
		return slog.New(slog.DiscardHandler)
	}
	l := slog.New(slog.NewJSONHandler(o.Logs, &slog.HandlerOptions{Level: o.LogLevel}))
	if component != "" {
		l = l.With(slog.String("component", component))
	}
	return l
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
