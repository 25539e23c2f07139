package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/webhooks"
)

// An endpoint's delivery log lives beside it in WEBHOOKS#<userId>, one
// item per event and endpoint (DLV#<webhookId>#<eventTime>#<deliveryId>),
// newest event last, removed by TTL after webhooks.DeliveryRetention.

func deliverySK(webhookID string, at time.Time, id string) string {
	return prefixDelivery + webhookID + "#" + at.UTC().Format(sortTime) + "#" + id
}

func deliveryKey(d webhooks.Delivery) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(webhooksPK(d.UserID)), AttrSK: str(deliverySK(d.WebhookID, d.EventAt, d.ID))}
}

// GetDelivery reads a delivery log entry.
func (s *Store) GetDelivery(ctx context.Context, d webhooks.Delivery) (webhooks.Delivery, bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: deliveryKey(d), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return webhooks.Delivery{}, false, fmt.Errorf("store: get delivery: %w", err)
	}
	if len(out.Item) == 0 {
		return webhooks.Delivery{}, false, nil
	}
	return decodeDelivery(out.Item), true, nil
}

// PutDelivery writes a delivery log entry as it stands, kept for
// webhooks.DeliveryRetention: one UpdateItem per attempt (a single-item
// transaction would cost twice the write units). It is conditioned on the
// log not being past it — fewer attempts recorded, or, for a skip (no
// attempt), as many and the delivery still under way — so a copy of an
// attempt that finishes second never overwrites the first's outcome:
// Conflict, and nothing written.
func (s *Store) PutDelivery(ctx context.Context, d webhooks.Delivery) error {
	values := map[string]types.AttributeValue{
		":type": str(typeDelivery), ":id": str(d.ID), ":wh": str(d.WebhookID), ":u": str(d.UserID),
		":et": str(string(d.Type)), ":eid": str(d.EventID), ":eat": millis(d.EventAt), ":st": str(string(d.Status)),
		":n": num(int64(d.Attempts)), ":ls": num(int64(d.LastStatusCode)), ":le": str(d.LastError), ":lat": num(d.LatencyMillis),
		":c": millis(d.CreatedAt), ":up": millis(d.UpdatedAt), ":ttl": num(d.CreatedAt.Add(webhooks.DeliveryRetention).Unix()),
		":pending": str(string(webhooks.StatusPending)), ":retrying": str(string(webhooks.StatusRetrying)),
		":skipped": str(string(webhooks.StatusSkipped)),
	}
	update := "SET #type = :type, deliveryId = :id, webhookId = :wh, userId = :u, eventType = :et, eventId = :eid, eventAt = :eat, " +
		"#status = :st, attempts = :n, lastStatus = :ls, lastError = :le, latencyMs = :lat, createdAt = :c, updatedAt = :up, #ttl = :ttl"
	if d.Body != "" { // kept for a retry (webhooks.Service.Retry)
		update += ", body = :body"
		values[":body"] = str(d.Body)
	}
	var remove []string
	if d.NextRetryAt.IsZero() {
		remove = append(remove, "nextRetryAt")
	} else {
		update += ", nextRetryAt = :next"
		values[":next"] = millis(d.NextRetryAt)
	}
	if d.Chain == "" {
		remove = append(remove, "chain")
	} else {
		update += ", chain = :chain"
		values[":chain"] = str(d.Chain)
	}
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: deliveryKey(d), UpdateExpression: aws.String(update),
		ConditionExpression:       aws.String("attribute_not_exists(pk) OR attempts < :n OR (attempts = :n AND #status IN (:pending, :retrying) AND :st = :skipped)"),
		ExpressionAttributeNames:  map[string]string{"#type": "type", "#status": "status", "#ttl": TTLAttribute},
		ExpressionAttributeValues: values,
	})
	var cf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &cf):
		return apperr.Errorf(apperr.Conflict, "delivery %s: the log is past attempt %d", d.ID, d.Attempts)
	case err != nil:
		return fmt.Errorf("store: put delivery: %w", err)
	}
	return nil
}

func decodeDelivery(item map[string]types.AttributeValue) webhooks.Delivery {
	n := func(name string) int64 { v, _ := getN(item, name); return v }
	d := webhooks.Delivery{ID: getS(item, "deliveryId"), WebhookID: getS(item, "webhookId"), UserID: getS(item, "userId"),
		Type: webhooks.EventType(getS(item, "eventType")), EventID: getS(item, "eventId"), EventAt: getTime(item, "eventAt"),
		Status: webhooks.Status(getS(item, "status")), Attempts: int(n("attempts")), LastStatusCode: int(n("lastStatus")),
		LastError: getS(item, "lastError"), LatencyMillis: n("latencyMs"), CreatedAt: getTime(item, "createdAt"), UpdatedAt: getTime(item, "updatedAt"),
		Body: getS(item, "body"), Chain: getS(item, "chain")}
	if _, ok := item["nextRetryAt"]; ok {
		d.NextRetryAt = getTime(item, "nextRetryAt")
	}
	return d
}

// ListDeliveries returns an endpoint's latest deliveries, newest event
// first.
func (s *Store) ListDeliveries(ctx context.Context, userID, webhookID string, limit int) ([]webhooks.Delivery, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("pk = :p AND begins_with(sk, :d)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": str(webhooksPK(userID)), ":d": str(prefixDelivery + webhookID + "#")},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(limit)),
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("store: list deliveries: %w", err)
	}
	ds := make([]webhooks.Delivery, 0, len(out.Items))
	for _, it := range out.Items {
		ds = append(ds, decodeDelivery(it))
	}
	return ds, nil
}
