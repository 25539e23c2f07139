package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// hookEnv is the webhook use cases on DynamoDB Local with a clock the test
// moves.
type hookEnv struct {
	st  *store.Store
	svc *webhooks.Service
	now time.Time
}

func newHookEnv(tb testing.TB, st *store.Store, lim webhooks.PingLimit) *hookEnv {
	tb.Helper()
	e := &hookEnv{st: st, now: time.Now().UTC().Truncate(time.Millisecond)}
	e.svc = webhooks.NewService(st, webhooks.ServiceConfig{Now: func() time.Time { return e.now }, AuditRetention: time.Hour, PingLimit: lim})
	return e
}

// keyCaller is a request of userID's key key1 with every scope, as the
// authorizer passes it.
func keyCaller(userID string) keys.Caller {
	return keys.Caller{UserID: userID, KeyID: "key1" + userID, Scopes: keys.AllScopes,
		SourceIP: "203.0.113.7", UserAgent: "curl/8", RequestID: "req-" + userID}
}

// create registers an endpoint for userID and returns it with its secret.
func (e *hookEnv) create(tb testing.TB, userID, url string) webhooks.Webhook {
	tb.Helper()
	w, err := e.svc.Create(context.Background(), keyCaller(userID), webhooks.CreateInput{URL: url, Events: []string{"key.revoked"}, Description: "ops"})
	if err != nil {
		tb.Fatalf("create %s: %v", url, err)
	}
	return w
}

// TestWebhookChangesAreAudited: create, update and delete each write
// exactly one event, with the caller as actor, the endpoint's public
// attributes and nothing secret; an update that changes nothing writes
// none.
func TestWebhookChangesAreAudited(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	seedUser(t, st, "alice", "")
	e := newHookEnv(t, st, webhooks.DefaultPingLimit)
	ctx := context.Background()
	// The path carries a credential, as Slack's URLs do: the log keeps only
	// the origin.
	const secretPath = "/services/T000/B000/XXXXsecretXXXX"
	w := e.create(t, "alice", "https://hooks.example.com"+secretPath)
	wantCreated := `{"description":"ops","events":["key.revoked"],"url":"https://hooks.example.com","webhookId":"` + w.ID + `"}`
	steps := []struct {
		name        string
		do          func() error
		wantType    keys.EventType // "" for no event
		wantChanges string
	}{
		{"update url, events and description", func() error {
			_, err := e.svc.Update(ctx, keyCaller("alice"), w.ID, webhooks.UpdateInput{URL: ptr("https://other.example.com:8443/x?token=abc"),
				Events: &[]string{"webhook.deleted", "key.created"}, Description: ptr("security")})
			return err
		}, keys.EventWebhookUpdated, `{"description":{"from":"ops","to":"security"},"events":{"from":["key.revoked"],"to":["key.created","webhook.deleted"]},` +
			`"url":{"from":"https://hooks.example.com","to":"https://other.example.com:8443"},"webhookId":"` + w.ID + `"}`},
		{"update only the description", func() error {
			_, err := e.svc.Update(ctx, keyCaller("alice"), w.ID, webhooks.UpdateInput{Description: ptr("security log")})
			return err
		}, keys.EventWebhookUpdated, `{"description":{"from":"security","to":"security log"},"webhookId":"` + w.ID + `"}`},
		{"an update to the same values is no event", func() error {
			_, err := e.svc.Update(ctx, keyCaller("alice"), w.ID, webhooks.UpdateInput{Description: ptr("security log")})
			return err
		}, "", ""},
		{"delete", func() error { return e.svc.Delete(ctx, keyCaller("alice"), w.ID) }, keys.EventWebhookDeleted,
			`{"description":"security log","events":["key.created","webhook.deleted"],"url":"https://other.example.com:8443","webhookId":"` + w.ID + `"}`},
	}
	if evs := userEvents(t, st, "alice"); len(evs) != 1 || evs[0].Type != keys.EventWebhookCreated || changesJSON(t, evs[0]) != wantCreated {
		t.Fatalf("after create: got %+v, want one webhook.created with %s", evs, wantCreated)
	}
	for _, tt := range steps {
		e.now = e.now.Add(time.Second)
		t.Run(tt.name, func(t *testing.T) {
			before := userEvents(t, st, "alice")
			if err := tt.do(); err != nil {
				t.Fatalf("got %v, want success", err)
			}
			after := userEvents(t, st, "alice")
			if tt.wantType == "" {
				if len(after) != len(before) {
					t.Errorf("events: got %d, want %d (no new event)", len(after), len(before))
				}
				return
			}
			if len(after) != len(before)+1 {
				t.Fatalf("events: got %d, want %d (exactly one new)", len(after), len(before)+1)
			}
			ev := after[0]
			if ev.Type != tt.wantType || ev.UserID != "alice" || ev.KeyID != "" || !ev.At.Equal(e.now) {
				t.Errorf("event: got type %q user %q key %q at %v, want %q alice no key at %v", ev.Type, ev.UserID, ev.KeyID, ev.At, tt.wantType, e.now)
			}
			if got := changesJSON(t, ev); got != tt.wantChanges {
				t.Errorf("changes:\n got %s\nwant %s", got, tt.wantChanges)
			}
			if want := (keys.Actor{KeyID: "key1alice", SourceIP: "203.0.113.7", UserAgent: "curl/8", RequestID: "req-alice"}); ev.Actor != want {
				t.Errorf("actor: got %+v, want %+v", ev.Actor, want)
			}
		})
	}
	// Nothing secret in any event: not the signing secret, not the path or
	// query of a URL.
	all, err := json.Marshal(userEvents(t, st, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{w.Secret, "whsec_", secretPath, "XXXXsecretXXXX", "token=abc"} {
		if strings.Contains(string(all), secret) {
			t.Errorf("the audit log holds %q: %s", secret, all)
		}
	}
}

// TestFailedWebhookChangesWriteNoEvent: a change refused by its
// transaction's conditions writes neither the change nor its event.
func TestFailedWebhookChangesWriteNoEvent(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	seedUser(t, st, "alice", "")
	seedUser(t, st, "bob", "")
	seedUser(t, st, "carol", "")
	ctx := context.Background()
	e := newHookEnv(t, st, webhooks.DefaultPingLimit)
	w := e.create(t, "alice", "https://hooks.example.com/a")
	for range webhooks.MaxPerUser {
		e.create(t, "carol", "https://hooks.example.com/c")
	}
	if _, err := st.SetUserDisabled(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	stale, err := st.GetWebhook(ctx, "alice", w.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Second)
	if _, err := e.svc.Update(ctx, keyCaller("alice"), w.ID, webhooks.UpdateInput{Description: ptr("newer")}); err != nil {
		t.Fatal(err)
	}
	ev := func(typ keys.EventType) *keys.Event {
		return keys.NewEvent(keyCaller("alice"), typ, "", map[string]any{"webhookId": w.ID}, e.now, 0)
	}
	tests := []struct {
		name string
		do   func() error
		want apperr.Code
	}{
		{"create past the cap", func() error {
			_, err := e.svc.Create(ctx, keyCaller("carol"), webhooks.CreateInput{URL: "https://hooks.example.com/11", Events: []string{"key.created"}})
			return err
		}, apperr.BadRequest},
		{"create for a disabled user", func() error {
			_, err := e.svc.Create(ctx, keyCaller("bob"), webhooks.CreateInput{URL: "https://hooks.example.com/b", Events: []string{"key.created"}})
			return err
		}, apperr.NotFound},
		{"update an unknown endpoint", func() error {
			_, err := e.svc.Update(ctx, keyCaller("alice"), "wh_unknown", webhooks.UpdateInput{Description: ptr("x")})
			return err
		}, apperr.NotFound},
		{"delete an unknown endpoint", func() error { return e.svc.Delete(ctx, keyCaller("alice"), "wh_unknown") }, apperr.NotFound},
		{"store: update from a stale read", func() error {
			_, err := st.UpdateWebhook(ctx, stale, webhooks.Changes{Description: ptr("lost update")}, e.now, ev(keys.EventWebhookUpdated))
			return err
		}, apperr.Conflict},
		{"store: delete from a stale read", func() error { return st.DeleteWebhook(ctx, stale, ev(keys.EventWebhookDeleted)) }, apperr.Conflict},
		{"store: update a deleted endpoint", func() error {
			gone := stale
			gone.ID = "wh_gone"
			_, err := st.UpdateWebhook(ctx, gone, webhooks.Changes{Description: ptr("x")}, e.now, ev(keys.EventWebhookUpdated))
			return err
		}, apperr.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := scan(t, client, table)
			if got := apperr.CodeOf(tt.do()); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if after := scan(t, client, table); len(after) != len(before) {
				t.Errorf("items: got %d, want %d: a refused change wrote something", len(after), len(before))
			}
			if got, err := st.GetWebhook(ctx, "alice", w.ID); err != nil || got.Description != "newer" {
				t.Errorf("alice's endpoint: got %+v, %v, want it as last updated", got, err)
			}
		})
	}
	for user, want := range map[string]int{"alice": 2, "bob": 0, "carol": webhooks.MaxPerUser} {
		if got := len(userEvents(t, st, user)); got != want {
			t.Errorf("%s's log: got %d events, want %d (one per change made)", user, got, want)
		}
	}
}

// TestHostileTenantWebhooks: a tenant that learns another's endpoint id
// can neither change, delete nor ping it, and sees none of its events.
func TestHostileTenantWebhooks(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	seedUser(t, st, "alice", "")
	seedUser(t, st, "mallory", "")
	ctx := context.Background()
	e := newHookEnv(t, st, webhooks.PingLimit{PerEndpoint: 2, PerUser: 10, Window: time.Minute})
	w := e.create(t, "alice", "https://hooks.example.com/a")
	attacks := []struct {
		name string
		do   func() error
	}{
		{"update", func() error {
			_, err := e.svc.Update(ctx, keyCaller("mallory"), w.ID, webhooks.UpdateInput{URL: ptr("https://evil.example.com/")})
			return err
		}},
		{"delete", func() error { return e.svc.Delete(ctx, keyCaller("mallory"), w.ID) }},
		{"ping", func() error { _, err := e.svc.Test(ctx, keyCaller("mallory"), w.ID); return err }},
		{"ping again", func() error { _, err := e.svc.Test(ctx, keyCaller("mallory"), w.ID); return err }},
		{"ping a third time", func() error { _, err := e.svc.Test(ctx, keyCaller("mallory"), w.ID); return err }},
		{"read", func() error { _, err := e.svc.Get(ctx, keyCaller("mallory"), w.ID); return err }},
	}
	for _, tt := range attacks {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(tt.do()); got != apperr.NotFound {
				t.Errorf("got %q, want %q (existence is never revealed)", got, apperr.NotFound)
			}
		})
	}
	if got, err := st.GetWebhook(ctx, "alice", w.ID); err != nil || got.URL != w.URL {
		t.Errorf("alice's endpoint: got %+v, %v, want it untouched", got, err)
	}
	if evs := userEvents(t, st, "mallory"); len(evs) != 0 {
		t.Errorf("mallory's log: got %+v, want nothing (alice's events are alice's)", evs)
	}
	if evs := userEvents(t, st, "alice"); len(evs) != 1 || evs[0].Type != keys.EventWebhookCreated {
		t.Errorf("alice's log: got %+v, want only her webhook.created", evs)
	}
	// mallory's pings used none of alice's cap.
	for i := range 2 {
		if _, err := e.svc.Test(ctx, keyCaller("alice"), w.ID); err != nil {
			t.Errorf("alice's ping %d: got %v, want it queued", i+1, err)
		}
	}
}
