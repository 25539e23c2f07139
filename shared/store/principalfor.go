package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// PrincipalFor reads what one request needs of the user: the profile and,
// when workspaceID is set and valid, that one membership — one strongly
// consistent BatchGetItem of at most two items, whatever the number of the
// user's workspaces (Principal reads them all). Principal.Memberships holds
// the one membership when the user has it, none otherwise. A missing user is
// NotFound.
func (s *Store) PrincipalFor(ctx context.Context, userID, workspaceID string) (keys.Principal, error) {
	if err := keys.CheckID("user", userID); err != nil {
		return keys.Principal{}, err
	}
	want := []map[string]types.AttributeValue{userItemKey(userID)}
	if keys.ValidID(workspaceID) {
		want = append(want, membershipItemKey(userID, workspaceID))
	}
	items, err := s.batchGet(ctx, want, "")
	if err != nil {
		return keys.Principal{}, fmt.Errorf("store: principal of %s: %w", userID, err)
	}
	var p keys.Principal
	found := false
	for _, item := range items {
		switch getS(item, "type") {
		case typeUser:
			p.User, found = decodeUser(item), true
		case typeMembership:
			p.Memberships = append(p.Memberships, decodeMembership(item))
		}
	}
	if !found {
		return keys.Principal{}, apperr.Errorf(apperr.NotFound, "user %s not found", userID)
	}
	return p, nil
}

// pause waits about d (half to all of it, at random), or until ctx ends.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d/2 + rand.N(d/2+1))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
