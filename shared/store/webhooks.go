package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// A user's webhooks, the count that caps them and their delivery log live
// in a partition of their own, WEBHOOKS#<userId>: neither the authorizer's
// Query of USER#<userId> nor the audit log reads them, and the functions
// that do are granted only this partition. Test pings are written to
// WHPING#<userId>, where the stream (with AUDIT#) wakes the delivery
// function.
const (
	prefixWebhooks  = "WEBHOOKS#"
	prefixWebhook   = "WH#"
	prefixDelivery  = "DLV#"
	prefixPing      = "WHPING#"
	skWebhookCount  = "COUNT"
	typeWebhook     = "webhook"
	typeDelivery    = "delivery"
	typePing        = "ping"
	pingRetention   = 24 * time.Hour
	attrWebhookList = "events"
)

func webhooksPK(userID string) string { return prefixWebhooks + userID }

func webhookItemKey(userID, id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(webhooksPK(userID)), AttrSK: str(prefixWebhook + id)}
}

func webhookCountKey(userID string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: str(webhooksPK(userID)), AttrSK: str(skWebhookCount)}
}

func eventList(ts []webhooks.EventType) types.AttributeValue {
	l := make([]types.AttributeValue, len(ts))
	for i, t := range ts {
		l[i] = str(string(t))
	}
	return &types.AttributeValueMemberL{Value: l}
}

func decodeWebhook(item map[string]types.AttributeValue) webhooks.Webhook {
	w := webhooks.Webhook{ID: getS(item, "webhookId"), UserID: getS(item, "userId"), URL: getS(item, "url"),
		Description: getS(item, "description"), Secret: getS(item, "secret"),
		CreatedAt: getTime(item, "createdAt"), UpdatedAt: getTime(item, "updatedAt")}
	if l, ok := item[attrWebhookList].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if s, ok := v.(*types.AttributeValueMemberS); ok {
				w.Events = append(w.Events, webhooks.EventType(s.Value))
			}
		}
	}
	if l, ok := item[attrPreviousSecrets].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if m, ok := v.(*types.AttributeValueMemberM); ok {
				w.PreviousSecrets = append(w.PreviousSecrets, webhooks.PreviousSecret{Secret: getS(m.Value, "secret"), Until: getTime(m.Value, "until")})
			}
		}
	}
	decodeHealth(item, &w)
	return w
}

// attrPreviousSecrets holds the secrets a rotation replaced, each with the
// end of its overlap: [{"secret":S,"until":N}].
const attrPreviousSecrets = "previousSecrets"

func previousSecretList(ps []webhooks.PreviousSecret) types.AttributeValue {
	l := make([]types.AttributeValue, len(ps))
	for i, p := range ps {
		l[i] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"secret": str(p.Secret), "until": millis(p.Until)}}
	}
	return &types.AttributeValueMemberL{Value: l}
}

// CreateWebhook stores w unless the user already has max endpoints, or
// does not exist or is disabled: one transaction with the count and ev
// (when not nil), so concurrent creates cannot pass the cap and nothing is
// half-written.
func (s *Store) CreateWebhook(ctx context.Context, w webhooks.Webhook, max int, ev *keys.Event) error {
	item := webhookItemKey(w.UserID, w.ID)
	item["type"], item["webhookId"], item["userId"], item["url"] = str(typeWebhook), str(w.ID), str(w.UserID), str(w.URL)
	item["description"], item["secret"], item[attrWebhookList] = str(w.Description), str(w.Secret), eventList(w.Events)
	item["createdAt"], item["updatedAt"] = millis(w.CreatedAt), millis(w.UpdatedAt)
	_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append([]types.TransactWriteItem{
		s.activeUserCheck(w.UserID),
		{Update: &types.Update{
			TableName: aws.String(s.table), Key: webhookCountKey(w.UserID),
			UpdateExpression:          aws.String("ADD n :one"),
			ConditionExpression:       aws.String("attribute_not_exists(n) OR n < :max"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1), ":max": num(int64(max))},
		}},
		{Put: &types.Put{TableName: aws.String(s.table), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
	}, s.eventItems(ev)...)})
	if err != nil {
		switch i, _ := failedItem(err); i {
		case 0:
			return apperr.Errorf(apperr.NotFound, "user %s not found or disabled", w.UserID)
		case 1:
			return apperr.Errorf(apperr.BadRequest, "at most %d webhooks per user: delete one first", max)
		case 2:
			return apperr.Errorf(apperr.Conflict, "webhook %s already exists", w.ID)
		}
		return fmt.Errorf("store: create webhook: %w", err)
	}
	return nil
}

// ListWebhooks returns the user's endpoints, secrets included (the
// Deliverer signs with them; the use cases drop them).
func (s *Store) ListWebhooks(ctx context.Context, userID string) ([]webhooks.Webhook, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return nil, err
	}
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("pk = :p AND begins_with(sk, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": str(webhooksPK(userID)), ":w": str(prefixWebhook)},
		ConsistentRead:            aws.Bool(true),
	}, "list webhooks")
	if err != nil {
		return nil, err
	}
	out := make([]webhooks.Webhook, 0, len(items))
	for _, it := range items {
		out = append(out, decodeWebhook(it))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

// GetWebhook returns one endpoint, or NotFound.
func (s *Store) GetWebhook(ctx context.Context, userID, id string) (webhooks.Webhook, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: webhookItemKey(userID, id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return webhooks.Webhook{}, fmt.Errorf("store: get webhook: %w", err)
	}
	if len(out.Item) == 0 {
		return webhooks.Webhook{}, apperr.Errorf(apperr.NotFound, "webhook %s not found", id)
	}
	return decodeWebhook(out.Item), nil
}

// UpdateWebhook applies ch to old, the endpoint as read, and returns it,
// with ev (when not nil) in the same transaction. The write is conditioned
// on old's updatedAt (every update moves it forward), so ev's "from"
// values are what was replaced: NotFound when the endpoint is gone,
// Conflict when it changed since old was read.
func (s *Store) UpdateWebhook(ctx context.Context, old webhooks.Webhook, ch webhooks.Changes, at time.Time, ev *keys.Event) (webhooks.Webhook, error) {
	sets := []string{"updatedAt = :at"}
	values := map[string]types.AttributeValue{":at": millis(at), ":prev": millis(old.UpdatedAt)}
	names := map[string]string{}
	next := old
	next.UpdatedAt = at
	if ch.URL != nil {
		sets, values[":url"], names["#url"] = append(sets, "#url = :url"), str(*ch.URL), "url"
		next.URL = *ch.URL
	}
	if ch.Description != nil {
		sets, values[":d"], names["#d"] = append(sets, "#d = :d"), str(*ch.Description), "description"
		next.Description = *ch.Description
	}
	if ch.Events != nil {
		sets, values[":e"], names["#e"] = append(sets, "#e = :e"), eventList(ch.Events), attrWebhookList
		next.Events = ch.Events
	}
	if ch.Secret != nil {
		sets, values[":s"], names["#s"] = append(sets, "#s = :s"), str(*ch.Secret), "secret"
		sets, values[":ps"], names["#ps"] = append(sets, "#ps = :ps"), previousSecretList(ch.PreviousSecrets), attrPreviousSecrets
		next.Secret, next.PreviousSecrets = *ch.Secret, ch.PreviousSecrets
	}
	expr := "SET " + strings.Join(sets, ", ")
	if ch.Enabled != nil { // health.go
		names["#dis"], names["#disr"] = attrDisabledAt, attrDisabledReason
		if *ch.Enabled {
			names["#fail"] = attrFailingSince
			expr += " REMOVE #dis, #disr, #fail"
			next.DisabledAt, next.DisabledReason, next.FailingSince = time.Time{}, "", time.Time{}
		} else {
			expr += ", #dis = :at, #disr = :disr"
			values[":disr"] = str(string(webhooks.DisabledByUser))
			next.DisabledAt, next.DisabledReason = at, webhooks.DisabledByUser
		}
	}
	update := &types.Update{
		TableName: aws.String(s.table), Key: webhookItemKey(old.UserID, old.ID),
		UpdateExpression:                    aws.String(expr),
		ConditionExpression:                 aws.String("updatedAt = :prev"),
		ExpressionAttributeValues:           values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	if len(names) > 0 {
		update.ExpressionAttributeNames = names
	}
	items := append([]types.TransactWriteItem{{Update: update}}, s.eventItems(ev)...)
	if _, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
		return webhooks.Webhook{}, webhookChangeFailed(err, old.ID, "update webhook")
	}
	return next, nil
}

// DeleteWebhook removes old, the endpoint as read, and frees its place
// under the cap, with ev (when not nil), in one transaction conditioned as
// UpdateWebhook's: NotFound when it is gone, Conflict when it changed
// since old was read.
func (s *Store) DeleteWebhook(ctx context.Context, old webhooks.Webhook, ev *keys.Event) error {
	items := append([]types.TransactWriteItem{
		{Delete: &types.Delete{
			TableName: aws.String(s.table), Key: webhookItemKey(old.UserID, old.ID),
			ConditionExpression:                 aws.String("updatedAt = :prev"),
			ExpressionAttributeValues:           map[string]types.AttributeValue{":prev": millis(old.UpdatedAt)},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}},
		{Update: &types.Update{
			TableName: aws.String(s.table), Key: webhookCountKey(old.UserID),
			UpdateExpression:          aws.String("ADD n :minus"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":minus": num(-1)},
		}},
	}, s.eventItems(ev)...)
	if _, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
		return webhookChangeFailed(err, old.ID, "delete webhook")
	}
	return nil
}

// webhookChangeFailed maps a failed update or delete: the endpoint's
// condition failed on a missing item (NotFound) or on a newer one, or a
// concurrent transaction (a ping) held the item (Conflict: read again and
// retry).
func webhookChangeFailed(err error, id, what string) error {
	i, item := failedItem(err)
	switch {
	case i == 0 && len(item) == 0:
		return apperr.Errorf(apperr.NotFound, "webhook %s not found", id)
	case i == 0, transactionConflict(err):
		return apperr.Errorf(apperr.Conflict, "webhook %s changed meanwhile", id)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// Trigger reads a stream image (the new item of an INSERT) as the
// deliveries it asks for: an audit event, or a test ping. ok is false for
// every other item.
func Trigger(image map[string]types.AttributeValue) (webhooks.Trigger, bool) {
	pk := getS(image, AttrPK)
	switch {
	case strings.HasPrefix(pk, prefixAudit) && getS(image, "type") == typeEvent:
		ev := decodeEvent(image)
		return webhooks.Trigger{UserID: ev.UserID, EventID: ev.ID, Type: ev.Type, At: ev.At, Data: ev}, ev.UserID != "" && ev.ID != ""
	case strings.HasPrefix(pk, prefixPing) && getS(image, "type") == typePing:
		id, wh := getS(image, "pingId"), getS(image, "webhookId")
		return webhooks.Trigger{UserID: getS(image, "userId"), EventID: id, Type: webhooks.EventPing, At: getTime(image, "at"),
			Data: map[string]string{"webhookId": wh}, WebhookID: wh}, id != "" && wh != ""
	case strings.HasPrefix(pk, prefixPing) && getS(image, "type") == typeReplay:
		return replayTrigger(image) // replays.go
	}
	return webhooks.Trigger{}, false
}

// StreamPrefixes are the partition-key prefixes whose inserts are delivery
// triggers: the delivery function's event filter in template.yaml names
// exactly these.
var StreamPrefixes = []string{prefixAudit, prefixPing}
