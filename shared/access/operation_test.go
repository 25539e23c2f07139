package access

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"keygate/shared/apidoc"
	"keygate/shared/keys"
)

// TestAllowOperation: the policy names the one operation — its parameters
// "*", its workspace parameter each workspace whose role admits the method,
// the requested one first — or the key may not call it.
func TestAllowOperation(t *testing.T) {
	users := apidoc.Operation{Name: "listUsers", Method: "GET", Path: "/v2/users", Requirements: []apidoc.Requirement{{Scopes: []string{"read:users"}}}}
	project := func(method string) apidoc.Operation {
		return apidoc.Operation{Name: "project", Method: method, Path: "/v2/projects/{id}/files/{file}", WorkspaceParam: "id",
			Requirements: []apidoc.Requirement{{Scopes: []string{"projects"}}}}
	}
	ms := []keys.Membership{member("ws1", keys.RoleOwner), member("ws2", keys.RoleReadOnly), member("ws3", keys.RoleAdmin)}
	tests := []struct {
		name      string
		op        apidoc.Operation
		scopes    []keys.Scope
		requested string
		want      []string
	}{
		{"no workspace", users, []keys.Scope{"read:users"}, "", []string{res("GET", "/v2/users")}},
		{"a scope missing", users, []keys.Scope{keys.ScopeRead}, "", nil},
		{"GET: every member workspace, the requested first", project("GET"), []keys.Scope{"projects"}, "ws2",
			[]string{res("GET", "/v2/projects/ws2/files/*"), res("GET", "/v2/projects/ws1/files/*"), res("GET", "/v2/projects/ws3/files/*")}},
		{"PUT: not where the role is readOnly", project("PUT"), []keys.Scope{"projects"}, "ws1",
			[]string{res("PUT", "/v2/projects/ws1/files/*"), res("PUT", "/v2/projects/ws3/files/*")}},
		{"a public operation", apidoc.Operation{Method: "GET", Path: "/v1/status", Public: true}, []keys.Scope{keys.ScopeRead}, "", []string{res("GET", "/v1/status")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := AllowOperation(testBase, Grant{UserID: "u1", KeyID: "k1", Scopes: tt.scopes, Memberships: ms}, tt.op, tt.requested)
			if tt.want == nil {
				if !errors.Is(err, ErrOperation) {
					t.Errorf("got %v, want ErrOperation", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Response.PolicyDocument.Statement[0].Resource; !slices.Equal(got, tt.want) {
				t.Errorf("resources: got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("a member of no workspace that admits the method", func(t *testing.T) {
		g := Grant{UserID: "u1", KeyID: "k1", Scopes: []keys.Scope{"projects"}, Memberships: []keys.Membership{member("ws2", keys.RoleReadOnly)}}
		if _, err := AllowOperation(testBase, g, project("DELETE"), "ws2"); !errors.Is(err, ErrOperation) {
			t.Errorf("got %v, want ErrOperation", err)
		}
	})
	t.Run("too many workspaces: as many as fit, the requested first", func(t *testing.T) {
		var many []keys.Membership
		for i := range 1000 {
			many = append(many, member(fmt.Sprintf("workspace-%04d", i), keys.RoleOwner))
		}
		g := Grant{UserID: "u1", KeyID: "k1", Scopes: []keys.Scope{"projects"}, Memberships: many}
		r, err := AllowOperation(testBase, g, project("GET"), "workspace-0999")
		if err != nil {
			t.Fatal(err)
		}
		got := r.Response.PolicyDocument.Statement[0].Resource
		if len(got) == 0 || len(got) >= 1000 || got[0] != res("GET", "/v2/projects/workspace-0999/files/*") {
			t.Errorf("got %d resources starting %v, want fewer than 1000, the requested first", len(got), got[:1])
		}
		b, _ := json.Marshal(r.Response)
		if len(b) > ResultSizeLimit {
			t.Errorf("response: %d bytes, want at most %d", len(b), ResultSizeLimit)
		}
	})
}
