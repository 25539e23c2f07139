package iamcheck

import (
	"regexp"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/store"
)

// TableResource is how samtemplate renders the table's ARN in a statement's
// Resource; an index is TableResource + "/index/<name>".
const TableResource = "KeysTable.Arn"

// Request is what IAM evaluates of one DynamoDB request.
type Request struct {
	Action     string // e.g. "dynamodb:Query"
	Resource   string // TableResource or TableResource + "/index/<name>"
	LeadingKey string // the partition key value (dynamodb:LeadingKeys); "" when not read
}

// keyCondition finds the partition key's placeholder in a key condition
// expression: the store writes it first, as "pk = :pk".
var keyCondition = regexp.MustCompile(`^\s*(\w+)\s*=\s*(:\w+)`)

// Describe returns the Request for operation op with the SDK input params.
// For operations whose partition key it does not read, LeadingKey is empty,
// and Allowed grants them only through statements without conditions.
func Describe(op string, params any) Request {
	r := Request{Action: "dynamodb:" + op, Resource: TableResource}
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		r.LeadingKey = stringValue(in.Key[store.AttrPK])
	case *dynamodb.UpdateItemInput:
		r.LeadingKey = stringValue(in.Key[store.AttrPK])
	case *dynamodb.QueryInput:
		if in.IndexName != nil {
			r.Resource += "/index/" + *in.IndexName
		}
		if in.KeyConditionExpression != nil {
			if m := keyCondition.FindStringSubmatch(*in.KeyConditionExpression); m != nil {
				r.LeadingKey = stringValue(in.ExpressionAttributeValues[m[2]])
			}
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
