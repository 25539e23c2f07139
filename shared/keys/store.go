package keys

import (
	"context"
	"time"
)

// Store is what the use cases need of storage; shared/store implements it
// on DynamoDB. Each method is one conditional write or one read, so nothing
// is half-written. Not found is an apperr NotFound error.
type Store interface {
	// CreateKey writes a new key for an existing, enabled user.
	CreateKey(ctx context.Context, k Key) error
	// GetKey reads one of the user's keys (another user's is NotFound).
	GetKey(ctx context.Context, userID, keyID string) (Key, error)
	// RenameKey sets the name of one of the user's keys.
	RenameKey(ctx context.Context, userID, keyID, name string) (Key, error)
	// DeleteKey deletes one of the user's keys.
	DeleteKey(ctx context.Context, userID, keyID string) error
	// RotateKey writes next and deletes the old key (oldExpiresAt nil) or
	// lets it expire at oldExpiresAt, in one transaction.
	RotateKey(ctx context.Context, userID, oldKeyID string, next Key, oldExpiresAt *time.Time) error
	// ListKeys reads a page of the user's keys, newest first; the cursor is
	// the store's own position ("" for the first page and after the last).
	ListKeys(ctx context.Context, userID string, limit int, cursor string) ([]Key, string, error)
}

// VerifyStore is what Verify needs of storage: the key check with its usage
// count in one conditional write, and the user's profile and memberships in
// one read.
type VerifyStore interface {
	Verify(ctx context.Context, keyID, hash string, now time.Time) (Verification, error)
	Principal(ctx context.Context, userID string) (Principal, error)
}
