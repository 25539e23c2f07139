package store_test

import (
	"context"
	"testing"

	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestUsersAndWorkspaces(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()

	t.Run("put and get user", func(t *testing.T) {
		if err := st.PutUser(ctx, keys.User{ID: "u1", Name: "Ada", Email: "ada@example.com"}); err != nil {
			t.Fatalf("PutUser: %v", err)
		}
		got, err := st.GetUser(ctx, "u1")
		if err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		if got.Name != "Ada" || got.Email != "ada@example.com" || got.Disabled || got.CreatedAt.IsZero() {
			t.Errorf("GetUser: got %+v, want Ada, enabled, with createdAt", got)
		}
	})
	t.Run("update keeps createdAt", func(t *testing.T) {
		before, _ := st.GetUser(ctx, "u1")
		if err := st.PutUser(ctx, keys.User{ID: "u1", Name: "Ada L."}); err != nil {
			t.Fatalf("PutUser: %v", err)
		}
		after, _ := st.GetUser(ctx, "u1")
		if after.Name != "Ada L." || !after.CreatedAt.Equal(before.CreatedAt) {
			t.Errorf("got %+v, want new name and createdAt %v", after, before.CreatedAt)
		}
	})
	t.Run("disable user", func(t *testing.T) {
		if _, err := st.SetUserDisabled(ctx, "u1", true); err != nil {
			t.Fatalf("SetUserDisabled: %v", err)
		}
		got, _ := st.GetUser(ctx, "u1")
		if !got.Disabled {
			t.Errorf("Disabled: got false, want true")
		}
	})
	t.Run("workspace", func(t *testing.T) {
		if err := st.PutWorkspace(ctx, keys.Workspace{ID: "ws_1", Name: "Main"}); err != nil {
			t.Fatalf("PutWorkspace: %v", err)
		}
		got, err := st.GetWorkspace(ctx, "ws_1")
		if err != nil || got.Name != "Main" {
			t.Errorf("GetWorkspace: got %+v, %v, want Main", got, err)
		}
	})

	notFound := []struct {
		name string
		call func() error
	}{
		{"get unknown user", func() error { _, err := st.GetUser(ctx, "nobody"); return err }},
		{"disable unknown user", func() error { _, err := st.SetUserDisabled(ctx, "nobody", true); return err }},
		{"enable unknown user", func() error { _, err := st.SetUserDisabled(ctx, "nobody", false); return err }},
		{"get unknown workspace", func() error { _, err := st.GetWorkspace(ctx, "nowhere"); return err }},
	}
	for _, tt := range notFound {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(tt.call()); got != apperr.NotFound {
				t.Errorf("got %q, want %q", got, apperr.NotFound)
			}
		})
	}
}

func TestInvalidIDsWriteNothing(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	ctx := context.Background()
	bad := []string{"", "a b", "../etc", "x#y", "a/b", "ü", "*", string(make([]byte, 65))}
	for _, id := range bad {
		calls := map[string]func() error{
			"PutUser": func() error { return st.PutUser(ctx, keys.User{ID: id}) },
			"PutUserProfile": func() error {
				_, err := st.PutUserProfile(ctx, id, store.UserProfile{})
				return err
			},
			"PutWorkspace": func() error { return st.PutWorkspace(ctx, keys.Workspace{ID: id}) },
			"PutMembership": func() error {
				return st.PutMembership(ctx, keys.Membership{UserID: id, WorkspaceID: "w", Role: keys.RoleOwner})
			},
			"CreateKey": func() error { return st.CreateKey(ctx, testKey(id, "u", st.Now()), nil) },
		}
		for name, call := range calls {
			t.Run(name+"/"+id, func(t *testing.T) {
				if got := apperr.CodeOf(call()); got != apperr.BadRequest {
					t.Errorf("got %q, want %q", got, apperr.BadRequest)
				}
			})
		}
	}
	if items := scan(t, client, table); len(items) != 0 {
		t.Errorf("table after invalid writes: got %d items, want 0", len(items))
	}
}
