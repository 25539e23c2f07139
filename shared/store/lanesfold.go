package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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

// unlane folds a laned key's lanes back into its own item, writing ev (when
// not nil) with the fold: first every lane is closed (no verification
// counts on it any more; one in flight starts over from the key's item),
// then one transaction adds the lanes' usage and quota counts to the key's
// item, gives its rate limit a spent burst, removes its lanes mark and
// deletes the lanes — held to the counts read, which a refund in flight
// may still move. Verifications of the key meanwhile are answered as
// throttled (verifyKey). A fold cut short leaves the lanes closed and the
// key refused until the lock's lease ends and its lanes are set again
// (SetLanes repairs them).
func (s *Store) unlane(ctx context.Context, keyID, lock string, ev *keys.Event) error {
	for range maxLaneChangeAttempts {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(s.table), Key: keyItemKey(keyID), ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			return fmt.Errorf("store: unlane key %s: %w", keyID, err)
		}
		n := lanesOf(out.Item)
		if n < 2 {
			return nil
		}
		closing := make([]types.TransactWriteItem, n)
		for i := range n {
			closing[i] = types.TransactWriteItem{Update: &types.Update{
				TableName: aws.String(s.table), Key: keyItemKey(laneItemID(keyID, i)),
				ConditionExpression:       aws.String("attribute_exists(pk)"),
				UpdateExpression:          aws.String("SET " + attrLaneClosed + " = :t"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":t": boolean(true)},
			}}
		}
		if _, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: closing}); err != nil {
			return fmt.Errorf("store: close the lanes of key %s: %w", keyID, err)
		}
		lanes, err := s.readLanes(ctx, keyID, n, "")
		if err != nil {
			return err
		}
		items := append([]types.TransactWriteItem{s.fold(out.Item, lanes, s.Now(), lock)}, s.eventItems(ev)...)
		for i, lane := range lanes {
			count, _ := getN(lane, "usageCount")
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{
				TableName: aws.String(s.table), Key: keyItemKey(laneItemID(keyID, i)),
				ConditionExpression:       aws.String("usageCount = :c"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":c": num(count)},
			}})
		}
		if _, err := s.transact(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err == nil {
			s.lanes.drop(keyID)
			return nil
		} else if i, _ := failedItem(err); i < 0 {
			return fmt.Errorf("store: fold the lanes of key %s: %w", keyID, err)
		}
	}
	return apperr.Errorf(apperr.Conflict, "the lanes of key %s changed %d times while they were folded: retry", keyID, maxLaneChangeAttempts)
}

// fold is the update of the key's own item (as read, with n lanes) that
// takes back what its lanes hold.
func (s *Store) fold(item map[string]types.AttributeValue, lanes []map[string]types.AttributeValue, now time.Time, lock string) types.TransactWriteItem {
	k := decodeKey(item)
	total := foldUsage(k, lanes)
	values := map[string]types.AttributeValue{":n": num(int64(lanesOf(item))), ":sum": num(total.UsageCount - k.UsageCount),
		":fold": str(newFoldID()), ":lock": str(lock)}
	// The fold is named, so the usage aggregator tells the lanes' counts
	// moving back (counted on the lanes already) from new uses.
	set := []string{attrLastFold + " = :fold"}
	if total.LastUsedAt != nil {
		values[":last"] = millis(*total.LastUsedAt)
		set = append(set, "lastUsedAt = :last")
	}
	if rs, ok := readRateState(item); ok {
		allowAt := now.UnixMilli() + rs.t
		values[":allow"], values[":tat"] = num(allowAt), num(allowAt+rs.tau)
		set = append(set, attrRLAllowAt+" = :allow", attrRLTat+" = :tat")
	}
	if k.Quota != nil {
		values[":qp"], values[":qu"] = str(total.QuotaState.Period), num(total.QuotaState.Used)
		set = append(set, attrQPeriod+" = :qp", attrQUsed+" = :qu")
	}
	expr := "REMOVE " + attrLanes + " ADD usageCount :sum"
	if len(set) > 0 {
		expr = "SET " + strings.Join(set, ", ") + " " + expr
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.table), Key: keyItemKey(k.ID),
		ConditionExpression: aws.String(attrLanes + " = :n AND " + laneHeld), UpdateExpression: aws.String(expr),
		ExpressionAttributeValues: values,
	}}
}

// newFoldID names one fold.
func newFoldID() string {
	var b [9]byte
	_, _ = rand.Read(b[:]) // never fails: it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// foldUsage is k (its own item's counts) with what its lanes hold added:
// their usage counts (the lanes start from 0) and the latest use. The quota
// is the lanes' alone: spreading split the key's used count over them, so
// its own item's count is as it stood then; it is their count in the latest
// period any lane counted in.
func foldUsage(k keys.Key, lanes []map[string]types.AttributeValue) keys.Key {
	latest := ""
	for _, lane := range lanes {
		latest = max(latest, getS(lane, attrQPeriod))
	}
	used := int64(0)
	for _, lane := range lanes {
		count, _ := getN(lane, "usageCount")
		k.UsageCount += count
		if t := getTimePtr(lane, "lastUsedAt"); t != nil && (k.LastUsedAt == nil || t.After(*k.LastUsedAt)) {
			k.LastUsedAt = t
		}
		if getS(lane, attrQPeriod) == latest {
			q, _ := getN(lane, attrQUsed)
			used += q
		}
	}
	if k.Quota != nil {
		k.QuotaState = keys.QuotaState{Period: latest, Used: used}
	}
	return k
}

// readLanes reads the n lanes of key keyID (strongly consistent), in lane
// order; projection, when set, names the attributes read.
func (s *Store) readLanes(ctx context.Context, keyID string, n int, projection string) ([]map[string]types.AttributeValue, error) {
	want := make([]map[string]types.AttributeValue, n)
	for i := range n {
		want[i] = keyItemKey(laneItemID(keyID, i))
	}
	items, err := s.batchGet(ctx, want, projection)
	if err != nil {
		return nil, fmt.Errorf("store: read the lanes of key %s: %w", keyID, err)
	}
	got := make(map[string]map[string]types.AttributeValue, len(items))
	for _, item := range items {
		got[getS(item, AttrPK)] = item
	}
	lanes := make([]map[string]types.AttributeValue, n)
	for i := range n {
		lanes[i] = got[keyPK(laneItemID(keyID, i))]
	}
	return lanes, nil
}

// withLaneUsage adds to each laned key what its lanes hold (foldUsage), so
// a laned key's usage count is exact at once: the sum of its lanes'.
func (s *Store) withLaneUsage(ctx context.Context, ks []keys.Key) error {
	for i, k := range ks {
		if k.Lanes < 2 {
			continue
		}
		lanes, err := s.readLanes(ctx, k.ID, k.Lanes, AttrPK+", usageCount, lastUsedAt, "+attrQPeriod+", "+attrQUsed)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(lanes, func(l map[string]types.AttributeValue) bool { return len(l) == 0 }) {
			// Folded meanwhile: the key's own item holds the counts now.
			out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: keyItemKey(k.ID), ConsistentRead: aws.Bool(true)})
			if err != nil {
				return fmt.Errorf("store: read key: %w", err)
			}
			if lanesOf(out.Item) < 2 && len(out.Item) > 0 {
				ks[i] = decodeKey(out.Item)
				continue
			}
		}
		ks[i] = foldUsage(k, lanes)
	}
	return nil
}
