package e2e

import (
	"strings"
	"testing"

	"keygate/dev/gateway"
	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// probe is a route that is not in the template: it lets the tests check the
// authorizer's answer for methods keygate itself does not serve on
// workspaces (API Gateway evaluates the policy before any integration).
// Its method and path are the default document's operations, so the
// answer is the operation's (access.AllowOperation), as on the forwarded
// routes.
var probe = gateway.Route{Method: "ANY", Path: "/open/workspace/{workspaceId}/{proxy+}", FunctionID: "Probe", Authorized: true}

func TestAccess(t *testing.T) {
	s := newStack(t)
	srv := s.gateway(t, nil, probe)
	s.user(t, "alice", map[string]keys.Role{"ws-a": keys.RoleOwner, "ws-ro": keys.RoleReadOnly})
	s.user(t, "bob", map[string]keys.Role{"ws-b": keys.RoleOwner})
	all := s.key(t, "alice")
	readOnlyScope := s.key(t, "alice", keys.ScopeRead)
	noAdmin := s.key(t, "alice", keys.ScopeRead, keys.ScopeWrite)

	tests := []struct {
		name, method, path, token string
		want                      int
	}{
		{"own workspace", "GET", "/open/workspace/ws-a", all, 200},
		{"workspace isolation: another user's workspace", "GET", "/open/workspace/ws-b", all, 403},
		{"workspace isolation: sub-resource of another workspace", "GET", "/open/workspace/ws-b/items", all, 403},
		{"workspace that does not exist", "GET", "/open/workspace/nope", all, 403},
		{"owner may write in own workspace", "POST", "/open/workspace/ws-a/items", all, 200},
		{"readOnly role: GET", "GET", "/open/workspace/ws-ro", all, 200},
		{"readOnly role: GET below", "GET", "/open/workspace/ws-ro/items", all, 200},
		{"readOnly role: POST", "POST", "/open/workspace/ws-ro/items", all, 403},
		{"readOnly role: DELETE", "DELETE", "/open/workspace/ws-ro/items/1", all, 403},
		{"read-scope key: GET", "GET", "/open/workspace/ws-a/items", readOnlyScope, 200},
		{"read-scope key: POST", "POST", "/open/workspace/ws-a/items", readOnlyScope, 403},
		{"read-scope key: whoami", "GET", "/open/auth/whoami", readOnlyScope, 200},
		{"read-scope key: create key", "POST", "/open/apikeys", readOnlyScope, 403},
		{"no-admin key: list keys", "GET", "/open/apikeys", noAdmin, 403},
		{"no-admin key: create key", "POST", "/open/apikeys", noAdmin, 403},
		{"no-admin key: delete key", "DELETE", "/open/apikeys/someKeyId", noAdmin, 403},
		{"no-admin key: write in workspace", "POST", "/open/workspace/ws-a/items", noAdmin, 200},
		{"admin key: list keys", "GET", "/open/apikeys", all, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := ""
			if tt.method == "POST" && tt.path == "/open/apikeys" {
				body = `{"name":"x"}`
			}
			r := srv.do(t, tt.method, tt.path, tt.token, body)
			if r.status != tt.want {
				t.Errorf("%s %s: got %d %s, want %d", tt.method, tt.path, r.status, r.body, tt.want)
			}
			if tt.want == 403 && r.body != spec403 {
				t.Errorf("got body %q, want the spec's 403 body %q", r.body, spec403)
			}
		})
	}
}

func TestSpecErrorBodies(t *testing.T) {
	s := newStack(t)
	srv := s.gateway(t, nil)
	s.user(t, "carol", map[string]keys.Role{"ws-c": keys.RoleOwner})
	valid := s.key(t, "carol")
	tests := []struct {
		name, authorization string
		want                int
		wantBody            string
	}{
		{"no Authorization header", "", 401, spec401},
		{"other scheme", "Basic dXNlcjpwYXNz", 401, spec401},
		{"Bearer without token", "Bearer ", 401, spec401},
		{"malformed token", "Bearer not-a-key", 401, spec401},
		{"bad checksum", "Bearer " + valid[:len(valid)-1] + flip(valid[len(valid)-1]), 401, spec401},
		{"well-formed unknown key", "Bearer " + unknownToken(t), 403, spec403},
		{"valid key, lower-case scheme", "bearer " + valid, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srv.doAuth(t, "GET", "/open/auth/whoami", tt.authorization, "")
			if r.status != tt.want {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.want)
			}
			if tt.wantBody != "" && r.body != tt.wantBody {
				t.Errorf("got body %q, want byte-equal %q", r.body, tt.wantBody)
			}
		})
	}
}

// unknownToken is a well-formed token that was never stored.
func unknownToken(tb testing.TB) string {
	tb.Helper()
	k, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		tb.Fatal(err)
	}
	return k.Token
}

// flip changes a base62 character.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestGlobalConfigIsPublic(t *testing.T) {
	s := newStack(t)
	srv := s.gateway(t, nil)
	s.user(t, "erin", nil)
	valid := s.key(t, "erin")
	base := srv.do(t, "GET", "/open/global/config", "", "")
	if base.status != 200 {
		t.Fatalf("no header: got %d %s, want 200", base.status, base.body)
	}
	for name, auth := range map[string]string{
		"valid key":    "Bearer " + valid,
		"garbage key":  "Bearer garbage",
		"other scheme": "Token abc",
	} {
		t.Run(name, func(t *testing.T) {
			r := srv.doAuth(t, "GET", "/open/global/config", auth, "")
			if r.status != 200 || r.body != base.body {
				t.Errorf("got %d %s, want 200 %s", r.status, r.body, base.body)
			}
		})
	}
	t.Run("without the stage prefix", func(t *testing.T) {
		// As on the execute-api endpoint: no stage, no API.
		host := server{url: strings.TrimSuffix(srv.url, "/"+srv.gw.Stage()), gw: srv.gw}
		r := host.do(t, "GET", "/open/global/config", "", "")
		if want := `{"message":"Forbidden"}`; r.status != 403 || r.body != want {
			t.Errorf("got %d %s, want 403 %s", r.status, r.body, want)
		}
	})
}
