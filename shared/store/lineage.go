package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/keys"
)

// Limits follow a key's lineage (keys.Key.Draws). A key made by a limited
// key lists, in draws, the ids of the limited keys above it; each of its
// admitted requests is then drawn from each of their items too, by one
// conditional UpdateItem per draw that checks and advances only their
// limits' state (no usage count: the use is the child's). A key that
// nothing draws on carries no draws attribute, so its verification stays
// one UpdateItem.
//
// The items drawn on outlive their tokens when they must: a key with
// dependents is never deleted while they may draw on it. Revoking it turns
// it into an anchor (no hash, so it never verifies again, and out of the
// user's list; its limits' state stays), and rotating it forwards the
// draws to its successor (replacedBy), which continues its state; a
// dependent follows the forward and rewrites its own draws to the
// successor, so the forward costs one extra call once.
const (
	attrDraws      = "draws"
	attrDependents = "dependents"
	attrLastDrawID = "lastDrawId"
)

// drawCondition admits a draw on an item that holds a lineage's current
// limits: it exists, was not replaced by a rotation (its successor holds
// the state now), is not a laned key (its lanes hold it) nor a lane closed
// by a fold, and this verification's draw was not applied already (an
// SDK retry after a lost response must not draw twice).
const drawCondition = "attribute_exists(pk) AND attribute_not_exists(replacedBy) AND " +
	"attribute_not_exists(lanes) AND attribute_not_exists(laneClosed) AND " +
	"(attribute_not_exists(lastDrawId) OR lastDrawId <> :use)"

// drawWrites are the steady draws by the kind of limits the item drawn on
// carries, as steadyWrites are the key's own writes.
var drawWrites = [...]steadyWrite{
	noLimits:         {aws.String(drawCondition + " AND " + condNoRate + " AND " + condNoQuota), aws.String("SET lastDrawId = :use"), false},
	rateOnly:         {aws.String(drawCondition + " AND " + condRateDue + " AND " + condNoQuota), aws.String("SET lastDrawId = :use" + updateRate), false},
	quotaOnly:        {aws.String(drawCondition + " AND " + condNoRate + " AND " + condQuotaLeft), aws.String("SET lastDrawId = :use ADD qUsed :one"), true},
	rateAndQuota:     {aws.String(drawCondition + " AND " + condRateDue + " AND " + condQuotaLeft), aws.String("SET lastDrawId = :use" + updateRate + " ADD qUsed :one"), true},
	rateOnlyIdle:     {aws.String(drawCondition + " AND " + condRateIdle + " AND " + condNoQuota), aws.String("SET lastDrawId = :use" + updateRateIdle), false},
	rateAndQuotaIdle: {aws.String(drawCondition + " AND " + condRateIdle + " AND " + condQuotaLeft), aws.String("SET lastDrawId = :use" + updateRateIdle + " ADD qUsed :one"), true},
}

// DrawLineage takes the admitted use v (VerifyValid, from Verify) from every
// key v.Key draws on. When one refuses, the use is refused: what was drawn
// already, and the key's own count, are given back, so a refused request
// counts nowhere. The result reports the least remaining rate of the
// lineage.
func (s *Store) DrawLineage(ctx context.Context, v keys.Verification, now time.Time) (keys.Verification, error) {
	now = now.UTC().Truncate(keys.TimePrecision)
	if v.Result != keys.VerifyValid || len(v.Key.Draws) == 0 {
		return v, nil
	}
	drawn := make([]map[string]types.AttributeValue, 0, len(v.Key.Draws))
	giveBack := func() {
		// Best effort: a lost refund only under-admits.
		own := v.Key.ID
		if v.ItemID != "" {
			own = v.ItemID // the lane the use was counted on
		}
		s.refund(ctx, own, v.Key.RateLimit != nil, ownPeriod(v.Key, now), true, v.UseID)
		for _, item := range drawn {
			_, rate := readRateState(item)
			q, state := decodeQuota(item)
			period := ""
			if q != nil && state.Period == q.PeriodKey(now) {
				period = state.Period
			}
			s.refund(ctx, getS(item, "keyId"), rate, period, false, v.UseID)
		}
	}
	ownRate := v.Key.RateLimit != nil
	for i, id := range v.Key.Draws {
		item, refusal, err := s.draw(ctx, v.Key.ID, i, id, v.UseID, now)
		if err != nil {
			giveBack()
			return keys.Verification{}, err
		}
		if refusal != nil {
			giveBack()
			refusal.Key, refusal.UseID = v.Key, v.UseID
			return *refusal, nil
		}
		drawn = append(drawn, item)
		if rs, ok := readRateState(item); ok {
			left, reset := rs.remaining(now.UnixMilli())
			if !ownRate || left < v.RateRemaining {
				v.RateRemaining, ownRate = left, true
			}
			v.RateReset = max(v.RateReset, reset)
		}
	}
	return v, nil
}

// ownPeriod is the quota period k's admitted use was counted in ("" for
// none).
func ownPeriod(k keys.Key, now time.Time) string {
	if k.Quota == nil || k.QuotaState.Period != k.Quota.PeriodKey(now) {
		return ""
	}
	return k.QuotaState.Period
}

// maxForwards bounds how many rotations a draw follows in one
// verification. Successors always get new ids, so the chain never loops;
// each forward followed is healed, so a chain this long is only ever
// followed once.
const maxForwards = 64

// draw takes one use from the limits of item id, which the key keyID lists
// at index i of its draws, following rotations, and the lanes of a laned
// key (one lane at random, as its own uses). It returns the item as
// written, or the refusal of its limits.
func (s *Store) draw(ctx context.Context, keyID string, i int, id, useID string, now time.Time) (map[string]types.AttributeValue, *keys.Verification, error) {
	values := map[string]types.AttributeValue{":now": num(now.UnixMilli()), ":one": verifyOne, ":use": str(useID)}
	first, target := id, id // target: the item written, id or one of its lanes
	if e, ok, _ := s.lanes.fresh(id, time.Now()); ok {
		// Known to be laned: straight to a lane, not through a failed
		// write of its hot item.
		target = laneItemID(id, rand.IntN(lanesOf(e.item)))
	}
	bounces := 0
	for range maxForwards + maxLaneMoves {
		kind := s.hints.get(target)
		w := drawWrites[kind]
		in := &dynamodb.UpdateItemInput{
			TableName: aws.String(s.table), Key: keyItemKey(target),
			ConditionExpression: w.cond, UpdateExpression: w.update,
			ExpressionAttributeValues:           onlyUsed(withPeriods(values, w.quota, now), []string{*w.cond, *w.update}),
			ReturnValues:                        types.ReturnValueAllNew,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}
		next, idle := "", kind.isIdle()
		for range maxVerifyAttempts {
			out, err := s.db.UpdateItem(ctx, in)
			if err == nil {
				s.hints.observe(target, out.Attributes, idle)
				if id != first {
					s.heal(ctx, keyID, i, first, id)
				}
				return out.Attributes, nil, nil
			}
			if retryable(err) {
				continue
			}
			var ccf *types.ConditionalCheckFailedException
			if !errors.As(err, &ccf) {
				return nil, nil, fmt.Errorf("store: draw on key %s for key %s: %w", target, keyID, err)
			}
			old := ccf.Item
			if getS(old, attrLastDrawID) == useID {
				return old, nil, nil
			}
			if len(old) == 0 && target == id {
				// Items drawn on are kept while their dependents live;
				// a missing one fails closed.
				return nil, nil, fmt.Errorf("store: key %s draws on key %s, which no longer exists", keyID, id)
			}
			if len(old) == 0 || getBool(old, attrLaneClosed) {
				// A fold closed or removed the lane: back to the key.
				s.lanes.drop(id)
				if bounces++; bounces > 2 {
					return nil, nil, fmt.Errorf("store: draw on key %s for key %s: its lanes are being changed", id, keyID)
				}
				if err := pause(ctx, 10*time.Millisecond); err != nil {
					return nil, nil, fmt.Errorf("store: draw on key %s for key %s: %w", id, keyID, err)
				}
				next = id
				break
			}
			if n := lanesOf(old); n > 1 {
				next = laneItemID(id, rand.IntN(n)) // spreading load, not a secret
				break
			}
			if forward := getS(old, "replacedBy"); forward != "" {
				id, next = forward, forward
				break
			}
			step := nextStep(old, now)
			if step.refusal != nil {
				s.hints.observe(target, old, false)
				return nil, step.refusal, nil
			}
			idle = step.idle
			in = s.stepInput(target, step, values, []string{drawCondition}, []string{"lastDrawId = :use"}, nil)
		}
		if next == "" {
			return nil, nil, fmt.Errorf("store: draw on key %s for key %s: its limits' state changed %d times during one verification", target, keyID, maxVerifyAttempts)
		}
		target = next
	}
	return nil, nil, fmt.Errorf("store: key %s draws on key %s through more than %d rotations or lane changes", keyID, first, maxForwards)
}

// CurrentDraws maps each id of a key's draws to the item that holds that
// budget now, following rotations: one strongly consistent GetItem per
// forward (management requests only, never verification).
func (s *Store) CurrentDraws(ctx context.Context, ids []string) ([]string, error) {
	out := make([]string, len(ids))
	for i, id := range ids {
		for range maxForwards {
			got, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
				TableName: aws.String(s.table), Key: keyItemKey(id), ConsistentRead: aws.Bool(true),
				ProjectionExpression: aws.String("replacedBy"),
			})
			if err != nil {
				return nil, fmt.Errorf("store: current draws: %w", err)
			}
			next := getS(got.Item, "replacedBy")
			if next == "" {
				break
			}
			id = next
		}
		out[i] = id
	}
	return out, nil
}

// withPeriods is values with the quota periods of now when quota is set.
func withPeriods(values map[string]types.AttributeValue, quota bool, now time.Time) map[string]types.AttributeValue {
	if !quota {
		return values
	}
	out := maps.Clone(values)
	addPeriods(out, now)
	return out
}

// heal points draw i of key keyID at next instead of the rotated key
// from, so the forward is followed once. Best effort: a failed heal costs
// only the forward again next time.
func (s *Store) heal(ctx context.Context, keyID string, i int, from, next string) {
	path := attrDraws + "[" + strconv.Itoa(i) + "]"
	_, _ = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: keyItemKey(keyID),
		ConditionExpression:       aws.String(path + " = :from"),
		UpdateExpression:          aws.String("SET " + path + " = :next"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":from": str(from), ":next": str(next)},
	})
}

// refund gives back the admitted use useID of item id: the rate limit's
// arrival time moves back by one interval (rate), the quota's count down
// by one when still in period, and for the key's own item (own) its usage
// count. It is applied once per use (lastRefundId), however often the SDK
// retries it.
func (s *Store) refund(ctx context.Context, id string, rate bool, period string, own bool, useID string) {
	for _, withQuota := range []bool{true, false} {
		if !withQuota && period == "" {
			return
		}
		set := []string{"lastRefundId = :use"}
		var add []string
		cond := []string{"attribute_exists(pk)", "(attribute_not_exists(lastRefundId) OR lastRefundId <> :use)"}
		values := map[string]types.AttributeValue{":use": str(useID)}
		if rate {
			set = append(set, "rlTat = rlTat - rlT", "rlAllowAt = rlAllowAt - rlT")
			cond = append(cond, "attribute_exists(rlT)")
		}
		if own {
			add = append(add, "usageCount :minus")
			values[":minus"] = num(-1)
		}
		if withQuota && period != "" {
			add = append(add, "qUsed :minus")
			values[":minus"], values[":qp"], values[":zero"] = num(-1), str(period), num(0)
			cond = append(cond, "qPeriod = :qp AND qUsed > :zero")
		}
		expr := "SET " + strings.Join(set, ", ")
		if len(add) > 0 {
			expr += " ADD " + strings.Join(add, ", ")
		}
		_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(s.table), Key: keyItemKey(id),
			ConditionExpression: aws.String(strings.Join(cond, " AND ")),
			UpdateExpression:    aws.String(expr), ExpressionAttributeValues: values,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		})
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) || getS(ccf.Item, "lastRefundId") == useID {
			return // done, given back already, or lost (best effort)
		}
		// The quota's period ended meanwhile: give back the rest.
	}
}

// getStrings reads a list of strings (missing: nil).
func getStrings(item map[string]types.AttributeValue, name string) []string {
	l, ok := item[name].(*types.AttributeValueMemberL)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(l.Value))
	for _, v := range l.Value {
		if s, ok := v.(*types.AttributeValueMemberS); ok {
			out = append(out, s.Value)
		}
	}
	return out
}

// stringsValue is a list of strings as an attribute.
func stringsValue(ss []string) types.AttributeValue {
	l := make([]types.AttributeValue, len(ss))
	for i, s := range ss {
		l[i] = str(s)
	}
	return &types.AttributeValueMemberL{Value: l}
}

// encodeLineage adds k's lineage and rate state to its item.
func encodeLineage(item map[string]types.AttributeValue, k keys.Key) {
	if len(k.Draws) > 0 {
		item[attrDraws] = stringsValue(k.Draws)
	}
	if k.Dependents {
		item[attrDependents] = boolean(true)
	}
	if k.RateLimit != nil && !k.RateState.TAT.IsZero() {
		tat := k.RateState.TAT.UnixMilli()
		item[attrRLTat] = num(tat)
		item[attrRLAllowAt] = num(tat - k.RateLimit.Tolerance().Milliseconds())
	}
}

// decodeLineage reads what encodeLineage wrote.
func decodeLineage(item map[string]types.AttributeValue, k *keys.Key) {
	k.Draws = getStrings(item, attrDraws)
	k.Dependents = getBool(item, attrDependents)
	if tat, ok := getN(item, attrRLTat); ok && k.RateLimit != nil && tat > 0 {
		k.RateState.TAT = time.UnixMilli(tat).UTC()
	}
}
