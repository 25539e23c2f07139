package keys

import (
	"context"
	"errors"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/apperr"
)

// The API Keys page signs in with a link that works once: an operator's
// keygate console-link makes a sign-in link key (Key.SignInLink: no scope,
// a short life), which can do nothing but be exchanged, once, for the
// page's session key (Key.Session: only SessionScopes, SessionLifetime).
const (
	// SignInLinkLifetime is how long a console link can be used.
	SignInLinkLifetime = 15 * time.Minute
	// SessionLifetime is how long the page's session key works.
	SessionLifetime = time.Hour
	// SignInLinkName and SessionName name the two keys.
	SignInLinkName = "console sign-in link"
	SessionName    = "console session"
)

// SessionScopes are the scopes of the page's session key: the page only
// calls /open/apikeys* and /open/audit, which need admin. What it may grant
// is not bounded by them: a session key stands for its user (manager).
var SessionScopes = []Scope{ScopeAdmin}

// The reasons of a refused sign-in.
const (
	// ReasonSignInLinkUsed: the link's key was exchanged already, or never
	// existed.
	ReasonSignInLinkUsed Reason = "SIGN_IN_LINK_USED"
	// ReasonSignInLinkExpired: the link's key has expired.
	ReasonSignInLinkExpired Reason = "SIGN_IN_LINK_EXPIRED"
	// ReasonNotASignInLink: the calling key is not a sign-in link key.
	ReasonNotASignInLink Reason = "NOT_A_SIGN_IN_LINK"
)

// ErrSignInLinkSpent is what a SignInStore returns when the link key is no
// longer there to exchange: used by another exchange, deleted or expired.
var ErrSignInLinkSpent = errors.New("keys: sign-in link key spent")

// SignInStore is what the exchange needs of storage besides Store;
// shared/store implements it.
type SignInStore interface {
	// ExchangeSignInLink deletes the user's sign-in link key linkID, which
	// must still be a link key unexpired at now, and creates session, with
	// events, in one transaction: of two exchanges of one link, at most one
	// succeeds; the other gets ErrSignInLinkSpent. A missing or disabled
	// user is an apperr NotFound.
	ExchangeSignInLink(ctx context.Context, userID, linkID string, now time.Time, session Key, events ...*Event) error
}

// CreateSignInLink makes the key of a console link for c's user: no scope,
// expiring after SignInLinkLifetime. Only an operator may.
func (s *Service) CreateSignInLink(ctx context.Context, c Caller) (Issued, error) {
	if err := CheckID("user", c.UserID); err != nil {
		return Issued{}, err
	}
	if c.Operator == "" || c.KeyID != "" {
		return Issued{}, apperr.Errorf(apperr.BadRequest, "a sign-in link is made by an operator (keygate console-link)")
	}
	gen, err := apikey.Generate(s.cfg.KeyPrefix)
	if err != nil {
		return Issued{}, err
	}
	now := s.Now()
	expires := now.Add(SignInLinkLifetime)
	k := NewKey(gen, c.UserID, SignInLinkName, []Scope{}, now, &expires)
	k.SignInLink = true
	attrs := keyAttributes(k)
	attrs["signInLink"] = true
	if err := s.store.CreateKey(ctx, k, s.newEvent(c, EventKeyCreated, k.ID, attrs)); err != nil {
		return Issued{}, err
	}
	return Issued{Key: k, Token: gen.Token}, nil
}

// SignedIn is the outcome of an exchange: the session key with its token,
// the spent link key's id and the cache flush's outcome.
type SignedIn struct {
	Issued
	LinkKeyID string
	Flush     Flush
}

// ExchangeSignInLink exchanges the calling sign-in link key for a session
// key of its user: the link key is deleted and the session key created in
// one transaction, so a link signs in once, even under concurrent use; a
// second use is refused (403, ReasonSignInLinkUsed). The audit log records
// the link's key.revoked and the session's key.created. cache is flushed
// as by Revoke, so no cached answer admits the link again.
func (s *Service) ExchangeSignInLink(ctx context.Context, c Caller, cache CacheFlusher) (SignedIn, error) {
	if err := CheckID("user", c.UserID); err != nil {
		return SignedIn{}, err
	}
	if c.KeyID == "" {
		return SignedIn{}, forbidden(ReasonNotASignInLink)
	}
	ss, ok := s.store.(SignInStore)
	if !ok {
		return SignedIn{}, apperr.Errorf(apperr.Internal, "keys: the store cannot exchange sign-in links")
	}
	link, err := s.store.GetKey(ctx, c.UserID, c.KeyID)
	now := s.Now()
	switch {
	case apperr.Is(err, apperr.NotFound):
		return SignedIn{}, forbidden(ReasonSignInLinkUsed)
	case err != nil:
		return SignedIn{}, err
	case !link.SignInLink:
		return SignedIn{}, forbidden(ReasonNotASignInLink)
	case link.Expired(now):
		return SignedIn{}, forbidden(ReasonSignInLinkExpired)
	}
	gen, err := apikey.Generate(s.cfg.KeyPrefix)
	if err != nil {
		return SignedIn{}, err
	}
	expires := now.Add(SessionLifetime)
	session := NewKey(gen, c.UserID, SessionName, append([]Scope(nil), SessionScopes...), now, &expires)
	session.Session = true
	revoked := s.newEvent(c, EventKeyRevoked, link.ID, map[string]any{"name": link.Name, "signedInAs": session.ID})
	attrs := keyAttributes(session)
	attrs["session"], attrs["signInLink"] = true, link.ID
	created := s.newEvent(c, EventKeyCreated, session.ID, attrs)
	err = ss.ExchangeSignInLink(ctx, c.UserID, link.ID, now, session, revoked, created)
	switch {
	case errors.Is(err, ErrSignInLinkSpent):
		return SignedIn{}, forbidden(ReasonSignInLinkUsed)
	case apperr.Is(err, apperr.NotFound):
		return SignedIn{}, forbidden(ReasonUserDisabled)
	case err != nil:
		return SignedIn{}, err
	}
	return SignedIn{Issued: Issued{Key: session, Token: gen.Token}, LinkKeyID: link.ID, Flush: s.flush(ctx, cache, link.ID)}, nil
}
