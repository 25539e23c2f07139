package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// Audit events live in a partition of their own per user, AUDIT#<userId>,
// sorted by time, so the authorizer's Query of USER#<userId> never reads
// them and its cost never grows with a user's history. gsi1 indexes them by
// key (AUDITKEY#<keyId>) for the log of one key. DynamoDB's TTL removes them
// after the retention.
const (
	prefixAudit    = "AUDIT#"
	prefixAuditKey = "AUDITKEY#"
	prefixEvent    = "EVT#"
	typeEvent      = "event"
)

// eventItems is the transaction item that writes ev, or none for nil.
func (s *Store) eventItems(ev *keys.Event) []types.TransactWriteItem {
	if ev == nil {
		return nil
	}
	return []types.TransactWriteItem{{Put: &types.Put{
		TableName:           aws.String(s.table),
		Item:                encodeEvent(*ev),
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}}
}

func eventSortKey(ev keys.Event) string {
	return prefixEvent + ev.At.UTC().Format(sortTime) + "#" + ev.ID
}

func encodeEvent(ev keys.Event) map[string]types.AttributeValue {
	changes, err := json.Marshal(ev.Changes)
	if err != nil { // Changes holds JSON values: strings, numbers, lists, maps, keys.View parts
		changes = []byte("{}")
	}
	sk := eventSortKey(ev)
	item := map[string]types.AttributeValue{
		AttrPK: str(prefixAudit + ev.UserID), AttrSK: str(sk),
		"type": str(typeEvent), "eventId": str(ev.ID), "eventType": str(string(ev.Type)),
		"at": millis(ev.At), "userId": str(ev.UserID), "changes": str(string(changes)),
		"actorKeyId": str(ev.Actor.KeyID), "actorOperator": str(ev.Actor.Operator),
		"sourceIp": str(ev.Actor.SourceIP), "userAgent": str(ev.Actor.UserAgent), "requestId": str(ev.Actor.RequestID),
	}
	if ev.KeyID != "" {
		item["keyId"] = str(ev.KeyID)
		item[AttrGSI1PK] = str(prefixAuditKey + ev.KeyID)
		item[AttrGSI1SK] = str(sk)
	}
	if !ev.Expires.IsZero() {
		item[TTLAttribute] = num(ev.Expires.Unix())
	}
	return item
}

func decodeEvent(item map[string]types.AttributeValue) keys.Event {
	var changes map[string]any
	if err := json.Unmarshal([]byte(getS(item, "changes")), &changes); err != nil || changes == nil {
		changes = map[string]any{}
	}
	ev := keys.Event{
		ID: getS(item, "eventId"), Type: keys.EventType(getS(item, "eventType")), At: getTime(item, "at"),
		UserID: getS(item, "userId"), KeyID: getS(item, "keyId"), Changes: changes,
		Actor: keys.Actor{KeyID: getS(item, "actorKeyId"), Operator: getS(item, "actorOperator"),
			SourceIP: getS(item, "sourceIp"), UserAgent: getS(item, "userAgent"), RequestID: getS(item, "requestId")},
	}
	if ttl, ok := getN(item, TTLAttribute); ok {
		ev.Expires = time.Unix(ttl, 0).UTC()
	}
	return ev
}

// ListEvents returns a page of the user's audit events, newest first, and
// the position of the next page ("" after the last). With q.KeyID it reads
// that key's events from gsi1; q.Type filters after the read, so a page may
// hold fewer than limit events while more follow. Events past their
// retention that DynamoDB has not removed yet are left out.
func (s *Store) ListEvents(ctx context.Context, userID string, q keys.EventQuery, limit int, position string) ([]keys.Event, string, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return nil, "", err
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		KeyConditionExpression:    aws.String("pk = :p AND begins_with(sk, :e)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": str(prefixAudit + userID), ":e": str(prefixEvent)},
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(int32(limit)),
	}
	if q.KeyID != "" {
		in.IndexName = aws.String(GSI1Name)
		in.KeyConditionExpression = aws.String("gsi1pk = :p AND begins_with(gsi1sk, :e)")
		in.ExpressionAttributeValues[":p"] = str(prefixAuditKey + q.KeyID)
		in.FilterExpression = aws.String("userId = :u")
		in.ExpressionAttributeValues[":u"] = str(userID)
	}
	now := s.Now().Unix()
	filters := []string{"(attribute_not_exists(#ttl) OR #ttl > :now)"}
	in.ExpressionAttributeNames = map[string]string{"#ttl": TTLAttribute}
	in.ExpressionAttributeValues[":now"] = num(now)
	if q.Type != "" {
		filters = append(filters, "eventType = :t")
		in.ExpressionAttributeValues[":t"] = str(string(q.Type))
	}
	if in.FilterExpression != nil {
		filters = append(filters, *in.FilterExpression)
	}
	in.FilterExpression = aws.String(strings.Join(filters, " AND "))
	if position != "" {
		start, err := decodePosition(position, userID, q.KeyID)
		if err != nil {
			return nil, "", err
		}
		in.ExclusiveStartKey = start
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("store: list events: %w", err)
	}
	evs := make([]keys.Event, 0, len(out.Items))
	for _, item := range out.Items {
		evs = append(evs, decodeEvent(item))
	}
	return evs, encodePosition(out.LastEvaluatedKey), nil
}

// encodePosition writes DynamoDB's LastEvaluatedKey of an events query (all
// strings) as an opaque string; keys.Service seals it for clients.
func encodePosition(last map[string]types.AttributeValue) string {
	if len(last) == 0 {
		return ""
	}
	m := make(map[string]string, len(last))
	for k := range last {
		m[k] = getS(last, k)
	}
	b, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePosition reads a position encodePosition wrote for this user's
// events (or this key's), refusing any other.
func decodePosition(position, userID, keyID string) (map[string]types.AttributeValue, error) {
	bad := apperr.Errorf(apperr.BadRequest, "invalid cursor")
	raw, err := base64.RawURLEncoding.DecodeString(position)
	if err != nil {
		return nil, bad
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, bad
	}
	if m[AttrPK] != prefixAudit+userID || !strings.HasPrefix(m[AttrSK], prefixEvent) {
		return nil, bad
	}
	if keyID != "" && m[AttrGSI1PK] != prefixAuditKey+keyID {
		return nil, bad
	}
	out := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		switch k {
		case AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK:
			out[k] = str(v)
		default:
			return nil, bad
		}
	}
	return out, nil
}
