package authorizer_test

import (
	"strings"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/dev/samtemplate"
	"keygate/dev/testkit/iamcheck"
	"keygate/shared/keys"
)

// TestTemplateGrantsEveryCall runs the authorizer through each outcome and
// checks every DynamoDB request it sent against AuthorizerFunction's
// statements in template.yaml, their dynamodb:LeadingKeys conditions
// included. On AWS a request outside them is AccessDenied, and every
// authorization would fail closed; DynamoDB Local does not enforce IAM, so
// this test is what catches a key layout or a call the template misses.
func TestTemplateGrantsEveryCall(t *testing.T) {
	policies := iamcheck.Statements(t, "AuthorizerFunction")
	var all []iamcheck.Request
	// The cache on (every membership read) and off (the request's only).
	for _, narrow := range []bool{false, true} {
		t.Run(map[bool]string{false: "cache on", true: "cache off"}[narrow], func(t *testing.T) {
			all = append(all, grantedCalls(t, policies, narrow)...)
		})
	}
	// And the role grants nothing these paths do not use.
	iamcheck.AssertAllUsed(t, policies, "AuthorizerFunction", all, nil)
}

// grantedCalls runs the authorizer through each outcome, checks each call
// against policies and returns them.
func grantedCalls(t *testing.T, policies []samtemplate.Statement, narrow bool) []iamcheck.Request {
	f := newFixture(t, authorizer.Config{NarrowReads: narrow})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner, "ws2": keys.RoleReadOnly})
	f.user("bob", nil)
	valid := f.key("alice", keys.AllScopes, nil)
	expired := f.key("alice", keys.AllScopes, ptr(time.Now().Add(-time.Minute)))
	disabled := f.key("bob", keys.AllScopes, nil)
	if err := f.seed.PutUser(t.Context(), keys.User{ID: "bob", Name: "bob", Disabled: true, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}

	laned := f.key("alice", keys.AllScopes, nil)
	if _, err := f.seed.SetLanes(t.Context(), "alice", laned.ID, 4, nil); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, token, want string
		wait              time.Duration
	}{
		{"valid key", valid.Token, "allow", 0},
		// A hot key's first use learns of its lanes; once its item was
		// read LaneRefresh ago, it is read again.
		{"laned key", laned.Token, "allow", 0},
		{"laned key, read again", laned.Token, "allow", keys.LaneRefresh},
		{"unknown key", forgeToken(strings.Repeat("A", 16), strings.Repeat("b", 43)), "deny", 0},
		{"wrong secret", forgeToken(valid.ID, strings.Repeat("c", 43)), "deny", 0},
		{"expired key", expired.Token, "deny", 0},
		{"disabled user", disabled.Token, "deny", 0},
	}
	var all []iamcheck.Request
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			time.Sleep(tt.wait)
			f.calls.take()
			if got := decision(f.h.Handle(t.Context(), request("Bearer "+tt.token))); got != tt.want {
				t.Fatalf("decision: got %s, want %s", got, tt.want)
			}
			reqs := f.calls.takeRequests()
			if len(reqs) == 0 {
				t.Fatal("no DynamoDB request recorded: the counter is not on the authorizer's client")
			}
			iamcheck.AssertAllowed(t, policies, "AuthorizerFunction", reqs)
			all = append(all, reqs...)
		})
	}
	return all
}
