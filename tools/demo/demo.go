package demo

import (
	"context"
	"fmt"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// The demo records' ids and the name of the key Seed creates.
const (
	UserID      = "demo-user"
	WorkspaceID = "demo-workspace"
	KeyName     = "make run demo key"
)

// The ids the sample events in events/ name: the demo user and workspace,
// and the key the apikeys get/rename/rotate/delete samples act on (Seed does
// not create it; tests that replay the samples store it with SeedSampleKey).
const (
	SampleUserID      = UserID
	SampleWorkspaceID = WorkspaceID
	SampleKeyID       = "Abc123Def456Ghi7"
)

// Seeded is what Seed created or found.
type Seeded struct {
	UserID, WorkspaceID string
	// Token is the new key's token: print it once, never log it.
	Token string
	KeyID string
	// Created reports whether the user, workspace and membership were
	// created now (first run) rather than found.
	Created bool
	// Revoked counts the previous demo keys Seed deleted.
	Revoked int
}

// Seed creates the demo user, workspace and owner membership if the user
// does not exist yet, deletes the demo keys of earlier runs, and creates a
// fresh demo key with all scopes. Keys the user created otherwise are kept.
func Seed(ctx context.Context, st *store.Store, prefix string) (Seeded, error) {
	out := Seeded{UserID: UserID, WorkspaceID: WorkspaceID}
	_, err := st.GetUser(ctx, UserID)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		if err := create(ctx, st); err != nil {
			return Seeded{}, err
		}
		out.Created = true
	case err != nil:
		return Seeded{}, fmt.Errorf("demo: read user: %w", err)
	}
	n, err := revokeOld(ctx, st)
	if err != nil {
		return Seeded{}, err
	}
	out.Revoked = n

	k, err := apikey.Generate(prefix)
	if err != nil {
		return Seeded{}, fmt.Errorf("demo: generate key: %w", err)
	}
	err = st.CreateKey(ctx, keys.NewKey(k, UserID, KeyName, keys.AllScopes, st.Now(), nil))
	if err != nil {
		return Seeded{}, fmt.Errorf("demo: create key: %w", err)
	}
	out.Token, out.KeyID = k.Token, k.ID
	return out, nil
}

// create writes the demo user, workspace and owner membership.
func create(ctx context.Context, st *store.Store) error {
	now := st.Now()
	if err := st.PutUser(ctx, keys.User{ID: UserID, Name: "Demo User", Email: "demo@example.com", CreatedAt: now}); err != nil {
		return fmt.Errorf("demo: create user: %w", err)
	}
	if err := st.PutWorkspace(ctx, keys.Workspace{ID: WorkspaceID, Name: "Demo Workspace", CreatedAt: now}); err != nil {
		return fmt.Errorf("demo: create workspace: %w", err)
	}
	err := st.PutMembership(ctx, keys.Membership{UserID: UserID, WorkspaceID: WorkspaceID, Role: keys.RoleOwner, CreatedAt: now})
	if err != nil {
		return fmt.Errorf("demo: create membership: %w", err)
	}
	return nil
}

// revokeOld deletes the demo keys earlier runs created.
func revokeOld(ctx context.Context, st *store.Store) (int, error) {
	var old []string
	cursor := ""
	for {
		page, next, err := st.ListKeys(ctx, UserID, 100, cursor)
		if err != nil {
			return 0, fmt.Errorf("demo: list keys: %w", err)
		}
		for _, k := range page {
			if k.Name == KeyName {
				old = append(old, k.ID)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	for _, id := range old {
		if err := st.DeleteKey(ctx, UserID, id); err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return 0, fmt.Errorf("demo: delete old demo key: %w", err)
		}
	}
	return len(old), nil
}

// SampleKeyName is the name of the key SeedSampleKey stores.
const SampleKeyName = "CI deploy"

// SeedSampleKey stores the key the apikeys get, rename, rotate and delete
// sample events act on: SampleKeyID of SampleUserID, all scopes, created at
// createdAt. Its id is fixed, so no token verifies against it; the returned
// apikey.Key (whose token and hash the stored key was made from) is only for
// callers that scan logs for secrets.
func SeedSampleKey(ctx context.Context, st *store.Store, createdAt time.Time) (apikey.Key, error) {
	gen, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		return apikey.Key{}, fmt.Errorf("demo: generate sample key: %w", err)
	}
	k := keys.NewKey(gen, SampleUserID, SampleKeyName, keys.AllScopes, createdAt, nil)
	k.ID, k.Start = SampleKeyID, apikey.DefaultPrefix+"_"+SampleKeyID[:8]
	if err := st.CreateKey(ctx, k); err != nil {
		return apikey.Key{}, fmt.Errorf("demo: create sample key: %w", err)
	}
	return gen, nil
}
