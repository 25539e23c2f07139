package identity_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/shared/keys"
)

// TestTemplateGrantsEveryCall drives every route of the function through the
// cases that read the table and checks each DynamoDB request against
// IdentityFunction's statements in template.yaml, dynamodb:LeadingKeys
// conditions included. DynamoDB Local does not enforce IAM: on AWS a request
// outside them is AccessDenied, a 500 for the caller.
func TestTemplateGrantsEveryCall(t *testing.T) {
	statements := iamcheck.Statements(t, "IdentityFunction")
	e := newEnv(t)
	small := fntest.Seed(t, e.st, "alice", "ws1", keys.RoleOwner)
	fntest.Seed(t, e.st, "bob", "ws2", keys.RoleOwner)
	var many []keys.Membership
	for i := range 120 {
		ws := fmt.Sprintf("workspace-with-a-long-identifier-%03d-%s", i, strings.Repeat("x", 20))
		many = append(many, fntest.Seed(t, e.st, "carol", ws, keys.RoleAdmin))
	}
	alice := fntest.Authorizer(t, "alice", "key1", keys.AllScopes, small)
	carol := fntest.Authorizer(t, "carol", "key2", keys.AllScopes, many...)
	if carol["workspacesOverflow"] != "true" {
		t.Fatal("carol's authorizer context did not overflow; the test needs more workspaces")
	}

	tests := []struct {
		name       string
		path       string
		auth       map[string]interface{}
		wantStatus int
	}{
		{"workspace of a member", "/open/workspace/ws1", alice, http.StatusOK},
		{"unknown workspace", "/open/workspace/nope", alice, http.StatusForbidden},
		{"whoami, memberships from the table", "/open/auth/whoami", carol, http.StatusOK},
		{"workspace, membership from the table", "/open/workspace/" + many[3].WorkspaceID, carol, http.StatusOK},
		{"workspace of others, membership from the table", "/open/workspace/ws2", carol, http.StatusForbidden},
	}
	var all []iamcheck.Request
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.calls.Take()
			resp := e.do(t, fntest.Request{Method: "GET", Path: tt.path, Authorizer: tt.auth})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", resp.StatusCode, tt.wantStatus, resp.Body)
			}
			reqs := e.calls.Take()
			if len(reqs) == 0 && tt.wantStatus == http.StatusOK {
				t.Fatal("no DynamoDB request recorded: the recorder is not on the function's client")
			}
			iamcheck.AssertAllowed(t, statements, "IdentityFunction", reqs)
			all = append(all, reqs...)
		})
	}
	// And the role grants nothing these paths do not use.
	iamcheck.AssertAllUsed(t, statements, "IdentityFunction", all, nil)
}
