package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxBatchAttempts bounds the calls of one batchGet when DynamoDB leaves
// keys unprocessed (it may, under throttling).
const maxBatchAttempts = 3

// batchGet reads the items of want (at most 100) in strongly consistent
// BatchGetItem calls, asking again for the keys DynamoDB left unprocessed
// after a short jittered wait (20 ms, then 40). projection, when set, names
// the attributes read. Items missing from the table are missing from the
// result, which is in no particular order.
func (s *Store) batchGet(ctx context.Context, want []map[string]types.AttributeValue, projection string) ([]map[string]types.AttributeValue, error) {
	ka := types.KeysAndAttributes{ConsistentRead: aws.Bool(true)}
	if projection != "" {
		ka.ProjectionExpression = aws.String(projection)
	}
	var items []map[string]types.AttributeValue
	for attempt := 0; len(want) > 0; attempt++ {
		if attempt == maxBatchAttempts {
			return nil, fmt.Errorf("keys left unprocessed %d times", maxBatchAttempts)
		}
		if attempt > 0 {
			if err := pause(ctx, time.Duration(10<<attempt)*time.Millisecond); err != nil {
				return nil, err
			}
		}
		ka.Keys = want
		out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{s.table: ka}})
		if err != nil {
			return nil, err
		}
		items = append(items, out.Responses[s.table]...)
		want = out.UnprocessedKeys[s.table].Keys
	}
	return items, nil
}
