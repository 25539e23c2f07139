package store

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/keys"
)

// A hot key's writes are spread over lanes. DynamoDB serves one item at
// most 1,000 write units a second (one partition's capacity), so a key
// whose every verification writes its one item tops out there. A key with
// lanes (keys.Key.Lanes, set by SetLanes) keeps its settings on its own
// item and its counters on n lane items with partition keys of their own,
// KEY#<keyId>#<i>: each lane holds 1/n of the key's rate limit and burst
// and of its quota, its own usage count, and nothing else. A verification
// writes one lane, chosen at random, so n lanes take n times the item's
// ceiling; the lanes' limits add up to the key's, so no window admits more
// than the key's limits (keys.SplitLimit).
//
// The key's own item is then read, not written, on the hot path: each
// Store (Lambda instance) keeps what it read of a laned key for at most
// keys.LaneRefresh, and checks the hash, expiry and the user's disabled
// mark against it. That bound is how long a change to the key (revocation
// included) may take to reach every instance; revoking, rotating or
// changing the limits of a laned key first folds its lanes back (unlane),
// which closes them at once.
const (
	attrLanes      = "lanes"
	attrLaneOf     = "laneOf"
	attrLaneClosed = "laneClosed"
	// attrKeyRevoked marks the lanes of a revoked key kept as an anchor:
	// its dependents still draw on them, the key itself never again.
	attrKeyRevoked = "keyRevoked"
)

// laneCondition admits a use on a lane that exists, was not closed by a
// fold and whose key was not revoked, unless this very verification was
// already applied (lastUseId).
const laneCondition = "attribute_exists(pk) AND attribute_not_exists(" + attrLaneClosed + ") AND attribute_not_exists(" + attrKeyRevoked + ") AND " +
	"(attribute_not_exists(lastUseId) OR lastUseId <> :use)"

// laneWrites are the steady writes of a lane by the kind of limits it
// carries: the key's own writes (steadyWrites) with the lane's condition.
var laneWrites = func() [len(steadyWrites)]steadyWrite {
	var w [len(steadyWrites)]steadyWrite
	for k, sw := range steadyWrites {
		cond := laneCondition + (*sw.cond)[len(keyCondition):]
		w[k] = steadyWrite{cond: aws.String(cond), update: sw.update, quota: sw.quota}
	}
	return w
}()

// laneItemID is the id of lane i of key keyID, as keyItemKey takes it.
func laneItemID(keyID string, i int) string { return keyID + "#" + strconv.Itoa(i) }

// lanesOf is the number of lanes an item of a key holds (0 for none).
func lanesOf(item map[string]types.AttributeValue) int {
	n, _ := getN(item, attrLanes)
	return int(n)
}

// maxLaneEntries bounds the memory of laneCache: past it, it starts over.
const maxLaneEntries = 10_000

// laneCache is what this Store read of laned keys: their own item, when it
// was read, and until when each lane refuses (a rate limit's next
// admission, a spent quota), so a key driven past its limits is refused
// without a write until its lane admits again — refusing never admits.
type laneCache struct {
	mu      sync.Mutex
	entries map[string]*laneEntry
}

type laneEntry struct {
	item    map[string]types.AttributeValue
	read    time.Time
	refused []laneRefusal
}

type laneRefusal struct {
	until int64 // Unix milliseconds
	v     keys.Verification
}

// fresh returns the entry of keyID read within keys.LaneRefresh of now;
// known reports whether there is one at all (the key had lanes when last
// read), so a stale entry is read again rather than the key's item
// written.
func (c *laneCache) fresh(keyID string, now time.Time) (e *laneEntry, ok, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, known = c.entries[keyID]
	if !known || now.Sub(e.read) >= keys.LaneRefresh || now.Before(e.read) {
		return nil, false, known
	}
	return e, true, true
}

// put records the key's item as read at read.
func (c *laneCache) put(keyID string, item map[string]types.AttributeValue, read time.Time) *laneEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxLaneEntries {
		c.entries = make(map[string]*laneEntry)
	}
	e := &laneEntry{item: item, read: read, refused: make([]laneRefusal, lanesOf(item))}
	c.entries[keyID] = e
	return e
}

func (c *laneCache) drop(keyID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, keyID)
}

// pick chooses a lane at random among those that do not refuse at nowMs,
// skipping tried; ok is false when every lane refuses, and refusal is then
// the one that admits soonest.
func (c *laneCache) pick(e *laneEntry, nowMs int64, tried map[int]bool) (lane int, refusal keys.Verification, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(e.refused)
	start := rand.IntN(n) // spreading load, not a secret
	soonest := -1
	for j := range n {
		i := (start + j) % n
		if tried[i] {
			continue
		}
		if e.refused[i].until <= nowMs {
			return i, keys.Verification{}, true
		}
		if soonest < 0 || e.refused[i].until < e.refused[soonest].until {
			soonest = i
		}
	}
	if soonest < 0 {
		return 0, keys.Verification{}, false
	}
	r := e.refused[soonest]
	r.v.RetryAfter = time.Duration(r.until-nowMs) * time.Millisecond
	return 0, r.v, false
}

func (c *laneCache) refuse(e *laneEntry, lane int, until int64, v keys.Verification) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.refused[lane] = laneRefusal{until: until, v: v}
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
