package authorizer_test

import (
	"encoding/json"
	"strings"
	"testing"

	"keygate/authorizer"
	"keygate/dev/gateway"
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
		{"a Tomcat path parameter in a greedy parameter", reader.Token, "/v2/files/{path+}", "GET", "/v2/files/..;/b", map[string]string{"path": "..;/b"}, "deny"},
		{"a backslash in a greedy parameter", reader.Token, "/v2/files/{path+}", "GET", `/v2/files/a\..\b`, map[string]string{"path": `a\..\b`}, "deny"},
		{"an encoded dot-dot, should one arrive encoded", reader.Token, "/v2/files/{path+}", "GET", "/v2/files/%2e%2e/b", map[string]string{"path": "%2e%2e/b"}, "deny"},
		{"an encoded slash in a plain parameter", reader.Token, "/v2/projects/{id}", "GET", "/v2/projects/a%2Fb", map[string]string{"id": "a%2Fb"}, "deny"},
		{"an encoded space decodes to a safe value", reader.Token, "/v2/projects/{id}", "GET", "/v2/projects/a%20b", map[string]string{"id": "a%20b"}, "allow"},
		{"an encoding that does not decode", reader.Token, "/v2/projects/{id}", "GET", "/v2/projects/a%zz", map[string]string{"id": "a%zz"}, "deny"},
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

// TestDefaultDocumentRoles: the workspace routes, as the default document
// serves them, keep the role and scope rules — a readOnly member and a
// read-scope key only read (GET, HEAD), a key without read or write calls
// nothing, a non-member nothing — and an Allow for a write never names a
// workspace whose role refuses writes.
func TestDefaultDocumentRoles(t *testing.T) {
	f := newFixture(t, authorizer.Config{Operations: authorizer.OperationsOf(apidoc.Default())})
	f.user("u1", map[string]keys.Role{"ws1": keys.RoleOwner, "ws2": keys.RoleReadOnly, "ws3": keys.RoleAdmin})
	all := f.key("u1", []keys.Scope{keys.ScopeRead, keys.ScopeWrite, keys.ScopeAdmin}, nil)
	read := f.key("u1", []keys.Scope{keys.ScopeRead}, nil)
	adminOnly := f.key("u1", []keys.Scope{keys.ScopeAdmin}, nil)
	const under = "/open/workspace/{workspaceId}/{proxy+}"
	call := func(token, method, resource, ws string) (string, []string) {
		req := request("Bearer " + token)
		params := map[string]string{"workspaceId": ws}
		path := "/open/workspace/" + ws
		if resource == under {
			params["proxy"], path = "x", path+"/x"
		}
		req.Resource, req.HTTPMethod, req.Path, req.PathParameters = resource, method, path, params
		req.MethodArn = testBase + "/" + method + path
		resp, err := f.h.Handle(t.Context(), req)
		got := decision(resp, err)
		if got != "allow" {
			return got, nil
		}
		// What API Gateway does with the answer: its policy must admit
		// the request's method ARN (the local gateway's IAM evaluator).
		doc, _ := json.Marshal(resp.PolicyDocument)
		policy, err := gateway.ParsePolicy(doc)
		if err != nil {
			t.Fatal(err)
		}
		if policy.Evaluate("execute-api:Invoke", req.MethodArn) != gateway.DecisionAllow {
			return "deny", nil
		}
		return got, resp.PolicyDocument.Statement[0].Resource
	}
	tests := []struct {
		name, token, method, resource, ws, want string
	}{
		{"an owner writes", all.Token, "PUT", under, "ws1", "allow"},
		{"an owner writes the workspace itself", all.Token, "PATCH", "/open/workspace/{workspaceId}", "ws1", "allow"},
		{"a readOnly member reads", all.Token, "GET", under, "ws2", "allow"},
		{"a readOnly member HEADs", all.Token, "HEAD", under, "ws2", "allow"},
		{"a readOnly member cannot PUT", all.Token, "PUT", under, "ws2", "deny"},
		{"a readOnly member cannot POST", all.Token, "POST", under, "ws2", "deny"},
		{"a readOnly member cannot DELETE", all.Token, "DELETE", "/open/workspace/{workspaceId}", "ws2", "deny"},
		{"a readOnly member cannot PATCH", all.Token, "PATCH", under, "ws2", "deny"},
		{"a read-scope key reads", read.Token, "GET", under, "ws1", "allow"},
		{"a read-scope key cannot write", read.Token, "POST", under, "ws1", "deny"},
		{"an admin-only key reads nothing", adminOnly.Token, "GET", under, "ws1", "deny"},
		{"a non-member", all.Token, "GET", under, "ws9", "deny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, resources := call(tt.token, tt.method, tt.resource, tt.ws)
			if got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
			if got != "allow" || tt.method == "GET" || tt.method == "HEAD" {
				return
			}
			for _, r := range resources {
				if strings.Contains(r, "/ws2") {
					t.Errorf("a %s Allow names the readOnly workspace: %s", tt.method, r)
				}
			}
		})
	}
}
