package apikeys

import (
	"slices"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// Input limits.
const (
	// MaxExpiryYears is how far ahead expiresAt may be.
	MaxExpiryYears = 5
	// MaxGracePeriodSeconds is the longest rotation grace period (7 days).
	MaxGracePeriodSeconds = 7 * 24 * 60 * 60
	// maxCursorLen bounds the opaque list cursor.
	maxCursorLen = 1024
	// defaultLimit and maxLimit bound a list page.
	defaultLimit = 20
	maxLimit     = 100
)

// validName trims name and checks it with the one key-name rule shared by
// the API, the CLI and the store: required, 1–keys.MaxKeyNameLen characters, no
// control characters or line/paragraph separators.
func validName(name *string) (string, error) {
	if name == nil {
		return "", apperr.Errorf(apperr.BadRequest, "name is required")
	}
	return keys.NormalizeKeyName(*name)
}

// grantScopes returns the scopes of a new key: the requested ones, which must
// be known, non-empty and held by the caller's key (no escalation), or the
// caller's own scopes when none are requested.
func grantScopes(requested *[]string, caller []keys.Scope) ([]keys.Scope, error) {
	if requested == nil {
		return slices.Clone(caller), nil
	}
	scopes, err := keys.ParseScopes(*requested)
	if err != nil {
		return nil, err
	}
	if len(scopes) == 0 {
		return nil, apperr.Errorf(apperr.BadRequest, "scopes must not be empty: omit it to inherit the calling key's scopes")
	}
	if err := withinScopes(scopes, caller); err != nil {
		return nil, err
	}
	return scopes, nil
}

// withinScopes is a Forbidden error unless every scope is held by the caller.
func withinScopes(scopes, caller []keys.Scope) error {
	for _, s := range scopes {
		if !slices.Contains(caller, s) {
			return apperr.Errorf(apperr.Forbidden, "Insufficient access: the calling key lacks the %s scope, so it cannot grant it", s)
		}
	}
	return nil
}

// validExpiry parses an optional RFC 3339 expiry, which must lie after now
// and at most MaxExpiryYears ahead.
func validExpiry(s *string, now time.Time) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return nil, apperr.Errorf(apperr.BadRequest, "expiresAt must be an RFC 3339 date-time such as 2030-01-02T15:04:05Z")
	}
	t = t.UTC().Truncate(time.Millisecond)
	if !t.After(now) {
		return nil, apperr.Errorf(apperr.BadRequest, "expiresAt must be in the future")
	}
	if t.After(now.AddDate(MaxExpiryYears, 0, 0)) {
		return nil, apperr.Errorf(apperr.BadRequest, "expiresAt must be at most %d years ahead", MaxExpiryYears)
	}
	return &t, nil
}
