package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// A retried delivery's trigger is written beside the test pings, in
// WHPING#<userId> (REPLAY#<replayId>, type "replay"), so the stream's
// filter and StreamPrefixes already hand it to the delivery pipeline, and
// the webhooks function's grant to queue pings covers it. It carries the
// delivery's event and the body's data as first sent (from the log
// entry's body), so the delivery is the same: its id is derived from the
// endpoint and the event, its body from them and the data.
const (
	typeReplay      = "replay"
	skReplayPrefix  = "REPLAY#"
	replayRetention = 24 * time.Hour
)

// FindDelivery returns the endpoint's log entry deliveryID: the endpoint's
// log is read (newest first, a page at a time) until it is found, at most
// webhooks.DeliveryRetention of it. NotFound when it is not there.
func (s *Store) FindDelivery(ctx context.Context, userID, webhookID, deliveryID string) (webhooks.Delivery, error) {
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("pk = :p AND begins_with(sk, :d)"),
		FilterExpression:          aws.String("deliveryId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": str(webhooksPK(userID)), ":d": str(prefixDelivery + webhookID + "#"), ":id": str(deliveryID)},
		ScanIndexForward:          aws.Bool(false),
		ConsistentRead:            aws.Bool(true),
	}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return webhooks.Delivery{}, fmt.Errorf("store: find delivery: %w", err)
		}
		if len(out.Items) > 0 {
			return decodeDelivery(out.Items[0]), nil
		}
		if len(out.LastEvaluatedKey) == 0 {
			return webhooks.Delivery{}, apperr.Errorf(apperr.NotFound, "delivery %s of webhook %s not found", deliveryID, webhookID)
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// PutReplay sets r's log entry back to pending with no attempts and writes
// r's trigger and ev, in one transaction conditioned on the entry's status
// being still r.Delivery.Status: a concurrent retry, or an attempt that
// changed it, is a Conflict and writes nothing.
func (s *Store) PutReplay(ctx context.Context, r webhooks.Replay, ev *keys.Event) error {
	d := r.Delivery
	reset := &types.Update{
		TableName: aws.String(s.table), Key: deliveryKey(d),
		// A new series of attempts: kept for DeliveryRetention from now,
		// and no message of the old series may carry it on (Task.Chain).
		UpdateExpression:         aws.String("SET #status = :pending, attempts = :zero, updatedAt = :at, createdAt = :at, #ttl = :ttl REMOVE nextRetryAt, chain"),
		ConditionExpression:      aws.String("#status = :was"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#ttl": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pending": str(string(webhooks.StatusPending)), ":zero": num(0), ":at": millis(r.At),
			":was": str(string(d.Status)), ":ttl": num(r.At.Add(webhooks.DeliveryRetention).Unix())},
	}
	trigger := &types.Update{
		TableName:                aws.String(s.table),
		Key:                      map[string]types.AttributeValue{AttrPK: str(prefixPing + d.UserID), AttrSK: str(skReplayPrefix + r.ID)},
		UpdateExpression:         aws.String("SET #type = :type, replayId = :id, userId = :u, webhookId = :w, deliveryId = :d, eventId = :e, eventType = :et, eventAt = :eat, #data = :data, #at = :at, #ttl = :ttl"),
		ConditionExpression:      aws.String("attribute_not_exists(pk)"),
		ExpressionAttributeNames: map[string]string{"#type": "type", "#data": "data", "#at": "at", "#ttl": TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": str(typeReplay), ":id": str(r.ID), ":u": str(d.UserID),
			":w": str(d.WebhookID), ":d": str(d.ID), ":e": str(d.EventID), ":et": str(string(d.Type)), ":eat": millis(d.EventAt),
			":data": str(string(r.Data)), ":at": millis(r.At), ":ttl": num(r.At.Add(replayRetention).Unix())},
	}
	items := append([]types.TransactWriteItem{{Update: reset}, {Update: trigger}}, s.eventItems(ev)...)
	if _, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
		if i, _ := failedItem(err); i == 0 || transactionConflict(err) {
			return apperr.Errorf(apperr.Conflict, "delivery %s changed meanwhile: read it again", d.ID)
		}
		return fmt.Errorf("store: put replay: %w", err)
	}
	return nil
}

// replayTrigger reads a replay's stream image as its trigger: the
// delivery's endpoint, event and data, so its id and body are the first
// ones'.
func replayTrigger(image map[string]types.AttributeValue) (webhooks.Trigger, bool) {
	data := getS(image, "data")
	t := webhooks.Trigger{UserID: getS(image, "userId"), EventID: getS(image, "eventId"), Type: webhooks.EventType(getS(image, "eventType")),
		At: getTime(image, "eventAt"), Data: json.RawMessage(data), WebhookID: getS(image, "webhookId")}
	return t, t.UserID != "" && t.EventID != "" && t.WebhookID != "" && t.Type != "" && json.Valid([]byte(data))
}
