package store

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
