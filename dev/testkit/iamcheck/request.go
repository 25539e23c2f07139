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

// Describe returns what IAM evaluates of operation op with the SDK input
// params: one Request, or for TransactWriteItems one per item, since IAM
// authorizes a transaction by each item's own action (PutItem, UpdateItem,
// DeleteItem, ConditionCheckItem). For an operation whose partition key it
// does not read, LeadingKey is empty, and Allowed grants it only through a
// statement without conditions.
func Describe(op string, params any) []Request {
	r := Request{Action: "dynamodb:" + op, Resource: TableResource}
	switch in := params.(type) {
	case *dynamodb.GetItemInput:
		r.LeadingKey = stringValue(in.Key[store.AttrPK])
	case *dynamodb.PutItemInput:
		r.LeadingKey = stringValue(in.Item[store.AttrPK])
	case *dynamodb.UpdateItemInput:
		r.LeadingKey = stringValue(in.Key[store.AttrPK])
	case *dynamodb.DeleteItemInput:
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
	case *dynamodb.BatchGetItemInput:
		// IAM evaluates dynamodb:LeadingKeys over every key the batch reads.
		var reqs []Request
		for _, ka := range in.RequestItems {
			for _, key := range ka.Keys {
				reqs = append(reqs, Request{Action: r.Action, Resource: TableResource, LeadingKey: stringValue(key[store.AttrPK])})
			}
		}
		return reqs
	case *dynamodb.TransactWriteItemsInput:
		reqs := make([]Request, 0, len(in.TransactItems))
		for _, item := range in.TransactItems {
			reqs = append(reqs, transactItem(item))
		}
		return reqs
	}
	return []Request{r}
}

// transactItem is the Request IAM evaluates for one item of a transaction.
func transactItem(item types.TransactWriteItem) Request {
	r := Request{Resource: TableResource}
	switch {
	case item.Put != nil:
		r.Action, r.LeadingKey = "dynamodb:PutItem", stringValue(item.Put.Item[store.AttrPK])
	case item.Update != nil:
		r.Action, r.LeadingKey = "dynamodb:UpdateItem", stringValue(item.Update.Key[store.AttrPK])
	case item.Delete != nil:
		r.Action, r.LeadingKey = "dynamodb:DeleteItem", stringValue(item.Delete.Key[store.AttrPK])
	case item.ConditionCheck != nil:
		r.Action, r.LeadingKey = "dynamodb:ConditionCheckItem", stringValue(item.ConditionCheck.Key[store.AttrPK])
	default:
		r.Action = "dynamodb:TransactWriteItems" // an item of no known kind: granted by nothing
	}
	return r
}

func stringValue(v types.AttributeValue) string {
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
