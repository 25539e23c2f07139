package keys

import (
	"time"

	"keygate/shared/apikey"
)

// NewKey returns the Key to store for a freshly generated token: gen's id,
// hash and start (never its token) with the owner, name, scopes and times
// given. The result is what CreateKey expects.
func NewKey(gen apikey.Key, userID, name string, scopes []Scope, createdAt time.Time, expiresAt *time.Time) Key {
	return Key{
		ID:        gen.ID,
		UserID:    userID,
		Name:      name,
		Hash:      gen.Hash,
		Start:     gen.Start,
		Scopes:    scopes,
		CreatedAt: createdAt,
		ExpiresAt: expiresAt,
	}
}
