package iamcheck_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/dev/samtemplate"
	"keygate/dev/testkit/iamcheck"
)

func TestAllowed(t *testing.T) {
	keys := map[string]map[string][]string{"ForAllValues:StringLike": {"dynamodb:LeadingKeys": {"KEY#*", "WS#*"}}}
	statements := []samtemplate.Statement{
		{Effect: "Allow", Actions: []string{"dynamodb:UpdateItem", "dynamodb:GetItem"}, Resources: []string{"KeysTable.Arn"}, Conditions: keys},
		{Effect: "Allow", Actions: []string{"dynamodb:Query"}, Resources: []string{"KeysTable.Arn/index/gsi1"}},
		{Effect: "Allow", Actions: []string{"dynamodb:DeleteItem"}, Resources: []string{"KeysTable.Arn"},
			Conditions: map[string]map[string][]string{"StringEquals": {"aws:SourceVpc": {"vpc-1"}}}},
		{Effect: "Deny", Actions: []string{"dynamodb:PutItem"}, Resources: []string{"KeysTable.Arn"}},
		{Effect: "Allow", Actions: []string{"dynamodb:Scan"}, Resources: []string{"KeysTable.Arn"},
			Conditions: map[string]map[string][]string{"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": {"SIGNING"}}}},
	}
	tests := []struct {
		name string
		req  iamcheck.Request
		want bool
	}{
		{"action, resource and partition granted", iamcheck.Request{"dynamodb:UpdateItem", "KeysTable.Arn", "KEY#abc"}, true},
		{"second pattern", iamcheck.Request{"dynamodb:GetItem", "KeysTable.Arn", "WS#w1"}, true},
		{"partition outside the patterns", iamcheck.Request{"dynamodb:UpdateItem", "KeysTable.Arn", "USER#u1"}, false},
		{"partition unknown under a condition", iamcheck.Request{"dynamodb:UpdateItem", "KeysTable.Arn", ""}, false},
		{"action not granted", iamcheck.Request{"dynamodb:BatchGetItem", "KeysTable.Arn", "KEY#abc"}, false},
		{"index needs its own resource", iamcheck.Request{"dynamodb:Query", "KeysTable.Arn", "USER#u1"}, false},
		{"unconditional statement", iamcheck.Request{"dynamodb:Query", "KeysTable.Arn/index/gsi1", ""}, true},
		{"condition it cannot evaluate", iamcheck.Request{"dynamodb:DeleteItem", "KeysTable.Arn", "KEY#abc"}, false},
		{"StringEquals: the exact partition", iamcheck.Request{"dynamodb:Scan", "KeysTable.Arn", "SIGNING"}, true},
		{"StringEquals: no wildcard matching", iamcheck.Request{"dynamodb:Scan", "KeysTable.Arn", "SIGNING#x"}, false},
		{"deny is no grant", iamcheck.Request{"dynamodb:PutItem", "KeysTable.Arn", "KEY#abc"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := iamcheck.Allowed(statements, tt.req); got != tt.want {
				t.Errorf("Allowed(%+v): got %v, want %v", tt.req, got, tt.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	tests := []struct {
		name   string
		op     string
		params any
		want   []iamcheck.Request
	}{
		{"GetItem", "GetItem", &dynamodb.GetItemInput{Key: map[string]types.AttributeValue{"pk": s("WS#w1"), "sk": s("WS")}},
			[]iamcheck.Request{{"dynamodb:GetItem", "KeysTable.Arn", "WS#w1"}}},
		{"UpdateItem", "UpdateItem", &dynamodb.UpdateItemInput{Key: map[string]types.AttributeValue{"pk": s("KEY#k1"), "sk": s("KEY")}},
			[]iamcheck.Request{{"dynamodb:UpdateItem", "KeysTable.Arn", "KEY#k1"}}},
		{"Query on the table", "Query", &dynamodb.QueryInput{KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :ws)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("USER#u1"), ":ws": s("WS#")}},
			[]iamcheck.Request{{"dynamodb:Query", "KeysTable.Arn", "USER#u1"}}},
		{"Query on an index", "Query", &dynamodb.QueryInput{IndexName: aws.String("gsi1"), KeyConditionExpression: aws.String("gsi1pk = :u"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":u": s("USER#u1")}},
			[]iamcheck.Request{{"dynamodb:Query", "KeysTable.Arn/index/gsi1", "USER#u1"}}},
		{"PutItem", "PutItem", &dynamodb.PutItemInput{Item: map[string]types.AttributeValue{"pk": s("KEY#k1"), "sk": s("KEY")}},
			[]iamcheck.Request{{"dynamodb:PutItem", "KeysTable.Arn", "KEY#k1"}}},
		{"DeleteItem", "DeleteItem", &dynamodb.DeleteItemInput{Key: map[string]types.AttributeValue{"pk": s("KEY#k1"), "sk": s("KEY")}},
			[]iamcheck.Request{{"dynamodb:DeleteItem", "KeysTable.Arn", "KEY#k1"}}},
		{"a transaction is its items", "TransactWriteItems", &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{ConditionCheck: &types.ConditionCheck{Key: map[string]types.AttributeValue{"pk": s("USER#u1"), "sk": s("USER")}}},
			{Put: &types.Put{Item: map[string]types.AttributeValue{"pk": s("KEY#k2"), "sk": s("KEY")}}},
			{Update: &types.Update{Key: map[string]types.AttributeValue{"pk": s("KEY#k1"), "sk": s("KEY")}}},
			{Delete: &types.Delete{Key: map[string]types.AttributeValue{"pk": s("USER#u1"), "sk": s("WS#w1")}}},
			{},
		}}, []iamcheck.Request{
			{"dynamodb:ConditionCheckItem", "KeysTable.Arn", "USER#u1"},
			{"dynamodb:PutItem", "KeysTable.Arn", "KEY#k2"},
			{"dynamodb:UpdateItem", "KeysTable.Arn", "KEY#k1"},
			{"dynamodb:DeleteItem", "KeysTable.Arn", "USER#u1"},
			{"dynamodb:TransactWriteItems", "KeysTable.Arn", ""},
		}},
		{"operation whose key is not read", "Scan", &dynamodb.ScanInput{},
			[]iamcheck.Request{{"dynamodb:Scan", "KeysTable.Arn", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := iamcheck.Describe(tt.op, tt.params); !slices.Equal(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
