package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// userEvents returns the user's audit log, newest first, as GET
// /open/audit reads it.
func userEvents(tb testing.TB, st *store.Store, userID string) []keys.Event {
	tb.Helper()
	evs, _, err := st.ListEvents(context.Background(), userID, keys.EventQuery{}, 100, "")
	if err != nil {
		tb.Fatalf("ListEvents(%s): %v", userID, err)
	}
	return evs
}

// changesJSON is an event's changes as the API shows them.
func changesJSON(tb testing.TB, ev keys.Event) string {
	tb.Helper()
	b, err := json.Marshal(ev.Changes)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// operatorOf is the CLI's caller acting for userID.
func operatorOf(userID string) keys.Caller {
	c := keys.OperatorCaller("ops-alice", userID)
	c.SourceIP, c.UserAgent = "build-host", "keygate-cli"
	return c
}

// TestMembershipChangesAreAudited drives each membership change through
// keys.Memberships on DynamoDB Local: each writes exactly one event, in the
// member's log, naming the operator; a change that fails writes nothing.
func TestMembershipChangesAreAudited(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	ctx := context.Background()
	now := time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)
	// The clock moves a minute per step, so the log's newest-first order is
	// the steps' order.
	ms := keys.NewMemberships(st, keys.MembershipConfig{Now: func() time.Time { return now }, AuditRetention: 24 * time.Hour})
	seedUser(t, st, "u1", "")
	seedUser(t, st, "u2", "")
	if err := st.PutWorkspace(ctx, keys.Workspace{ID: "ws1", Name: "One"}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name        string
		do          func() error
		wantType    keys.EventType // "" for no event
		wantChanges string
		wantRole    keys.Role // "" for no membership afterwards
	}{
		{"add", func() error { _, _, err := ms.Put(ctx, operatorOf("u1"), "ws1", keys.RoleReadOnly); return err },
			keys.EventMembershipAdded, `{"role":"readOnly","workspaceId":"ws1"}`, keys.RoleReadOnly},
		{"same role again is no event", func() error { _, _, err := ms.Put(ctx, operatorOf("u1"), "ws1", keys.RoleReadOnly); return err },
			"", "", keys.RoleReadOnly},
		{"change role", func() error { _, _, err := ms.Put(ctx, operatorOf("u1"), "ws1", keys.RoleAdmin); return err },
			keys.EventMembershipUpdated, `{"role":{"from":"readOnly","to":"admin"},"workspaceId":"ws1"}`, keys.RoleAdmin},
		{"remove", func() error { _, err := ms.Remove(ctx, operatorOf("u1"), "ws1"); return err },
			keys.EventMembershipRemoved, `{"role":"admin","workspaceId":"ws1"}`, ""},
	}
	for _, tt := range steps {
		now = now.Add(time.Minute)
		t.Run(tt.name, func(t *testing.T) {
			before := userEvents(t, st, "u1")
			if err := tt.do(); err != nil {
				t.Fatalf("got %v, want success", err)
			}
			after := userEvents(t, st, "u1")
			if tt.wantType == "" {
				if len(after) != len(before) {
					t.Fatalf("events: got %d, want %d (no new event)", len(after), len(before))
				}
			} else {
				if len(after) != len(before)+1 {
					t.Fatalf("events: got %d, want %d (exactly one new)", len(after), len(before)+1)
				}
				ev := after[0]
				if ev.Type != tt.wantType || ev.UserID != "u1" || ev.KeyID != "" {
					t.Errorf("event: got type %q user %q key %q, want %q u1 no key", ev.Type, ev.UserID, ev.KeyID, tt.wantType)
				}
				if got := changesJSON(t, ev); got != tt.wantChanges {
					t.Errorf("changes: got %s, want %s", got, tt.wantChanges)
				}
				if want := (keys.Actor{Operator: "ops-alice", SourceIP: "build-host", UserAgent: "keygate-cli"}); ev.Actor != want {
					t.Errorf("actor: got %+v, want %+v", ev.Actor, want)
				}
				if !ev.At.Equal(now) || !ev.Expires.Equal(now.Add(24*time.Hour)) {
					t.Errorf("times: got at %v expires %v, want %v and a day later", ev.At, ev.Expires, now)
				}
			}
			m, err := st.GetMembership(ctx, "u1", "ws1")
			switch {
			case tt.wantRole == "" && !apperr.Is(err, apperr.NotFound):
				t.Errorf("membership: got %+v, %v, want NotFound", m, err)
			case tt.wantRole != "" && (err != nil || m.Role != tt.wantRole):
				t.Errorf("membership: got %+v, %v, want role %s", m, err, tt.wantRole)
			}
		})
	}
	if evs := userEvents(t, st, "u2"); len(evs) != 0 {
		t.Errorf("u2's log: got %d events, want none (the changes were u1's)", len(evs))
	}

	// Failures: the change and its event are one transaction, so a refused
	// change leaves no event and no item behind.
	if err := st.PutMembership(ctx, keys.Membership{UserID: "u2", WorkspaceID: "ws1", Role: keys.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	ev := func(typ keys.EventType) *keys.Event {
		return keys.NewEvent(operatorOf("u2"), typ, "", map[string]any{"workspaceId": "ws1"}, now, 0)
	}
	fails := []struct {
		name string
		do   func() error
		want apperr.Code
	}{
		{"add to an unknown workspace", func() error { _, _, err := ms.Put(ctx, operatorOf("u2"), "ghost", keys.RoleAdmin); return err }, apperr.NotFound},
		{"add for an unknown user", func() error { _, _, err := ms.Put(ctx, operatorOf("ghost"), "ws1", keys.RoleAdmin); return err }, apperr.NotFound},
		{"remove a non-member", func() error { _, err := ms.Remove(ctx, operatorOf("u2"), "ghost"); return err }, apperr.NotFound},
		{"a key may not change memberships", func() error {
			_, _, err := ms.Put(ctx, keys.Caller{UserID: "u2", KeyID: "key1", Scopes: keys.AllScopes}, "ws1", keys.RoleReadOnly)
			return err
		}, apperr.Forbidden},
		{"unknown role", func() error { _, _, err := ms.Put(ctx, operatorOf("u2"), "ws1", "root"); return err }, apperr.BadRequest},
		{"store: add an existing membership", func() error {
			return st.AddMembership(ctx, keys.Membership{UserID: "u2", WorkspaceID: "ws1", Role: keys.RoleAdmin}, ev(keys.EventMembershipAdded))
		}, apperr.Conflict},
		{"store: change a role that changed meanwhile", func() error {
			return st.ChangeRole(ctx, keys.Membership{UserID: "u2", WorkspaceID: "ws1", Role: keys.RoleAdmin}, keys.RoleReadOnly, ev(keys.EventMembershipUpdated))
		}, apperr.Conflict},
		{"store: remove with a stale role", func() error {
			return st.RemoveMembership(ctx, keys.Membership{UserID: "u2", WorkspaceID: "ws1", Role: keys.RoleAdmin}, ev(keys.EventMembershipRemoved))
		}, apperr.Conflict},
		{"store: change the role of a non-member", func() error {
			return st.ChangeRole(ctx, keys.Membership{UserID: "u1", WorkspaceID: "ws1", Role: keys.RoleAdmin}, keys.RoleReadOnly, ev(keys.EventMembershipUpdated))
		}, apperr.NotFound},
	}
	for _, tt := range fails {
		t.Run(tt.name, func(t *testing.T) {
			before := len(scan(t, client, table))
			if got := apperr.CodeOf(tt.do()); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if after := len(scan(t, client, table)); after != before {
				t.Errorf("items: got %d, want %d: a failed change wrote something", after, before)
			}
			if m, err := st.GetMembership(ctx, "u2", "ws1"); err != nil || m.Role != keys.RoleOwner {
				t.Errorf("u2's membership: got %+v, %v, want owner, untouched", m, err)
			}
		})
	}
}
