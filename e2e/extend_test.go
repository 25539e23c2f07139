package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"keygate/dev/gateway"
	"keygate/dev/samtemplate"
	"keygate/examples/workspacerole"
	"keygate/shared/keys"
)

// roleRoute is the worked example's route (docs/extend.md), declared as a
// user's template would: behind the default authorizer.
var roleRoute = gateway.Route{Method: "GET", Path: "/open/workspace/{workspaceId}/role", FunctionID: "WorkspaceRoleFunction", Authorized: true}

// TestYourOwnLambda builds the example function of docs/extend.md and calls
// it through the local gateway: the authorizer lets members through with
// their identity, the function reads it, and everyone else is refused
// before the function runs or by it — with the authorizer cache off and on.
func TestYourOwnLambda(t *testing.T) {
	for _, ttl := range []string{"0", "300"} {
		t.Run("cache TTL "+ttl, func(t *testing.T) {
			s := newStack(t)
			fn := workspacerole.New(s.st, s.logs.Logger(""))
			srv := s.gatewayWith(t, map[string]string{"AuthorizerCacheTtl": ttl},
				map[string]gateway.Function{roleRoute.FunctionID: fn.Handle}, roleRoute)
			s.user(t, "alice", map[string]keys.Role{"ws-a": keys.RoleOwner, "ws-ro": keys.RoleReadOnly})
			s.user(t, "bob", map[string]keys.Role{"ws-b": keys.RoleOwner})
			// carol has more workspaces than the authorizer's context holds:
			// the function looks her membership up.
			many := map[string]keys.Role{}
			for i := range 120 {
				many[fmt.Sprintf("workspace-with-a-long-identifier-%03d-%s", i, strings.Repeat("x", 20))] = keys.RoleAdmin
			}
			s.user(t, "carol", many)
			alice, carol := s.key(t, "alice"), s.key(t, "carol")
			carolWS := fmt.Sprintf("workspace-with-a-long-identifier-%03d-%s", 7, strings.Repeat("x", 20))

			tests := []struct {
				name, path, token string
				wantStatus        int
				wantRole          keys.Role
				wantUser          string
				wantReason        string // X-Keygate-Reason of a 403: who refused
			}{
				{"owner", "/open/workspace/ws-a/role", alice, 200, keys.RoleOwner, "alice", ""},
				{"read-only member", "/open/workspace/ws-ro/role", alice, 200, keys.RoleReadOnly, "alice", ""},
				{"one of many workspaces", "/open/workspace/" + carolWS + "/role", carol, 200, keys.RoleAdmin, "carol", ""},
				{"another user's workspace: the policy refuses", "/open/workspace/ws-b/role", alice, 403, "", "", ""},
				// With the cache on her policy names a workspace wildcard and the
				// function refuses; with it off, the policy names the request's
				// workspace only, and refuses it.
				{"not a member, with many workspaces", "/open/workspace/ws-b/role", carol, 403, "", "", map[string]string{"0": "", "300": "NOT_A_MEMBER"}[ttl]},
				{"no key", "/open/workspace/ws-a/role", "", 401, "", "", ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := srv.do(t, "GET", tt.path, tt.token, "")
					if r.status != tt.wantStatus {
						t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantStatus)
					}
					if tt.wantStatus == 403 {
						var env struct {
							Error struct{ Code, Message string } `json:"error"`
						}
						r.decode(t, &env)
						if env.Error.Code != "FORBIDDEN" || env.Error.Message != "Insufficient access" {
							t.Errorf("got 403 body %s, want the spec's FORBIDDEN body", r.body)
						}
						if got := r.header.Get("X-Keygate-Reason"); tt.wantReason != "" && got != tt.wantReason {
							t.Errorf("got X-Keygate-Reason %q, want %q", got, tt.wantReason)
						}
						return
					}
					if tt.wantStatus != 200 {
						return
					}
					var got struct {
						WorkspaceID string    `json:"workspaceId"`
						Role        keys.Role `json:"role"`
						UserID      string    `json:"userId"`
						Scopes      []string  `json:"scopes"`
					}
					r.decode(t, &got)
					wantWS := strings.TrimSuffix(strings.TrimPrefix(tt.path, "/open/workspace/"), "/role")
					if got.Role != tt.wantRole || got.UserID != tt.wantUser || got.WorkspaceID != wantWS || len(got.Scopes) == 0 {
						t.Errorf("got %+v, want role %s, user %s, workspace %s and the key's scopes", got, tt.wantRole, tt.wantUser, wantWS)
					}
				})
			}
		})
	}
}

// TestExtendTemplateSnippet: the template snippet docs/extend.md tells
// users to add declares the example's route behind the default authorizer,
// with the one grant the example needs.
func TestExtendTemplateSnippet(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "extend.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- extend.md:template -->\n```yaml\n")
	if !ok {
		t.Fatal("docs/extend.md has no template snippet after its marker")
	}
	snippet, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("docs/extend.md's template snippet is not closed")
	}
	tpl, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	combined := strings.Replace(string(tpl), "\nResources:\n", "\nResources:\n"+snippet, 1)
	parsed, err := samtemplate.Parse([]byte(combined), nil)
	if err != nil {
		t.Fatalf("template with the snippet: %v", err)
	}
	routes := parsed.RoutesOf(roleRoute.FunctionID)
	if len(routes) != 1 {
		t.Fatalf("got %d routes of %s, want 1", len(routes), roleRoute.FunctionID)
	}
	got := routes[0]
	if got.Method != roleRoute.Method || got.Path != roleRoute.Path || !got.Authorized || got.Authorizer != parsed.Authorizer.Name {
		t.Errorf("got route %+v, want %s %s behind the default authorizer %s", got, roleRoute.Method, roleRoute.Path, parsed.Authorizer.Name)
	}
	if workspacerole.Route != roleRoute.Method+" "+roleRoute.Path {
		t.Errorf("got the example's route %q, want the snippet's %s %s", workspacerole.Route, roleRoute.Method, roleRoute.Path)
	}
	stmts := parsed.Functions[roleRoute.FunctionID].Policies
	if len(stmts) != 1 || !slices.Equal(stmts[0].Actions, []string{"dynamodb:GetItem"}) {
		t.Errorf("got statements %+v, want one granting dynamodb:GetItem", stmts)
	}
}
