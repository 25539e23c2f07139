package oidc_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"keygate/dev/testkit/oidcprovider"
	"keygate/shared/oidc"
)

const audience = "https://api.example.com"

// clock is a test's time, advanced by hand.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }
func newClock() *clock                   { c := &clock{}; c.t.Store(time.Now().UnixNano()); return c }

func newVerifier(tb testing.TB, p *oidcprovider.Provider, cfg oidc.Config) *oidc.Verifier {
	tb.Helper()
	return newVerifierAt(tb, p, cfg, time.Now)
}

func newVerifierAt(tb testing.TB, p *oidcprovider.Provider, cfg oidc.Config, now func() time.Time) *oidc.Verifier {
	tb.Helper()
	if cfg.Issuer == "" {
		cfg.Issuer = p.URL
	}
	if cfg.Audience == "" {
		cfg.Audience = audience
	}
	cfg.AllowLoopbackHTTP = true
	v, err := oidc.New(tb.Context(), cfg, nil, now, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// unsigned builds a token with header and claims and sig as its signature.
func unsigned(tb testing.TB, header, claims map[string]any, sign func(input string) string) string {
	tb.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	return input + "." + sign(input)
}

// TestVerify: the outcomes of one provider's tokens, by claim and by
// signature, as the authorizer logs them.
func TestVerify(t *testing.T) {
	p := oidcprovider.New(t, audience)
	v := newVerifier(t, p, oidc.Config{Audience: audience + ", console"})
	now := time.Now()
	exp := now.Add(time.Hour).Unix()
	valid := p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "scope": "read admin"})
	parts := strings.Split(valid, ".")
	otherPayload := strings.Split(p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "mallory", "scope": "read admin"}), ".")[1]
	pub := p.PublicKey("rsa-1")
	der, err := x509.MarshalPKIXPublicKey(pub.Key)
	if err != nil {
		t.Fatal(err)
	}
	hs256 := unsigned(t, map[string]any{"alg": "HS256", "kid": "rsa-1"}, map[string]any{"iss": p.URL, "aud": audience, "sub": "alice", "exp": exp},
		func(input string) string {
			m := hmac.New(sha256.New, der)
			m.Write([]byte(input))
			return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
		})
	none := unsigned(t, map[string]any{"alg": "none", "kid": "rsa-1"}, map[string]any{"iss": p.URL, "aud": audience, "sub": "alice", "exp": exp},
		func(string) string { return "" })

	tests := []struct {
		name  string
		token string
		want  oidc.Refusal
	}{
		{"an RS256 token", valid, ""},
		{"an ES256 token", p.Sign(t, "ec-1", oidcprovider.Claims{"sub": "alice"}), ""},
		{"aud a list holding the audience", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "aud": []string{"x", audience}}), ""},
		{"no aud, client_id the audience (Cognito)", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "aud": nil, "client_id": audience}), ""},
		{"expired within the leeway", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "exp": now.Add(-10 * time.Second).Unix()}), ""},
		{"one of several audiences", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "aud": "console"}), ""},
		{"another audience", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "aud": "https://other.example.com"}), oidc.RefusedAudience},
		{"no aud, another client_id", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "aud": nil, "client_id": "other"}), oidc.RefusedAudience},
		{"no aud nor client_id", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "aud": nil}), oidc.RefusedAudience},
		{"another issuer", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "iss": "https://evil.example.com"}), oidc.RefusedIssuer},
		{"expired", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "exp": now.Add(-time.Minute).Unix()}), oidc.RefusedExpired},
		{"no exp", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "exp": nil}), oidc.RefusedMalformed},
		{"not yet valid", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "nbf": now.Add(time.Minute).Unix()}), oidc.RefusedNotYet},
		{"an ID token (Cognito)", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "token_use": "id"}), oidc.RefusedNotAccess},
		{"an ID token (Keycloak)", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "typ": "ID"}), oidc.RefusedNotAccess},
		{"an ID token (at_hash)", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "at_hash": "x"}), oidc.RefusedNotAccess},
		{"exp a string", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "exp": "9999999999"}), oidc.RefusedMalformed},
		{"exp beyond year 5000", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "exp": 1e12}), oidc.RefusedMalformed},
		{"exp negative", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice", "exp": -1}), oidc.RefusedMalformed},
		{"a subject that is not a string", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": 42}), oidc.RefusedSubject},
		{"an unknown critical header", signWithHeader(t, p, map[string]any{"crit": []string{"x-unknown"}, "x-unknown": 1}), oidc.RefusedSignature},
		{"an embedded jwk is never trusted", embeddedJWK(t, p), oidc.RefusedUnknownKey},
		{"no subject", p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": nil}), oidc.RefusedSubject},
		{"alg none", none, oidc.RefusedAlgorithm},
		{"HS256 keyed with the public key", hs256, oidc.RefusedAlgorithm},
		{"altered claims", parts[0] + "." + otherPayload + "." + parts[2], oidc.RefusedSignature},
		{"a cut signature", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4], oidc.RefusedSignature},
		{"a key's kid with another key's algorithm", p.Sign(t, "ec-1", oidcprovider.Claims{"sub": "alice"})[:0] + resign(t, p, valid), oidc.RefusedUnknownKey},
		{"not a JWT", "sk_abc", oidc.RefusedMalformed},
		{"two dots, not base64url", "a.b!.c", oidc.RefusedMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(t.Context(), tt.token, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.Refusal != tt.want {
				t.Errorf("got %q, want %q", got.Refusal, tt.want)
			}
			if tt.want == "" && got.Claims.Subject != "alice" {
				t.Errorf("subject %q, want alice", got.Claims.Subject)
			}
		})
	}
}

// resign returns token's header and payload with the header's alg set to
// ES256 while kid stays rsa-1 (an RSA key): no key of the set verifies
// that pair.
func resign(tb testing.TB, p *oidcprovider.Provider, token string) string {
	tb.Helper()
	return unsigned(tb, map[string]any{"alg": "ES256", "kid": "rsa-1"}, map[string]any{"iss": p.URL, "aud": audience, "sub": "alice", "exp": time.Now().Add(time.Hour).Unix()},
		func(string) string { return base64.RawURLEncoding.EncodeToString(make([]byte, 64)) })
}

// TestScopes: scope and scp are read, and a prefix keeps its own.
func TestScopes(t *testing.T) {
	p := oidcprovider.New(t, audience)
	plain := newVerifier(t, p, oidc.Config{})
	prefixed := newVerifier(t, p, oidc.Config{ScopePrefix: "keygate/"})
	tests := []struct {
		name   string
		v      *oidc.Verifier
		claims oidcprovider.Claims
		want   []string
	}{
		{"scope, space-separated", plain, oidcprovider.Claims{"scope": "read  write:projects"}, []string{"read", "write:projects"}},
		{"scp, a list", plain, oidcprovider.Claims{"scp": []string{"read", "admin"}}, []string{"read", "admin"}},
		{"none", plain, oidcprovider.Claims{}, []string{}},
		{"a prefix keeps its scopes only", prefixed, oidcprovider.Claims{"scope": "keygate/admin openid keygate/read:users"}, []string{"admin", "read:users"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.claims["sub"] = "alice"
			got, err := tt.v.Verify(t.Context(), p.Sign(t, "rsa-1", tt.claims), time.Now())
			if err != nil || got.Refusal != "" {
				t.Fatalf("got %v, %v", got, err)
			}
			if !slices.Equal(got.Claims.Scopes, tt.want) {
				t.Errorf("got %q, want %q", got.Claims.Scopes, tt.want)
			}
		})
	}
}

// TestKeyRotation: an unknown kid reads the JWKS again once — a key the
// provider published since verifies — and a second unknown kid within
// MinRefetch is refused without reading it again.
func TestKeyRotation(t *testing.T) {
	p := oidcprovider.New(t, audience)
	c := newClock()
	v := newVerifierAt(t, p, oidc.Config{}, c.now)
	c.advance(oidc.MinRefetch)
	p.AddKey(t, "rsa-2", jose.RS256, false)
	p.AddKey(t, "rsa-3", jose.RS256, false)
	start := p.JWKSReads.Load()
	p.Publish("rsa-2")
	if got, err := v.Verify(t.Context(), p.Sign(t, "rsa-2", oidcprovider.Claims{"sub": "alice"}), time.Now()); err != nil || got.Refusal != "" {
		t.Fatalf("a newly published key: got %v, %v", got, err)
	}
	if got := p.JWKSReads.Load() - start; got != 1 {
		t.Errorf("JWKS reads for a new kid: got %d, want 1", got)
	}
	for range 5 {
		got, err := v.Verify(t.Context(), p.Sign(t, "rsa-3", oidcprovider.Claims{"sub": "alice"}), time.Now())
		if err != nil || got.Refusal != oidc.RefusedUnknownKey {
			t.Fatalf("an unpublished key: got %v, %v, want %s", got, err, oidc.RefusedUnknownKey)
		}
	}
	if got := p.JWKSReads.Load() - start; got != 1 {
		t.Errorf("JWKS reads after unknown kids within %s: got %d, want still 1", oidc.MinRefetch, got)
	}
	for range 3 {
		if got, err := v.Verify(t.Context(), p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice"}), time.Now()); err != nil || got.Refusal != "" {
			t.Fatalf("a known key: got %v, %v", got, err)
		}
	}
	if got := p.JWKSReads.Load() - start; got != 1 {
		t.Errorf("JWKS reads for known keys: got %d, want none more", got)
	}
}

// TestProviderDown: a provider down at start does not stop the start (keys
// keep working); a token is refused until MinRefetch has passed, then reads
// it again, and fails closed (an error) while it stays down.
func TestProviderDown(t *testing.T) {
	p := oidcprovider.New(t, audience)
	p.Down.Store(true)
	c := newClock()
	v := newVerifierAt(t, p, oidc.Config{}, c.now)
	if got, err := v.Verify(t.Context(), p.Token(t, "alice", "", time.Hour), time.Now()); err != nil || got.Refusal != oidc.RefusedUnknownKey {
		t.Fatalf("within %s of the failed start: got %v, %v, want %s without reading again", oidc.MinRefetch, got, err, oidc.RefusedUnknownKey)
	}
	c.advance(oidc.MinRefetch)
	if _, err := v.Verify(t.Context(), p.Token(t, "alice", "", time.Hour), time.Now()); err == nil {
		t.Fatal("a token while the provider is down: no error, want one (the authorizer answers 500)")
	}
}

// TestConfig: the issuer and the JWKS are https, http only for a loopback
// provider of the local stack; an audience is required.
func TestConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  oidc.Config
		ok   bool
	}{
		{"http loopback, local", oidc.Config{Issuer: "http://127.0.0.1:1", Audience: "a", JWKSURL: "http://127.0.0.1:1/jwks", AllowLoopbackHTTP: true}, true},
		{"http loopback on AWS", oidc.Config{Issuer: "http://127.0.0.1:1", Audience: "a", JWKSURL: "http://127.0.0.1:1/jwks"}, false},
		{"http elsewhere, local", oidc.Config{Issuer: "http://idp.example.com", Audience: "a", JWKSURL: "http://127.0.0.1:1/jwks", AllowLoopbackHTTP: true}, false},
		{"no audience", oidc.Config{Issuer: "https://127.0.0.1:1", JWKSURL: "https://127.0.0.1:1/jwks"}, false},
		{"credentials in the URL", oidc.Config{Issuer: "https://u:p@idp.example.com", Audience: "a", JWKSURL: "https://127.0.0.1:1/jwks"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := oidc.New(t.Context(), tt.cfg, nil, nil, nil)
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// signWithHeader mints a token of rsa-1 with extra protected headers.
func signWithHeader(tb testing.TB, p *oidcprovider.Provider, extra map[string]any) string {
	tb.Helper()
	return p.SignWithHeaders(tb, "rsa-1", oidcprovider.Claims{"sub": "alice"}, extra)
}

// embeddedJWK signs a token with an attacker's key, names it in the header
// (jwk) with a kid the provider does not publish, and expects it refused.
func embeddedJWK(tb testing.TB, p *oidcprovider.Provider) string {
	tb.Helper()
	attacker := oidcprovider.New(tb, audience)
	pub := attacker.PublicKey("rsa-1")
	return attacker.SignWithHeaders(tb, "rsa-1", oidcprovider.Claims{"sub": "alice", "iss": p.URL}, map[string]any{"jwk": pub, "kid": "attacker"})
}

// TestSlowProviderNeverDelaysAKnownKey: once the set has aged, a request on
// a known key starts a background read and does not wait for it, however
// slow the provider; a provider that keeps failing is read at most every
// MinRefetch.
func TestSlowProviderNeverDelaysAKnownKey(t *testing.T) {
	p := oidcprovider.New(t, audience)
	c := newClock()
	v := newVerifierAt(t, p, oidc.Config{}, c.now)
	token := p.Sign(t, "rsa-1", oidcprovider.Claims{"sub": "alice"})
	c.advance(oidc.MaxAge)
	p.Delay.Store(int64(3 * time.Second))
	p.Down.Store(true)
	start := p.Requests.Load()
	for range 20 {
		began := time.Now()
		got, err := v.Verify(t.Context(), token, time.Now())
		if err != nil || got.Refusal != "" {
			t.Fatalf("got %v, %v", got, err)
		}
		if waited := time.Since(began); waited > time.Second {
			t.Fatalf("a known key waited %s for the provider", waited)
		}
	}
	time.Sleep(3500 * time.Millisecond) // the one background read ends
	if got := p.Requests.Load() - start; got > 1 {
		t.Errorf("provider reads while it fails: got %d within %s, want at most 1", got, oidc.MinRefetch)
	}
}
