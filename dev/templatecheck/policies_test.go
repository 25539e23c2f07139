package templatecheck_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// grant is one (effect, action, resource, condition) of a function's
// policies.
type grant string

func grants(effect string, actions, resources []string) []grant {
	return conditionalGrants(effect, actions, resources, "")
}

// conditionalGrants are grants under a condition rendered by
// renderConditions.
func conditionalGrants(effect string, actions, resources []string, condition string) []grant {
	var out []grant
	for _, a := range actions {
		for _, r := range resources {
			g := effect + " " + a + " " + r
			if condition != "" {
				g += " if " + condition
			}
			out = append(out, grant(g))
		}
	}
	return out
}

// renderConditions writes a statement's conditions in one sorted line, e.g.
// "ForAllValues:StringLike dynamodb:LeadingKeys=[KEY#*]".
func renderConditions(c map[string]map[string][]string) string {
	var parts []string
	for op, keys := range c {
		for key, values := range keys {
			parts = append(parts, fmt.Sprintf("%s %s=%v", op, key, values))
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// TestPolicies: each function's role grants exactly what it needs and nothing else.
func TestPolicies(t *testing.T) {
	const table, gsi1 = "KeysTable.Arn", "KeysTable.Arn/index/gsi1"
	tpl := loadTemplate(t, map[string]string{"StageName": "prod", "AWS::Region": "eu-west-1"})
	want := map[string][]grant{
		// The authorizer reaches only key partitions (to verify, and to read
		// a hot key's settings) and user partitions (to read the key's owner).
		"AuthorizerFunction": slices.Concat(
			conditionalGrants("Allow", []string{"dynamodb:UpdateItem", "dynamodb:GetItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[KEY#*]"),
			conditionalGrants("Allow", []string{"dynamodb:Query", "dynamodb:BatchGetItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[USER#*]"),
		),
		// Key management writes key partitions, checks user partitions, appends
		// audit events and reads gsi1; nothing else of the table.
		"ApiKeysFunction": slices.Concat(
			conditionalGrants("Allow", []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[KEY#*]"),
			conditionalGrants("Allow", []string{"dynamodb:ConditionCheckItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[USER#*]"),
			conditionalGrants("Allow", []string{"dynamodb:PutItem", "dynamodb:Query"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[AUDIT#*]"),
			conditionalGrants("Allow", []string{"dynamodb:Query"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[USAGE#*]"),
			grants("Allow", []string{"dynamodb:Query"}, []string{gsi1}),
			grants("Allow", []string{"apigateway:DELETE"},
				[]string{"arn:aws:apigateway:eu-west-1::/restapis/KeygateApi/stages/prod/cache/authorizers"}),
		),
		// Identity reads users and workspaces, never key items.
		"IdentityFunction": slices.Concat(
			conditionalGrants("Allow", []string{"dynamodb:GetItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[USER#* WS#*]"),
			conditionalGrants("Allow", []string{"dynamodb:Query"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[USER#*]"),
		),
		"ConfigFunction": nil,
		// Webhooks: the user's WEBHOOKS# partition, the user check of a
		// create, and the ping that triggers a test delivery.
		"WebhooksFunction": slices.Concat(
			conditionalGrants("Allow", []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[WEBHOOKS#*]"),
			conditionalGrants("Allow", []string{"dynamodb:ConditionCheckItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[USER#*]"),
			// Each endpoint change's audit event, in its transaction.
			conditionalGrants("Allow", []string{"dynamodb:PutItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[AUDIT#*]"),
			conditionalGrants("Allow", []string{"dynamodb:UpdateItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[WHPING#*]"),
		),
		// The fan-out: reads the user's endpoints from this table's stream's
		// records and queues tasks; the mapping's failures go to the
		// dead-letter queue. No write to the table.
		"WebhookDeliveryFunction": slices.Concat(
			conditionalGrants("Allow", []string{"dynamodb:GetItem", "dynamodb:Query"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[WEBHOOKS#*]"),
			grants("Allow", []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}, []string{"KeysTable.StreamArn"}),
			grants("Allow", []string{"dynamodb:ListStreams"}, []string{"*"}),
			grants("Allow", []string{"sqs:SendMessage"}, []string{"WebhookDeliveryQueue.Arn"}),
			grants("Allow", []string{"sqs:SendMessage"}, []string{"WebhookDeadLetterQueue.Arn"}),
		),
		// The worker: endpoints, slots, health and log; the delivery queue
		// (its mapping's poller, and the next attempt as a new message);
		// dead letters.
		"WebhookWorkerFunction": slices.Concat(
			conditionalGrants("Allow", []string{"dynamodb:GetItem", "dynamodb:UpdateItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[WEBHOOKS#*]"),
			// An endpoint disabled for failing: its audit event, in the transaction.
			conditionalGrants("Allow", []string{"dynamodb:PutItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[AUDIT#*]"),
			grants("Allow", []string{"sqs:SendMessage"}, []string{"WebhookDeliveryQueue.Arn"}),
			grants("Allow", []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}, []string{"WebhookDeliveryQueue.Arn"}),
			grants("Allow", []string{"sqs:SendMessage"}, []string{"WebhookDeadLetterQueue.Arn"}),
		),
		// The usage aggregator writes only usage partitions (the stream's
		// reads are the mapping's).
		"UsageAggregatorFunction": slices.Concat(
			conditionalGrants("Allow", []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"}, []string{table},
				"ForAllValues:StringLike dynamodb:LeadingKeys=[USAGE#*]"),
			grants("Allow", []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}, []string{"KeysTable.StreamArn"}),
			grants("Allow", []string{"dynamodb:ListStreams"}, []string{"*"}),
		),
		// The JWKS reads only the public keys' partition.
		"JwksFunction": conditionalGrants("Allow", []string{"dynamodb:Query"}, []string{table},
			"ForAllValues:StringEquals dynamodb:LeadingKeys=[SIGNING]"),
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
				got = append(got, conditionalGrants(s.Effect, s.Actions, s.Resources, renderConditions(s.Conditions))...)
			}
			slices.Sort(got)
			slices.Sort(wantGrants)
			if !slices.Equal(got, wantGrants) {
				t.Errorf("grants:\n got %v\nwant %v", got, wantGrants)
			}
		})
	}
}

// TestPoliciesWithUpstream: with an upstream the authorizer also reads the
// signing key secret and publishes public keys in the SIGNING partition,
// nothing more; without one it has neither grant (TestPolicies).
func TestPoliciesWithUpstream(t *testing.T) {
	const table = "KeysTable.Arn"
	tpl := loadTemplate(t, map[string]string{"UpstreamUrl": "https://upstream.example.com"})
	want := slices.Concat(
		conditionalGrants("Allow", []string{"dynamodb:UpdateItem", "dynamodb:GetItem"}, []string{table}, "ForAllValues:StringLike dynamodb:LeadingKeys=[KEY#*]"),
		conditionalGrants("Allow", []string{"dynamodb:Query", "dynamodb:BatchGetItem"}, []string{table}, "ForAllValues:StringLike dynamodb:LeadingKeys=[USER#*]"),
		grants("Allow", []string{"secretsmanager:GetSecretValue"}, []string{"SigningKeySecret"}),
		conditionalGrants("Allow", []string{"dynamodb:UpdateItem"}, []string{table}, "ForAllValues:StringEquals dynamodb:LeadingKeys=[SIGNING]"),
	)
	var got []grant
	for _, s := range tpl.Functions["AuthorizerFunction"].Policies {
		got = append(got, conditionalGrants(s.Effect, s.Actions, s.Resources, renderConditions(s.Conditions))...)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("authorizer grants:\n got %v\nwant %v", got, want)
	}
	env := tpl.Functions["AuthorizerFunction"].Env
	if env["UPSTREAM_URL"] != "https://upstream.example.com" || env["SIGNING_KEY_SECRET"] != "SigningKeySecret" {
		t.Errorf("authorizer environment: UPSTREAM_URL %q, SIGNING_KEY_SECRET %q", env["UPSTREAM_URL"], env["SIGNING_KEY_SECRET"])
	}
}
