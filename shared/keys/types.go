package keys

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/apperr"
)

// MaxIDLen is the longest user, workspace or key id.
const MaxIDLen = 64

// ValidID reports whether id is a well-formed user, workspace or key id:
// ^[A-Za-z0-9_-]{1,64}$, which keeps ids safe inside IAM resource ARNs and
// DynamoDB keys. It is a byte loop rather than a regexp because the
// authorizer checks every id it puts in a policy (FuzzValidID checks the two
// agree).
func ValidID(id string) bool {
	if id == "" || len(id) > MaxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// CheckID returns a BadRequest error naming what is invalid.
func CheckID(kind, id string) error {
	if !ValidID(id) {
		return apperr.Errorf(apperr.BadRequest, "invalid %s id: must match ^[A-Za-z0-9_-]{1,64}$", kind)
	}
	return nil
}

// Role is a user's role in a workspace.
type Role string

// The workspace roles, as Tianji names them.
const (
	RoleOwner    Role = "owner"
	RoleAdmin    Role = "admin"
	RoleReadOnly Role = "readOnly"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleOwner || r == RoleAdmin || r == RoleReadOnly
}

// ParseRole returns the role named s or a BadRequest error.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", apperr.Errorf(apperr.BadRequest, "unknown role %q: want owner, admin or readOnly", s)
	}
	return r, nil
}

// Scope is a permission carried by an API key.
type Scope string

// The key scopes: read (GET), write (every method), admin (manage keys),
// webhook (manage webhook endpoints).
const (
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "write"
	ScopeAdmin Scope = "admin"
	// ScopeWebhook manages the caller's webhook endpoints (spec 002:
	// "Can manage webhooks").
	ScopeWebhook Scope = "webhook"
)

// Valid reports whether s is one of keygate's own scopes (a scope of the
// team's API document is not).
func (s Scope) Valid() bool {
	return s == ScopeRead || s == ScopeWrite || s == ScopeAdmin || s == ScopeWebhook
}

// AllScopes lists every scope in canonical order. A key created without
// scopes gets all of them: it inherits its creator's permissions.
var AllScopes = []Scope{ScopeRead, ScopeWrite, ScopeAdmin, ScopeWebhook}

// WellFormedScope reports whether s may name a scope: keygate's own, or one
// of the team's API document (read:users, write:projects, ...) — 1 to 64
// characters, a letter or digit first, then letters, digits and :._/-. A
// scope travels in the authorizer's context (comma separated) and in JSON,
// so no space, comma or quote. (A loop, not a regexp: a compiled
// {0,63} repetition costs every Lambda a millisecond of init.)
func WellFormedScope(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == ':' || c == '.' || c == '_' || c == '/' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// MaxScopes is the most scopes a key may hold: its scopes travel in the
// authorizer's context and the identity assertion on every request.
const MaxScopes = 32

// CanonicalScopes returns scopes in canonical order — keygate's in
// AllScopes order, then the API document's, sorted — once each, malformed
// ones dropped: the one form the authorizer's context and the assertion
// carry, whatever order a stored key holds them in. A key that holds only
// keygate's, in order, is returned as it is (no allocation on the
// authorizer's path).
func CanonicalScopes(scopes []Scope) []Scope {
	next := 0 // index in AllScopes the next scope must come at or after
	canonical := true
	for _, s := range scopes {
		i := slices.Index(AllScopes, s)
		if i < next {
			canonical = false
			break
		}
		next = i + 1
	}
	if canonical {
		return scopes
	}
	out := make([]Scope, 0, len(scopes))
	for _, k := range AllScopes {
		if slices.Contains(scopes, k) {
			out = append(out, k)
		}
	}
	n := len(out)
	for _, s := range scopes {
		if !s.Valid() && WellFormedScope(string(s)) {
			out = append(out, s)
		}
	}
	slices.Sort(out[n:])
	return slices.Compact(out)
}

// ParseScopes checks scope names' syntax and returns them in canonical
// order: keygate's own (read, write, admin, webhook), then the API
// document's, sorted. A malformed name, or one given twice, is a
// BadRequest naming it, as a webhook's duplicate event type is: what is
// sent is exactly what is stored. Whether a scope exists is the Service's
// rule (Config.APIScopes): the transports only parse.
func ParseScopes(names []string) ([]Scope, error) {
	seen := make(map[Scope]bool, len(names))
	var api []Scope
	for _, n := range names {
		s := Scope(n)
		if !WellFormedScope(n) {
			return nil, apperr.Errorf(apperr.BadRequest, "scope %q: want %s, or a scope of the API: letters, digits and :._/- (at most 64)", n, ScopeChoices())
		}
		if seen[s] {
			return nil, apperr.Errorf(apperr.BadRequest, "scopes: %q given twice", n)
		}
		seen[s] = true
		if !s.Valid() {
			api = append(api, s)
		}
	}
	out := make([]Scope, 0, len(seen))
	for _, s := range AllScopes {
		if seen[s] {
			out = append(out, s)
		}
	}
	slices.Sort(api)
	return append(out, api...), nil
}

// ScopeChoices names every scope for a message: "read, write, admin or
// webhook".
func ScopeChoices() string {
	var b strings.Builder
	for i, s := range AllScopes {
		switch {
		case i == len(AllScopes)-1:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(string(s))
	}
	return b.String()
}

// User is a person who owns API keys. Operators sync users in with the CLI.
type User struct {
	ID        string
	Name      string
	Email     string
	Disabled  bool
	CreatedAt time.Time
}

// Workspace is a Tianji workspace.
type Workspace struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// Membership gives a user a role in a workspace.
type Membership struct {
	UserID      string
	WorkspaceID string
	Role        Role
	CreatedAt   time.Time
}

// Principal is a user's profile and memberships, read in one Query.
type Principal struct {
	User        User
	Memberships []Membership
}

// Key is a stored API key. It never holds the token, only its hash.
type Key struct {
	ID         string
	UserID     string
	Name       string
	Hash       string
	Start      string
	Scopes     []Scope
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	UsageCount int64
	// ReplacedBy is the id of the key that replaced this one in a rotation
	// with a grace period; "" for a current key.
	ReplacedBy string
	// AllowedCIDRs, when not nil, are the only networks the key works
	// from (see ParseCIDRs); nil allows every address.
	AllowedCIDRs []netip.Prefix
	// RateLimit and Quota, when not nil, limit the key's requests.
	RateLimit *RateLimit
	Quota     *Quota
	// QuotaState is the quota used in its period, as last counted.
	QuotaState QuotaState
	// RateState is the rate limit's state as last stored: a rotation's
	// successor continues it rather than starting with a full burst.
	RateState RateState
	// Draws are the ids of the limited keys above this one (its creator,
	// its creator's creator, ...): each of its requests also counts
	// against their limits, so no lineage admits more than its most
	// restrictive key. Nil for a key an operator made.
	Draws []string
	// Dependents marks a key that other keys draw on: revoking or
	// rotating it keeps its limits' state for them.
	Dependents bool
	// Session marks a short-lived sign-in key of the API Keys page
	// (keygate console-link): it stands for its user, so the keys made with
	// it are not bounded by its own expiry.
	Session bool
	// SignInLink marks the key a console link carries: it can do nothing
	// but be exchanged, once, for a Session key.
	SignInLink bool
	// Lanes, when 2 or more, spreads the key's uses over that many items
	// of their own, each holding its share of the limits (SplitLimit), so
	// one key takes Lanes times DynamoDB's per-item write capacity. 0 for
	// a key counted on its own item.
	Lanes int
}

// Expired reports whether the key's expiry is at or before now.
func (k Key) Expired(now time.Time) bool {
	return k.ExpiresAt != nil && !k.ExpiresAt.After(now)
}

// VerifyResult is the outcome of verifying a presented key.
type VerifyResult int

// The verification outcomes. Only infrastructure failure is an error.
const (
	// VerifyNotFound: no such key, a deleted key, or a wrong secret.
	VerifyNotFound VerifyResult = iota
	// VerifyValid: the key exists, its hash matches and it has not expired;
	// its use was counted (within its limits).
	VerifyValid
	// VerifyExpired: the hash matches but the key has expired.
	VerifyExpired
	// VerifyUserDisabled: the hash matches but the key's user is disabled.
	VerifyUserDisabled
	// VerifyThrottled: the key is valid but its rate limit refuses the
	// request now; nothing was counted.
	VerifyThrottled
	// VerifyQuotaExceeded: the key is valid but its quota for the period
	// is used up; nothing was counted.
	VerifyQuotaExceeded
)

// String names the result for logs.
func (r VerifyResult) String() string {
	switch r {
	case VerifyValid:
		return "valid"
	case VerifyExpired:
		return "expired"
	case VerifyNotFound:
		return "not_found"
	case VerifyUserDisabled:
		return "user_disabled"
	case VerifyThrottled:
		return "throttled"
	case VerifyQuotaExceeded:
		return "quota_exceeded"
	}
	return fmt.Sprintf("VerifyResult(%d)", int(r))
}

// Verification is the result of Verify. Key is set for every result but
// VerifyNotFound. For a limited key, RetryAfter says when a refused request
// may succeed, and RateRemaining how many more the rate limit admits now.
type Verification struct {
	Result        VerifyResult
	Key           Key
	RetryAfter    time.Duration
	RateRemaining int64
	// RateReset is how long until the rate limit's full burst is back.
	RateReset time.Duration
	// UseID names this verification's use in the store, so drawing it on
	// the lineage and giving it back are each applied once.
	UseID string
	// Laned is set when the use was counted on one of the key's lanes
	// (Key.Lanes), ItemID being that lane's id: the key's settings were
	// read as they stood at most LaneRefresh ago.
	Laned  bool
	ItemID string
}

// successor is the key that replaces k in a rotation: a copy of k, so every
// attribute k carries (name, scopes, expiry, and any added later) passes to
// it, with a new token's id, hash and start, created at now, and without
// k's usage or rotation state.
func (k Key) successor(prefix string, now time.Time) (Key, string, error) {
	gen, err := apikey.Generate(prefix)
	if err != nil {
		return Key{}, "", err
	}
	next := k
	next.ID, next.Hash, next.Start = gen.ID, gen.Hash, gen.Start
	next.CreatedAt = now
	next.LastUsedAt = nil
	next.UsageCount = 0
	next.ReplacedBy = ""
	return next, gen.Token, nil
}
