package authorizer_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/dev/testkit/iamcheck"
	"keygate/shared/access"
	"keygate/shared/assertion"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

func TestUpstreamConfigFrom(t *testing.T) {
	base := map[string]string{"TABLE_NAME": "t", "UPSTREAM_URL": "https://api.example.com", "SIGNING_KEY_FILE": "/data/k.json"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name         string
		env          map[string]string
		wantErr      bool
		wantLifetime time.Duration
	}{
		{"no upstream: no assertion", map[string]string{"TABLE_NAME": "t"}, false, 0},
		{"cache TTL unset: lifetime covers the longest TTL", base, false, time.Hour + assertion.LifetimeMargin},
		{"default lifetime above TTL plus margin", with("AUTHORIZER_CACHE_TTL", "300"), false, authorizer.DefaultAssertionLifetime},
		{"lifetime raised to TTL plus margin", with("AUTHORIZER_CACHE_TTL", "600", "ASSERTION_LIFETIME", "120"), false, 660 * time.Second},
		{"cache off: lifetime as set", with("AUTHORIZER_CACHE_TTL", "0", "ASSERTION_LIFETIME", "60"), false, time.Minute},
		{"lifetime too short", with("ASSERTION_LIFETIME", "59"), true, 0},
		{"lifetime too long", with("ASSERTION_LIFETIME", "3661"), true, 0},
		{"upstream not a URL", with("UPSTREAM_URL", "upstream.example.com"), true, 0},
		{"upstream ftp", with("UPSTREAM_URL", "ftp://upstream.example.com"), true, 0},
		{"no key source", with("SIGNING_KEY_FILE", ""), true, 0},
		{"two key sources", with("SIGNING_KEY_SECRET", "arn:aws:secretsmanager:us-east-1:123456789012:secret:k"), true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := configOf(tt.env)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error %v", err, tt.wantErr)
			}
			if got := cfg.Upstream.Lifetime; err == nil && got != tt.wantLifetime {
				t.Errorf("lifetime: got %v, want %v", got, tt.wantLifetime)
			}
		})
	}
}

// TestAllowCarriesAssertion wires the authorizer as the Lambda does, with a
// key file, and checks that an Allow's assertion verifies against the keys
// the start published, with the claims the upstream relies on.
func TestAllowCarriesAssertion(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("u1", map[string]keys.Role{"ws1": keys.RoleOwner, "ws2": keys.RoleReadOnly})
	k := f.key("u1", []keys.Scope{keys.ScopeRead, keys.ScopeWrite}, nil)
	keyFile := filepath.Join(t.TempDir(), "signing-key.json")
	if err := assertion.EnsureFile(keyFile); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	env := map[string]string{"TABLE_NAME": f.table, "UPSTREAM_URL": "https://upstream.example.com", "SIGNING_KEY_FILE": keyFile, "AUTHORIZER_CACHE_TTL": "300"}
	h, err := authorizer.Wire(t.Context(), lambdaenv.Deps{Env: lambdaenv.Map(env), Logger: testLogger(f), Now: func() time.Time { return now }},
		f.calls.counting(f.client))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.Handle(t.Context(), request("Bearer "+k.Token))
	// The start's publication and the verification (the cache on, then
	// off) are granted by the template's statements for a stack with an
	// upstream, and use every DynamoDB grant (the secret is read from a
	// file here).
	reqs := f.calls.takeRequests()
	env["AUTHORIZER_CACHE_TTL"] = "0"
	off, err2 := authorizer.Wire(t.Context(), lambdaenv.Deps{Env: lambdaenv.Map(env), Logger: testLogger(f), Now: func() time.Time { return now }},
		f.calls.counting(f.client))
	if err2 != nil {
		t.Fatal(err2)
	}
	if got := decision(off.Handle(t.Context(), request("Bearer "+k.Token))); got != "allow" {
		t.Fatalf("cache off: got %s, want allow", got)
	}
	// A hot key with lanes: its first use learns of them, and its item is
	// read again once LaneRefresh has passed.
	hot := f.key("u1", []keys.Scope{keys.ScopeRead}, nil)
	if _, err := f.seed.SetLanes(t.Context(), "u1", hot.ID, 2, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if i > 0 {
			time.Sleep(keys.LaneRefresh)
		}
		if got := decision(off.Handle(t.Context(), request("Bearer "+hot.Token))); got != "allow" {
			t.Fatalf("laned key, use %d: got %s, want allow", i, got)
		}
	}
	reqs = append(reqs, f.calls.takeRequests()...)
	statements := iamcheck.StatementsWith(t, "AuthorizerFunction", map[string]string{"UpstreamUrl": "https://upstream.example.com"})
	iamcheck.AssertAllowed(t, statements, "AuthorizerFunction", reqs)
	iamcheck.AssertAllUsed(t, statements, "AuthorizerFunction", reqs, nil)
	if got := decision(resp, err); got != "allow" {
		t.Fatalf("got %s, want allow", got)
	}
	tok, _ := resp.Context[access.KeyAssertion].(string)
	published, err := f.seed.SigningKeys(t.Context(), now)
	if err != nil || len(published) != 1 {
		t.Fatalf("published keys: %v, %v", published, err)
	}
	jwk, err := assertion.ParseJWK(published[0].JWK)
	if err != nil {
		t.Fatal(err)
	}
	claims := verifyEdDSA(t, tok, jwk)
	want := map[string]any{
		"iss": "https://abcdef1234.execute-api.us-east-1.amazonaws.com/v1", "aud": "https://upstream.example.com",
		"sub": "u1", "keyId": k.ID, "scopes": []any{"read", "write"},
		"workspaces": map[string]any{"ws1": "owner", "ws2": "readOnly"},
		"iat":        float64(now.Unix()), "exp": float64(now.Add(authorizer.DefaultAssertionLifetime).Unix()),
	}
	g, _ := json.Marshal(claims)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("claims\n got %s\nwant %s", g, w)
	}
	t.Run("a start without a readable key file fails", func(t *testing.T) {
		env := map[string]string{"TABLE_NAME": f.table, "UPSTREAM_URL": "https://upstream.example.com", "SIGNING_KEY_FILE": filepath.Join(t.TempDir(), "none.json")}
		if _, err := authorizer.Wire(t.Context(), lambdaenv.Deps{Env: lambdaenv.Map(env), Logger: testLogger(f)}, f.client); err == nil {
			t.Error("got nil error, want the start to fail")
		}
	})
}

// verifyEdDSA checks an EdDSA JWT against one public JWK by hand and returns
// its claims.
func verifyEdDSA(tb testing.TB, tok string, jwk assertion.JWK) map[string]any {
	tb.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		tb.Fatalf("assertion %q: want three parts", tok)
	}
	var hdr map[string]any
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if err := json.Unmarshal(hb, &hdr); err != nil || hdr["alg"] != "EdDSA" || hdr["kid"] != jwk.Kid {
		tb.Fatalf("header %s", hb)
	}
	x, _ := base64.RawURLEncoding.DecodeString(jwk.X)
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if !ed25519.Verify(x, []byte(parts[0]+"."+parts[1]), sig) {
		tb.Fatal("signature does not verify")
	}
	var c map[string]any
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(pb, &c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// testLogger logs into f's buffer, whose lines checkLogs inspects.
func testLogger(f *fixture) *slog.Logger { return slog.New(slog.NewJSONHandler(f.logs, nil)) }
