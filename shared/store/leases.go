package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/webhooks"
)

// Attempts in flight are slots on an item: an endpoint's on its item
// (webhooks.MaxInFlight), a user's on the user's endpoint count item
// (webhooks.MaxInFlightPerUser), the deployment's attempts to risky
// endpoints on one item of their own (webhooks.DeliverConfig.RiskyAttempts),
// written only by those attempts. attemptN names the attempt that holds slot
// N and attemptUntilN when its lease ends. Taking a slot is one conditional
// UpdateItem (free, or its lease over), so the bound holds across every
// worker, and a worker that dies mid-attempt frees its slot when the lease
// ends.
const (
	attrAttempt      = "attempt"
	attrAttemptUntil = "attemptUntil"
	// maxLeaseSlots bounds the slot numbers any lease may use (the risky
	// budget is half the worker's largest concurrency).
	maxLeaseSlots = 500
	// riskyAttemptsKey names the risky budget's partition: "~" is in no
	// user id (keys.ValidID), so it is no user's.
	riskyAttemptsKey = "~risky"
)

// leaseKey is the item that holds l's slots. An endpoint's and a user's
// exist while the user has an endpoint (the count item is written with the
// first), and a lease on them is conditioned on that; the risky budget's is
// created by its first lease.
func leaseKey(l webhooks.Lease) (key map[string]types.AttributeValue, mustExist bool) {
	switch {
	case l.UserID == "":
		return map[string]types.AttributeValue{AttrPK: str(webhooksPK(riskyAttemptsKey)), AttrSK: str(skWebhookCount)}, false
	case l.WebhookID == "":
		return webhookCountKey(l.UserID), true
	}
	return webhookItemKey(l.UserID, l.WebhookID), true
}

// AcquireAttempt takes a free one of the first l.Slots slots of l's item
// for l.Holder until l.Until (webhooks.Leases). It reads the item first —
// one read instead of a failed conditional write per slot when every slot
// is taken (a busy endpoint's backlog comes back often) — and writes only
// to slots that looked free, starting at the one the holder's hash names,
// so concurrent attempts seldom try the same one; each write is
// conditioned on the slot being free, so a stale read never lets two
// attempts share one. False when no slot is free at now, or the item is
// gone. A scope allowed fewer slots than before (a failing endpoint) uses
// only the lowest, and leases of higher slots end within one attempt's
// bound.
func (s *Store) AcquireAttempt(ctx context.Context, l webhooks.Lease) (int, bool, error) {
	slots := max(1, min(l.Slots, maxLeaseSlots))
	key, mustExist := leaseKey(l)
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return 0, false, fmt.Errorf("store: read the attempt slots (user %q, webhook %q): %w", l.UserID, l.WebhookID, err)
	}
	if out.Item == nil && mustExist {
		return 0, false, nil
	}
	cond := "attribute_not_exists(#until) OR #until < :now OR #holder = :h"
	if mustExist {
		cond = "attribute_exists(pk) AND (" + cond + ")"
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(l.Holder))
	start := int(h.Sum32() % uint32(slots))
	for i := range slots {
		n := (start + i) % slots
		slot := strconv.Itoa(n)
		if until, held := getN(out.Item, attrAttemptUntil+slot); held && until >= l.Now.UnixMilli() && getS(out.Item, attrAttempt+slot) != l.Holder {
			continue // taken, as read
		}
		_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(s.table), Key: key,
			ConditionExpression: aws.String(cond),
			UpdateExpression:    aws.String("SET #holder = :h, #until = :until"),
			ExpressionAttributeNames: map[string]string{
				"#holder": attrAttempt + slot, "#until": attrAttemptUntil + slot,
			},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":h": str(l.Holder), ":now": millis(l.Now), ":until": millis(l.Until),
			},
		})
		var ccf *types.ConditionalCheckFailedException
		switch {
		case err == nil:
			return n, true, nil
		case errors.As(err, &ccf), retryable(err):
			continue
		default:
			return 0, false, fmt.Errorf("store: acquire an attempt slot (user %q, webhook %q): %w", l.UserID, l.WebhookID, err)
		}
	}
	return 0, false, nil
}

// ReleaseAttempt frees l.Holder's slot, if it still holds it.
func (s *Store) ReleaseAttempt(ctx context.Context, l webhooks.Lease, slot int) error {
	n := strconv.Itoa(slot)
	key, _ := leaseKey(l)
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: key,
		ConditionExpression:       aws.String("#holder = :h"),
		UpdateExpression:          aws.String("REMOVE #holder, #until"),
		ExpressionAttributeNames:  map[string]string{"#holder": attrAttempt + n, "#until": attrAttemptUntil + n},
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(l.Holder)},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("store: release an attempt slot (user %q, webhook %q): %w", l.UserID, l.WebhookID, err)
	}
	return nil
}
