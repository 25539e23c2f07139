package demo

import (
	"os"
	"path/filepath"
	"testing"

	"keygate/dev/dynamolocal"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// TestSeedKept: make run's demo key is the same across restarts while it
// exists and holds the scopes it needs (its file readable by its owner
// only); a revoked key, or a document that brings new scopes, gets a new
// one.
func TestSeedKept(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	st := store.New(client, table)
	file := filepath.Join(t.TempDir(), "demo-key")
	first, err := SeedKept(t.Context(), st, "sk", file)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file: %v, %v; want mode 0600", fi, err)
	}
	again, err := SeedKept(t.Context(), st, "sk", file)
	if err != nil || again.Token != first.Token {
		t.Errorf("a restart: got %q, %v; want the same key", again.KeyID, err)
	}
	wider, err := SeedKept(t.Context(), st, "sk", file, keys.Scope("read:users"))
	if err != nil || wider.Token == first.Token {
		t.Errorf("a document with another scope: got the same key %v (%v), want a new one", wider.KeyID, err)
	}
	if err := st.DeleteKey(t.Context(), UserID, wider.KeyID, nil); err != nil {
		t.Fatal(err)
	}
	after, err := SeedKept(t.Context(), st, "sk", file, keys.Scope("read:users"))
	if err != nil || after.Token == wider.Token {
		t.Errorf("after its key was revoked: got %v (%v), want a new one", after.KeyID, err)
	}
}
