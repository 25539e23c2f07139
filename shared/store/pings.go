package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/webhooks"
)

// Test pings are capped by a sliding window kept in the table: the item
// that is capped holds the times of its last n pings in n slots,
// pingAt0 (oldest) … pingAt<n-1> (newest). A ping is admitted when the
// oldest of them is at least a window old; admitting it shifts every slot
// down one and writes its time last. That is one conditional update per
// cap, no read, and it holds across Lambda instances: at most n pings in
// any window, with no burst at a window's edge. The endpoint's slots are
// on its item (so a ping to an endpoint that does not exist fails the same
// condition); the user's on WEBHOOKS#<userId>/PINGS. Both updates and the
// ping's insert are one transaction: a refused ping leaves no trace.
const (
	skPingCap       = "PINGS"
	attrPingSlot    = "pingAt"
	pingAttempts    = 4 // transactions tried when concurrent pings conflict
	pingConflictGap = 20 * time.Millisecond
	// maxPingSlots bounds a cap: its update expression grows by ~40
	// bytes a slot, and DynamoDB's limit is 4 KB.
	maxPingSlots = 50
)

// slotUpdate is the update that admits a ping at now into the n slots of
// the item at key when the oldest is at least window old; mustExist adds
// that the item exists.
func (s *Store) slotUpdate(key map[string]types.AttributeValue, n int, window time.Duration, now time.Time, mustExist bool) *types.Update {
	sets := make([]string, n)
	for i := range n - 1 {
		sets[i] = fmt.Sprintf("%s%d = if_not_exists(%s%d, :zero)", attrPingSlot, i, attrPingSlot, i+1)
	}
	sets[n-1] = fmt.Sprintf("%s%d = :now", attrPingSlot, n-1)
	cond := "(attribute_not_exists(" + attrPingSlot + "0) OR " + attrPingSlot + "0 <= :cut)"
	if mustExist {
		cond = "attribute_exists(pk) AND " + cond
	}
	values := map[string]types.AttributeValue{":now": millis(now), ":cut": millis(now.Add(-window))}
	if n > 1 {
		values[":zero"] = num(0)
	}
	return &types.Update{
		TableName: aws.String(s.table), Key: key,
		UpdateExpression:                    aws.String("SET " + strings.Join(sets, ", ")),
		ConditionExpression:                 aws.String(cond),
		ExpressionAttributeValues:           values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
}

// PutPing writes a test delivery's trigger, whose insert on the stream
// wakes the delivery function, if lim admits it: NotFound when the
// endpoint does not exist (another user's included), RateLimited with
// RetryAfter when the endpoint or the user is at its cap.
func (s *Store) PutPing(ctx context.Context, p webhooks.Ping, lim webhooks.PingLimit) error {
	if lim.PerEndpoint < 1 || lim.PerUser < 1 || lim.PerEndpoint > maxPingSlots || lim.PerUser > maxPingSlots || lim.Window <= 0 {
		return fmt.Errorf("store: put ping: invalid limit %+v: caps from 1 to %d, a positive window", lim, maxPingSlots)
	}
	ping := &types.Update{
		TableName:                aws.String(s.table),
		Key:                      map[string]types.AttributeValue{AttrPK: str(prefixPing + p.UserID), AttrSK: str("PING#" + p.ID)},
		UpdateExpression:         aws.String("SET #type = :type, pingId = :id, userId = :u, webhookId = :w, #at = :at, #ttl = :ttl"),
		ConditionExpression:      aws.String("attribute_not_exists(pk)"),
		ExpressionAttributeNames: map[string]string{"#type": "type", "#at": "at", "#ttl": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": str(typePing), ":id": str(p.ID), ":u": str(p.UserID),
			":w": str(p.WebhookID), ":at": millis(p.At), ":ttl": num(p.At.Add(pingRetention).Unix())},
	}
	in := &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: s.slotUpdate(webhookItemKey(p.UserID, p.WebhookID), lim.PerEndpoint, lim.Window, p.At, true)},
		{Update: s.slotUpdate(map[string]types.AttributeValue{AttrPK: str(webhooksPK(p.UserID)), AttrSK: str(skPingCap)}, lim.PerUser, lim.Window, p.At, false)},
		{Update: ping},
	}}
	var err error
	for attempt := range pingAttempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("store: put ping: %w", ctx.Err())
			case <-time.After(time.Duration(attempt) * pingConflictGap):
			}
		}
		if _, err = s.db.TransactWriteItems(ctx, in); err == nil {
			return nil
		}
		var tc *types.TransactionCanceledException
		if !errors.As(err, &tc) {
			return fmt.Errorf("store: put ping: %w", err)
		}
		if refusal := pingRefusal(tc.CancellationReasons, p, lim); refusal != nil {
			return refusal
		}
		if !transactionConflict(err) {
			return fmt.Errorf("store: put ping: %w", err)
		}
	}
	// Pings contended for the same slots on every attempt: refusing is
	// what the cap would do, and the client may retry shortly.
	return apperr.Limited(apperr.RateLimited, time.Second, "too many concurrent test pings to webhook %s: retry in a second", p.WebhookID)
}

// pingRefusal is the error of a ping whose transaction failed a
// condition: NotFound for a missing endpoint, else RateLimited until the
// oldest slot of each cap it hit leaves the window; nil when no condition
// failed.
func pingRefusal(reasons []types.CancellationReason, p webhooks.Ping, lim webhooks.PingLimit) error {
	failed := func(i int) (map[string]types.AttributeValue, bool) {
		if i >= len(reasons) || aws.ToString(reasons[i].Code) != "ConditionalCheckFailed" {
			return nil, false
		}
		return reasons[i].Item, true
	}
	var wait time.Duration
	var caps []string
	if item, ok := failed(0); ok {
		if len(item) == 0 {
			return apperr.Errorf(apperr.NotFound, "webhook %s not found", p.WebhookID)
		}
		wait = max(wait, untilFree(item, p.At, lim.Window))
		caps = append(caps, strconv.Itoa(lim.PerEndpoint)+" per endpoint")
	}
	if item, ok := failed(1); ok {
		wait = max(wait, untilFree(item, p.At, lim.Window))
		caps = append(caps, strconv.Itoa(lim.PerUser)+" per user")
	}
	if len(caps) == 0 {
		return nil
	}
	return apperr.Limited(apperr.RateLimited, wait, "test pings are capped at %s in any %s: retry in %d s",
		strings.Join(caps, " and "), windowText(lim.Window), int64((wait+time.Second-1)/time.Second))
}

// windowText names a window for a message: "minute", "10 s".
func windowText(d time.Duration) string {
	if d == time.Minute {
		return "minute"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}

// untilFree is how long until the oldest slot of a capped item is a
// window old (at least a millisecond).
func untilFree(item map[string]types.AttributeValue, now time.Time, window time.Duration) time.Duration {
	oldest, ok := getN(item, attrPingSlot+"0")
	if !ok {
		return window
	}
	return max(time.UnixMilli(oldest).Add(window).Sub(now), time.Millisecond)
}
