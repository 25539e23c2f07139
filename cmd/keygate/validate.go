package main

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// checkArg validates a positional argument by its name in the command's
// usage: "<userId>", "<workspaceId>" and "<keyId>" are ids.
func checkArg(name, value string) error {
	switch name {
	case "<userId>":
		return checkID("user", value)
	case "<workspaceId>":
		return checkID("workspace", value)
	case "<keyId>":
		return checkKeyID(value)
	case "<webhookId>":
		return checkID("webhook", value)
	}
	return nil
}

// checkID validates a user or workspace id. The id is echoed (it is not a
// secret) only when it is short enough to be one.
func checkID(kind, id string) error {
	if keys.ValidID(id) {
		return nil
	}
	if id == "" || len(id) > keys.MaxIDLen || !utf8.ValidString(id) {
		return usageErrorf("invalid %s id: must match ^[A-Za-z0-9_-]{1,64}$", kind)
	}
	return usageErrorf("invalid %s id %q: must match ^[A-Za-z0-9_-]{1,64}$", kind, id)
}

// checkKeyID validates a key id without echoing it: a pasted token must not
// end up in a terminal's scroll-back or a CI log twice.
func checkKeyID(id string) error {
	if keys.ValidID(id) {
		return nil
	}
	return usageErrorf("invalid key id: must match ^[A-Za-z0-9_-]{1,64}$ (the id, not the token)")
}

// parseScopes reads a comma-separated scope list; empty means all scopes,
// and a list of nothing but commas is refused.
// A malformed scope or one given twice is a usage error naming it
// (keys.ParseScopes, the API's rule), and so is one that is neither
// keygate's own nor among api, the API document's.
func parseScopes(s string, api []keys.Scope) ([]keys.Scope, error) {
	if strings.TrimSpace(s) == "" {
		return keys.AllScopes, nil
	}
	var names []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		// "," or " , ": a list that names nothing is a mistake, not a
		// request for every scope.
		return nil, usageErrorf("key create: --scopes %q names no scope: leave it out for all four", s)
	}
	scopes, err := keys.ParseScopes(names)
	if err != nil {
		return nil, usageErrorf("key create: --scopes: %s", apperr.MessageOf(err))
	}
	for _, sc := range scopes {
		if !sc.Valid() && !slices.Contains(api, sc) {
			if len(api) == 0 {
				return nil, usageErrorf("key create: --scopes: unknown scope %q: want %s (or name your API's OpenAPI document with --api-document)", sc, keys.ScopeChoices())
			}
			return nil, usageErrorf("key create: --scopes: unknown scope %q: want %s or one of the API document's", sc, keys.ScopeChoices())
		}
	}
	return scopes, nil
}

// parseExpires reads --expires: an RFC 3339 time, or a duration from now
// (Go syntax such as 720h, or whole days such as 30d). It must be in the
// future. "" means the key never expires.
func parseExpires(s string, now time.Time) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	var t time.Time
	if at, err := time.Parse(time.RFC3339, s); err == nil {
		t = at.UTC()
	} else if d, ok := parseDuration(s); ok {
		t = now.Add(d).UTC()
	} else {
		return nil, usageErrorf("key create: --expires %q: want an RFC 3339 time (2030-01-02T15:04:05Z) or a duration (720h, 30d)", s)
	}
	t, err := keys.CheckExpiry(t, now)
	if err != nil {
		return nil, usageErrorf("key create: --expires %q: %s", s, apperr.MessageOf(err))
	}
	return &t, nil
}

// parseDuration accepts Go durations and whole days ("30d").
func parseDuration(s string) (time.Duration, bool) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 1<<20 {
			return 0, false
		}
		return time.Duration(n) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}
