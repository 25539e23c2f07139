package access

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"keygate/shared/keys"
	"keygate/shared/routes"
)

// policyAllows is IAM's evaluation of an Allow-only policy for one method
// and path of testBase: some resource matches, with * any run of
// characters and ? one.
func policyAllows(tb testing.TB, resources []string, method, path string) bool {
	tb.Helper()
	arn := testBase + "/" + method + path
	for _, r := range resources {
		re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(r)) + "$"
		if regexp.MustCompile(re).MatchString(arn) {
			return true
		}
	}
	return false
}

// TestAllowSignInNamesTheExchangeOnly: whatever the link key's scopes and
// its user's memberships, its policy admits the exchange and no other key
// route, workspace or upstream path.
func TestAllowSignInNamesTheExchangeOnly(t *testing.T) {
	owner := []keys.Membership{member("ws1", keys.RoleOwner), member("ws2", keys.RoleAdmin)}
	tests := []struct {
		name  string
		grant Grant
	}{
		{"no scopes, no workspaces", Grant{UserID: "u1", KeyID: "k1"}},
		{"no scopes, an owner", Grant{UserID: "u1", KeyID: "k1", Memberships: owner}},
		{"every scope (never stored for a link), an owner", Grant{UserID: "u1", KeyID: "k1", Scopes: scAll, Memberships: owner}},
		{"a usage key and limits", Grant{UserID: "u1", KeyID: "k1", UsageKey: "open", RateLimitPolicy: "r;q=5;w=60", RateLimit: "r;r=4;t=12"}},
	}
	exchange := res("POST", "/open/console/session")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := AllowSignIn(testBase, tt.grant)
			if err != nil {
				t.Fatal(err)
			}
			stmts := r.Response.PolicyDocument.Statement
			if len(stmts) != 1 || stmts[0].Effect != "Allow" {
				t.Fatalf("got statements %+v, want one Allow", stmts)
			}
			if got, want := stmts[0].Resource, []string{exchange}; !slices.Equal(got, want) {
				t.Errorf("resources: got %v, want %v", got, want)
			}
			for _, rt := range routes.All() {
				path := strings.NewReplacer("{workspaceId}", "ws1", "{keyId}", "k2", "{webhookId}", "h1").Replace(rt.Path)
				got := policyAllows(t, stmts[0].Resource, rt.Method, path)
				if want := rt.Grant == routes.GrantSignIn; got != want {
					t.Errorf("%s %s: allowed %v, want %v", rt.Method, path, got, want)
				}
			}
			for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
				if policyAllows(t, stmts[0].Resource, m, "/open/workspace/ws1/anything/below") {
					t.Errorf("%s on the upstream path is allowed", m)
				}
			}
			if r.Response.UsageIdentifierKey != tt.grant.UsageKey {
				t.Errorf("usage key: got %q, want %q", r.Response.UsageIdentifierKey, tt.grant.UsageKey)
			}
			if _, ok := r.Response.Context[KeyAssertion]; ok {
				t.Errorf("a link key's Allow carries an identity assertion")
			}
			id, err := IdentityFromAuthorizer(authorizerMap(r.Response))
			if err != nil {
				t.Fatalf("identity: got error %v, want nil", err)
			}
			if id.UserID != "u1" || id.KeyID != "k1" || len(id.Scopes) != 0 || len(id.Workspaces) != 0 {
				t.Errorf("identity: got %+v, want u1 k1 with no scope and no workspace", id)
			}
		})
	}
}

// TestAllowNeverNamesTheExchange: no other key's policy, whatever it
// holds, admits the exchange.
func TestAllowNeverNamesTheExchange(t *testing.T) {
	for _, scopes := range [][]keys.Scope{nil, scRead, scAdmin, scAll} {
		t.Run(joinedScopes[scopeSet(scopes)], func(t *testing.T) {
			r, err := Allow(testBase, Grant{UserID: "u1", KeyID: "k1", Scopes: scopes, Memberships: []keys.Membership{member("ws1", keys.RoleOwner)}})
			if err != nil {
				t.Fatal(err)
			}
			if policyAllows(t, r.Response.PolicyDocument.Statement[0].Resource, "POST", "/open/console/session") {
				t.Errorf("the policy admits the sign-in exchange")
			}
		})
	}
}

func TestAllowSignInRejectsInvalidIDs(t *testing.T) {
	for _, g := range []Grant{{UserID: "", KeyID: "k1"}, {UserID: "u1", KeyID: "k/1"}} {
		if _, err := AllowSignIn(testBase, g); err != ErrGrant {
			t.Errorf("AllowSignIn(%+v): got %v, want ErrGrant", g, err)
		}
	}
}
