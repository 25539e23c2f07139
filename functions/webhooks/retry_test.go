package webhooks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// TestRetryRoute: POST .../deliveries/{deliveryId}/retry answers 202 for a
// dead-lettered delivery and audits it, 409 for a delivered one, and 404
// to another tenant — through their own endpoint or the victim's — and
// for an unknown delivery, writing nothing then.
func TestRetryRoute(t *testing.T) {
	a := newAPI(t, webhooks.DefaultPingLimit)
	ctx := context.Background()
	var w, mw struct{ ID string }
	_ = json.Unmarshal([]byte(a.call(t, a.hooks, "alice", "POST", "/open/webhooks", `{"url":"https://hooks.example.com/a","events":["key.created"]}`, http.StatusCreated).Body), &w)
	_ = json.Unmarshal([]byte(a.call(t, a.hooks, "mallory", "POST", "/open/webhooks", `{"url":"https://hooks.example.com/m","events":["key.created"]}`, http.StatusCreated).Body), &mw)
	evs, _, err := a.store.ListEvents(ctx, "alice", keys.EventQuery{Type: keys.EventWebhookCreated}, 1, "")
	if err != nil || len(evs) != 1 {
		t.Fatalf("events: %v, %v", evs, err)
	}
	put := func(t *testing.T, status webhooks.Status, eventID string) webhooks.Delivery {
		t.Helper()
		d := webhooks.Delivery{ID: webhooks.DeliveryID(w.ID, eventID), WebhookID: w.ID, UserID: "alice", Type: keys.EventWebhookCreated,
			EventID: eventID, EventAt: evs[0].At, Status: status, Attempts: 8, CreatedAt: evs[0].At}
		body, err := webhooks.Body(d.ID, d.Type, d.EventAt, evs[0])
		if err != nil {
			t.Fatal(err)
		}
		d.Body = string(body)
		if err := a.store.PutDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	dead := put(t, webhooks.StatusDeadLettered, evs[0].ID)
	delivered := put(t, webhooks.StatusDelivered, "evt_other")
	retry := func(webhookID, deliveryID string) string {
		return "/open/webhooks/" + webhookID + "/deliveries/" + deliveryID + "/retry"
	}
	tests := []struct {
		name, user, path string
		want             int
	}{
		{"another tenant, through the victim's endpoint", "mallory", retry(w.ID, dead.ID), http.StatusNotFound},
		{"another tenant, through their own endpoint", "mallory", retry(mw.ID, dead.ID), http.StatusNotFound},
		{"an unknown delivery", "alice", retry(w.ID, "whd_0000"), http.StatusNotFound},
		{"a delivered one", "alice", retry(w.ID, delivered.ID), http.StatusConflict},
		{"a dead-lettered one", "alice", retry(w.ID, dead.ID), http.StatusAccepted},
		{"the same again, now pending", "alice", retry(w.ID, dead.ID), http.StatusConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.call(t, a.hooks, tt.user, "POST", tt.path, "", tt.want)
			if tt.want == http.StatusAccepted {
				if got, want := resp.Body, `{"deliveryId":"`+dead.ID+`","status":"pending"}`; strings.TrimSpace(got) != want {
					t.Errorf("body: got %s, want %s", got, want)
				}
			}
		})
	}
	got, _, err := a.store.ListEvents(ctx, "alice", keys.EventQuery{Type: keys.EventWebhookDeliveryRetried}, 10, "")
	if err != nil || len(got) != 1 {
		t.Fatalf("webhook.delivery_retried events: got %+v, %v, want 1", got, err)
	}
	if got[0].Changes["deliveryId"] != dead.ID || got[0].Actor.KeyID == "" {
		t.Errorf("event: got changes %v by %+v, want deliveryId %s by alice's key", got[0].Changes, got[0].Actor, dead.ID)
	}
	if m, _, _ := a.store.ListEvents(ctx, "mallory", keys.EventQuery{Type: keys.EventWebhookDeliveryRetried}, 10, ""); len(m) != 0 {
		t.Errorf("mallory's log: got %+v, want no retry", m)
	}
	if d, err := a.store.FindDelivery(ctx, "alice", w.ID, dead.ID); err != nil || d.Status != webhooks.StatusPending {
		t.Errorf("the delivery: got %+v, %v, want pending", d, err)
	}
}
