package config_test

import (
	"encoding/json"
	"strings"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/oidcprovider"
	"keygate/shared/openapi/openapitest"
)

// TestConsoleSignIn: GET /open/console/signin.json names the provider's
// endpoints (from its discovery document), the page's client and the scope
// it asks for, and the page's CSP lets it reach the token endpoint only;
// without JwtConsoleClientId, or a provider that cannot be read, the page
// signs in with console links only and its CSP is 'self' alone.
func TestConsoleSignIn(t *testing.T) {
	p := oidcprovider.New(t, "api")
	down := oidcprovider.New(t, "api")
	down.Down.Store(true)
	tests := []struct {
		name         string
		env          map[string]string
		wantProvider bool
	}{
		{"configured", map[string]string{"JWT_ISSUER": p.URL, "JWT_CONSOLE_CLIENT_ID": "console", "JWT_SCOPE_PREFIX": "keygate/", "JWT_ALLOW_LOOPBACK_HTTP": "true"}, true},
		{"tokens on, no page client", map[string]string{"JWT_ISSUER": p.URL, "JWT_ALLOW_LOOPBACK_HTTP": "true"}, false},
		{"off", nil, false},
		{"the provider cannot be read", map[string]string{"JWT_ISSUER": down.URL, "JWT_CONSOLE_CLIENT_ID": "console", "JWT_ALLOW_LOOPBACK_HTTP": "true"}, false},
		{"an http provider on AWS", map[string]string{"JWT_ISSUER": p.URL, "JWT_CONSOLE_CLIENT_ID": "console"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFunction(t, tt.env)
			v := openapitest.New(t)
			resp := handle(t, f, v, fntest.Request{Method: "GET", Path: "/open/console/signin.json"})
			var got struct {
				Provider *struct {
					AuthorizationEndpoint, TokenEndpoint, ClientID, Scope string
				} `json:"provider"`
			}
			if resp.StatusCode != 200 || json.Unmarshal([]byte(resp.Body), &got) != nil {
				t.Fatalf("got %d %s", resp.StatusCode, resp.Body)
			}
			page, err := f.Handle(t.Context(), fntest.Request{Method: "GET", Path: "/open/console"}.Event())
			if err != nil {
				t.Fatal(err)
			}
			csp := fntest.Header(page, "Content-Security-Policy")
			if !tt.wantProvider {
				if got.Provider != nil || !strings.Contains(csp, "connect-src 'self';") {
					t.Errorf("got %+v, CSP %q; want no provider and connect-src 'self' alone", got.Provider, csp)
				}
				return
			}
			want := "openid keygate/read keygate/write keygate/admin keygate/webhook"
			if got.Provider == nil || got.Provider.AuthorizationEndpoint != p.URL+"/authorize" || got.Provider.TokenEndpoint != p.URL+"/token" ||
				got.Provider.ClientID != "console" || got.Provider.Scope != want {
				t.Errorf("got %+v, want the stand-in's endpoints, client console, scope %q", got.Provider, want)
			}
			if !strings.Contains(csp, "connect-src 'self' "+p.URL+";") {
				t.Errorf("CSP %q: want connect-src 'self' %s", csp, p.URL)
			}
		})
	}
}
