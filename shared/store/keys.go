package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// expiredKeyRetention is how long an expired key stays in the table before
// DynamoDB's TTL removes it, so callers are told "expired" rather than
// "unknown" for a while after expiry.
const expiredKeyRetention = 30 * 24 * time.Hour

// CreateKey stores a new key for an existing, enabled user, and ev (when
// not nil). It never overwrites: an id that exists already is a Conflict.
// The check of the user, the key and the event are one transaction.
func (s *Store) CreateKey(ctx context.Context, k keys.Key, ev *keys.Event) error {
	if err := validateNewKey(k); err != nil {
		return err
	}
	// Every key the new one draws on learns first that it has a
	// dependent, so it is kept for it when revoked or rotated (DeleteKey,
	// RotateKey). Apart from the transaction, which would otherwise take
	// part in every verification of a busy parent; a mark whose create then
	// fails only keeps that key's state after its revocation.
	for _, id := range k.Draws {
		if err := s.markDependent(ctx, id); err != nil {
			return err
		}
	}
	_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: append([]types.TransactWriteItem{s.activeUserCheck(k.UserID), s.putNewKey(k)}, s.eventItems(ev)...),
	})
	if err != nil {
		switch i, _ := failedItem(err); i {
		case 0:
			return apperr.Errorf(apperr.NotFound, "user %s not found or disabled", k.UserID)
		case 1:
			return apperr.Errorf(apperr.Conflict, "key %s already exists", k.ID)
		}
		return fmt.Errorf("store: create key: %w", err)
	}
	return nil
}

// markDependent marks key id as drawn on (idempotent). A key gone
// meanwhile is a Conflict: the new key cannot draw on it.
func (s *Store) markDependent(ctx context.Context, id string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: keyItemKey(id),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		UpdateExpression:          aws.String("SET " + attrDependents + " = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": boolean(true)},
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return apperr.Errorf(apperr.Conflict, "key %s, above the new key, was deleted meanwhile", id)
	case err != nil:
		return fmt.Errorf("store: mark key %s as drawn on: %w", id, err)
	}
	return nil
}

// GetKey returns one of the user's keys. Another user's key is NotFound, so
// its existence is not revealed.
func (s *Store) GetKey(ctx context.Context, userID, keyID string) (keys.Key, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return keys.Key{}, err
	}
	if !keys.ValidID(keyID) {
		return keys.Key{}, apperr.Errorf(apperr.NotFound, "key not found")
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            keyItemKey(keyID),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return keys.Key{}, fmt.Errorf("store: get key: %w", err)
	}
	// An anchor (a revoked or rotated key kept for its dependents' limits)
	// has no hash: to its user it is gone.
	if len(out.Item) == 0 || getS(out.Item, "userId") != userID || getS(out.Item, "hash") == "" {
		return keys.Key{}, apperr.Errorf(apperr.NotFound, "key not found")
	}
	k := []keys.Key{decodeKey(out.Item)}
	if err := s.withLaneUsage(ctx, k); err != nil {
		return keys.Key{}, err
	}
	return k[0], nil
}

// UpdateKey applies ch to one of the user's keys, writing ev (when not nil)
// in the same transaction, and returns the key as stored. Another user's key
// is NotFound.
func (s *Store) UpdateKey(ctx context.Context, userID, keyID string, ch keys.KeyChanges, ev *keys.Event) (keys.Key, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return keys.Key{}, err
	}
	if !keys.ValidID(keyID) {
		return keys.Key{}, apperr.Errorf(apperr.NotFound, "key not found")
	}
	names := map[string]string{}
	values := map[string]types.AttributeValue{":u": str(userID)}
	var set, remove []string
	if ch.Name != nil {
		name, err := keys.NormalizeKeyName(*ch.Name)
		if err != nil {
			return keys.Key{}, err
		}
		names["#name"], values[":name"] = "name", str(name)
		set = append(set, "#name = :name")
	}
	if ch.SetAllowedCIDRs {
		if ch.AllowedCIDRs == nil {
			remove = append(remove, attrAllowedCIDRs)
		} else {
			values[":cidrs"] = cidrsValue(ch.AllowedCIDRs)
			set = append(set, attrAllowedCIDRs+" = :cidrs")
		}
	}
	setAttrs := func(attrs map[string]types.AttributeValue) {
		for _, name := range slices.Sorted(maps.Keys(attrs)) {
			values[":"+name] = attrs[name]
			set = append(set, name+" = :"+name)
		}
	}
	cond := "userId = :u AND attribute_exists(#hash)"
	names["#hash"] = "hash"
	if ch.SetRateLimit || ch.SetQuota {
		// A laned key's limits are split over its lanes: new ones are
		// written with the lanes folded back (ChangeLaned).
		cond += " AND attribute_not_exists(" + attrLanes + ")"
	}
	if ch.SetRateLimit {
		if ch.RateLimit == nil {
			remove = append(remove, rateConfigNames...)
		} else {
			setAttrs(rateAttrs(*ch.RateLimit))
			// The state stays; the next admission moves with the new
			// tolerance.
			values[":zero"] = num(0)
			set = append(set, attrRLAllowAt+" = if_not_exists("+attrRLTat+", :zero) - :"+attrRLTau)
		}
	}
	if ch.SetQuota {
		if ch.Quota == nil {
			remove = append(remove, quotaConfigNames...)
		} else {
			setAttrs(quotaAttrs(*ch.Quota))
		}
	}
	if m := ch.RateState; m != nil && ch.RateLimit != nil {
		values[":tatFrom"], values[":tatTo"], values[":allowTo"] = millis(m.From), millis(m.To), millis(m.AllowAt)
		set = slices.DeleteFunc(set, func(a string) bool { return strings.HasPrefix(a, attrRLAllowAt+" = ") })
		delete(values, ":zero")
		set = append(set, attrRLTat+" = :tatTo", attrRLAllowAt+" = :allowTo")
		cond += " AND " + attrRLTat + " = :tatFrom"
	}
	if m := ch.QuotaPeriod; m != nil {
		values[":qpFrom"], values[":qpTo"] = str(m.From), str(m.To)
		set = append(set, attrQPeriod+" = :qpTo")
		cond += " AND " + attrQPeriod + " = :qpFrom"
	}
	if len(set) == 0 && len(remove) == 0 {
		return s.GetKey(ctx, userID, keyID)
	}
	expr := ""
	if len(set) > 0 {
		expr = "SET " + strings.Join(set, ", ")
	}
	if len(remove) > 0 {
		expr += " REMOVE " + strings.Join(remove, ", ")
	}
	update := &types.Update{
		TableName: aws.String(s.table), Key: keyItemKey(keyID),
		ConditionExpression: aws.String(cond), UpdateExpression: aws.String(strings.TrimSpace(expr)),
		ExpressionAttributeValues: values, ExpressionAttributeNames: names,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	items := append([]types.TransactWriteItem{{Update: update}}, s.eventItems(ev)...)
	if _, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
		if i, old := failedItem(err); i == 0 {
			if getS(old, "userId") == userID && getS(old, "hash") != "" {
				return keys.Key{}, apperr.Errorf(apperr.Conflict, "the key's limits' state changed during the change (it was used, or its quota period ended): retry")
			}
			return keys.Key{}, apperr.Errorf(apperr.NotFound, "key not found")
		}
		return keys.Key{}, fmt.Errorf("store: update key: %w", err)
	}
	return s.GetKey(ctx, userID, keyID)
}

// activeUserCheck is a transaction item that requires an enabled user.
func (s *Store) activeUserCheck(userID string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(s.table),
		Key:                       userItemKey(userID),
		ConditionExpression:       aws.String("attribute_exists(pk) AND (attribute_not_exists(disabled) OR disabled = :f)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":f": boolean(false)},
	}}
}

// putNewKey is a transaction item that writes k unless its id exists.
func (s *Store) putNewKey(k keys.Key) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName:           aws.String(s.table),
		Item:                encodeKey(k),
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
}

func validateNewKey(k keys.Key) error {
	if err := keys.CheckID("key", k.ID); err != nil {
		return err
	}
	if err := keys.CheckID("user", k.UserID); err != nil {
		return err
	}
	if n, err := keys.NormalizeKeyName(k.Name); err != nil || n != k.Name {
		return apperr.Errorf(apperr.BadRequest, "invalid key name: 1 to %d characters, trimmed, no control characters", keys.MaxKeyNameLen)
	}
	if len(k.Hash) != 64 {
		return apperr.Errorf(apperr.BadRequest, "key hash must be a hex SHA-256")
	}
	if k.CreatedAt.IsZero() {
		return apperr.Errorf(apperr.BadRequest, "key createdAt is required")
	}
	// A sign-in link key (keys.Key.SignInLink) has no scope and expires: it
	// can do nothing but be exchanged for a session key.
	if k.SignInLink && (len(k.Scopes) > 0 || k.ExpiresAt == nil) {
		return apperr.Errorf(apperr.BadRequest, "a sign-in link key has no scopes and expires")
	}
	if len(k.Scopes) == 0 && !k.SignInLink {
		return apperr.Errorf(apperr.BadRequest, "a key needs at least one scope")
	}
	if len(k.Scopes) > keys.MaxScopes {
		return apperr.Errorf(apperr.BadRequest, "scopes: at most %d", keys.MaxScopes)
	}
	for i, sc := range k.Scopes {
		if !keys.WellFormedScope(string(sc)) {
			return apperr.Errorf(apperr.BadRequest, "malformed scope %q", sc)
		}
		if slices.Contains(k.Scopes[:i], sc) {
			return apperr.Errorf(apperr.BadRequest, "scopes: %q given twice", sc)
		}
	}
	for _, id := range k.Draws {
		if err := keys.CheckID("key", id); err != nil {
			return err
		}
	}
	return nil
}

func encodeKey(k keys.Key) map[string]types.AttributeValue {
	scopes := make([]types.AttributeValue, len(k.Scopes))
	for i, sc := range k.Scopes {
		scopes[i] = str(string(sc))
	}
	created := k.CreatedAt.UTC()
	item := map[string]types.AttributeValue{
		AttrPK: str(keyPK(k.ID)), AttrSK: str(skKey),
		AttrGSI1PK: str(userPK(k.UserID)),
		AttrGSI1SK: str(prefixKey + created.Format(sortTime) + "#" + k.ID),
		"type":     str(typeKey), "keyId": str(k.ID), "userId": str(k.UserID),
		"name": str(k.Name), "hash": str(k.Hash), "start": str(k.Start),
		"scopes":     &types.AttributeValueMemberL{Value: scopes},
		"createdAt":  millis(created),
		"usageCount": num(k.UsageCount),
	}
	if k.ExpiresAt != nil {
		item["expiresAt"] = millis(*k.ExpiresAt)
		item[TTLAttribute] = num(k.ExpiresAt.Add(expiredKeyRetention).Unix())
	}
	if k.LastUsedAt != nil {
		item["lastUsedAt"] = millis(*k.LastUsedAt)
	}
	if k.AllowedCIDRs != nil {
		item[attrAllowedCIDRs] = cidrsValue(k.AllowedCIDRs)
	}
	if k.Session {
		item["session"] = boolean(true)
	}
	if k.SignInLink {
		item[attrSignInLink] = boolean(true)
	}
	if k.RateLimit != nil {
		maps.Copy(item, rateAttrs(*k.RateLimit))
	}
	if k.Quota != nil {
		maps.Copy(item, quotaAttrs(*k.Quota))
		if k.QuotaState.Period != "" {
			item[attrQPeriod], item[attrQUsed] = str(k.QuotaState.Period), num(k.QuotaState.Used)
		}
	}
	if k.Lanes > 1 {
		item[attrLanes] = num(int64(k.Lanes))
	}
	encodeLineage(item, k)
	return item
}

func decodeKey(item map[string]types.AttributeValue) keys.Key {
	quota, quotaState := decodeQuota(item)
	usage, _ := getN(item, "usageCount")
	k := keys.Key{
		ID:           getS(item, "keyId"),
		UserID:       getS(item, "userId"),
		Name:         getS(item, "name"),
		Hash:         getS(item, "hash"),
		Start:        getS(item, "start"),
		Scopes:       getScopes(item, "scopes"),
		CreatedAt:    getTime(item, "createdAt"),
		ExpiresAt:    getTimePtr(item, "expiresAt"),
		LastUsedAt:   getTimePtr(item, "lastUsedAt"),
		UsageCount:   usage,
		ReplacedBy:   getS(item, "replacedBy"),
		AllowedCIDRs: getCIDRs(item, attrAllowedCIDRs),
		RateLimit:    decodeRate(item),
		Session:      getBool(item, "session"),
		SignInLink:   getBool(item, attrSignInLink),
		Quota:        quota,
		QuotaState:   quotaState,
		Lanes:        lanesOf(item),
	}
	decodeLineage(item, &k)
	return k
}
