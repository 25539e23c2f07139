package keys

import (
	"context"
	"slices"
	"time"

	"keygate/shared/apperr"
)

// Caller is who asks for a change: an API key (KeyID set) acting for its
// user, or an operator of the admin CLI (Operator set) acting for UserID.
type Caller struct {
	// UserID is the user whose keys are managed.
	UserID string
	// KeyID is the calling key; "" for an operator.
	KeyID string
	// Scopes are the calling key's scopes as the authorizer saw them.
	Scopes []Scope
	// Operator names the operator (CLI); "" for a key.
	Operator string
	// Token is set when the caller is an access token of the OpenID
	// provider: KeyID is then the user's TokenUseID.
	Token bool
	// SourceIP, UserAgent and RequestID describe the request, for the
	// audit log.
	SourceIP, UserAgent, RequestID string
}

// OperatorCaller returns the Caller of an operator acting for userID: operators
// are trusted with every scope and no expiry, as the table's owners.
func OperatorCaller(name, userID string) Caller {
	return Caller{UserID: userID, Operator: name, Scopes: AllScopes}
}

// everyScope is keygate's scopes and the API document's: what an operator
// (and the page's session) may grant.
func (s *Service) everyScope() []Scope {
	return append(slices.Clone(AllScopes), s.cfg.APIScopes...)
}

// manager checks that c may manage keys and returns the key that bounds what
// it may do: the calling key as stored now (its expiry and rotation state
// are authoritative: the authorizer's answer may be cached), with the scopes
// both it and c hold, or for an operator a key without limits. A key needs the admin scope, must still
// exist, not be expired, and not be in a rotation grace period: a key being
// retired cannot mint keys or touch its replacement.
func (s *Service) manager(ctx context.Context, c Caller) (Key, error) {
	if err := CheckID("user", c.UserID); err != nil {
		return Key{}, err
	}
	if c.KeyID == "" {
		if c.Operator == "" {
			return Key{}, apperr.Errorf(apperr.Internal, "keys: a caller without key or operator")
		}
		return Key{UserID: c.UserID, Scopes: s.everyScope()}, nil
	}
	if !holds(c.Scopes, []Scope{ScopeAdmin}) {
		return Key{}, forbidden(ReasonAdminScopeRequired)
	}
	if c.Token {
		return s.tokenBound(c), nil
	}
	k, err := s.store.GetKey(ctx, c.UserID, c.KeyID)
	switch {
	case apperr.Is(err, apperr.NotFound):
		return Key{}, forbidden(ReasonCallerKeyGone)
	case err != nil:
		return Key{}, err
	case k.Expired(s.Now()):
		return Key{}, forbidden(ReasonCallerKeyGone)
	case k.ReplacedBy != "":
		return Key{}, forbidden(ReasonCallerInGrace)
	}
	if k.Session {
		// The API Keys page's sign-in key stands for its user, whom an
		// operator signed in: it is bounded as the operator is.
		return Key{UserID: c.UserID, Scopes: s.everyScope()}, nil
	}
	// The scopes both the key and the authorizer's context hold, among
	// those that exist now: a scope the API document no longer declares
	// is given to no new key.
	k.Scopes = common(common(k.Scopes, c.Scopes), s.everyScope())
	if !holds(k.Scopes, []Scope{ScopeAdmin}) {
		return Key{}, forbidden(ReasonAdminScopeRequired)
	}
	return k, nil
}

// target reads one of the caller's keys that manager may change, rotate or
// revoke: a key that holds more than the manager in any dimension (Within)
// outranks it. A rotation's successor is a copy of its target, so this one
// check keeps every rotation within the manager.
func (s *Service) target(ctx context.Context, manager Key, keyID string) (Key, error) {
	k, err := s.store.GetKey(ctx, manager.UserID, keyID)
	if err != nil {
		return Key{}, err
	}
	reason, ok := Within(manager, k)
	if !ok && reason == ReasonLineageBeyondCaller {
		// k may name a rotated ancestor that its verifications have not
		// yet replaced by the successor: compare the keys it draws on now.
		if k.Draws, err = s.store.CurrentDraws(ctx, k.Draws); err != nil {
			return Key{}, err
		}
		_, ok = Within(manager, k)
	}
	if !ok {
		return Key{}, forbidden(ReasonKeyOutranksCaller)
	}
	return k, nil
}

// refuseBeyond refuses a key that would hold more than manager (Within).
func refuseBeyond(manager, k Key) error {
	if reason, ok := Within(manager, k); !ok {
		return forbidden(reason)
	}
	return nil
}

// TokenKeyMaxLifetime bounds the keys an access token makes: a key
// outlives the token that made it (the token acts for its user), but a
// token stolen for its hour cannot mint a key that never expires.
const TokenKeyMaxLifetime = 90 * 24 * time.Hour

// tokenBound is the key that bounds an access token's caller: the token's
// scopes (among those that exist now), no allowlist, an expiry
// TokenKeyMaxLifetime from now (a key made without one gets it), and the
// token limits, which keys it makes draw on as on a limited parent key's
// (their uses are taken from the user's token budget too, so no number of
// keys made by tokens multiplies it).
func (s *Service) tokenBound(c Caller) Key {
	expires := s.Now().Add(TokenKeyMaxLifetime)
	return Key{ID: TokenUseID(c.UserID), UserID: c.UserID, Scopes: common(c.Scopes, s.everyScope()), ExpiresAt: &expires,
		RateLimit: s.cfg.TokenLimits.RateLimit, Quota: s.cfg.TokenLimits.Quota}
}
