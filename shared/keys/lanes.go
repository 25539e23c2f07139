package keys

import (
	"time"

	"keygate/shared/apperr"
)

// MaxLanes bounds a key's lanes: folding them back is one transaction of
// the key and its lanes, and DynamoDB's transactions hold at most 100
// items.
const MaxLanes = 32

// LaneRefresh is how long a Lambda instance verifies a laned key against
// the key's settings as it read them before reading them again: the bound
// on how long a change to a laned key (its user disabled, a membership
// removed, its expiry or scopes changed) takes to reach every instance.
// Revoking, rotating or changing the limits of a laned key closes its
// lanes at once.
const LaneRefresh = 500 * time.Millisecond

// SplitLimit is lane i's share of total over n lanes: total/n, one more for
// the first total%n lanes, so the shares add up to total exactly.
func SplitLimit(total int64, n, i int) int64 {
	share := total / int64(n)
	if int64(i) < total%int64(n) {
		share++
	}
	return share
}

// LaneRate is lane i's share of r over n lanes: its limit and its burst
// split with SplitLimit over the same window, so the lanes together admit
// no more in any window than r does.
func LaneRate(r RateLimit, n, i int) RateLimit {
	return RateLimit{Limit: SplitLimit(r.Limit, n, i), Window: r.Window, Burst: SplitLimit(r.Burst, n, i)}
}

// LanesFor is the most lanes k may have: MaxLanes, and no more than its
// rate limit, its burst and its quota, so every lane holds at least one of
// each.
func LanesFor(k Key) int {
	n := int64(MaxLanes)
	if r := k.RateLimit; r != nil {
		n = min(n, r.Limit, r.Burst)
	}
	if q := k.Quota; q != nil {
		n = min(n, q.Limit)
	}
	return int(n)
}

// CheckLanes refuses a lane count k cannot have (1 and 0 mean none).
func CheckLanes(k Key, n int) error {
	if n > 1 && (k.SignInLink || k.Session) {
		return apperr.Errorf(apperr.BadRequest, "the API Keys page's sign-in keys cannot have lanes")
	}
	if n < 0 || n > MaxLanes {
		return apperr.Errorf(apperr.BadRequest, "lanes must be between 1 and %d", MaxLanes)
	}
	if n > 1 && n > LanesFor(k) {
		return apperr.Errorf(apperr.BadRequest, "lanes must be at most %d for this key: every lane holds at least one of its rate limit, burst and quota", LanesFor(k))
	}
	return nil
}
