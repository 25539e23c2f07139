package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// An endpoint's health record is on its item (webhooks.Health):
// failingSince, the first failed attempt since the last success, and
// disabledAt with disabledReason while it is disabled. Recording an
// attempt does not move updatedAt (as a ping's slots do not): it is no
// change of the endpoint's settings, and a PATCH in flight is not made to
// retry. Disabling does move it: it is a change, audited, and a PATCH
// that read the endpoint enabled must read it again.
const (
	attrFailingSince   = "failingSince"
	attrSlowSince      = "slowSince"
	attrDisabledAt     = "disabledAt"
	attrDisabledReason = "disabledReason"
	// disableAttempts bounds the disabling transaction's tries when
	// concurrent recordings conflict on the item.
	disableAttempts = 4
)

// decodeHealth reads an endpoint item's health record into w.
func decodeHealth(item map[string]types.AttributeValue, w *webhooks.Webhook) {
	if _, ok := item[attrFailingSince]; ok {
		w.FailingSince = getTime(item, attrFailingSince)
	}
	if _, ok := item[attrSlowSince]; ok {
		w.SlowSince = getTime(item, attrSlowSince)
	}
	if _, ok := item[attrDisabledAt]; ok {
		w.DisabledAt = getTime(item, attrDisabledAt)
		w.DisabledReason = webhooks.DisabledReason(getS(item, attrDisabledReason))
	}
}

// RecordAttempt records an attempt's outcome on the endpoint's item: a
// success removes failingSince (when set: one conditional write), a
// failure sets it unless set. It returns failingSince after the write:
// zero after a success, or when the endpoint is gone.
func (s *Store) RecordAttempt(ctx context.Context, userID, webhookID string, ok bool, at time.Time) (time.Time, error) {
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: webhookItemKey(userID, webhookID),
		ExpressionAttributeNames: map[string]string{"#f": attrFailingSince},
	}
	if ok {
		in.UpdateExpression, in.ConditionExpression = aws.String("REMOVE #f"), aws.String("attribute_exists(#f)")
	} else {
		in.UpdateExpression, in.ConditionExpression = aws.String("SET #f = if_not_exists(#f, :at)"), aws.String("attribute_exists(pk)")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":at": millis(at)}
		in.ReturnValues = types.ReturnValueUpdatedNew
	}
	out, err := s.db.UpdateItem(ctx, in)
	var cf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &cf):
		return time.Time{}, nil // a success with nothing to clear, or an endpoint deleted since
	case err != nil:
		return time.Time{}, fmt.Errorf("store: record webhook attempt: %w", err)
	case ok:
		return time.Time{}, nil
	}
	return getTime(out.Attributes, attrFailingSince), nil
}

// RecordPace sets slowSince on the endpoint's item (unless set), or
// removes it: one conditional write, the endpoint existing.
func (s *Store) RecordPace(ctx context.Context, userID, webhookID string, slow bool, at time.Time) error {
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: webhookItemKey(userID, webhookID),
		ConditionExpression:      aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames: map[string]string{"#s": attrSlowSince},
		UpdateExpression:         aws.String("REMOVE #s"),
	}
	if slow {
		in.UpdateExpression = aws.String("SET #s = if_not_exists(#s, :at)")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":at": millis(at)}
	}
	_, err := s.db.UpdateItem(ctx, in)
	var cf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &cf) {
		return fmt.Errorf("store: record webhook pace: %w", err)
	}
	return nil
}

// DisableFailing disables the endpoint for failing, at, with ev, in one
// transaction conditioned on the endpoint being enabled and failing since
// exactly failingSince: a success in between (which removed it) or another
// disabling (which set disabledAt) makes it write nothing and return
// false. Of concurrent callers exactly one returns true.
func (s *Store) DisableFailing(ctx context.Context, userID, webhookID string, failingSince, at time.Time, ev *keys.Event) (bool, error) {
	in := &dynamodb.TransactWriteItemsInput{TransactItems: append([]types.TransactWriteItem{{Update: &types.Update{
		TableName: aws.String(s.table), Key: webhookItemKey(userID, webhookID),
		UpdateExpression:         aws.String("SET #d = :at, #r = :r, updatedAt = :at"),
		ConditionExpression:      aws.String("#f = :since AND attribute_not_exists(#d)"),
		ExpressionAttributeNames: map[string]string{"#d": attrDisabledAt, "#r": attrDisabledReason, "#f": attrFailingSince},
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": millis(at), ":since": millis(failingSince),
			":r": str(string(webhooks.DisabledFailing))},
	}}}, s.eventItems(ev)...)}
	var err error
	for attempt := range disableAttempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return false, fmt.Errorf("store: disable webhook: %w", ctx.Err())
			case <-time.After(time.Duration(attempt) * pingConflictGap):
			}
		}
		if _, err = s.db.TransactWriteItems(ctx, in); err == nil {
			return true, nil
		}
		var tc *types.TransactionCanceledException
		if !errors.As(err, &tc) {
			return false, fmt.Errorf("store: disable webhook: %w", err)
		}
		if i, _ := failedItem(err); i == 0 {
			return false, nil // enabled again, a success came, or another disabled it
		}
		if !transactionConflict(err) {
			return false, fmt.Errorf("store: disable webhook: %w", err)
		}
	}
	// Contended on every try: the next failed attempt tries again.
	return false, nil
}
