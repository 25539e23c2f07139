package upstream_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"keygate/examples/upstream"
	"keygate/shared/access"
	"keygate/shared/assertion"
	"keygate/shared/keys"
)

const (
	issuer   = "https://abc123.execute-api.us-east-1.amazonaws.com/prod"
	audience = "https://tianji.example.com"
)

// keySet is a key set with its holder, as the authorizer has it.
func keySet(tb testing.TB) *assertion.Holder {
	tb.Helper()
	set := assertion.NewKeySet().Marshal()
	h, err := assertion.NewHolder(context.Background(), func(context.Context) ([]byte, error) { return set, nil }, time.Now(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// jwksServer serves the public keys of h as keygate's JWKS endpoint does.
func jwksServer(tb testing.TB, h *assertion.Holder) string {
	tb.Helper()
	var set assertion.JWKS
	for _, p := range h.Keys().Published() {
		set.Keys = append(set.Keys, p.Key.PublicJWK())
	}
	body, _ := json.Marshal(set)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) }))
	tb.Cleanup(srv.Close)
	return srv.URL
}

func sign(tb testing.TB, h *assertion.Holder, aud, iss string, at time.Time) string {
	tb.Helper()
	s := assertion.NewSigner(h, iss, aud, 6*time.Minute)
	tok, err := s.For(assertion.Claims{UserID: "u1", KeyID: "k1", Scopes: []keys.Scope{keys.ScopeRead}}, at).
		Assert([]access.WorkspaceRole{{WorkspaceID: "ws1", Role: keys.RoleOwner}}, false)
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

func TestVerify(t *testing.T) {
	h := keySet(t)
	url := jwksServer(t, h)
	now := time.Now()
	good := sign(t, h, audience, issuer, now)

	t.Run("accepts keygate's assertion", func(t *testing.T) {
		v := upstream.NewVerifier(url, issuer, audience, nil)
		id, err := v.Verify(t.Context(), good)
		if err != nil {
			t.Fatal(err)
		}
		if id.UserID != "u1" || id.KeyID != "k1" || id.Workspaces["ws1"] != "owner" || len(id.Scopes) != 1 {
			t.Errorf("got %+v", id)
		}
	})

	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forgedPayload := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"sub":"u1"`, `"sub":"admin"`, 1)))
	other := keySet(t) // a key keygate never published
	jwk := h.Keys().Published()[0].Key.PublicJWK()
	pub, _ := base64.RawURLEncoding.DecodeString(jwk.X)
	hmacSigner, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pub}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", jwk.Kid))
	hmacToken, _ := jwt.Signed(hmacSigner).Claims(jwt.Claims{Issuer: issuer, Audience: jwt.Audience{audience}, Subject: "u1",
		Expiry: jwt.NewNumericDate(now.Add(time.Minute)), IssuedAt: jwt.NewNumericDate(now)}).Claims(map[string]any{"keyId": "k1"}).Serialize()
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"`+jwk.Kid+`","typ":"JWT"}`)) + "." + parts[1] + "."

	tests := []struct {
		name    string
		token   string
		wantErr error
	}{
		{"alg none", none, upstream.ErrInvalid},
		{"HS256 keyed with the public key", hmacToken, upstream.ErrInvalid},
		{"another audience", sign(t, h, "https://other.example.com", issuer, now), upstream.ErrInvalid},
		{"another issuer", sign(t, h, audience, "https://evil.example.com/prod", now), upstream.ErrInvalid},
		{"expired", sign(t, h, audience, issuer, now.Add(-7*time.Minute)), upstream.ErrInvalid},
		{"issued in the future", sign(t, h, audience, issuer, now.Add(2*time.Minute)), upstream.ErrInvalid},
		{"unknown kid", sign(t, other, audience, issuer, now), upstream.ErrUnknownKey},
		{"payload altered", parts[0] + "." + forgedPayload + "." + parts[2], upstream.ErrInvalid},
		{"signature cut", parts[0] + "." + parts[1] + ".", upstream.ErrInvalid},
		{"empty", "", upstream.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run("rejects "+tt.name, func(t *testing.T) {
			v := upstream.NewVerifier(url, issuer, audience, nil)
			if _, err := v.Verify(t.Context(), tt.token); !errors.Is(err, tt.wantErr) {
				t.Errorf("got %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestMiddleware(t *testing.T) {
	h := keySet(t)
	v := upstream.NewVerifier(jwksServer(t, h), issuer, audience, nil)
	srv := httptest.NewServer(v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := upstream.IdentityFrom(r.Context())
		_, _ = w.Write([]byte(id.UserID))
	})))
	t.Cleanup(srv.Close)
	good := sign(t, h, audience, issuer, time.Now())
	for _, tt := range []struct {
		name, path, token string
		want              int
	}{
		{"member's workspace", "/open/workspace/ws1/items", good, 200},
		{"another workspace", "/open/workspace/ws2/items", good, 403},
		{"no assertion", "/open/workspace/ws1/items", "", 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+tt.path, nil)
			if tt.token != "" {
				req.Header.Set(upstream.AssertionHeader, tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("got %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}
