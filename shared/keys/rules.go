package keys

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"keygate/shared/apperr"
)

// Limits of a key's attributes, the same for the API and the CLI.
const (
	// MaxExpiryYears is how far ahead a key's expiry may be.
	MaxExpiryYears = 5
	// MaxGracePeriod is the longest rotation grace period.
	MaxGracePeriod = 7 * 24 * time.Hour
)

// TimePrecision is the precision of every stored time: expiry, creation and
// last use are kept in epoch milliseconds.
const TimePrecision = time.Millisecond

// TimeFormat is how the API and the CLI write times: RFC 3339 in UTC with
// milliseconds, as JavaScript's Date.prototype.toISOString writes them.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// CheckExpiry applies the expiry rule to a requested expiry: after now, at
// most MaxExpiryYears ahead, kept to the millisecond. It returns the expiry
// as it will be stored.
func CheckExpiry(t, now time.Time) (time.Time, error) {
	t = t.UTC().Truncate(TimePrecision)
	if !t.After(now) {
		return time.Time{}, apperr.Errorf(apperr.BadRequest, "expiresAt must be in the future")
	}
	if t.After(now.AddDate(MaxExpiryYears, 0, 0)) {
		return time.Time{}, apperr.Errorf(apperr.BadRequest, "expiresAt must be at most %d years ahead", MaxExpiryYears)
	}
	return t, nil
}

// CheckGrace applies the rotation grace rule: 0 (the old key is deleted at
// once) up to MaxGracePeriod, in whole seconds.
func CheckGrace(d time.Duration) error {
	if d < 0 || d > MaxGracePeriod || d%time.Second != 0 {
		return apperr.Errorf(apperr.BadRequest, "gracePeriodSeconds must be a whole number from 0 to %d", int64(MaxGracePeriod/time.Second))
	}
	return nil
}

// forbidden is the error of a management rule: the spec's 403 message, with
// the reason for the header and the log.
func forbidden(reason Reason) error {
	return apperr.ForbiddenBecause(string(reason))
}

// holds reports whether every scope of want is in have.
func holds(have, want []Scope) bool {
	for _, s := range want {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}

// common returns the scopes in both a and b, in a's order.
func common(a, b []Scope) []Scope {
	out := make([]Scope, 0, len(a))
	for _, s := range a {
		if slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// childScopes are the scopes of a key made by parent: the requested ones,
// or parent's own when none are requested (Within checks the result).
func childScopes(parent Key, requested []Scope) ([]Scope, error) {
	if requested == nil {
		return slices.Clone(parent.Scopes), nil
	}
	if len(requested) == 0 {
		return nil, apperr.Errorf(apperr.BadRequest, "scopes must not be empty: omit it to inherit the calling key's scopes")
	}
	return requested, nil
}

// knownScopes refuses a requested scope that is neither keygate's own nor
// one of the API document's (Config.APIScopes), naming it and what may be
// asked for.
func (s *Service) knownScopes(requested []Scope) error {
	for _, sc := range requested {
		if sc.Valid() || slices.Contains(s.cfg.APIScopes, sc) {
			continue
		}
		if len(s.cfg.APIScopes) == 0 {
			return apperr.Errorf(apperr.BadRequest, "unknown scope %q: want %s", sc, ScopeChoices())
		}
		names := make([]string, 0, len(s.cfg.APIScopes))
		for _, a := range s.cfg.APIScopes {
			names = append(names, string(a))
		}
		list := strings.Join(names, ", ")
		if len(names) > 20 {
			list = strings.Join(names[:20], ", ") + fmt.Sprintf(" and %d more", len(names)-20)
		}
		return apperr.Errorf(apperr.BadRequest, "unknown scope %q: want %s, or one of the API's: %s", sc, ScopeChoices(), list)
	}
	return nil
}

// childCIDRs is the allowlist of a key made by parent: nil inherits
// parent's (Within checks a requested one).
func childCIDRs(parent Key, requested []netip.Prefix) []netip.Prefix {
	if requested == nil {
		return parent.AllowedCIDRs
	}
	return requested
}

// childLimits are the rate limit and quota of a key made by parent: a
// requested one within the deployment's caps; none requested takes
// parent's, or the deployment's default (Within checks them against
// parent's).
func (s *Service) childLimits(parent Key, rate *RateLimit, quota *Quota) (*RateLimit, *Quota, error) {
	if rate == nil {
		rate = parent.RateLimit
		if rate == nil {
			rate = s.cfg.Limits.DefaultRate
		}
	} else if err := s.cfg.Limits.CheckRateLimit(*rate); err != nil {
		return nil, nil, err
	}
	if quota == nil {
		quota = parent.Quota
		if quota == nil {
			quota = s.cfg.Limits.DefaultQuota
		}
	} else if err := s.cfg.Limits.CheckQuota(*quota); err != nil {
		return nil, nil, err
	}
	return rate, quota, nil
}

// childExpiry is the expiry of a key made by parent: none requested takes
// parent's (Within refuses a later one), unless parent is a sign-in key,
// which stands for its user.
func childExpiry(parent Key, requested *time.Time) *time.Time {
	if requested != nil || parent.ExpiresAt == nil || parent.Session {
		return requested
	}
	t := *parent.ExpiresAt
	return &t
}
