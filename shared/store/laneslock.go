package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// A change of a key's lanes takes several calls (close the lanes, fold them
// back, change the key, spread it again), so one change at a time holds the
// key's lane lock: laneLockId names the holder and laneLockUntil ends it, so
// a holder that died (a function timing out) blocks the next change for at
// most laneLockLease. The writes that spread and fold lanes hold to the lock
// (laneHeld), so a change that is not the holder's never lands between them.
const (
	attrLaneLockID    = "laneLockId"
	attrLaneLockUntil = "laneLockUntil"
	laneLockLease     = 15 * time.Second
)

// laneHeld is the condition that the lock :lock is held.
const laneHeld = attrLaneLockID + " = :lock"

// lockLanes takes the lane lock of one of the user's keys and returns its
// holder's id. A lock held by another change is a Conflict.
func (s *Store) lockLanes(ctx context.Context, userID, keyID string) (string, error) {
	lock := newFoldID()
	now := time.Now()
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: keyItemKey(keyID),
		ConditionExpression: aws.String("userId = :u AND attribute_exists(#hash) AND attribute_not_exists(replacedBy) AND " +
			"(attribute_not_exists(" + attrLaneLockID + ") OR " + attrLaneLockUntil + " < :now)"),
		UpdateExpression:         aws.String("SET " + attrLaneLockID + " = :lock, " + attrLaneLockUntil + " = :until"),
		ExpressionAttributeNames: map[string]string{"#hash": "hash"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": str(userID), ":now": num(now.UnixMilli()),
			":lock": str(lock), ":until": num(now.Add(laneLockLease).UnixMilli())},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		old := ccf.Item
		switch {
		case getS(old, "userId") != userID || getS(old, "hash") == "":
			return "", apperr.Errorf(apperr.NotFound, "key not found")
		case getS(old, "replacedBy") != "":
			return "", apperr.Errorf(apperr.Conflict, "the key was rotated: change its replacement instead")
		}
		return "", apperr.Errorf(apperr.Conflict, "another change of this key's lanes is in progress: retry in a few seconds")
	case err != nil:
		return "", fmt.Errorf("store: lock the lanes of key %s: %w", keyID, err)
	}
	return lock, nil
}

// unlockLanes gives the lock back (best effort: a lock not given back ends
// with its lease).
func (s *Store) unlockLanes(ctx context.Context, keyID, lock string) {
	_, _ = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: keyItemKey(keyID),
		ConditionExpression:       aws.String(laneHeld),
		UpdateExpression:          aws.String("REMOVE " + attrLaneLockID + ", " + attrLaneLockUntil),
		ExpressionAttributeValues: map[string]types.AttributeValue{":lock": str(lock)},
	})
}

// ChangeLaned runs change on one of the user's keys with its lanes folded
// back and the lane lock held, so the change sees and writes the key's
// whole state on its own item; then spreads the key over the lanes change
// returns (0: none), writing ev (when not nil) with that. When change
// fails, the key gets its lanes back, as many as its limits allow. A key
// without lanes is changed the same way, its lock keeping any lane change
// out meanwhile.
func (s *Store) ChangeLaned(ctx context.Context, userID, keyID string, change func(ctx context.Context) (lanes int, ev *keys.Event, err error)) (keys.Key, error) {
	if err := checkKeyRef(userID, keyID); err != nil {
		return keys.Key{}, err
	}
	lock, err := s.lockLanes(ctx, userID, keyID)
	if err != nil {
		return keys.Key{}, err
	}
	defer s.unlockLanes(context.WithoutCancel(ctx), keyID, lock)
	item, err := s.ownedKeyItem(ctx, userID, keyID)
	if err != nil {
		return keys.Key{}, err
	}
	before := lanesOf(item)
	if err := s.unlane(ctx, keyID, lock, nil); err != nil {
		return keys.Key{}, err
	}
	lanes, ev, err := change(ctx)
	if err != nil {
		if before > 1 {
			if item, rerr := s.ownedKeyItem(ctx, userID, keyID); rerr == nil {
				_ = s.spreadLocked(ctx, item, min(before, keys.LanesFor(decodeKey(item))), lock, nil)
			}
		}
		return keys.Key{}, err
	}
	if item, err = s.ownedKeyItem(ctx, userID, keyID); err != nil {
		return keys.Key{}, err
	}
	if err := s.spreadLocked(ctx, item, lanes, lock, ev); err != nil {
		return keys.Key{}, err
	}
	return s.GetKey(ctx, userID, keyID)
}

// spreadLocked gives the key (its item as read, without lanes) n lanes
// under the lock, with ev; n below 2 writes only ev.
func (s *Store) spreadLocked(ctx context.Context, item map[string]types.AttributeValue, n int, lock string, ev *keys.Event) error {
	k := decodeKey(item)
	if n < 2 {
		if ev == nil {
			return nil
		}
		_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: s.eventItems(ev)})
		return err
	}
	if err := keys.CheckLanes(k, n); err != nil {
		return err
	}
	for range maxLaneChangeAttempts {
		_, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: append(s.spread(item, k, n, s.Now(), lock), s.eventItems(ev)...)})
		if err == nil {
			return nil
		}
		if i, _ := failedItem(err); i != 0 {
			return fmt.Errorf("store: spread key %s: %w", k.ID, err)
		}
		// A verification moved the quota's count meanwhile: read it again.
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: keyItemKey(k.ID), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("store: spread key %s: %w", k.ID, err)
		}
		if item = out.Item; getS(item, attrLaneLockID) != lock {
			return apperr.Errorf(apperr.Conflict, "the key changed while its lanes were set: retry")
		}
		k = decodeKey(item)
	}
	return apperr.Errorf(apperr.Conflict, "the key's limits' state changed %d times while its lanes were set: retry", maxLaneChangeAttempts)
}
