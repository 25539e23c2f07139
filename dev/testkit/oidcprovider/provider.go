// Package oidcprovider is a stand-in OpenID provider for tests and the
// local stack: a loopback discovery document and JWKS, tokens minted with
// go-jose, and an authorization endpoint with PKCE for the API Keys page.
// It never runs on AWS.
package oidcprovider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Provider is a running stand-in provider.
type Provider struct {
	// URL is its issuer identifier (http://127.0.0.1:N).
	URL string
	// Audience is the audience its tokens carry by default.
	Audience string

	srv *httptest.Server
	mu  sync.Mutex
	// keys are the signing keys by kid; published are the kids the JWKS
	// serves.
	keys      map[string]jose.JSONWebKey
	published []string
	// JWKSReads counts reads of the JWKS.
	JWKSReads atomic.Int64
	// Down makes every endpoint answer 503; Delay (nanoseconds) delays
	// every answer. Requests counts every request.
	Down     atomic.Bool
	Delay    atomic.Int64
	Requests atomic.Int64

	codes  map[string]grant // authorization codes (authorize.go)
	signIn atomic.Pointer[SignIn]
}

// New starts a provider with one RSA key ("rsa-1") and one P-256 key
// ("ec-1") published; it stops with the test.
func New(tb testing.TB, audience string) *Provider {
	tb.Helper()
	p := &Provider{Audience: audience, keys: map[string]jose.JSONWebKey{}, codes: map[string]grant{}}
	p.AddKey(tb, "rsa-1", jose.RS256, true)
	p.AddKey(tb, "ec-1", jose.ES256, true)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks.json", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("OPTIONS /token", p.token)
	p.srv = httptest.NewServer(p.unlessDown(mux))
	p.URL = p.srv.URL
	tb.Cleanup(p.srv.Close)
	return p
}

func (p *Provider) unlessDown(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.Requests.Add(1)
		if d := p.Delay.Load(); d > 0 {
			select {
			case <-time.After(time.Duration(d)):
			case <-r.Context().Done():
				return
			}
		}
		if p.Down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// AddKey creates a signing key; published puts it in the JWKS.
func (p *Provider) AddKey(tb testing.TB, kid string, alg jose.SignatureAlgorithm, published bool) {
	tb.Helper()
	var key any
	var err error
	switch alg {
	case jose.RS256:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case jose.ES256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		tb.Fatalf("oidcprovider: no key for %s", alg)
	}
	if err != nil {
		tb.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys[kid] = jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: string(alg), Use: "sig"}
	if published {
		p.published = append(p.published, kid)
	}
}

// Publish adds kid to the JWKS.
func (p *Provider) Publish(kid string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.published = append(p.published, kid)
}

// PublicKey is kid's public JWK.
func (p *Provider) PublicKey(kid string) jose.JSONWebKey {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := p.keys[kid]
	return k.Public()
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{
		"issuer":                                p.URL,
		"jwks_uri":                              p.URL + "/jwks.json",
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"response_types_supported":              []string{"code"},
		"code_challenge_methods_supported":      []string{"S256"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, _ *http.Request) {
	p.JWKSReads.Add(1)
	p.mu.Lock()
	set := jose.JSONWebKeySet{}
	for _, kid := range p.published {
		k := p.keys[kid]
		set.Keys = append(set.Keys, k.Public())
	}
	p.mu.Unlock()
	writeJSON(w, set)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Claims are a token's claims; Token fills iss, aud, iat and exp when
// they are absent.
type Claims map[string]any

// Token mints an access token for sub with scope, signed by "rsa-1", valid
// for ttl from now.
func (p *Provider) Token(tb testing.TB, sub, scope string, ttl time.Duration) string {
	tb.Helper()
	return p.Sign(tb, "rsa-1", Claims{"sub": sub, "scope": scope, "exp": time.Now().Add(ttl).Unix()})
}

// Sign mints a token with claims, signed by kid with its algorithm.
func (p *Provider) Sign(tb testing.TB, kid string, claims Claims) string {
	tb.Helper()
	return p.SignWithHeaders(tb, kid, claims, nil)
}

// SignWithHeaders is Sign with extra protected headers (a "kid" among
// them replaces the key's).
func (p *Provider) SignWithHeaders(tb testing.TB, kid string, claims Claims, headers map[string]any) string {
	tb.Helper()
	p.mu.Lock()
	k, ok := p.keys[kid]
	p.mu.Unlock()
	if !ok {
		tb.Fatalf("oidcprovider: no key %s", kid)
	}
	full := Claims{"iss": p.URL, "aud": p.Audience, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	for name, v := range claims {
		if v == nil {
			delete(full, name)
		} else {
			full[name] = v
		}
	}
	payload, err := json.Marshal(full)
	if err != nil {
		tb.Fatal(err)
	}
	opts := (&jose.SignerOptions{}).WithType("at+jwt")
	for name, v := range headers {
		opts = opts.WithHeader(jose.HeaderKey(name), v)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.Algorithm), Key: k}, opts)
	if err != nil {
		tb.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		tb.Fatal(err)
	}
	token, err := jws.CompactSerialize()
	if err != nil {
		tb.Fatal(err)
	}
	return token
}
