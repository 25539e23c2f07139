package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// maxLaneChangeAttempts bounds how often a lanes change starts over
// because verifications moved the state it read.
const maxLaneChangeAttempts = 8

// SetLanes gives one of the user's keys n lanes (0 or 1: none), writing ev
// (when not nil) with the change, and returns the key as stored: under the
// key's lane lock, its lanes (if any) are folded back and it is spread over
// n. Another user's key is NotFound; a count the key's limits cannot split,
// or a key of the page's sign-in, is a BadRequest (keys.CheckLanes). Asking
// for the count a key has repairs lanes a change cut short left closed.
//
// Spreading conserves the limits: the quota's used count is split over the
// lanes with the quota (keys.SplitLimit, so every lane's count is within
// its share), and each lane's rate limit starts no earlier than the key's
// next admission and with its burst spent, so the change never admits more
// in any window than the key's limits.
func (s *Store) SetLanes(ctx context.Context, userID, keyID string, n int, ev *keys.Event) (keys.Key, error) {
	if n < 2 {
		n = 0
	}
	item, err := s.ownedKeyItem(ctx, userID, keyID)
	if err != nil {
		return keys.Key{}, err
	}
	if err := keys.CheckLanes(decodeKey(item), n); err != nil {
		return keys.Key{}, err
	}
	if lanesOf(item) == n && n == 0 {
		return s.GetKey(ctx, userID, keyID)
	}
	if lanesOf(item) == n {
		if healthy, err := s.lanesOpen(ctx, keyID, n); err != nil || healthy {
			if err != nil {
				return keys.Key{}, err
			}
			return s.GetKey(ctx, userID, keyID)
		}
	}
	return s.ChangeLaned(ctx, userID, keyID, func(context.Context) (int, *keys.Event, error) { return n, ev, nil })
}

// lanesOpen reports whether the key's n lanes all exist and are open.
func (s *Store) lanesOpen(ctx context.Context, keyID string, n int) (bool, error) {
	lanes, err := s.readLanes(ctx, keyID, n, "")
	if err != nil {
		return false, err
	}
	for _, lane := range lanes {
		if len(lane) == 0 || getBool(lane, attrLaneClosed) {
			return false, nil
		}
	}
	return true, nil
}

// checkKeyRef refuses ids that cannot name one of the user's keys before
// they reach a request: an invalid user id is a BadRequest, an invalid key
// id NotFound.
func checkKeyRef(userID, keyID string) error {
	if err := keys.CheckID("user", userID); err != nil {
		return err
	}
	if !keys.ValidID(keyID) {
		return apperr.Errorf(apperr.NotFound, "key not found")
	}
	return nil
}

// ownedKeyItem reads one of the user's keys' own item, strongly consistent.
func (s *Store) ownedKeyItem(ctx context.Context, userID, keyID string) (map[string]types.AttributeValue, error) {
	if err := checkKeyRef(userID, keyID); err != nil {
		return nil, err
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.table), Key: keyItemKey(keyID), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("store: read key: %w", err)
	}
	if len(out.Item) == 0 || getS(out.Item, "userId") != userID || getS(out.Item, "hash") == "" {
		return nil, apperr.Errorf(apperr.NotFound, "key not found")
	}
	return out.Item, nil
}

// spread is the transaction that gives the key (its item as read) n lanes:
// the mark on the key's item, held to the lock, the limits and the quota
// state read, and each lane.
func (s *Store) spread(item map[string]types.AttributeValue, k keys.Key, n int, now time.Time, lock string) []types.TransactWriteItem {
	values := map[string]types.AttributeValue{":u": str(k.UserID), ":n": num(int64(n)), ":lock": str(lock)}
	cond := "userId = :u AND attribute_exists(#hash) AND attribute_not_exists(replacedBy) AND attribute_not_exists(" + attrLanes + ") AND " + laneHeld
	// The limits split are the ones read: a change of them meanwhile
	// fails the spread.
	for _, name := range append(slices.Clone(rateConfigNames), quotaConfigNames...) {
		if v, ok := item[name]; ok {
			values[":c_"+name] = v
			cond += " AND " + name + " = :c_" + name
		} else {
			cond += " AND attribute_not_exists(" + name + ")"
		}
	}
	if k.Quota != nil {
		if qs := k.QuotaState; qs.Period == "" {
			cond += " AND attribute_not_exists(qPeriod)"
		} else {
			cond += " AND qPeriod = :qp AND qUsed = :qu"
			values[":qp"], values[":qu"] = str(qs.Period), num(qs.Used)
		}
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: aws.String(s.table), Key: keyItemKey(k.ID),
		ConditionExpression: aws.String(cond), UpdateExpression: aws.String("SET " + attrLanes + " = :n"),
		ExpressionAttributeNames: map[string]string{"#hash": "hash"}, ExpressionAttributeValues: values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}}
	return append(items, s.lanePuts(item, k, n, now)...)
}

// lanePuts are the puts of the n lanes of key k (its item as read or
// written), each with its share of k's limits and of the quota's used
// count of now's period.
func (s *Store) lanePuts(item map[string]types.AttributeValue, k keys.Key, n int, now time.Time) []types.TransactWriteItem {
	used, period := int64(0), ""
	if k.Quota != nil {
		period = k.Quota.PeriodKey(now)
		if k.QuotaState.Period == period {
			used = k.QuotaState.Used
		}
	}
	items := make([]types.TransactWriteItem, 0, n)
	for i := range n {
		id := laneItemID(k.ID, i)
		lane := map[string]types.AttributeValue{
			AttrPK: str(keyPK(id)), AttrSK: str(skKey), "type": str(typeLane),
			"keyId": str(id), attrLaneOf: str(k.ID), "usageCount": num(0),
		}
		if ttl, ok := item[TTLAttribute]; ok {
			lane[TTLAttribute] = ttl // the lanes go with their key
		}
		if r := k.RateLimit; r != nil {
			// No lane admits before the key's own next admission.
			from := now
			if allowAt, ok := getN(item, attrRLAllowAt); ok && allowAt > now.UnixMilli() {
				from = time.UnixMilli(allowAt)
			}
			addLaneRate(lane, keys.LaneRate(*r, n, i), from)
		}
		if q := k.Quota; q != nil {
			share := keys.Quota{Limit: keys.SplitLimit(q.Limit, n, i), Period: q.Period}
			for name, v := range quotaAttrs(share) {
				lane[name] = v
			}
			lane[attrQPeriod], lane[attrQUsed] = str(period), num(keys.SplitLimit(used, n, i))
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{
			TableName: aws.String(s.table), Item: lane, ConditionExpression: aws.String("attribute_not_exists(pk)"),
		}})
	}
	return items
}

// addLaneRate sets a lane's share of the rate limit, with its emission
// interval rounded up to the millisecond (so the shares never add up to
// more than the key's rate), and its state with the burst spent: its first
// admission one interval from now.
func addLaneRate(lane map[string]types.AttributeValue, r keys.RateLimit, now time.Time) {
	windowMs := r.Window.Milliseconds()
	t := (windowMs + r.Limit - 1) / r.Limit
	tau := (r.Burst - 1) * t
	allowAt := now.UnixMilli() + t
	lane[attrRLLimit], lane[attrRLWindow], lane[attrRLBurst] = num(r.Limit), num(windowMs), num(r.Burst)
	lane[attrRLT], lane[attrRLTau], lane[attrRLGap] = num(t), num(tau), num(t-tau)
	lane[attrRLAllowAt], lane[attrRLTat] = num(allowAt), num(allowAt+tau)
}
