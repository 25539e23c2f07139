package keys

import (
	"context"
	"net/netip"
	"slices"
	"time"

	"keygate/shared/apperr"
)

// Page size bounds for List.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Page is one page of a user's keys, newest first. NextCursor is "" after
// the last page.
type Page struct {
	Keys       []Key
	NextCursor string
}

// Get returns one of the caller's keys.
func (s *Service) Get(ctx context.Context, c Caller, keyID string) (Key, error) {
	m, err := s.manager(ctx, c)
	if err != nil {
		return Key{}, err
	}
	return s.store.GetKey(ctx, m.UserID, keyID)
}

// List returns a page of the caller's keys. limit 0 is DefaultPageSize;
// cursor is "" or a NextCursor this service issued to the same user.
func (s *Service) List(ctx context.Context, c Caller, limit int, cursor string) (Page, error) {
	m, err := s.manager(ctx, c)
	if err != nil {
		return Page{}, err
	}
	position, err := s.cursors.open(m.UserID, cursor)
	if err != nil {
		return Page{}, err
	}
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	ks, next, err := s.store.ListKeys(ctx, m.UserID, limit, position)
	if err != nil {
		return Page{}, err
	}
	return Page{Keys: ks, NextCursor: s.cursors.seal(m.UserID, next)}, nil
}

// Update changes the name, the allowlist or the limits of one of the
// caller's keys (nil or false leaves one as it is), with the rule of Create:
// neither the key as it is nor the key as changed may hold more than the
// caller (Within). An update that changes nothing is
// no write and no event. The change and its key.updated event, which names
// each changed attribute with its old and new value, are written together.
func (s *Service) Update(ctx context.Context, c Caller, keyID string, ch KeyChanges) (Key, error) {
	if ch.Name != nil {
		name, err := NormalizeKeyName(*ch.Name)
		if err != nil {
			return Key{}, err
		}
		ch.Name = &name
	}
	m, err := s.manager(ctx, c)
	if err != nil {
		return Key{}, err
	}
	old, err := s.target(ctx, m, keyID)
	if err != nil {
		return Key{}, err
	}
	// Everything is checked against the key as read before anything is
	// written.
	next, err := s.changed(m, old, ch)
	if err != nil {
		return Key{}, err
	}
	lanes, err := lanesAfter(old.Lanes, next, ch.Lanes)
	if err != nil {
		return Key{}, err
	}
	changes := describeChanges(old, ch, lanes)
	if len(changes) == 0 {
		return old, nil
	}
	ev := s.newEvent(c, EventKeyUpdated, keyID, changes)
	if len(changes) == 1 && changes["lanes"] != nil {
		return s.store.SetLanes(ctx, m.UserID, keyID, lanes, ev)
	}
	if old.Lanes > 1 && (changes["rateLimit"] != nil || changes["quota"] != nil) {
		// New limits of a laned key: under its lane lock, with the lanes
		// folded back so the change starts from the key's whole state,
		// then spread again (the lanes come back if the change fails).
		return s.store.ChangeLaned(ctx, m.UserID, keyID, func(ctx context.Context) (int, *Event, error) {
			cur, err := s.target(ctx, m, keyID)
			if err != nil {
				return 0, nil, err
			}
			after, err := s.changed(m, cur, ch)
			if err != nil {
				return 0, nil, err
			}
			ch.QuotaPeriod, ch.RateState = periodMove(cur, after, s.Now()), rateMove(cur, after, s.Now())
			_, err = s.store.UpdateKey(ctx, m.UserID, keyID, ch, ev)
			return lanes, nil, err
		})
	}
	ch.QuotaPeriod, ch.RateState = periodMove(old, next, s.Now()), rateMove(old, next, s.Now())
	k, err := s.store.UpdateKey(ctx, m.UserID, keyID, ch, ev)
	if err != nil || k.Lanes == lanes {
		return k, err
	}
	return s.store.SetLanes(ctx, m.UserID, keyID, lanes, nil)
}

// changed is old with ch applied, checked: its limits within the
// deployment's, and within the manager m as a new key would be.
func (s *Service) changed(m, old Key, ch KeyChanges) (Key, error) {
	next := old
	if ch.SetAllowedCIDRs {
		next.AllowedCIDRs = ch.AllowedCIDRs
	}
	if ch.SetRateLimit {
		if ch.RateLimit != nil {
			if err := s.cfg.Limits.CheckRateLimit(*ch.RateLimit); err != nil {
				return Key{}, err
			}
		}
		next.RateLimit = ch.RateLimit
	}
	if ch.SetQuota {
		if ch.Quota != nil {
			if err := s.cfg.Limits.CheckQuota(*ch.Quota); err != nil {
				return Key{}, err
			}
		}
		next.Quota = ch.Quota
	}
	if err := refuseBeyond(m, next); err != nil {
		return Key{}, err
	}
	// A count cannot move between periods without giving or taking
	// allowance (a month's use carried into one day forgets the month's
	// other days), so only a caller without a quota of its own, which
	// bounds nothing, may change a quota's period.
	if m.Quota != nil && old.Quota != nil && next.Quota != nil && old.Quota.Period != next.Quota.Period {
		return Key{}, forbidden(ReasonLimitsBeyondCaller)
	}
	return next, nil
}

// describeChanges names each attribute ch changes of old, with its old and
// new value, lanes included: the key.updated event's changes.
func describeChanges(old Key, ch KeyChanges, lanes int) map[string]any {
	changes := map[string]any{}
	if ch.Name != nil && *ch.Name != old.Name {
		changes["name"] = map[string]any{"from": old.Name, "to": *ch.Name}
	}
	if ch.SetAllowedCIDRs && !slices.Equal(ch.AllowedCIDRs, old.AllowedCIDRs) {
		changes["allowedCidrs"] = map[string]any{"from": cidrsOrNil(old.AllowedCIDRs), "to": cidrsOrNil(ch.AllowedCIDRs)}
	}
	if ch.SetRateLimit && !equalPtr(ch.RateLimit, old.RateLimit) {
		changes["rateLimit"] = map[string]any{"from": rateOrNil(old.RateLimit), "to": rateOrNil(ch.RateLimit)}
	}
	if ch.SetQuota && !equalPtr(ch.Quota, old.Quota) {
		changes["quota"] = map[string]any{"from": quotaOrNil(old.Quota), "to": quotaOrNil(ch.Quota)}
	}
	if lanes != old.Lanes {
		changes["lanes"] = map[string]any{"from": old.Lanes, "to": lanes}
	}
	return changes
}

// lanesAfter is the lane count of a key that had before lanes, changed to
// next: the count asked for, checked against next's limits, or before, as
// many as next's limits allow (LanesFor).
func lanesAfter(before int, next Key, asked *int) (int, error) {
	if asked == nil {
		if n := min(before, LanesFor(next)); n > 1 {
			return n, nil
		}
		return 0, nil
	}
	n := *asked
	if err := CheckLanes(next, n); err != nil {
		return 0, err
	}
	if n < 2 {
		return 0, nil
	}
	return n, nil
}

// periodMove is the move of old's used quota count when next changes its
// period: the count of the current period carries over, so a used count is
// never reset by changing a period (a stale count is of no period now).
func periodMove(old, next Key, now time.Time) *PeriodMove {
	if old.Quota == nil || next.Quota == nil || old.Quota.Period == next.Quota.Period {
		return nil
	}
	from := old.Quota.PeriodKey(now)
	if old.QuotaState.Period != from {
		return nil
	}
	return &PeriodMove{From: from, To: next.Quota.PeriodKey(now)}
}

// rateMove rescales what old's rate limit still owes (its arrival time
// ahead of now, in its intervals) to next's interval: an exhausted 5/min
// key changed to 1/h still owes its five requests, now at an hour each.
func rateMove(old, next Key, now time.Time) *RateMove {
	if old.RateLimit == nil || next.RateLimit == nil || *old.RateLimit == *next.RateLimit || !old.RateState.TAT.After(now) {
		return nil
	}
	debt := old.RateState.TAT.Sub(now)
	owed := time.Duration(float64(debt) * float64(next.RateLimit.Interval()) / float64(old.RateLimit.Interval()))
	tat := now.Add(owed).Truncate(TimePrecision)
	return &RateMove{From: old.RateState.TAT, To: tat, AllowAt: tat.Add(-next.RateLimit.Tolerance())}
}

// equalPtr reports whether a and b are both nil or point to equal values.
func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// cidrsOrNil is an allowlist as an audit event records it.
func cidrsOrNil(ps []netip.Prefix) any {
	if ps == nil {
		return nil
	}
	return FormatCIDRs(ps)
}

// Revoke deletes one of the caller's keys: every verification of it fails
// from now on, and cache (when not nil) has API Gateway's cached answers for
// it removed, so a revoked key stops working at once. The flush's outcome is
// returned apart from the error: the key is deleted either way.
func (s *Service) Revoke(ctx context.Context, c Caller, keyID string, cache CacheFlusher) (Flush, error) {
	m, err := s.manager(ctx, c)
	if err != nil {
		return FlushSkipped, err
	}
	k, err := s.target(ctx, m, keyID)
	if err != nil {
		return FlushSkipped, err
	}
	ev := s.newEvent(c, EventKeyRevoked, keyID, map[string]any{"name": k.Name})
	if err := s.store.DeleteKey(ctx, m.UserID, keyID, ev); err != nil {
		return FlushSkipped, err
	}
	return s.flush(ctx, cache, keyID), nil
}

// Rotated is the outcome of a rotation: the new key with its token, the old
// key's id and the flush's outcome.
type Rotated struct {
	Issued
	OldKeyID string
	Flush    Flush
}

// Rotate replaces one of the caller's keys by a new one with the same
// attributes (name, scopes, expiry and everything else the key carries) and
// a new token; the old key is deleted (grace 0) or expires after grace, in
// the same transaction. An expired key cannot be rotated. cache is flushed
// as by Revoke.
func (s *Service) Rotate(ctx context.Context, c Caller, keyID string, grace time.Duration, cache CacheFlusher) (Rotated, error) {
	if err := CheckGrace(grace); err != nil {
		return Rotated{}, err
	}
	m, err := s.manager(ctx, c)
	if err != nil {
		return Rotated{}, err
	}
	old, err := s.target(ctx, m, keyID)
	if err != nil {
		return Rotated{}, err
	}
	now := s.Now()
	if old.Expired(now) {
		return Rotated{}, apperr.Errorf(apperr.Conflict, "the key has expired: create a new key instead")
	}
	next, token, err := old.successor(s.cfg.KeyPrefix, now)
	if err != nil {
		return Rotated{}, err
	}
	var oldExpiresAt *time.Time
	if grace > 0 {
		t := now.Add(grace)
		if old.ExpiresAt != nil && old.ExpiresAt.Before(t) {
			t = *old.ExpiresAt
		}
		oldExpiresAt = &t
	}
	// Two events, in the transaction: the old key's history ends with its
	// rotation, and the new key's begins with its creation.
	rotated := s.newEvent(c, EventKeyRotated, old.ID, map[string]any{
		"newKeyId": next.ID, "gracePeriodSeconds": int64(grace / time.Second), "oldExpiresAt": timeOrNil(oldExpiresAt)})
	createdAttrs := keyAttributes(next)
	createdAttrs["rotatedFrom"] = old.ID
	created := s.newEvent(c, EventKeyCreated, next.ID, createdAttrs)
	if err := s.store.RotateKey(ctx, m.UserID, old.ID, next, oldExpiresAt, rotated, created); err != nil {
		return Rotated{}, err
	}
	return Rotated{Issued: Issued{Key: next, Token: token}, OldKeyID: old.ID, Flush: s.flush(ctx, cache, old.ID)}, nil
}
