package keys

import "slices"

// Containment is the one rule of every operation one key performs on
// another (create a child, PATCH, rotate, revoke): the key it makes, or the
// key it changes, before and after, never holds more than the caller in any
// dimension. A violation is refused, never clamped: a clamped key would
// silently differ from what its creator asked for, and the creator learns
// of the difference only when a request fails in production.
//
// A dimension is one way a key can hold more than another. Adding a
// restriction to keys is adding one dimension here; every operation then
// applies it.
type dimension struct {
	// reason is the refusal when a requested key would exceed the caller
	// in this dimension.
	reason Reason
	// within reports whether k holds no more than bound in this dimension.
	within func(bound, k Key) bool
}

// dimensions are every way a key can hold more than another, in the order
// their refusals are reported.
var dimensions = []dimension{
	{ReasonScopeNotHeld, scopesWithin},
	{ReasonCIDRsBeyondCaller, func(bound, k Key) bool { return cidrsWithin(k.AllowedCIDRs, bound.AllowedCIDRs) }},
	{ReasonLimitsBeyondCaller, rateWithin},
	{ReasonLimitsBeyondCaller, quotaWithin},
	{ReasonExpiryBeyondCaller, expiryWithin},
	{ReasonStandsForUser, standingWithin},
	{ReasonLineageBeyondCaller, lineageWithin},
}

// Within reports whether k holds no more than bound in every dimension,
// and when not, the reason of the first dimension it exceeds.
func Within(bound, k Key) (Reason, bool) {
	for _, d := range dimensions {
		if !d.within(bound, k) {
			return d.reason, false
		}
	}
	return "", true
}

// scopesWithin: every scope of k is one of bound's.
func scopesWithin(bound, k Key) bool { return holds(bound.Scopes, k.Scopes) }

// rateWithin: no sustained rate above bound's and no larger burst; a key
// without a rate limit exceeds every limited bound.
func rateWithin(bound, k Key) bool {
	b, r := bound.RateLimit, k.RateLimit
	if b == nil {
		return true
	}
	if r == nil {
		return false
	}
	// r.Limit/r.Window <= b.Limit/b.Window, in whole milliseconds: limits
	// and windows are bounded (Limits, CheckRateLimit) far below overflow.
	return r.Limit*b.Window.Milliseconds() <= b.Limit*r.Window.Milliseconds() && r.Burst <= b.Burst
}

// Days in the shortest and the longest calendar month: the bounds of what
// a daily quota allows over a month.
const (
	minMonthDays = 28
	maxMonthDays = 31
)

// quotaWithin compares quotas by the allowance they give over every window
// the longer period spans: a daily quota lies within a monthly one only
// when a month of its days fits (31 × daily <= monthly); a monthly quota
// lies within a daily one only when its whole month fits in one day
// (monthly <= daily), since it may all be spent on one day.
func quotaWithin(bound, k Key) bool {
	b, q := bound.Quota, k.Quota
	switch {
	case b == nil:
		return true
	case q == nil:
		return false
	case q.Period == b.Period:
		return q.Limit <= b.Limit
	case q.Period == QuotaDay: // under a monthly bound
		return q.Limit*maxMonthDays <= b.Limit
	}
	return q.Limit <= b.Limit // monthly under a daily bound
}

// expiryWithin: k expires no later than bound. A sign-in key stands for its
// user, so its own short life bounds nothing.
func expiryWithin(bound, k Key) bool {
	if bound.ExpiresAt == nil || bound.Session {
		return true
	}
	return k.ExpiresAt != nil && !k.ExpiresAt.After(*bound.ExpiresAt)
}

// standingWithin: a key that stands for its user — the API Keys page's
// session key, or the sign-in link exchanged for one — is bounded only by
// the user, so only a bound that is the user's own authority (an operator,
// or the page's session, neither of which is a stored key of its own:
// bound.ID is empty) holds it. Otherwise a key could rotate a session or a
// link and obtain, through it, the user's whole authority.
func standingWithin(bound, k Key) bool {
	return bound.ID == "" || !(k.Session || k.SignInLink)
}

// lineageWithin: k draws on every limited key the bound's own requests
// count against (the bound itself, when limited, and its draws), or is the
// bound itself. A limited key's own requests are bounded by its lineage, so
// a key outside that lineage — a sibling with the same settings, or the
// key's own parent — holds a budget it does not: rotating it would hand
// out a second, independent budget.
func lineageWithin(bound, k Key) bool {
	if k.ID != "" && k.ID == bound.ID {
		return true
	}
	for _, id := range drawsOf(bound) {
		if !slices.Contains(k.Draws, id) {
			return false
		}
	}
	return true
}

// MaxDraws is how many limited ancestors a key may draw on: each is one more
// write on the key's verifications, so lineages of limited keys are kept
// shallow.
const MaxDraws = 4

// drawsOf are the keys whose limits a key made by parent draws on: parent
// itself when it has limits, and every key parent draws on. An operator or a
// sign-in key (which stands for its user) passes on no draws.
func drawsOf(parent Key) []string {
	if parent.ID == "" || parent.Session {
		return nil
	}
	draws := slices.Clone(parent.Draws)
	if parent.RateLimit != nil || parent.Quota != nil {
		draws = append([]string{parent.ID}, draws...)
	}
	return draws
}
