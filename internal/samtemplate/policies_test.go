package samtemplate_test

import (
	"slices"
	"strings"
	"testing"
)

// grant is one (effect, action, resource) triple of a function's policies.
type grant string

func grants(effect string, actions, resources []string) []grant {
	var out []grant
	for _, a := range actions {
		for _, r := range resources {
			out = append(out, grant(effect+" "+a+" "+r))
		}
	}
	return out
}

// TestPolicies: each function's role grants exactly what it needs and nothing else.
func TestPolicies(t *testing.T) {
	const table, gsi1 = "KeysTable.Arn", "KeysTable.Arn/index/gsi1"
	tpl := loadTemplate(t, map[string]string{"StageName": "prod", "AWS::Region": "eu-west-1"})
	items := []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"}
	want := map[string][]grant{
		"AuthorizerFunction": grants("Allow", []string{"dynamodb:UpdateItem", "dynamodb:Query"}, []string{table}),
		"ApiKeysFunction": slices.Concat(
			grants("Allow", items, []string{table}),
			grants("Allow", []string{"dynamodb:Query"}, []string{table, gsi1}),
			grants("Allow", []string{"apigateway:DELETE"},
				[]string{"arn:aws:apigateway:eu-west-1::/restapis/KeygateApi/stages/prod/cache/authorizers"}),
		),
		"IdentityFunction": grants("Allow", []string{"dynamodb:GetItem", "dynamodb:Query"}, []string{table}),
		"ConfigFunction":   nil,
	}
	if got, want := len(tpl.Functions), len(want); got != want {
		t.Errorf("functions: got %v, want %v", got, want)
	}
	for id, wantGrants := range want {
		t.Run(id, func(t *testing.T) {
			f, ok := tpl.Functions[id]
			if !ok {
				t.Fatalf("no function %s", id)
			}
			if len(f.ManagedPolicies) > 0 {
				t.Errorf("managed policies / policy templates: got %v, want none", f.ManagedPolicies)
			}
			var got []grant
			for _, s := range f.Policies {
				for _, a := range s.Actions {
					if strings.Contains(a, "*") {
						t.Errorf("wildcard action %q", a)
					}
				}
				got = append(got, grants(s.Effect, s.Actions, s.Resources)...)
			}
			slices.Sort(got)
			slices.Sort(wantGrants)
			if !slices.Equal(got, wantGrants) {
				t.Errorf("grants:\n got %v\nwant %v", got, wantGrants)
			}
		})
	}
}
