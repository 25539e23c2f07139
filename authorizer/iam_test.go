package authorizer_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/authorizer"
	"keygate/internal/modroot"
	"keygate/internal/samtemplate"
	"keygate/shared/store"
)

// TestTemplateGrantsEveryCall runs the authorizer through each outcome and
// checks every DynamoDB request it sent against AuthorizerFunction's
// statements in template.yaml, their dynamodb:LeadingKeys conditions
// included. On AWS a request outside them is AccessDenied, and every
// authorization would fail closed; DynamoDB Local does not enforce IAM, so
// this test is what catches a key layout or a call the template misses.
func TestTemplateGrantsEveryCall(t *testing.T) {
	root, err := modroot.Find()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	policies := tpl.Functions["AuthorizerFunction"].Policies
	if len(policies) == 0 {
		t.Fatal("AuthorizerFunction has no policy statements")
	}

	f := newFixture(t, authorizer.Config{})
	f.user("alice", map[string]store.Role{"ws1": store.RoleOwner, "ws2": store.RoleReadOnly})
	f.user("bob", nil)
	valid := f.key("alice", store.AllScopes, nil)
	expired := f.key("alice", store.AllScopes, ptr(time.Now().Add(-time.Minute)))
	disabled := f.key("bob", store.AllScopes, nil)
	if err := f.seed.PutUser(t.Context(), store.User{ID: "bob", Name: "bob", Disabled: true, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, token, want string
	}{
		{"valid key", valid.Token, "allow"},
		{"unknown key", forgeToken(strings.Repeat("A", 16), strings.Repeat("b", 43)), "deny"},
		{"wrong secret", forgeToken(valid.ID, strings.Repeat("c", 43)), "deny"},
		{"expired key", expired.Token, "deny"},
		{"disabled user", disabled.Token, "deny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.calls.take()
			if got := decision(f.h.Handle(t.Context(), request("Bearer "+tt.token))); got != tt.want {
				t.Fatalf("decision: got %s, want %s", got, tt.want)
			}
			reqs := f.calls.takeRequests()
			if len(reqs) == 0 {
				t.Fatal("no DynamoDB request recorded: the counter is not on the authorizer's client")
			}
			for _, r := range reqs {
				if !granted(policies, r) {
					t.Errorf("%s on %s (partition %q) is not allowed by AuthorizerFunction's policy", r.action, r.resource, r.leadingKey)
				}
			}
		})
	}
}

// recordedRequest is one DynamoDB request as IAM evaluates it.
type recordedRequest struct {
	action     string // e.g. dynamodb:Query
	resource   string // the template's rendering: KeysTable.Arn or KeysTable.Arn/index/<name>
	leadingKey string // the partition key value: dynamodb:LeadingKeys
}

// keyCondition finds the partition key's placeholder in a key condition.
var keyCondition = regexp.MustCompile(`^\s*(\w+)\s*=\s*(:\w+)`)

// describe returns what IAM sees of a request: its action, the table or
// index, and its partition key value. Operations the authorizer is not
// expected to use are described without a key, so no statement grants them.
func describe(op string, params any) recordedRequest {
	r := recordedRequest{action: "dynamodb:" + op, resource: "KeysTable.Arn"}
	switch in := params.(type) {
	case *dynamodb.UpdateItemInput:
		r.leadingKey = stringValue(in.Key[store.AttrPK])
	case *dynamodb.QueryInput:
		if in.IndexName != nil {
			r.resource += "/index/" + *in.IndexName
		}
		if m := keyCondition.FindStringSubmatch(*in.KeyConditionExpression); m != nil {
			r.leadingKey = stringValue(in.ExpressionAttributeValues[m[2]])
		}
	}
	return r
}

func stringValue(v types.AttributeValue) string {
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// granted reports whether an Allow statement covers r: its action, its
// resource, and every dynamodb:LeadingKeys condition (the only condition
// keygate's authorizer policy uses; any other makes the statement not
// count, so the test fails rather than passes on what it cannot evaluate).
func granted(statements []samtemplate.Statement, r recordedRequest) bool {
	for _, s := range statements {
		if s.Effect != "Allow" || !slices.Contains(s.Actions, r.action) || !slices.Contains(s.Resources, r.resource) {
			continue
		}
		if conditionsHold(s.Conditions, r.leadingKey) {
			return true
		}
	}
	return false
}

func conditionsHold(conds map[string]map[string][]string, leadingKey string) bool {
	for op, keys := range conds {
		for key, patterns := range keys {
			if op != "ForAllValues:StringLike" || key != "dynamodb:LeadingKeys" || leadingKey == "" {
				return false
			}
			if !slices.ContainsFunc(patterns, func(p string) bool { return stringLike(p, leadingKey) }) {
				return false
			}
		}
	}
	return true
}

// stringLike is IAM's StringLike: case-sensitive, "*" matches any run of
// characters and "?" any one character.
func stringLike(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if stringLike(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && stringLike(pattern[1:], s[1:])
	default:
		return s != "" && s[0] == pattern[0] && stringLike(pattern[1:], s[1:])
	}
}
