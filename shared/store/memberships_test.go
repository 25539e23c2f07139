package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/dev/testkit/faults"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestMemberships(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "u1", "ws_b")
	if err := st.PutWorkspace(ctx, keys.Workspace{ID: "ws_a", Name: "A"}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutMembership(ctx, keys.Membership{UserID: "u1", WorkspaceID: "ws_a", Role: keys.RoleReadOnly}); err != nil {
		t.Fatalf("PutMembership: %v", err)
	}

	t.Run("list sorted by workspace", func(t *testing.T) {
		ms, err := st.ListMemberships(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 || ms[0].WorkspaceID != "ws_a" || ms[0].Role != keys.RoleReadOnly || ms[1].WorkspaceID != "ws_b" || ms[1].Role != keys.RoleOwner {
			t.Errorf("got %+v, want ws_a readOnly, ws_b owner", ms)
		}
	})
	t.Run("principal in one query", func(t *testing.T) {
		counted := faults.Wrap(client)
		p, err := store.New(counted, table).Principal(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if p.User.ID != "u1" || len(p.Memberships) != 2 {
			t.Errorf("got %+v, want user u1 with 2 memberships", p)
		}
		if got := counted.Calls()[faults.OpQuery]; got != 1 {
			t.Errorf("Query calls: got %d, want 1", got)
		}
	})
	t.Run("role change replaces", func(t *testing.T) {
		if err := st.PutMembership(ctx, keys.Membership{UserID: "u1", WorkspaceID: "ws_a", Role: keys.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		m, err := st.GetMembership(ctx, "u1", "ws_a")
		if err != nil || m.Role != keys.RoleAdmin {
			t.Errorf("got %+v, %v, want admin", m, err)
		}
	})
	t.Run("remove", func(t *testing.T) {
		if err := st.RemoveMembership(ctx, keys.Membership{UserID: "u1", WorkspaceID: "ws_a", Role: keys.RoleAdmin}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetMembership(ctx, "u1", "ws_a"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("GetMembership after remove: got %v, want NotFound", err)
		}
	})

	before := len(scan(t, client, table))
	errs := []struct {
		name string
		err  error
		want apperr.Code
	}{
		{"unknown user", st.PutMembership(ctx, keys.Membership{UserID: "ghost", WorkspaceID: "ws_b", Role: keys.RoleOwner}), apperr.NotFound},
		{"unknown workspace", st.PutMembership(ctx, keys.Membership{UserID: "u1", WorkspaceID: "ghost", Role: keys.RoleOwner}), apperr.NotFound},
		{"unknown role", st.PutMembership(ctx, keys.Membership{UserID: "u1", WorkspaceID: "ws_b", Role: "root"}), apperr.BadRequest},
		{"remove non-member", st.RemoveMembership(ctx, keys.Membership{UserID: "u1", WorkspaceID: "ws_a", Role: keys.RoleAdmin}, nil), apperr.NotFound},
		{"principal of unknown user", func() error { _, err := st.Principal(ctx, "ghost"); return err }(), apperr.NotFound},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(tt.err); got != tt.want {
				t.Errorf("got %q (%v), want %q", got, tt.err, tt.want)
			}
		})
	}
	if after := len(scan(t, client, table)); after != before {
		t.Errorf("items after failed writes: got %d, want %d", after, before)
	}
}

func TestParseRoleAndScopes(t *testing.T) {
	if _, err := keys.ParseRole("readOnly"); err != nil {
		t.Errorf("ParseRole(readOnly): %v", err)
	}
	if _, err := keys.ParseRole("readonly"); err == nil {
		t.Errorf("ParseRole(readonly): got nil error, want BadRequest")
	}
	got, err := keys.ParseScopes([]string{"admin", "read"})
	if err != nil || len(got) != 2 || got[0] != keys.ScopeRead || got[1] != keys.ScopeAdmin {
		t.Errorf("ParseScopes: got %v, %v, want [read admin]", got, err)
	}
	if _, err := keys.ParseScopes([]string{"ro ot"}); apperr.CodeOf(err) != apperr.BadRequest {
		t.Errorf("ParseScopes(ro ot): got %v, want BadRequest", err)
	}
}

func TestRoleChangeKeepsCreatedAt(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "u1", "")
	if err := st.PutWorkspace(ctx, keys.Workspace{ID: "ws1", Name: "One"}); err != nil {
		t.Fatal(err)
	}
	first := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	// Each put is an hour after the one before; only the first sets createdAt.
	puts := []keys.Role{keys.RoleReadOnly, keys.RoleAdmin, keys.RoleOwner, keys.RoleOwner}
	for i, role := range puts {
		at := first.Add(time.Duration(i) * time.Hour)
		if err := st.WithClock(func() time.Time { return at }).PutMembership(ctx, keys.Membership{UserID: "u1", WorkspaceID: "ws1", Role: role}); err != nil {
			t.Fatalf("put %d (%s): %v", i, role, err)
		}
		got, err := st.GetMembership(ctx, "u1", "ws1")
		want := keys.Membership{UserID: "u1", WorkspaceID: "ws1", Role: role, CreatedAt: first}
		if err != nil || !got.CreatedAt.Equal(want.CreatedAt) || got.Role != want.Role || got.UserID != want.UserID || got.WorkspaceID != want.WorkspaceID {
			t.Errorf("after put %d (%s): got %+v, %v, want %+v", i, role, got, err, want)
		}
	}
	// The item keeps the shape the Put wrote: gsi1 indexes it by workspace.
	for _, item := range scan(t, client, table) {
		if item["type"].(*types.AttributeValueMemberS).Value != "membership" {
			continue
		}
		for attr, want := range map[string]string{store.AttrGSI1PK: "WS#ws1", store.AttrGSI1SK: "USER#u1", "userId": "u1", "workspaceId": "ws1", "role": "owner"} {
			if got, _ := item[attr].(*types.AttributeValueMemberS); got == nil || got.Value != want {
				t.Errorf("membership item %s: got %v, want %q", attr, item[attr], want)
			}
		}
	}
}
