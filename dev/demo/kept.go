package demo

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// SeedKept is Seed with the demo key kept across runs in keyFile (mode
// 0600, under make run's git-ignored data folder): while the key it names
// still exists, verifies, and holds every scope Seed would give it, it is
// the demo key again, so exported KEYGATE_API_KEY lines and the README's
// commands stay right across make run restarts. Otherwise Seed makes a new
// one and keyFile is rewritten. Removing .local/ starts afresh.
func SeedKept(ctx context.Context, st *store.Store, prefix, keyFile string, api ...keys.Scope) (Seeded, error) {
	want := keys.CanonicalScopes(append(slices.Clone(keys.AllScopes), api...))
	if b, err := os.ReadFile(keyFile); err == nil {
		token := strings.TrimSpace(string(b))
		if id, err := apikey.Parse(token, prefix); err == nil {
			k, err := st.GetKey(ctx, UserID, id)
			if err == nil && k.Hash == apikey.Hash(token) && k.Name == KeyName && !k.Expired(st.Now()) && holdsAll(k.Scopes, want) {
				if err := ensureUser(ctx, st); err != nil {
					return Seeded{}, err
				}
				return Seeded{UserID: UserID, WorkspaceID: WorkspaceID, Token: token, KeyID: id}, nil
			}
		}
	}
	s, err := Seed(ctx, st, prefix, api...)
	if err != nil {
		return Seeded{}, err
	}
	if err := os.WriteFile(keyFile, []byte(s.Token+"\n"), 0o600); err != nil {
		return Seeded{}, fmt.Errorf("demo: keep the key: %w", err)
	}
	return s, nil
}

func holdsAll(held, want []keys.Scope) bool {
	for _, w := range want {
		if !slices.Contains(held, w) {
			return false
		}
	}
	return true
}
