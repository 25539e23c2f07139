package keys

import (
	"context"
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

// Rename gives one of the caller's keys a new name.
func (s *Service) Rename(ctx context.Context, c Caller, keyID, name string) (Key, error) {
	name, err := NormalizeKeyName(name)
	if err != nil {
		return Key{}, err
	}
	m, err := s.manager(ctx, c)
	if err != nil {
		return Key{}, err
	}
	if _, err := s.target(ctx, m, keyID); err != nil {
		return Key{}, err
	}
	return s.store.RenameKey(ctx, m.UserID, keyID, name)
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
	if _, err := s.target(ctx, m, keyID); err != nil {
		return FlushSkipped, err
	}
	if err := s.store.DeleteKey(ctx, m.UserID, keyID); err != nil {
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
	if err := s.store.RotateKey(ctx, m.UserID, old.ID, next, oldExpiresAt); err != nil {
		return Rotated{}, err
	}
	return Rotated{Issued: Issued{Key: next, Token: token}, OldKeyID: old.ID, Flush: s.flush(ctx, cache, old.ID)}, nil
}
