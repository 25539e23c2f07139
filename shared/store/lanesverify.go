package store

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/keys"
)

// maxLaneMoves bounds how often one verification starts over because the
// key's lanes changed under it (a fold closing them, lanes set while it
// ran). A key whose lanes are closed under a second read is refused as
// throttled (Retry-After 1 s) until the change ends. Past the bound
// Verify fails (closed).
const maxLaneMoves = 6

// verifyKey verifies the key on its own item, or on one of its lanes when
// it has them.
func (s *Store) verifyKey(ctx context.Context, keyID, hash, useID string, now time.Time) (keys.Verification, error) {
	moved := false
	for range maxLaneMoves {
		e, ok, known := s.lanes.fresh(keyID, time.Now())
		if !ok && known {
			// Its lanes were read over keys.LaneRefresh ago: read its
			// item again (a read, where a write would take from the
			// item's write capacity only to learn the same).
			item, err := s.readLaned(ctx, keyID)
			if err != nil {
				return keys.Verification{}, err
			}
			e, ok, _ = s.lanes.fresh(keyID, time.Now())
			if !ok && len(item) == 0 {
				return keys.Verification{Result: keys.VerifyNotFound}, nil
			}
		}
		if ok {
			v, err := s.verifyLane(ctx, keyID, e, hash, useID, now)
			if !errors.Is(err, errLanesMoved) {
				return v, err
			}
			if moved {
				// Its lanes are being changed (a few milliseconds): refuse
				// this request as a limit would, rather than read the key
				// again and again — at a hot key's rate, those reads
				// would be the next ceiling. Never an Allow.
				return keys.Verification{Result: keys.VerifyThrottled, RetryAfter: time.Second, Key: decodeKey(e.item), UseID: useID, Laned: true}, nil
			}
			moved = true
			if _, err := s.readLaned(ctx, keyID); err != nil {
				return keys.Verification{}, err
			}
			continue
		}
		v, laned, err := s.verifyOwn(ctx, keyID, hash, useID, now)
		if !laned {
			return v, err
		}
	}
	return keys.Verification{}, fmt.Errorf("store: verify key %s: its lanes changed %d times during one verification", keyID, maxLaneMoves)
}

// readLaned reads the key's own item (strongly consistent) for the lane
// path and remembers it when it still has lanes.
func (s *Store) readLaned(ctx context.Context, keyID string) (map[string]types.AttributeValue, error) {
	read := time.Now()
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: keyItemKey(keyID), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("store: read laned key: %w", err)
	}
	if lanesOf(out.Item) > 1 {
		s.lanes.put(keyID, out.Item, read)
	} else {
		s.lanes.drop(keyID)
	}
	return out.Item, nil
}

// errLanesMoved is verifyLane's signal that the key's lanes changed under
// it (closed by a fold, or gone): the verification starts over from the
// key's own item.
var errLanesMoved = errors.New("store: the key's lanes changed")

// laneTries bounds how many lanes one verification writes when a lane's
// share of the quota refuses it while others may still have some (a
// period's last requests). A lane refused by its share of the rate limit
// ends the verification: uses spread evenly over the lanes, so one lane
// at its rate means the key is at its own, and a key driven past its rate
// limit must not spend more writes on refusals than on admissions.
const laneTries = 3

// verifyLane verifies a laned key against its item as read (e.item) and
// counts the use on one lane.
func (s *Store) verifyLane(ctx context.Context, keyID string, e *laneEntry, hash, useID string, now time.Time) (keys.Verification, error) {
	item := e.item
	if subtle.ConstantTimeCompare([]byte(getS(item, "hash")), []byte(hash)) != 1 {
		return keys.Verification{Result: keys.VerifyNotFound}, nil
	}
	nowMs := now.UnixMilli()
	key := decodeKey(item)
	switch {
	case key.ExpiresAt != nil && key.ExpiresAt.UnixMilli() <= nowMs:
		return keys.Verification{Result: keys.VerifyExpired, Key: key}, nil
	case getBool(item, "userDisabled"):
		return keys.Verification{Result: keys.VerifyUserDisabled, Key: key}, nil
	}
	values := map[string]types.AttributeValue{":now": num(nowMs), ":one": verifyOne, ":use": str(useID)}
	tried := map[int]bool{}
	var last keys.Verification
	for range laneTries {
		lane, refusal, ok := s.lanes.pick(e, nowMs, tried)
		if !ok {
			if len(tried) > 0 {
				return last, nil
			}
			refusal.Key, refusal.UseID, refusal.Laned = key, useID, true
			return refusal, nil
		}
		tried[lane] = true
		v, refused, err := s.writeLane(ctx, keyID, laneItemID(keyID, lane), key, values, useID, now)
		if err != nil || !refused {
			return v, err
		}
		s.lanes.refuse(e, lane, nowMs+v.RetryAfter.Milliseconds(), v)
		last = v
		if v.Result != keys.VerifyQuotaExceeded {
			return v, nil
		}
	}
	return last, nil
}

// writeLane counts one use on lane id, or reports its limits' refusal. The
// limit hints are the key's, not the lane's: its lanes are alike (the same
// share of the same limits, at the same pace), and an instance writes each
// lane too rarely for a hint of its own to stay current.
func (s *Store) writeLane(ctx context.Context, keyID, id string, key keys.Key, base map[string]types.AttributeValue, useID string, now time.Time) (keys.Verification, bool, error) {
	kind := s.hints.get(keyID)
	w := laneWrites[kind]
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: keyItemKey(id),
		ConditionExpression: w.cond, UpdateExpression: w.update,
		ExpressionAttributeValues:           withPeriods(base, w.quota, now),
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
	idle := kind.isIdle()
	for range maxVerifyAttempts {
		out, err := s.db.UpdateItem(ctx, in)
		if err == nil {
			s.hints.observe(keyID, out.Attributes, idle)
			return laneAdmitted(key, out.Attributes, id, useID, now), false, nil
		}
		if retryable(err) {
			// Only a fold's transactions write lanes besides uses: the
			// lanes are moving.
			s.lanes.drop(keyID)
			return keys.Verification{}, false, errLanesMoved
		}
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			return keys.Verification{}, false, fmt.Errorf("store: verify key %s on lane %s: %w", keyID, id, err)
		}
		old := ccf.Item
		switch {
		case len(old) > 0 && getS(old, "lastUseId") == useID:
			// Applied already, its response lost: counted once.
			return laneAdmitted(key, old, id, useID, now), false, nil
		case getBool(old, attrKeyRevoked):
			s.lanes.drop(keyID)
			return keys.Verification{Result: keys.VerifyNotFound}, false, nil
		case len(old) == 0 || getBool(old, attrLaneClosed):
			s.lanes.drop(keyID)
			return keys.Verification{}, false, errLanesMoved
		}
		step := nextStep(old, now)
		if step.refusal != nil {
			s.hints.observe(keyID, old, false)
			v := *step.refusal
			v.Key, v.UseID, v.Laned, v.ItemID = key, useID, true, id
			return v, true, nil
		}
		idle = step.idle
		in = s.stepInput(id, step, base, []string{laneCondition}, []string{"lastUsedAt = :now", "lastUseId = :use"}, []string{"usageCount :one"})
	}
	return keys.Verification{}, false, fmt.Errorf("store: verify key %s on lane %s: its limits' state changed %d times during one verification", keyID, id, maxVerifyAttempts)
}

// laneAdmitted is the Verification of a use counted on a lane: the key as
// its own item holds it, and where the lane stands against its share of
// the limits, scaled to the key (every lane holds about 1/n of them).
func laneAdmitted(key keys.Key, lane map[string]types.AttributeValue, laneID, useID string, now time.Time) keys.Verification {
	n := int64(max(1, key.Lanes))
	v := keys.Verification{Result: keys.VerifyValid, Key: key, UseID: useID, ItemID: laneID, Laned: true}
	if rs, ok := readRateState(lane); ok {
		left, reset := rs.remaining(now.UnixMilli())
		v.RateRemaining, v.RateReset = left*n, reset
	}
	if q, state := decodeQuota(lane); q != nil && key.Quota != nil {
		v.Key.QuotaState = keys.QuotaState{Period: state.Period, Used: max(0, key.Quota.Limit-(q.Limit-state.Used)*n)}
	}
	return v
}
