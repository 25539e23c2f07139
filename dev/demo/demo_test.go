package demo

import (
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

func TestSeed(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	st := store.New(client, table)

	first, err := Seed(t.Context(), st, "sk")
	if err != nil {
		t.Fatal(err)
	}
	second, err := Seed(t.Context(), st, "sk")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("first run creates, second finds", func(t *testing.T) {
		if !first.Created || second.Created {
			t.Errorf("got Created %v then %v, want true then false", first.Created, second.Created)
		}
	})
	t.Run("owner of the demo workspace", func(t *testing.T) {
		m, err := st.GetMembership(t.Context(), UserID, WorkspaceID)
		if err != nil || m.Role != keys.RoleOwner {
			t.Errorf("got %v %v, want owner", m.Role, err)
		}
	})
	t.Run("fresh key with all scopes verifies", func(t *testing.T) {
		v, err := st.Verify(t.Context(), second.KeyID, apikey.Hash(second.Token), time.Now())
		if err != nil || v.Result != keys.VerifyValid {
			t.Fatalf("got %v %v, want valid", v.Result, err)
		}
		if len(v.Key.Scopes) != len(keys.AllScopes) {
			t.Errorf("got scopes %v, want %v", v.Key.Scopes, keys.AllScopes)
		}
	})
	t.Run("previous demo key revoked", func(t *testing.T) {
		if second.Revoked != 1 {
			t.Errorf("got %d revoked, want 1", second.Revoked)
		}
		v, err := st.Verify(t.Context(), first.KeyID, apikey.Hash(first.Token), time.Now())
		if err != nil || v.Result != keys.VerifyNotFound {
			t.Errorf("got %v %v, want not_found", v.Result, err)
		}
	})
}
