package store

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// transactAttempts bounds how often transact tries one transaction.
const transactAttempts = 8

// transact runs a TransactWriteItems, again (after 5, 20, 45, 80 ms, … 245 ms) when
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

// transactionConflict reports whether err is a transaction cancelled only
// because another transaction was changing one of its items.
func transactionConflict(err error) bool {
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		return false
	}
	for _, r := range tc.CancellationReasons {
		if aws.ToString(r.Code) == "TransactionConflict" {
			return true
		}
	}
	return false
}
