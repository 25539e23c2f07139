package authorizer_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/authorizer"
	"keygate/dev/gateway"
	"keygate/shared/access"
	"keygate/shared/keys"
)

// TestNarrowReads: with the cache off, the authorizer reads the profile and
// the membership the request names — one BatchGetItem, besides the key's
// write — and answers with a policy and a context of that request: the one
// workspace it names, or, naming none, workspacesOverflow so that functions
// look the list up. A workspace the user is not in, or one whose role
// refuses the method, is refused by the policy as before.
func TestNarrowReads(t *testing.T) {
	f := newFixture(t, authorizer.Config{NarrowReads: true})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner, "ws2": keys.RoleReadOnly, "ws3": keys.RoleAdmin})
	k := f.key("alice", keys.AllScopes, nil)
	call := func(method, resource, path string, params map[string]string) (decision string, ctx map[string]any, calls map[string]int) {
		calls = map[string]int{}
		req := request("Bearer " + k.Token)
		req.HTTPMethod, req.Resource, req.Path, req.PathParameters = method, resource, path, params
		req.MethodArn = testBase + "/" + method + path
		f.calls.take()
		resp, err := f.h.Handle(t.Context(), req)
		for _, op := range f.calls.take() {
			calls[op]++
		}
		decision = decisionOf(t, resp, err, req.MethodArn)
		return decision, resp.Context, calls
	}
	tests := []struct {
		name, method, resource, path string
		params                       map[string]string
		want, wantWorkspaces         string
		wantOverflow                 bool
	}{
		{"her workspace", "GET", "/open/workspace/{workspaceId}", "/open/workspace/ws1", map[string]string{"workspaceId": "ws1"}, "allow", "ws1:owner", false},
		{"a readOnly one, read", "GET", "/open/workspace/{workspaceId}", "/open/workspace/ws2", map[string]string{"workspaceId": "ws2"}, "allow", "ws2:readOnly", false},
		{"not hers", "GET", "/open/workspace/{workspaceId}", "/open/workspace/ws9", map[string]string{"workspaceId": "ws9"}, "deny", "", false},
		{"no workspace named", "GET", "/open/auth/whoami", "/open/auth/whoami", nil, "allow", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ctx, calls := call(tt.method, tt.resource, tt.path, tt.params)
			if got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
			if calls["BatchGetItem"] != 1 || calls["Query"] != 0 || calls["UpdateItem"] != 1 {
				t.Errorf("calls %v, want one UpdateItem and one BatchGetItem, no Query", calls)
			}
			if got != "allow" {
				return
			}
			if ctx[access.KeyWorkspaces] != tt.wantWorkspaces || (ctx[access.KeyWorkspacesOverflow] == "true") != tt.wantOverflow {
				t.Errorf("context workspaces %v, overflow %v; want %q, %v", ctx[access.KeyWorkspaces], ctx[access.KeyWorkspacesOverflow], tt.wantWorkspaces, tt.wantOverflow)
			}
		})
	}
}

// decisionOf is what API Gateway makes of an answer for methodARN: its
// policy evaluated by the local gateway's IAM evaluator.
func decisionOf(t *testing.T, resp events.APIGatewayCustomAuthorizerResponse, err error, methodARN string) string {
	t.Helper()
	d := decision(resp, err)
	if d != "allow" {
		return d
	}
	doc, _ := json.Marshal(resp.PolicyDocument)
	p, perr := gateway.ParsePolicy(doc)
	if perr != nil {
		t.Fatal(perr)
	}
	if p.Evaluate("execute-api:Invoke", methodARN) != gateway.DecisionAllow {
		return "deny"
	}
	return d
}
