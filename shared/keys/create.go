package keys

import (
	"context"
	"net/netip"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/apperr"
)

// CreateRequest is what a caller asks of a new key. Name is checked with
// NormalizeKeyName; Scopes nil inherits the calling key's scopes; ExpiresAt
// nil inherits the calling key's expiry (none for an operator);
// AllowedCIDRs nil inherits the calling key's allowlist (none for an
// operator), and a list must lie inside it (ParseCIDRs checks the syntax).
type CreateRequest struct {
	Name         string
	Scopes       []Scope
	ExpiresAt    *time.Time
	AllowedCIDRs []netip.Prefix
	// RateLimit and Quota nil take the calling key's, or else the
	// deployment's defaults (Limits.DefaultRate, DefaultQuota).
	RateLimit *RateLimit
	Quota     *Quota
	// Session makes a sign-in key for the API Keys page (Key.Session);
	// only an operator may create one, and it must expire.
	Session bool
}

// Issued is a key as just created or rotated, with its token: the only time
// the token exists outside the client.
type Issued struct {
	Key   Key
	Token string
}

// Create makes a new key for the caller's user. A key never holds more than
// the key that made it (Within: scopes, allowlist, limits, expiry), and its
// requests also count against the limits of every limited key above it
// (Key.Draws). The key and its key.created audit event are written
// together.
func (s *Service) Create(ctx context.Context, c Caller, req CreateRequest) (Issued, error) {
	name, err := NormalizeKeyName(req.Name)
	if err != nil {
		return Issued{}, err
	}
	now := s.Now()
	var expiresAt *time.Time
	if req.ExpiresAt != nil {
		t, err := CheckExpiry(*req.ExpiresAt, now)
		if err != nil {
			return Issued{}, err
		}
		expiresAt = &t
	}
	parent, err := s.manager(ctx, c)
	if err != nil {
		return Issued{}, err
	}
	if req.Session && (c.Operator == "" || expiresAt == nil) {
		return Issued{}, apperr.Errorf(apperr.BadRequest, "a sign-in key is made by an operator (keygate console-link) and expires")
	}
	scopes, err := childScopes(parent, req.Scopes)
	if err != nil {
		return Issued{}, err
	}
	if err := s.knownScopes(req.Scopes); err != nil {
		return Issued{}, err
	}
	if scopes = CanonicalScopes(scopes); len(scopes) > MaxScopes {
		return Issued{}, apperr.Errorf(apperr.BadRequest, "scopes: at most %d", MaxScopes)
	}
	rate, quota, err := s.childLimits(parent, req.RateLimit, req.Quota)
	if err != nil {
		return Issued{}, err
	}
	gen, err := apikey.Generate(s.cfg.KeyPrefix)
	if err != nil {
		return Issued{}, err
	}
	k := NewKey(gen, c.UserID, name, scopes, now, childExpiry(parent, expiresAt))
	k.AllowedCIDRs, k.RateLimit, k.Quota, k.Session = childCIDRs(parent, req.AllowedCIDRs), rate, quota, req.Session
	// Limits follow the lineage: the new key's requests also count against
	// every limited key above it.
	if k.Draws = drawsOf(parent); len(k.Draws) > MaxDraws {
		return Issued{}, forbidden(ReasonLineageTooDeep)
	}
	if err := refuseBeyond(parent, k); err != nil {
		return Issued{}, err
	}
	if err := s.store.CreateKey(ctx, k, s.newEvent(c, EventKeyCreated, k.ID, keyAttributes(k))); err != nil {
		return Issued{}, err
	}
	return Issued{Key: k, Token: gen.Token}, nil
}
