package config

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
	"keygate/shared/oidc/discovery"
)

// retryDiscovery is the least time between two reads of a provider whose
// discovery document could not be read.
const retryDiscovery = 30 * time.Second

// consoleSignIn is what the API Keys page needs to sign in with the OpenID
// provider (authorization code with PKCE, a public client): the provider's
// endpoints from its discovery document, read at start and, while it could
// not be read, again at most every retryDiscovery on a request.
type consoleSignIn struct {
	cfg    lambdaenv.ConsoleSignIn
	client *http.Client
	logger *slog.Logger
	now    func() time.Time

	mu    sync.Mutex
	doc   discovery.Document
	tried time.Time
}

// signInJSON is GET /open/console/signin.json: {"provider": null} when the
// page signs in with console links only.
type signInJSON struct {
	Provider *providerJSON `json:"provider"`
}

type providerJSON struct {
	AuthorizationEndpoint string `json:"authorizationEndpoint"`
	TokenEndpoint         string `json:"tokenEndpoint"`
	ClientID              string `json:"clientId"`
	// Scope is what the page asks for: openid and keygate's four scopes,
	// each with the provider's prefix.
	Scope string `json:"scope"`
}

func newConsoleSignIn(ctx context.Context, cfg lambdaenv.ConsoleSignIn, logger *slog.Logger) *consoleSignIn {
	c := &consoleSignIn{cfg: cfg, client: discovery.NewClient(), logger: logger, now: time.Now}
	if cfg.ClientID != "" {
		c.mu.Lock()
		c.readLocked(ctx)
		c.mu.Unlock()
	}
	return c
}

// provider returns the provider's endpoints, nil when off or unread.
func (c *consoleSignIn) provider(ctx context.Context) *providerJSON {
	if c.cfg.ClientID == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.doc.TokenEndpoint == "" && c.now().Sub(c.tried) >= retryDiscovery {
		c.readLocked(ctx)
	}
	if c.doc.AuthorizationEndpoint == "" || c.doc.TokenEndpoint == "" {
		return nil
	}
	scopes := []string{"openid"}
	for _, s := range keys.AllScopes {
		scopes = append(scopes, c.cfg.ScopePrefix+string(s))
	}
	return &providerJSON{AuthorizationEndpoint: c.doc.AuthorizationEndpoint, TokenEndpoint: c.doc.TokenEndpoint,
		ClientID: c.cfg.ClientID, Scope: strings.Join(scopes, " ")}
}

func (c *consoleSignIn) readLocked(ctx context.Context) {
	c.tried = c.now()
	d, err := discovery.Fetch(ctx, c.client, c.cfg.Issuer, c.cfg.AllowLoopbackHTTP)
	if err == nil && (d.AuthorizationEndpoint == "" || d.TokenEndpoint == "") {
		err = errNoEndpoints
	}
	if err != nil {
		c.logger.LogAttrs(ctx, slog.LevelError, "console sign-in: the provider's discovery document could not be read",
			slog.String("issuer", c.cfg.Issuer), slog.String("error", err.Error()))
		return
	}
	c.doc = d
}

// errNoEndpoints: a discovery document without the authorization code flow.
var errNoEndpoints = errors.New("the discovery document names no authorization_endpoint or token_endpoint")

// serve answers GET /open/console/signin.json.
func (c *consoleSignIn) serve(w http.ResponseWriter, r *http.Request) error {
	body, err := json.Marshal(signInJSON{Provider: c.provider(r.Context())})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// connectSources are the CSP connect-src sources the page needs beyond
// 'self': the token endpoint's origin, once known.
func (c *consoleSignIn) connectSources() string {
	if c.cfg.ClientID == "" {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return discovery.Origin(c.doc.TokenEndpoint)
}
