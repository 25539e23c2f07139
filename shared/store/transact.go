package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// transactAttempts bounds how often transact tries one transaction.
const transactAttempts = 5

// transact runs a TransactWriteItems, again (after 5, 20, 45, 80 ms) when
// DynamoDB cancelled it only because another transaction or write was in
// flight on one of its items (TransactionConflict), which the SDK does not
// retry. A key's item is written by every verification, so a change to a
// key in use meets such conflicts.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling
func (s *Store) transact(ctx context.Context, in *dynamodb.TransactWriteItemsInput) (*dynamodb.TransactWriteItemsOutput, error) {
	var err error
	for attempt := range transactAttempts {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		var out *dynamodb.TransactWriteItemsOutput
		if out, err = s.db.TransactWriteItems(ctx, in); err == nil || !transactionConflict(err) {
			return out, err
		}
	}
	return nil, err
}
