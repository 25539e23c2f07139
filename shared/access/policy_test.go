package access

import (
	"encoding/json"
	"keygate/shared/keys"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

const testBase = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod"

var (
	scRead  = []keys.Scope{keys.ScopeRead}
	scWrite = []keys.Scope{keys.ScopeWrite}
	scAdmin = []keys.Scope{keys.ScopeAdmin}
	scRW    = []keys.Scope{keys.ScopeRead, keys.ScopeWrite}
	scAll   = keys.AllScopes
)

func member(ws string, role keys.Role) keys.Membership {
	return keys.Membership{UserID: "u1", WorkspaceID: ws, Role: role}
}

func res(method, path string) string { return testBase + "/" + method + path }

func TestAllowRolesAndScopes(t *testing.T) {
	whoami := res("GET", "/open/auth/whoami")
	keyRoutes := []string{res("*", "/open/apikeys"), res("*", "/open/apikeys/*"), res("GET", "/open/audit")}
	webhookRoutes := []string{res("*", "/open/webhooks"), res("*", "/open/webhooks/*")}
	ws := func(method, id string) []string {
		return []string{res(method, "/open/workspace/"+id), res(method, "/open/workspace/"+id+"/*")}
	}
	join := func(parts ...[]string) []string { return slices.Concat(parts...) }
	roles := []keys.Role{keys.RoleOwner, keys.RoleAdmin, keys.RoleReadOnly}
	tests := []struct {
		name       string
		scopes     []keys.Scope
		wantMethod map[keys.Role]string // "" = no workspace resources
		wantKeys   bool
		wantScopes string
		wantHooks  bool
	}{
		{"no scopes", nil, map[keys.Role]string{}, false, "", false},
		{"read", scRead, map[keys.Role]string{keys.RoleOwner: "GET", keys.RoleAdmin: "GET", keys.RoleReadOnly: "GET"}, false, "read", false},
		{"write", scWrite, map[keys.Role]string{keys.RoleOwner: "*", keys.RoleAdmin: "*", keys.RoleReadOnly: "GET"}, false, "write", false},
		{"admin", scAdmin, map[keys.Role]string{}, true, "admin", false},
		{"read+write", scRW, map[keys.Role]string{keys.RoleOwner: "*", keys.RoleAdmin: "*", keys.RoleReadOnly: "GET"}, false, "read,write", false},
		{"read+admin", []keys.Scope{keys.ScopeRead, keys.ScopeAdmin}, map[keys.Role]string{keys.RoleOwner: "GET", keys.RoleAdmin: "GET", keys.RoleReadOnly: "GET"}, true, "read,admin", false},
		{"write+admin", []keys.Scope{keys.ScopeWrite, keys.ScopeAdmin}, map[keys.Role]string{keys.RoleOwner: "*", keys.RoleAdmin: "*", keys.RoleReadOnly: "GET"}, true, "write,admin", false},
		{"webhook", []keys.Scope{keys.ScopeWebhook}, map[keys.Role]string{}, false, "webhook", true},
		{"all", scAll, map[keys.Role]string{keys.RoleOwner: "*", keys.RoleAdmin: "*", keys.RoleReadOnly: "GET"}, true, "read,write,admin,webhook", true},
	}
	for _, tt := range tests {
		for _, role := range roles {
			t.Run(tt.name+"/"+string(role), func(t *testing.T) {
				g := Grant{UserID: "u1", KeyID: "k1", Scopes: tt.scopes, Memberships: []keys.Membership{member("ws1", role)}}
				r, err := Allow(testBase, g)
				if err != nil {
					t.Fatalf("got error %v, want nil", err)
				}
				want := []string{whoami}
				if tt.wantKeys {
					want = join(want, keyRoutes)
				}
				if tt.wantHooks {
					want = join(want, webhookRoutes)
				}
				if m := tt.wantMethod[role]; m != "" {
					want = join(want, ws(m, "ws1"))
				}
				assertAllow(t, r, want)
				if r.Mode != ModeExact {
					t.Errorf("got mode %v, want exact", r.Mode)
				}
				wantCtx := map[string]interface{}{"userId": "u1", "keyId": "k1", "scopes": tt.wantScopes, "workspaces": "ws1:" + string(role)}
				if !mapsEqual(r.Response.Context, wantCtx) {
					t.Errorf("got context %v, want %v", r.Response.Context, wantCtx)
				}
			})
		}
	}
}

func TestAllowSeveralWorkspaces(t *testing.T) {
	g := Grant{UserID: "u1", KeyID: "k1", Scopes: scRW, Memberships: []keys.Membership{
		member("zeta", keys.RoleReadOnly),
		member("alpha", keys.RoleOwner),
		member("bad id!", keys.RoleOwner),               // not ARN-safe: skipped
		member("star*", keys.RoleOwner),                 // wildcard: skipped
		member("mid", keys.Role("superuser")),           // unknown role: skipped
		member("alpha", keys.RoleReadOnly),              // duplicate: skipped
		member(strings.Repeat("x", 65), keys.RoleAdmin), // too long: skipped
		member("beta", keys.RoleAdmin),
	}}
	r, err := Allow(testBase, g)
	if err != nil {
		t.Fatalf("got error %v, want nil", err)
	}
	assertAllow(t, r, []string{
		res("GET", "/open/auth/whoami"),
		res("*", "/open/workspace/alpha"), res("*", "/open/workspace/alpha/*"),
		res("*", "/open/workspace/beta"), res("*", "/open/workspace/beta/*"),
		res("GET", "/open/workspace/zeta"), res("GET", "/open/workspace/zeta/*"),
	})
	if got, want := r.Response.Context[KeyWorkspaces], "alpha:owner,beta:admin,zeta:readOnly"; got != want {
		t.Errorf("got workspaces %v, want %v", got, want)
	}
	if r.Skipped != 5 {
		t.Errorf("got skipped %d, want 5", r.Skipped)
	}
}

func TestAllowRejectsInvalidIDs(t *testing.T) {
	for _, g := range []Grant{
		{UserID: "", KeyID: "k1"},
		{UserID: "u*", KeyID: "k1"},
		{UserID: "u1", KeyID: "k/1"},
	} {
		if _, err := Allow(testBase, g); err != ErrGrant {
			t.Errorf("Allow(%+v): got %v, want ErrGrant", g, err)
		}
	}
}

func TestDeny(t *testing.T) {
	tests := []struct {
		name, principal, want string
		reason                keys.Reason
	}{
		{"known user", "u1", "u1", keys.ReasonUserDisabled},
		{"unknown user", "", AnonymousPrincipal, keys.ReasonKeyInvalid},
		{"invalid user id", "u 1", AnonymousPrincipal, keys.ReasonKeyExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Deny(testBase, tt.principal, tt.reason)
			want := events.APIGatewayCustomAuthorizerResponse{
				PrincipalID: tt.want,
				PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{{
					Action: []string{"execute-api:Invoke"}, Effect: "Deny", Resource: []string{testBase + "/*/*"},
				}}},
				Context: map[string]interface{}{"reason": string(tt.reason)},
			}
			got, _ := json.Marshal(r)
			w, _ := json.Marshal(want)
			if string(got) != string(w) {
				t.Errorf("got %s, want %s", got, w)
			}
		})
	}
}

// manyWorkspaces returns n memberships with ids of idLen characters.
func manyWorkspaces(n, idLen int, role keys.Role) []keys.Membership {
	ms := make([]keys.Membership, n)
	for i := range ms {
		id := strconv.Itoa(i)
		ms[i] = member(strings.Repeat("w", idLen-len(id))+id, role)
	}
	return ms
}

func TestAllowSizeFallback(t *testing.T) {
	tests := []struct {
		name      string
		n, idLen  int
		role      keys.Role
		scopes    []keys.Scope
		wantMode  Mode
		wantWSRes string // the fallback's workspace resource, "" if none
	}{
		{"few workspaces fit", 5, 25, keys.RoleOwner, scAll, ModeExact, ""},
		{"at threshold fits", 28, 25, keys.RoleOwner, scAll, ModeExact, ""},
		{"above threshold owner write", 29, 25, keys.RoleOwner, scAll, ModeWorkspaceWildcard, res("*", "/open/workspace/*")},
		{"above threshold owner read", 40, 25, keys.RoleOwner, scRead, ModeWorkspaceWildcard, res("GET", "/open/workspace/*")},
		{"above threshold readOnly write", 40, 25, keys.RoleReadOnly, scWrite, ModeWorkspaceWildcard, res("GET", "/open/workspace/*")},
		{"context overflow", 400, 25, keys.RoleAdmin, scAll, ModeOverflow, res("*", "/open/workspace/*")},
		{"context overflow readOnly", 400, 64, keys.RoleReadOnly, scRead, ModeOverflow, res("GET", "/open/workspace/*")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := manyWorkspaces(tt.n, tt.idLen, tt.role)
			r, err := Allow(testBase, Grant{UserID: cuidUser, KeyID: keyID16, Scopes: tt.scopes, Memberships: ms})
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if r.Mode != tt.wantMode {
				t.Fatalf("got mode %v, want %v", r.Mode, tt.wantMode)
			}
			b, _ := json.Marshal(r.Response)
			if len(b) > SizeBudget {
				t.Errorf("got %d bytes, want at most %d", len(b), SizeBudget)
			}
			ctx := r.Response.Context
			switch tt.wantMode {
			case ModeExact:
				// whoami, the three admin resources (keys, key items, audit), the two
				// webhook ones, two per workspace
				if got, want := len(r.Response.PolicyDocument.Statement[0].Resource), 1+3+2+2*tt.n; got != want {
					t.Errorf("got %d resources, want %d", got, want)
				}
			case ModeWorkspaceWildcard:
				assertAllow(t, r, fallbackWant(tt.scopes, tt.wantWSRes))
				if got := strings.Count(ctx[KeyWorkspaces].(string), ",") + 1; got != tt.n {
					t.Errorf("got %d workspaces in context, want %d", got, tt.n)
				}
				if _, ok := ctx[KeyWorkspacesOverflow]; ok {
					t.Errorf("got %s in context, want none", KeyWorkspacesOverflow)
				}
			case ModeOverflow:
				assertAllow(t, r, fallbackWant(tt.scopes, tt.wantWSRes))
				// Present and empty, so that a header mapped from it is
				// always set (never the client's).
				if got, ok := ctx[KeyWorkspaces]; !ok || got != "" {
					t.Errorf("got %s %q (present %v), want present and empty", KeyWorkspaces, got, ok)
				}
				if got := ctx[KeyWorkspacesOverflow]; got != "true" {
					t.Errorf("got %s %v, want true", KeyWorkspacesOverflow, got)
				}
			}
		})
	}
}

// Realistic ids: a cuid2 user id (Tianji) and a 16-character key id.
const (
	cuidUser = "clx9q2w3e4r5t6y7u8i9o0p1a"
	keyID16  = "AbCdEfGh12345678"
)

// TestFallbackThresholds pins the workspace counts documented in
// docs/authorizer.md: the largest count that still gets the exact policy and
// the largest that still gets the workspace list in the context, for the base
// of testBase (58 bytes), a 25-character user id and a 16-character key id.
func TestFallbackThresholds(t *testing.T) {
	tests := []struct {
		name                string
		idLen               int
		role                keys.Role
		wantExact, wantWild int
	}{
		{"cuid2 ids owner", 25, keys.RoleOwner, 28, 213},
		{"cuid2 ids readOnly", 25, keys.RoleReadOnly, 27, 195},
		{"64-char ids owner", 64, keys.RoleOwner, 19, 96},
		{"10-char ids owner", 10, keys.RoleOwner, 35, 402},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mode := func(n int) Mode {
				r, err := Allow(testBase, Grant{UserID: cuidUser, KeyID: keyID16, Scopes: scAll, Memberships: manyWorkspaces(n, tt.idLen, tt.role)})
				if err != nil {
					t.Fatal(err)
				}
				return r.Mode
			}
			if got := mode(tt.wantExact); got != ModeExact {
				t.Errorf("%d workspaces: got %v, want exact", tt.wantExact, got)
			}
			if got := mode(tt.wantExact + 1); got != ModeWorkspaceWildcard {
				t.Errorf("%d workspaces: got %v, want workspaceWildcard", tt.wantExact+1, got)
			}
			if got := mode(tt.wantWild); got != ModeWorkspaceWildcard {
				t.Errorf("%d workspaces: got %v, want workspaceWildcard", tt.wantWild, got)
			}
			if got := mode(tt.wantWild + 1); got != ModeOverflow {
				t.Errorf("%d workspaces: got %v, want overflow", tt.wantWild+1, got)
			}
		})
	}
}

// fallbackWant is the resource list of a fallback policy.
func fallbackWant(scopes []keys.Scope, wsRes string) []string {
	want := []string{res("GET", "/open/auth/whoami")}
	if slices.Contains(scopes, keys.ScopeAdmin) {
		want = append(want, res("*", "/open/apikeys"), res("*", "/open/apikeys/*"), res("GET", "/open/audit"))
	}
	if slices.Contains(scopes, keys.ScopeWebhook) {
		want = append(want, res("*", "/open/webhooks"), res("*", "/open/webhooks/*"))
	}
	return append(want, wsRes)
}

func TestSizerMatchesJSON(t *testing.T) {
	seen := map[Mode]bool{}
	for _, n := range []int{0, 1, 2, 7, 26, 27, 60, 300, 500} {
		for _, scopes := range [][]keys.Scope{nil, scRead, scAll} {
			ms := manyWorkspaces(n, 20, keys.RoleOwner)
			r, err := Allow(testBase, Grant{UserID: "user_1", KeyID: "K3y", Scopes: scopes, Memberships: ms})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(r.Response)
			if got, want := r.size, len(b); got != want {
				t.Errorf("n=%d scopes=%v: got size %d, want %d (mode %v)", n, scopes, got, want, r.Mode)
			}
			seen[r.Mode] = true
		}
	}
	for _, m := range []Mode{ModeExact, ModeWorkspaceWildcard, ModeOverflow} {
		if !seen[m] {
			t.Errorf("mode %v never chosen: the cases do not cover it", m)
		}
	}
}

func assertAllow(tb testing.TB, r Result, want []string) {
	tb.Helper()
	doc := r.Response.PolicyDocument
	if r.Response.PrincipalID != r.Response.Context[KeyUserID] {
		tb.Errorf("got principalId %q, want the userId %v", r.Response.PrincipalID, r.Response.Context[KeyUserID])
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 {
		tb.Fatalf("got policy %+v, want one statement, version 2012-10-17", doc)
	}
	st := doc.Statement[0]
	if st.Effect != "Allow" || !slices.Equal(st.Action, []string{"execute-api:Invoke"}) {
		tb.Errorf("got effect %q action %v, want Allow execute-api:Invoke", st.Effect, st.Action)
	}
	if !slices.Equal(st.Resource, want) {
		tb.Errorf("got resources\n%s\nwant\n%s", strings.Join(st.Resource, "\n"), strings.Join(want, "\n"))
	}
}

func mapsEqual(a, b map[string]interface{}) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestAllowAllocations checks that the allocations of Allow, which runs on
// every uncached request, do not grow with the number of workspaces while the
// resource ends fit on the stack: the resources share one string.
func TestAllowAllocations(t *testing.T) {
	allocs := func(n int) float64 {
		g := Grant{UserID: cuidUser, KeyID: keyID16, Scopes: scAll, Memberships: manyWorkspaces(n, 25, keys.RoleOwner)}
		return testing.AllocsPerRun(50, func() {
			if _, err := Allow(testBase, g); err != nil {
				t.Fatal(err)
			}
		})
	}
	one, ten := allocs(1), allocs(10) // 5 and 23 resources
	if one != ten {
		t.Errorf("got %v allocations for 1 workspace and %v for 10, want the same", one, ten)
	}
}

// TestAllowCarriesTheAPIDocumentsScopes: a key's scopes of the team's API
// document travel in the context after keygate's, and the functions read
// them back; they open none of keygate's routes.
func TestAllowCarriesTheAPIDocumentsScopes(t *testing.T) {
	tests := []struct {
		name   string
		scopes []keys.Scope
		want   string
	}{
		{"keygate's only", scRW, "read,write"},
		{"keygate's and the API's", []keys.Scope{keys.ScopeRead, "read:users", "write:projects"}, "read,read:users,write:projects"},
		{"the API's only", []keys.Scope{"read:users"}, "read:users"},
	}
	// Stored out of order, with a duplicate, or with a malformed entry:
	// the context is canonical all the same, each scope once.
	for _, tt := range []struct {
		scopes []keys.Scope
		want   string
	}{
		{[]keys.Scope{"read:users", "read"}, "read,read:users"},
		{[]keys.Scope{keys.ScopeAdmin, keys.ScopeAdmin}, "admin"},
		{[]keys.Scope{"x,admin", keys.ScopeRead, "b:c", "a:b", "b:c"}, "read,a:b,b:c"},
	} {
		r, err := Allow(testBase, Grant{UserID: "u1", KeyID: "k1", Scopes: tt.scopes})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Response.Context[KeyScopes]; got != tt.want {
			t.Errorf("stored %v: context scopes %v, want %q", tt.scopes, got, tt.want)
		}
		if _, err := IdentityFromAuthorizer(r.Response.Context); err != nil {
			t.Errorf("stored %v: the functions cannot read the context back: %v", tt.scopes, err)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Allow(testBase, Grant{UserID: "u1", KeyID: "k1", Scopes: tt.scopes})
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Response.Context[KeyScopes]; got != tt.want {
				t.Errorf("context scopes: got %v, want %q", got, tt.want)
			}
			id, err := IdentityFromAuthorizer(r.Response.Context)
			if err != nil || !slices.Equal(id.Scopes, tt.scopes) {
				t.Errorf("read back: got %v, %v, want %v", id.Scopes, err, tt.scopes)
			}
		})
	}
	only, err := Allow(testBase, Grant{UserID: "u1", KeyID: "k1", Scopes: []keys.Scope{"read:users"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range only.Response.PolicyDocument.Statement {
		for _, res := range stmt.Resource {
			if !strings.HasSuffix(res, "/GET/open/auth/whoami") {
				t.Errorf("an API scope opened keygate's route %s", res)
			}
		}
	}
}
