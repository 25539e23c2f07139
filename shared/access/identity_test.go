package access

import (
	"context"
	"errors"
	"keygate/shared/keys"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
)

// authorizerMap is what API Gateway puts in requestContext.authorizer for a
// response: its context plus principalId.
func authorizerMap(r events.APIGatewayCustomAuthorizerResponse) map[string]interface{} {
	m := map[string]interface{}{"principalId": r.PrincipalID, "integrationLatency": 12}
	for k, v := range r.Context {
		m[k] = v
	}
	return m
}

func TestIdentityRoundTrip(t *testing.T) {
	tests := []struct {
		name         string
		grant        Grant
		wantScopes   []keys.Scope
		wantWS       []WorkspaceRole
		wantOverflow bool
	}{
		{
			name:       "exact",
			grant:      Grant{UserID: "u1", KeyID: "k1", Scopes: scAll, Memberships: []keys.Membership{member("b", keys.RoleReadOnly), member("a", keys.RoleOwner)}},
			wantScopes: scAll,
			wantWS:     []WorkspaceRole{{"a", keys.RoleOwner}, {"b", keys.RoleReadOnly}},
		},
		{
			name:       "no scopes no workspaces",
			grant:      Grant{UserID: "u1", KeyID: "k1"},
			wantScopes: []keys.Scope{},
			wantWS:     []WorkspaceRole{},
		},
		{
			name:         "overflow",
			grant:        Grant{UserID: "u1", KeyID: "k1", Scopes: scRead, Memberships: manyWorkspaces(500, 30, keys.RoleAdmin)},
			wantScopes:   scRead,
			wantOverflow: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Allow(testBase, tt.grant)
			if err != nil {
				t.Fatal(err)
			}
			id, err := IdentityFromAuthorizer(authorizerMap(r.Response))
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			if id.UserID != "u1" || id.KeyID != "k1" {
				t.Errorf("got user %q key %q, want u1 k1", id.UserID, id.KeyID)
			}
			if !slices.Equal(id.Scopes, tt.wantScopes) {
				t.Errorf("got scopes %v, want %v", id.Scopes, tt.wantScopes)
			}
			if !tt.wantOverflow && !slices.Equal(id.Workspaces, tt.wantWS) {
				t.Errorf("got workspaces %v, want %v", id.Workspaces, tt.wantWS)
			}
			if id.WorkspacesOverflow != tt.wantOverflow {
				t.Errorf("got overflow %v, want %v", id.WorkspacesOverflow, tt.wantOverflow)
			}
		})
	}
}

func TestIdentityHelpers(t *testing.T) {
	id := Identity{UserID: "u1", KeyID: "k1", Scopes: scRW, Workspaces: []WorkspaceRole{{"a", keys.RoleOwner}, {"b", keys.RoleReadOnly}}}
	for _, tt := range []struct {
		scope keys.Scope
		want  bool
	}{{keys.ScopeRead, true}, {keys.ScopeWrite, true}, {keys.ScopeAdmin, false}} {
		if got := id.HasScope(tt.scope); got != tt.want {
			t.Errorf("HasScope(%s): got %v, want %v", tt.scope, got, tt.want)
		}
	}
	for _, tt := range []struct {
		ws     string
		want   keys.Role
		wantOK bool
	}{{"a", keys.RoleOwner, true}, {"b", keys.RoleReadOnly, true}, {"c", "", false}, {"", "", false}} {
		if got, ok := id.RoleIn(tt.ws); got != tt.want || ok != tt.wantOK {
			t.Errorf("RoleIn(%q): got %q, %v, want %q, %v", tt.ws, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestIdentityFromAuthorizerRejects(t *testing.T) {
	valid := func() map[string]interface{} {
		return map[string]interface{}{"principalId": "u1", "userId": "u1", "keyId": "k1", "scopes": "read,write", "workspaces": "a:owner,b:readOnly"}
	}
	with := func(k string, v interface{}) map[string]interface{} {
		m := valid()
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name string
		m    map[string]interface{}
	}{
		{"nil map", nil},
		{"empty map", map[string]interface{}{}},
		{"missing userId", with("userId", nil)},
		{"empty userId", with("userId", "")},
		{"invalid userId", with("userId", "u/1")},
		{"numeric userId", with("userId", 42)},
		{"missing keyId", with("keyId", nil)},
		{"invalid keyId", with("keyId", "k 1")},
		{"principal differs", with("principalId", "u2")},
		{"missing scopes", with("scopes", nil)},
		{"a malformed scope", with("scopes", "read,ro ot")},
		{"duplicate scope", with("scopes", "read,read")},
		{"scopes with spaces", with("scopes", "read, write")},
		{"scopes not a string", with("scopes", []string{"read"})},
		{"missing workspaces", with("workspaces", nil)},
		{"workspace without role", with("workspaces", "a")},
		{"workspace unknown role", with("workspaces", "a:root")},
		{"workspace invalid id", with("workspaces", "a*:owner")},
		{"workspace empty entry", with("workspaces", "a:owner,,b:admin")},
		{"duplicate workspace", with("workspaces", "a:owner,a:readOnly")},
		{"workspaces not a string", with("workspaces", 1)},
		{"overflow and list", with("workspacesOverflow", "true")},
		{"overflow not true", func() map[string]interface{} {
			m := with("workspaces", nil)
			m["workspacesOverflow"] = "yes"
			return m
		}()},
		{"deny reason", with("reason", "KEY_INVALID")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := IdentityFromAuthorizer(tt.m)
			if !errors.Is(err, ErrContext) {
				t.Fatalf("got %+v, %v, want ErrContext", id, err)
			}
			if id.UserID != "" || id.Scopes != nil || id.Workspaces != nil {
				t.Errorf("got identity %+v with error, want zero", id)
			}
		})
	}
	if _, err := IdentityFromAuthorizer(valid()); err != nil {
		t.Fatalf("valid context: got %v, want nil", err)
	}
}

func TestIdentityFromContext(t *testing.T) {
	r, err := Allow(testBase, Grant{UserID: "u1", KeyID: "k1", Scopes: scRead, Memberships: []keys.Membership{member("a", keys.RoleAdmin)}})
	if err != nil {
		t.Fatal(err)
	}
	var acc core.RequestAccessor
	req, err := acc.EventToRequestWithContext(context.Background(), events.APIGatewayProxyRequest{
		HTTPMethod:     "GET",
		Path:           "/open/auth/whoami",
		RequestContext: events.APIGatewayProxyRequestContext{Authorizer: authorizerMap(r.Response)},
	})
	if err != nil {
		t.Fatal(err)
	}
	id, err := IdentityFromContext(req.Context())
	if err != nil {
		t.Fatalf("got error %v, want nil", err)
	}
	if role, ok := id.RoleIn("a"); id.UserID != "u1" || !ok || role != keys.RoleAdmin || !id.HasScope(keys.ScopeRead) {
		t.Errorf("got %+v, want u1 with read and admin of a", id)
	}
	if _, err := IdentityFromContext(context.Background()); !errors.Is(err, ErrContext) {
		t.Errorf("no request context: got %v, want ErrContext", err)
	}
}
