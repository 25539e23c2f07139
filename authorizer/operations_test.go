package authorizer_test

import (
	"testing"

	"keygate/authorizer"
	"keygate/shared/apidoc"
	"keygate/shared/keys"
)

// TestOperations: a request routed to an API document operation gets that
// operation's policy when the key's scopes admit it; otherwise, and for a
// route outside keygate's /open that is no operation, a path parameter
// that could take the upstream's path elsewhere, or a sign-in link key, a
// Deny — never keygate's own policy.
func TestOperations(t *testing.T) {
	doc := apidoc.Document{Operations: []apidoc.Operation{
		{Name: "getProject", Method: "GET", Path: "/v2/projects/{id}", Requirements: []apidoc.Requirement{{Scopes: []string{"read:projects"}}}},
		{Name: "getFile", Method: "GET", Path: "/v2/files/{path+}", Requirements: []apidoc.Requirement{{Scopes: []string{"read:projects"}}}},
	}}
	f := newFixture(t, authorizer.Config{Operations: authorizer.OperationsOf(doc)})
	f.user("u1", map[string]keys.Role{"ws1": keys.RoleOwner})
	reader := f.key("u1", []keys.Scope{keys.ScopeRead, "read:projects"}, nil)
	other := f.key("u1", []keys.Scope{keys.ScopeRead}, nil)
	routed := func(token, resource, method, path string, params map[string]string) string {
		req := request("Bearer " + token)
		req.Resource, req.HTTPMethod, req.Path, req.PathParameters = resource, method, path, params
		req.MethodArn = testBase + "/" + method + path
		return decision(f.h.Handle(t.Context(), req))
	}
	tests := []struct {
		name, token, resource, method, path string
		params                              map[string]string
		want                                string
	}{
		{"the scopes admit it", reader.Token, "/v2/projects/{id}", "GET", "/v2/projects/p1", map[string]string{"id": "p1"}, "allow"},
		{"the scopes do not", other.Token, "/v2/projects/{id}", "GET", "/v2/projects/p1", map[string]string{"id": "p1"}, "deny"},
		{"a method the document does not have", reader.Token, "/v2/projects/{id}", "DELETE", "/v2/projects/p1", map[string]string{"id": "p1"}, "deny"},
		{"a route outside /open that is no operation", reader.Token, "/v2/secrets", "GET", "/v2/secrets", nil, "deny"},
		{"an encoded slash in a parameter", reader.Token, "/v2/projects/{id}", "GET", "/v2/projects/..%2Fadmin", map[string]string{"id": "../admin"}, "deny"},
		{"a dot-dot parameter", reader.Token, "/v2/projects/{id}", "GET", "/v2/projects/..", map[string]string{"id": ".."}, "deny"},
		{"a greedy parameter spans segments", reader.Token, "/v2/files/{path+}", "GET", "/v2/files/a/b c", map[string]string{"path": "a/b c"}, "allow"},
		{"a dot-dot segment of a greedy parameter", reader.Token, "/v2/files/{path+}", "GET", "/v2/files/a/../b", map[string]string{"path": "a/../b"}, "deny"},
		{"a dot segment of a greedy parameter", reader.Token, "/v2/files/{path+}", "GET", "/v2/files/./b", map[string]string{"path": "./b"}, "deny"},
		{"a wildcard in a greedy parameter", reader.Token, "/v2/files/{path+}", "GET", "/v2/files/a/*", map[string]string{"path": "a/*"}, "deny"},
		{"keygate's own route, unchanged", reader.Token, "/open/auth/whoami", "GET", "/open/auth/whoami", nil, "allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := routed(tt.token, tt.resource, tt.method, tt.path, tt.params); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
