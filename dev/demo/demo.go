package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"slices"
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
// fresh demo key with all scopes — keygate's and api, the API document's
// (make run -openapi) — so that it can make keys of either. Keys the user
// created otherwise are kept.
func Seed(ctx context.Context, st *store.Store, prefix string, api ...keys.Scope) (Seeded, error) {
	out := Seeded{UserID: UserID, WorkspaceID: WorkspaceID}
	_, err := st.GetUser(ctx, UserID)
	out.Created = apperr.CodeOf(err) == apperr.NotFound
	if err := ensureUser(ctx, st); err != nil {
		return Seeded{}, err
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
	err = st.CreateKey(ctx, keys.NewKey(k, UserID, KeyName, keys.CanonicalScopes(append(slices.Clone(keys.AllScopes), api...)), st.Now(), nil), nil)
	if err != nil {
		return Seeded{}, fmt.Errorf("demo: create key: %w", err)
	}
	out.Token, out.KeyID = k.Token, k.ID
	return out, nil
}

// ensureUser writes the demo user, workspace and owner membership unless
// the user exists.
func ensureUser(ctx context.Context, st *store.Store) error {
	_, err := st.GetUser(ctx, UserID)
	switch {
	case err == nil:
		return nil
	case apperr.CodeOf(err) != apperr.NotFound:
		return fmt.Errorf("demo: read user: %w", err)
	}
	now := st.Now()
	if err := st.PutUser(ctx, keys.User{ID: UserID, Name: "Demo User", Email: "demo@example.com", CreatedAt: now}); err != nil {
		return fmt.Errorf("demo: create user: %w", err)
	}
	if err := st.PutWorkspace(ctx, keys.Workspace{ID: WorkspaceID, Name: "Demo Workspace", CreatedAt: now}); err != nil {
		return fmt.Errorf("demo: create workspace: %w", err)
	}
	err = st.PutMembership(ctx, keys.Membership{UserID: UserID, WorkspaceID: WorkspaceID, Role: keys.RoleOwner, CreatedAt: now})
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
		if err := st.DeleteKey(ctx, UserID, id, nil); err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return 0, fmt.Errorf("demo: delete old demo key: %w", err)
		}
	}
	return len(old), nil
}

// The tokens of the authorizer's sample events (events/authorizer-valid-key.json
// and authorizer-expired-key.json). They are public, so SeedSamples stores
// them only in the local stack's table: never seed them into a deployed one.
const (
	SampleValidToken   = "sk_ValidKeyExample0PlaceholderSecretReplaceWithARealKeyGateKey3bME1E"
	SampleExpiredToken = "sk_ExpiredKeyExamplPlaceholderSecretReplaceWithAnExpiredKey0002EUfMn"
)

// SampleKeyName is the name of the key the apikeys get, rename, rotate and
// delete samples act on.
const SampleKeyName = "CI deploy"

// Samples are the keys SeedSamples stored.
type Samples struct {
	// Valid is the key of SampleValidToken, the caller of the apikeys
	// and identity samples (their authorizer context names it).
	Valid keys.Key
	// Expired is the key of SampleExpiredToken, expired an hour ago.
	Expired keys.Key
	// Target is SampleKeyID, the key the apikeys samples act on. Its token
	// is random and never shown: no request authenticates with it.
	Target keys.Key
}

// SeedSamples makes every sample event in events/ do what its name says
// against the local stack's data: the demo user and workspace, and the three
// sample keys, each deleted and written anew (so a sample that rotated or
// deleted one works again next time). make run and make invoke call it.
func SeedSamples(ctx context.Context, st *store.Store) (Samples, error) {
	if err := ensureUser(ctx, st); err != nil {
		return Samples{}, err
	}
	now := st.Now()
	valid, err := sampleKey(SampleValidToken, "sample: valid key", now.Add(-2*time.Hour), nil)
	if err != nil {
		return Samples{}, err
	}
	expiredAt := now.Add(-time.Hour)
	expired, err := sampleKey(SampleExpiredToken, "sample: expired key", now.Add(-2*time.Hour), &expiredAt)
	if err != nil {
		return Samples{}, err
	}
	gen, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		return Samples{}, fmt.Errorf("demo: generate sample key: %w", err)
	}
	target := keys.NewKey(gen, SampleUserID, SampleKeyName, keys.AllScopes, now.Add(-time.Hour), nil)
	target.ID, target.Start = SampleKeyID, apikey.DefaultPrefix+"_"+SampleKeyID[:8]
	for _, k := range []keys.Key{valid, expired, target} {
		if err := st.DeleteKey(ctx, SampleUserID, k.ID, nil); err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return Samples{}, fmt.Errorf("demo: reset sample key: %w", err)
		}
		if err := st.CreateKey(ctx, k, nil); err != nil {
			return Samples{}, fmt.Errorf("demo: create sample key %s: %w", k.Name, err)
		}
	}
	return Samples{Valid: valid, Expired: expired, Target: target}, nil
}

// sampleKey is the stored key of a sample token of the demo user.
func sampleKey(token, name string, createdAt time.Time, expiresAt *time.Time) (keys.Key, error) {
	id, err := apikey.Parse(token, apikey.DefaultPrefix)
	if err != nil {
		return keys.Key{}, fmt.Errorf("demo: sample token %s: %w", name, err)
	}
	return keys.Key{ID: id, UserID: SampleUserID, Name: name, Hash: apikey.Hash(token),
		Start: token[:len(apikey.DefaultPrefix)+1+8], Scopes: keys.AllScopes, CreatedAt: createdAt, ExpiresAt: expiresAt}, nil
}

// ConsoleLink creates a sign-in link key of the demo user, as keygate
// console-link does (it signs in once, within keys.SignInLinkLifetime), and
// returns the link to the API Keys page at base that carries it in its
// fragment.
func ConsoleLink(ctx context.Context, st *store.Store, prefix, base string) (string, error) {
	var cursorKey [keys.MinCursorKeyLen]byte
	_, _ = rand.Read(cursorKey[:]) // never fails: it crashes the program instead
	svc, err := keys.NewService(st, keys.Config{KeyPrefix: prefix, CursorKey: cursorKey[:]})
	if err != nil {
		return "", err
	}
	issued, err := svc.CreateSignInLink(ctx, keys.OperatorCaller("make run", UserID))
	if err != nil {
		return "", fmt.Errorf("demo: console sign-in link: %w", err)
	}
	return base + "/open/console#key=" + url.QueryEscape(issued.Token), nil
}
