package e2e

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"keygate/dev/testkit/oidcprovider"
	"keygate/shared/keys"
)

const tokenAudience = "keygate-api"

// tokenStack is a stack whose gateway accepts the stand-in provider's
// access tokens beside keys.
type tokenStack struct {
	s   *stack
	p   *oidcprovider.Provider
	srv server
}

func newTokenStack(t *testing.T, params map[string]string) *tokenStack {
	t.Helper()
	p := oidcprovider.New(t, tokenAudience)
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner, "ws2": keys.RoleReadOnly})
	s.user(t, "bob", map[string]keys.Role{"ws3": keys.RoleOwner})
	if err := s.st.PutUser(t.Context(), keys.User{ID: "carol", Name: "carol", Email: "carol@example.com", CreatedAt: time.Now(), Disabled: true}); err != nil {
		t.Fatal(err)
	}
	all := map[string]string{"JwtIssuer": p.URL, "JwtAudience": tokenAudience}
	for k, v := range params {
		all[k] = v
	}
	return &tokenStack{s: s, p: p, srv: s.gateway(t, all)}
}

// token mints a token (kept for the log check) for sub with scope.
func (ts *tokenStack) token(t *testing.T, claims oidcprovider.Claims) string {
	t.Helper()
	tok := ts.p.Sign(t, "rsa-1", claims)
	ts.s.tokens = append(ts.s.tokens, tok)
	return tok
}

// TestAccessTokens: the provider's access tokens beside keys, through the
// local gateway with the authorizer cache off and on — the same refusals
// (the spec's 401 for a bad token, its 403 for a subject keygate refuses),
// the same scopes, workspaces and roles as keys.
func TestAccessTokens(t *testing.T) {
	for _, cache := range []struct{ name, ttl string }{{"cache off", "0"}, {"cache on", "300"}} {
		t.Run(cache.name, func(t *testing.T) {
			ts := newTokenStack(t, map[string]string{"AuthorizerCacheTtl": cache.ttl})
			now := time.Now()
			hour := now.Add(time.Hour).Unix()
			valid := ts.token(t, oidcprovider.Claims{"sub": "alice", "scope": "openid read write admin", "exp": hour})
			parts := strings.Split(valid, ".")
			var payload map[string]any
			raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
			_ = json.Unmarshal(raw, &payload)
			payload["sub"] = "bob"
			forged, _ := json.Marshal(payload)
			altered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]
			noneHeader, _ := json.Marshal(map[string]string{"alg": "none", "kid": "rsa-1"})
			none := base64.RawURLEncoding.EncodeToString(noneHeader) + "." + parts[1] + "."
			ts.p.AddKey(t, "rsa-unpublished", jose.RS256, false)

			refused := []struct{ name, token string }{
				{"another audience", ts.token(t, oidcprovider.Claims{"sub": "alice", "aud": "other-api", "exp": hour})},
				{"another issuer", ts.token(t, oidcprovider.Claims{"sub": "alice", "iss": "https://evil.example.com", "exp": hour})},
				{"expired", ts.token(t, oidcprovider.Claims{"sub": "alice", "exp": now.Add(-time.Hour).Unix()})},
				{"alg none", none},
				{"altered claims", altered},
				{"an unknown kid", ts.p.Sign(t, "rsa-unpublished", oidcprovider.Claims{"sub": "alice", "exp": hour})},
			}
			for _, tt := range refused {
				t.Run("401: "+tt.name, func(t *testing.T) {
					if r := ts.srv.do(t, "GET", "/open/auth/whoami", tt.token, ""); r.status != http.StatusUnauthorized || r.body != spec401 {
						t.Errorf("got %d %q, want the spec's 401", r.status, r.body)
					}
				})
			}
			forbidden := []struct{ name, token string }{
				{"an unknown subject", ts.token(t, oidcprovider.Claims{"sub": "mallory", "exp": hour})},
				{"a disabled subject", ts.token(t, oidcprovider.Claims{"sub": "carol", "exp": hour})},
			}
			for _, tt := range forbidden {
				t.Run("403: "+tt.name, func(t *testing.T) {
					if r := ts.srv.do(t, "GET", "/open/auth/whoami", tt.token, ""); r.status != http.StatusForbidden || r.body != spec403 {
						t.Errorf("got %d %q, want the spec's 403", r.status, r.body)
					}
				})
			}
			t.Run("a valid token is its user, with its scopes", func(t *testing.T) {
				for range 2 { // the second answered from the cache when it is on
					var who struct {
						UserID string   `json:"userId"`
						KeyID  string   `json:"keyId"`
						Scopes []string `json:"scopes"`
					}
					r := ts.srv.do(t, "GET", "/open/auth/whoami", valid, "")
					if r.status != http.StatusOK {
						t.Fatalf("got %d %s", r.status, r.body)
					}
					r.decode(t, &who)
					if who.UserID != "alice" || who.KeyID != keys.TokenUseID("alice") || strings.Join(who.Scopes, ",") != "read,write,admin" {
						t.Errorf("got %+v, want alice, her token id, read,write,admin (openid dropped)", who)
					}
				}
			})
			readOnly := ts.token(t, oidcprovider.Claims{"sub": "alice", "scope": "read", "exp": hour})
			for _, tt := range []struct {
				name, method, path, token string
				want                      int
			}{
				{"her workspace", "GET", "/open/workspace/ws1", valid, 200},
				{"another user's workspace", "GET", "/open/workspace/ws3", valid, 403},
				{"a read scope reads", "GET", "/open/workspace/ws1", readOnly, 200},
				{"keys need admin", "GET", "/open/apikeys", readOnly, 403},
				{"admin lists keys", "GET", "/open/apikeys", valid, 200},
			} {
				t.Run(tt.name, func(t *testing.T) {
					if r := ts.srv.do(t, tt.method, tt.path, tt.token, ""); r.status != tt.want {
						t.Errorf("got %d %s, want %d", r.status, r.body, tt.want)
					}
				})
			}
			t.Run("an admin-scoped token manages keys, within its own scopes", func(t *testing.T) {
				r := ts.srv.do(t, "POST", "/open/apikeys", valid, `{"name":"from a token","scopes":["read"]}`)
				if r.status != http.StatusCreated {
					t.Fatalf("create: got %d %s", r.status, r.body)
				}
				var created struct {
					APIKey    string     `json:"apiKey"`
					ExpiresAt *time.Time `json:"expiresAt"`
				}
				r.decode(t, &created)
				ts.s.tokens = append(ts.s.tokens, created.APIKey)
				if created.ExpiresAt == nil || created.ExpiresAt.After(time.Now().Add(keys.TokenKeyMaxLifetime)) {
					t.Errorf("a key made by a token expires at %v, want within %s: a stolen token mints no key that never expires", created.ExpiresAt, keys.TokenKeyMaxLifetime)
				}
				later := time.Now().Add(keys.TokenKeyMaxLifetime + 24*time.Hour).UTC().Format(time.RFC3339)
				if r := ts.srv.do(t, "POST", "/open/apikeys", valid, `{"name":"later","scopes":["read"],"expiresAt":"`+later+`"}`); r.status != http.StatusForbidden {
					t.Errorf("a key beyond the token's bound: got %d %s, want 403", r.status, r.body)
				}
				if r := ts.srv.do(t, "GET", "/open/workspace/ws1", created.APIKey, ""); r.status != http.StatusOK {
					t.Errorf("the key made by a token: got %d %s", r.status, r.body)
				}
				r = ts.srv.do(t, "POST", "/open/apikeys", valid, `{"name":"wider","scopes":["webhook"]}`)
				if r.status != http.StatusForbidden || r.header.Get("X-Keygate-Reason") != string(keys.ReasonScopeNotHeld) {
					t.Errorf("a scope the token lacks: got %d %s (%s), want 403 %s", r.status, r.body, r.header.Get("X-Keygate-Reason"), keys.ReasonScopeNotHeld)
				}
				if r := ts.srv.do(t, "DELETE", "/open/apikeys/"+keys.TokenUseID("alice"), valid, ""); r.status != http.StatusNotFound {
					t.Errorf("deleting the token-use item as a key: got %d %s, want 404", r.status, r.body)
				}
			})
			t.Run("a key is still a key", func(t *testing.T) {
				if r := ts.srv.do(t, "GET", "/open/auth/whoami", ts.s.key(t, "alice"), ""); r.status != http.StatusOK {
					t.Errorf("got %d %s", r.status, r.body)
				}
			})
		})
	}
}

// TestAccessTokenCache: with the authorizer cache on, a token that expires
// within the cache's TTL is refused, so no cached Allow outlives its token;
// with the cache off it is accepted until its exp.
func TestAccessTokenCache(t *testing.T) {
	for _, tt := range []struct {
		ttl  string
		want int
	}{{"300", http.StatusUnauthorized}, {"0", http.StatusOK}} {
		t.Run("AuthorizerCacheTtl="+tt.ttl, func(t *testing.T) {
			ts := newTokenStack(t, map[string]string{"AuthorizerCacheTtl": tt.ttl})
			short := ts.token(t, oidcprovider.Claims{"sub": "alice", "scope": "read", "exp": time.Now().Add(2 * time.Minute).Unix()})
			if r := ts.srv.do(t, "GET", "/open/auth/whoami", short, ""); r.status != tt.want {
				t.Errorf("a token with 2 minutes left: got %d %s, want %d", r.status, r.body, tt.want)
			}
		})
	}
}

// TestAccessTokenLimits: a user's tokens share TokenRateLimit, answered 429
// in the envelope as a key's limit is, and keys a token makes draw on it.
func TestAccessTokenLimits(t *testing.T) {
	ts := newTokenStack(t, map[string]string{"TokenRateLimit": "3/m"})
	hour := time.Now().Add(time.Hour).Unix()
	a := ts.token(t, oidcprovider.Claims{"sub": "alice", "scope": "read admin", "exp": hour})
	b := ts.token(t, oidcprovider.Claims{"sub": "alice", "scope": "read", "exp": hour, "jti": "another"})
	var got []int
	for _, tok := range []string{a, b, a, b} {
		got = append(got, ts.srv.do(t, "GET", "/open/auth/whoami", tok, "").status)
	}
	if got[0] != 200 || got[1] != 200 || got[2] != 200 || got[3] != http.StatusTooManyRequests {
		t.Errorf("statuses %v, want 200 200 200 429: her tokens share one budget", got)
	}
	bobs := ts.token(t, oidcprovider.Claims{"sub": "bob", "scope": "read", "exp": hour})
	if r := ts.srv.do(t, "GET", "/open/auth/whoami", bobs, ""); r.status != http.StatusOK {
		t.Errorf("another user's token: got %d, want 200 (budgets are per user)", r.status)
	}
}

// TestKeysMadeByTokensDrawOnTheTokenBudget: a key an access token makes
// holds at most the token limits (without its own, it gets them), and its
// uses are taken from its user's token budget too, so making keys never
// multiplies that budget.
func TestKeysMadeByTokensDrawOnTheTokenBudget(t *testing.T) {
	ts := newTokenStack(t, map[string]string{"TokenRateLimit": "4/m"})
	admin := ts.token(t, oidcprovider.Claims{"sub": "alice", "scope": "read admin", "exp": time.Now().Add(time.Hour).Unix()})
	r := ts.srv.do(t, "POST", "/open/apikeys", admin, `{"name":"k","scopes":["read"]}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: got %d %s", r.status, r.body)
	}
	var created struct {
		APIKey    string `json:"apiKey"`
		RateLimit *struct {
			Limit int `json:"limit"`
		} `json:"rateLimit"`
	}
	r.decode(t, &created)
	ts.s.tokens = append(ts.s.tokens, created.APIKey)
	if created.RateLimit == nil || created.RateLimit.Limit != 4 {
		t.Errorf("the key's rate limit: got %+v, want the token limits' 4", created.RateLimit)
	}
	if r := ts.srv.do(t, "POST", "/open/apikeys", admin, `{"name":"wider","scopes":["read"],"rateLimit":{"limit":40,"windowSeconds":60,"burst":40}}`); r.status != http.StatusForbidden {
		t.Errorf("a key above the token limits: got %d %s, want 403", r.status, r.body)
	}
	// Two token requests so far (the creates); the key's two take the
	// budget's last two; the token's next is over it.
	var got []int
	for _, tok := range []string{created.APIKey, created.APIKey, admin} {
		got = append(got, ts.srv.do(t, "GET", "/open/auth/whoami", tok, "").status)
	}
	if got[0] != 200 || got[1] != 200 || got[2] != http.StatusTooManyRequests {
		t.Errorf("statuses %v, want 200 200 429: the key's uses came from the token budget", got)
	}
}
