package keys_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// TestEveryChangeWritesOneEvent: create, update, rotate and revoke each
// leave exactly one event, with the actor, the request and what changed.
func TestEveryChangeWritesOneEvent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin, adminKey := f.key(t, "admin", keys.AllScopes, nil)
	admin.SourceIP, admin.UserAgent, admin.RequestID = "203.0.113.9", "curl/8.5.0", "req-1"
	events := func() []keys.Event {
		page, err := f.svc.Events(ctx, operator, keys.EventQuery{}, 100, "")
		if err != nil {
			t.Fatal(err)
		}
		return page.Events
	}
	before := len(events()) // the operator's create of admin
	if before != 1 {
		t.Fatalf("after one create: got %d events, want 1", before)
	}
	f.now = f.now.Add(time.Second) // events of one millisecond have no order
	cidrs, err := keys.ParseCIDRs([]string{"203.0.113.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := f.svc.Create(ctx, admin, keys.CreateRequest{Name: "ci", AllowedCIDRs: cidrs})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		do      func() error
		want    keys.EventType
		changes string // JSON of the event's changes
	}{
		{"update name and allowlist", func() error {
			_, err := f.svc.Update(ctx, admin, created.Key.ID, keys.KeyChanges{Name: ptr("ci 2"), SetAllowedCIDRs: true})
			return err
		}, keys.EventKeyUpdated, `{"allowedCidrs":{"from":["203.0.113.0/24"],"to":null},"name":{"from":"ci","to":"ci 2"}}`},
		{"rotate", func() error { _, err := f.svc.Rotate(ctx, admin, created.Key.ID, 0, nil); return err }, keys.EventKeyRotated, ""},
	}
	for _, s := range steps {
		f.now = f.now.Add(time.Second)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	evs := events()
	// Newest first: the rotation's two events (same time, either order),
	// update, create (by admin), create (by the operator).
	if len(evs) != 5 {
		t.Fatalf("got %d events, want 5: %+v", len(evs), evs)
	}
	if evs[0].Type == keys.EventKeyCreated {
		evs[0], evs[1] = evs[1], evs[0]
	}
	rotated, successor, updated, create := evs[0], evs[1], evs[2], evs[3]
	if rotated.Type != keys.EventKeyRotated || successor.Type != keys.EventKeyCreated || updated.Type != keys.EventKeyUpdated || create.Type != keys.EventKeyCreated {
		t.Errorf("types: got %s %s %s %s, want rotated and created, updated, created", rotated.Type, successor.Type, updated.Type, create.Type)
	}
	next, _ := rotated.Changes["newKeyId"].(string)
	if successor.KeyID != next || successor.Changes["rotatedFrom"] != created.Key.ID || successor.Changes["name"] != "ci 2" {
		t.Errorf("the rotation's key.created: got key %s changes %v, want key %s rotated from %s, named ci 2", successor.KeyID, successor.Changes, next, created.Key.ID)
	}
	if b, _ := json.Marshal(updated.Changes); string(b) != steps[0].changes {
		t.Errorf("update changes: got %s, want %s", b, steps[0].changes)
	}
	if got := create.Changes["allowedCidrs"]; got == nil {
		t.Errorf("create changes: got %v, want the new key's allowlist", create.Changes)
	}
	want := keys.Actor{KeyID: adminKey.ID, SourceIP: "203.0.113.9", UserAgent: "curl/8.5.0", RequestID: "req-1"}
	for i, ev := range evs[:4] {
		wantKey := created.Key.ID
		if i == 1 { // the successor's creation
			wantKey = next
		}
		if ev.Actor != want || ev.UserID != "alice" || ev.KeyID != wantKey {
			t.Errorf("%s: got actor %+v user %s key %s, want %+v alice %s", ev.Type, ev.Actor, ev.UserID, ev.KeyID, want, wantKey)
		}
		if ev.Expires.IsZero() != (f.retention == 0) || !ev.Expires.Equal(ev.At.Add(f.retention)) {
			t.Errorf("%s: expires %v with retention %v", ev.Type, ev.Expires, f.retention)
		}
	}
	if op := evs[4].Actor; op.Operator != "ops" || op.KeyID != "" {
		t.Errorf("the operator's create: got actor %+v, want operator ops and no key", op)
	}
	t.Run("revoke", func(t *testing.T) {
		f.now = f.now.Add(time.Second)
		if _, err := f.svc.Revoke(ctx, admin, next, nil); err != nil {
			t.Fatal(err)
		}
		if got := events(); len(got) != 6 || got[0].Type != keys.EventKeyRevoked || got[0].KeyID != next {
			t.Errorf("got %+v, want a key.revoked event of %s first", got[0], next)
		}
	})
	t.Run("a refused change writes no event", func(t *testing.T) {
		n := len(events())
		_, err := f.svc.Update(ctx, admin, "NoSuchKey0000000", keys.KeyChanges{Name: ptr("x")})
		if !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("got %v, want NOT_FOUND", err)
		}
		if _, err := f.svc.Update(ctx, admin, adminKey.ID, keys.KeyChanges{Name: ptr("admin")}); err != nil {
			t.Fatal(err) // no change: no write
		}
		if got := len(events()); got != n {
			t.Errorf("got %d events, want still %d", got, n)
		}
	})
}

func TestEventsPagingAndFilters(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var ids []string
	for range 5 {
		f.now = f.now.Add(time.Second)
		_, k := f.key(t, "k", keys.AllScopes, nil)
		ids = append(ids, k.ID)
	}
	f.now = f.now.Add(time.Second)
	if _, err := f.svc.Update(ctx, operator, ids[2], keys.KeyChanges{Name: ptr("renamed")}); err != nil {
		t.Fatal(err)
	}
	t.Run("pages of two, newest first, every event once", func(t *testing.T) {
		var got []keys.EventType
		cursor := ""
		for range 10 {
			page, err := f.svc.Events(ctx, operator, keys.EventQuery{}, 2, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range page.Events {
				got = append(got, ev.Type)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(got) != 6 || got[0] != keys.EventKeyUpdated {
			t.Errorf("got %v, want 6 events, the update first", got)
		}
	})
	t.Run("by key", func(t *testing.T) {
		page, err := f.svc.Events(ctx, operator, keys.EventQuery{KeyID: ids[2]}, 10, "")
		if err != nil || len(page.Events) != 2 || page.Events[0].Type != keys.EventKeyUpdated || page.Events[1].Type != keys.EventKeyCreated {
			t.Errorf("got %+v, %v; want the key's update then its create", page.Events, err)
		}
	})
	t.Run("by type", func(t *testing.T) {
		page, err := f.svc.Events(ctx, operator, keys.EventQuery{Type: keys.EventKeyCreated}, 10, "")
		if err != nil || len(page.Events) != 5 {
			t.Errorf("got %d events, %v; want the 5 creates", len(page.Events), err)
		}
	})
	t.Run("another user's log is empty", func(t *testing.T) {
		page, err := f.svc.Events(ctx, keys.OperatorCaller("ops", "bob"), keys.EventQuery{KeyID: ids[2]}, 10, "")
		if err != nil || len(page.Events) != 0 {
			t.Errorf("got %+v, %v; want nothing of alice's", page.Events, err)
		}
	})
	t.Run("a changed cursor is refused", func(t *testing.T) {
		page, err := f.svc.Events(ctx, operator, keys.EventQuery{}, 2, "")
		if err != nil || page.NextCursor == "" {
			t.Fatal(err)
		}
		bad := strings.Replace(page.NextCursor, page.NextCursor[:1], "Z", 1)
		if page.NextCursor[:1] == "Z" {
			bad = "A" + page.NextCursor[1:]
		}
		if _, err := f.svc.Events(ctx, operator, keys.EventQuery{}, 2, bad); !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("got %v, want BAD_REQUEST", err)
		}
		// A key-list cursor is not an audit cursor.
		keysPage, _ := f.svc.List(ctx, operator, 1, "")
		if _, err := f.svc.Events(ctx, operator, keys.EventQuery{}, 2, keysPage.NextCursor); !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("a list cursor: got %v, want BAD_REQUEST", err)
		}
	})
	t.Run("bad filters", func(t *testing.T) {
		if _, err := f.svc.Events(ctx, operator, keys.EventQuery{KeyID: "not a key"}, 2, ""); !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("got %v, want BAD_REQUEST", err)
		}
		if _, err := keys.ParseEventType("key.deleted"); !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("got %v, want BAD_REQUEST", err)
		}
	})
}
