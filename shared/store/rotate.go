package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// maxRotateAttempts bounds how often a rotation starts over because
// verifications of the old key moved its limits' state in between.
const maxRotateAttempts = 8

// DeleteKey deletes one of the user's keys, writing ev (when not nil) in the
// same transaction; the next verification of it fails. Another user's key
// is NotFound. A key that other keys draw on (keys.Key.Dependents) is not
// deleted but kept as an anchor: without its hash it never verifies again
// and is gone from the user's view, while its limits' state still bounds
// its dependents.
func (s *Store) DeleteKey(ctx context.Context, userID, keyID string, ev *keys.Event) error {
	if err := keys.CheckID("user", userID); err != nil {
		return err
	}
	if !keys.ValidID(keyID) {
		return apperr.Errorf(apperr.NotFound, "key not found")
	}
	owner := map[string]types.AttributeValue{":u": str(userID)}
	del := types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(s.table), Key: keyItemKey(keyID),
		ConditionExpression:                 aws.String("userId = :u AND attribute_exists(#hash) AND attribute_not_exists(" + attrDependents + ") AND attribute_not_exists(" + attrLanes + ")"),
		ExpressionAttributeNames:            map[string]string{"#hash": "hash"},
		ExpressionAttributeValues:           owner,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
	anchor := types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: keyItemKey(keyID),
		ConditionExpression:                 aws.String("userId = :u AND attribute_exists(#hash) AND attribute_not_exists(" + attrLanes + ")"),
		UpdateExpression:                    aws.String("REMOVE #hash, " + AttrGSI1PK + ", " + AttrGSI1SK),
		ExpressionAttributeNames:            map[string]string{"#hash": "hash"},
		ExpressionAttributeValues:           owner,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
	write := []types.TransactWriteItem{del}
	for range maxLaneChangeAttempts {
		items := append(slices.Clip(write), s.eventItems(ev)...)
		_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return nil
		}
		i, old := failedItem(err)
		switch {
		case i != 0:
			return fmt.Errorf("store: delete key: %w", err)
		case getS(old, "userId") != userID || getS(old, "hash") == "":
			return apperr.Errorf(apperr.NotFound, "key not found")
		case getBool(old, attrDependents):
			// Other keys draw on it: keep it as their anchor. A laned
			// anchor keeps its lanes for their draws, each marked so
			// that the key's own uses stop at once.
			write = []types.TransactWriteItem{anchor}
			if n := lanesOf(old); n > 1 {
				write = s.laneAnchor(userID, keyID, n)
			}
		case lanesOf(old) > 1:
			// Its lanes go with it, in the same transaction, whatever
			// their count by then: every lane a key can have.
			write = s.laneDelete(userID, keyID)
		}
	}
	return fmt.Errorf("store: delete key %s: it changed during the delete", keyID)
}

// laneDelete deletes a laned key without dependents and every lane it may
// have (keys.MaxLanes), so no change of its lanes meanwhile can keep one.
func (s *Store) laneDelete(userID, keyID string) []types.TransactWriteItem {
	items := []types.TransactWriteItem{{Delete: &types.Delete{
		TableName: aws.String(s.table), Key: keyItemKey(keyID),
		ConditionExpression:                 aws.String("userId = :u AND attribute_exists(#hash) AND attribute_not_exists(" + attrDependents + ")"),
		ExpressionAttributeNames:            map[string]string{"#hash": "hash"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":u": str(userID)},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}}
	for i := range keys.MaxLanes {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.table), Key: keyItemKey(laneItemID(keyID, i))}})
	}
	return items
}

// laneAnchor revokes a laned key that others draw on: its hash goes, and
// each of its n lanes is marked revoked (its own uses are refused at once;
// its dependents' draws still take from it).
func (s *Store) laneAnchor(userID, keyID string, n int) []types.TransactWriteItem {
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: aws.String(s.table), Key: keyItemKey(keyID),
		ConditionExpression:                 aws.String("userId = :u AND attribute_exists(#hash) AND " + attrLanes + " = :n"),
		UpdateExpression:                    aws.String("REMOVE #hash, " + AttrGSI1PK + ", " + AttrGSI1SK),
		ExpressionAttributeNames:            map[string]string{"#hash": "hash"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":u": str(userID), ":n": num(int64(n))},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}}
	for i := range n {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: aws.String(s.table), Key: keyItemKey(laneItemID(keyID, i)),
			ConditionExpression:       aws.String("attribute_exists(pk)"),
			UpdateExpression:          aws.String("SET " + attrKeyRevoked + " = :t"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":t": boolean(true)},
		}})
	}
	return items
}

// RotateKey replaces one of the user's keys by newKey in one transaction:
// newKey is created and the old key is deleted (oldExpiresAt nil) or set to
// expire at oldExpiresAt and marked as replaced by newKey. Either all of it
// happens or none, ev included. A key that was already replaced is a
// Conflict: rotating it again would hand out a second successor that
// expires with the grace period.
//
// Limits follow the lineage: newKey continues the old key's limits' state
// (newKey carries the state as the caller read it; the transaction holds
// only while the old key's state is still that, and starts over from the
// state found otherwise), so a rotation never refills a rate limit or a
// quota. During a grace period the old key also draws on newKey (its
// draws start with newKey's id), so the two tokens share one budget. Keys
// that draw on the old key are forwarded to newKey by its replacedBy mark:
// a key with dependents is kept (without its hash) rather than deleted.
func (s *Store) RotateKey(ctx context.Context, userID, oldKeyID string, newKey keys.Key, oldExpiresAt *time.Time, events ...*keys.Event) error {
	if err := keys.CheckID("user", userID); err != nil {
		return err
	}
	if !keys.ValidID(oldKeyID) {
		return apperr.Errorf(apperr.NotFound, "key not found")
	}
	if newKey.UserID != userID {
		return apperr.Errorf(apperr.BadRequest, "the new key must belong to the same user")
	}
	if err := validateNewKey(newKey); err != nil {
		return err
	}
	// During a grace period the old key draws on the new one, which must
	// then be kept for it like any key drawn on.
	sharesBudget := oldExpiresAt != nil && (newKey.RateLimit != nil || newKey.Quota != nil)
	oldDependents := newKey.Dependents
	lock := "" // the old key's lane lock, once taken
	for range maxRotateAttempts {
		newKey.Dependents = oldDependents || sharesBudget
		items := []types.TransactWriteItem{s.activeUserCheck(userID), s.retire(userID, oldKeyID, newKey, oldDependents, oldExpiresAt), s.putNewKey(newKey)}
		for _, ev := range events {
			items = append(items, s.eventItems(ev)...)
		}
		if newKey.Lanes > 1 {
			items = append(items, s.lanePuts(encodeKey(newKey), newKey, newKey.Lanes, s.Now())...)
		}
		_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			return nil
		}
		i, old := failedItem(err)
		switch i {
		case 0:
			return apperr.Errorf(apperr.NotFound, "user %s not found or disabled", userID)
		case 2:
			return apperr.Errorf(apperr.Conflict, "key %s already exists", newKey.ID)
		case 1:
		default:
			return fmt.Errorf("store: rotate key: %w", err)
		}
		switch {
		case getS(old, "userId") != userID || getS(old, "hash") == "":
			return apperr.Errorf(apperr.NotFound, "key not found")
		case getS(old, "replacedBy") != "":
			return apperr.Errorf(apperr.Conflict, "the key was already rotated: rotate its replacement instead")
		case lanesOf(old) > 1:
			// Its lanes hold its state: under its lane lock (held to the
			// end: the retire drops it), fold them back, carry the state
			// on, and give the successor as many lanes (its limits, the
			// same as the old key's, allow them), created with it.
			if lock == "" {
				if lock, err = s.lockLanes(ctx, userID, oldKeyID); err != nil {
					return err
				}
				defer s.unlockLanes(context.WithoutCancel(ctx), oldKeyID, lock)
			}
			if err := s.unlane(ctx, oldKeyID, lock, nil); err != nil {
				return err
			}
			newKey.Lanes = min(lanesOf(old), keys.LanesFor(newKey))
			continue
		}
		// Verifications moved the old key's limits, or a key now draws on
		// it: carry what the old key holds now.
		now := decodeKey(old)
		newKey.RateState, newKey.QuotaState, oldDependents = now.RateState, now.QuotaState, now.Dependents
	}
	return apperr.Errorf(apperr.Conflict, "the key's limits changed during the rotation %d times: retry", maxRotateAttempts)
}

// retire is the rotation's write of the old key: a condition that its
// limits' state is the one newKey carries on and its dependents are as
// read (oldDependents), and its delete
// (no grace, no dependents), its forward (no grace: only its id and state
// stay, for its dependents) or its grace period.
func (s *Store) retire(userID, oldKeyID string, newKey keys.Key, oldDependents bool, oldExpiresAt *time.Time) types.TransactWriteItem {
	values := map[string]types.AttributeValue{":u": str(userID)}
	names := map[string]string{"#hash": "hash"}
	cond := "userId = :u AND attribute_exists(#hash) AND attribute_not_exists(replacedBy) AND attribute_not_exists(" + attrLanes + ")"
	if oldDependents {
		cond += " AND attribute_exists(" + attrDependents + ")"
	} else {
		cond += " AND attribute_not_exists(" + attrDependents + ")"
	}
	if newKey.RateLimit != nil {
		if tat := newKey.RateState.TAT; tat.IsZero() {
			cond += " AND (attribute_not_exists(rlTat) OR rlTat = :zero)"
			values[":zero"] = num(0)
		} else {
			cond += " AND rlTat = :tat"
			values[":tat"] = millis(tat)
		}
	}
	if newKey.Quota != nil {
		if qs := newKey.QuotaState; qs.Period == "" {
			cond += " AND attribute_not_exists(qPeriod)"
		} else {
			cond += " AND qPeriod = :qp AND qUsed = :qu"
			values[":qp"], values[":qu"] = str(qs.Period), num(qs.Used)
		}
	}
	failOld := types.ReturnValuesOnConditionCheckFailureAllOld
	if oldExpiresAt == nil && !oldDependents {
		return types.TransactWriteItem{Delete: &types.Delete{
			TableName: aws.String(s.table), Key: keyItemKey(oldKeyID),
			ConditionExpression: aws.String(cond), ExpressionAttributeNames: names, ExpressionAttributeValues: values,
			ReturnValuesOnConditionCheckFailure: failOld,
		}}
	}
	values[":next"] = str(newKey.ID)
	update := "SET replacedBy = :next"
	// The retired key's lane lock goes with it (a rotation of a laned key
	// holds it to the end).
	remove := []string{attrLaneLockID, attrLaneLockUntil}
	if oldExpiresAt == nil {
		remove = append(remove, "#hash", AttrGSI1PK, AttrGSI1SK)
	} else {
		values[":e"] = millis(*oldExpiresAt)
		update += ", expiresAt = :e"
		if !oldDependents {
			// Kept past its expiry only while others draw on it.
			names["#ttl"] = TTLAttribute
			values[":ttl"] = num(oldExpiresAt.Add(expiredKeyRetention).Unix())
			update += ", #ttl = :ttl"
		}
		if newKey.RateLimit != nil || newKey.Quota != nil {
			values[":nextDraw"], values[":none"] = stringsValue([]string{newKey.ID}), stringsValue(nil)
			update += ", " + attrDraws + " = list_append(:nextDraw, if_not_exists(" + attrDraws + ", :none))"
		}
	}
	update += " REMOVE " + strings.Join(remove, ", ")
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: keyItemKey(oldKeyID),
		ConditionExpression: aws.String(cond), UpdateExpression: aws.String(update),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
		ReturnValuesOnConditionCheckFailure: failOld,
	}}
}
