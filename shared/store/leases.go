package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/webhooks"
)

// An endpoint's attempts in flight are webhooks.MaxInFlight slots on its
// item: attemptN names the attempt that holds slot N and attemptUntilN
// when its lease ends. Taking a slot is one conditional UpdateItem (free,
// or its lease over), so the bound holds across every worker, and a worker
// that dies mid-attempt frees its slot when the lease ends.
const (
	attrAttempt      = "attempt"
	attrAttemptUntil = "attemptUntil"
)

// AcquireAttempt takes a free slot of the endpoint for holder until until
// (webhooks.Leases). It starts at the slot holder's hash names, so
// concurrent attempts seldom try the same one; false when every slot is
// held at now, or the endpoint is gone.
func (s *Store) AcquireAttempt(ctx context.Context, userID, webhookID, holder string, now, until time.Time) (int, bool, error) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(holder))
	start := int(h.Sum32() % webhooks.MaxInFlight)
	for i := range webhooks.MaxInFlight {
		n := (start + i) % webhooks.MaxInFlight
		slot := strconv.Itoa(n)
		_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(s.table), Key: webhookItemKey(userID, webhookID),
			ConditionExpression: aws.String("attribute_exists(pk) AND (attribute_not_exists(#until) OR #until < :now OR #holder = :h)"),
			UpdateExpression:    aws.String("SET #holder = :h, #until = :until"),
			ExpressionAttributeNames: map[string]string{
				"#holder": attrAttempt + slot, "#until": attrAttemptUntil + slot,
			},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":h": str(holder), ":now": millis(now), ":until": millis(until),
			},
		})
		var ccf *types.ConditionalCheckFailedException
		switch {
		case err == nil:
			return n, true, nil
		case errors.As(err, &ccf), retryable(err):
			continue
		default:
			return 0, false, fmt.Errorf("store: acquire an attempt of webhook %s: %w", webhookID, err)
		}
	}
	return 0, false, nil
}

// ReleaseAttempt frees holder's slot, if it still holds it.
func (s *Store) ReleaseAttempt(ctx context.Context, userID, webhookID, holder string, slot int) error {
	n := strconv.Itoa(slot)
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: webhookItemKey(userID, webhookID),
		ConditionExpression:       aws.String("#holder = :h"),
		UpdateExpression:          aws.String("REMOVE #holder, #until"),
		ExpressionAttributeNames:  map[string]string{"#holder": attrAttempt + n, "#until": attrAttemptUntil + n},
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(holder)},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("store: release an attempt of webhook %s: %w", webhookID, err)
	}
	return nil
}
