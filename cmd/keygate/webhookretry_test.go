package main

import (
	"context"
	"strings"
	"testing"

	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// TestWebhookRetryAndEnable: 'webhook retry' queues a dead-lettered
// delivery again with its id, audited, and refuses a pending one; 'webhook
// update --enabled' disables and enables an endpoint.
func TestWebhookRetryAndEnable(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	ctx := context.Background()
	var created struct {
		ID, URL, Description, CreatedAt, UpdatedAt, Secret string
		Events                                             []string
		Enabled                                            bool
		DisabledAt, DisabledReason, FailingSince           *string
	}
	e.mustRunJSON(t, &created, "webhook", "create", "u1", "--url", "https://hooks.example.com/k", "--events", "webhook.created")
	if !created.Enabled {
		t.Fatalf("created %+v, want enabled", created)
	}
	st := store.New(e.client, e.table)
	evs, _, err := st.ListEvents(ctx, "u1", keys.EventQuery{Type: keys.EventWebhookCreated}, 10, "")
	if err != nil || len(evs) != 1 {
		t.Fatalf("events: got %v, %v, want the webhook.created", evs, err)
	}
	dead := webhooks.Delivery{ID: webhooks.DeliveryID(created.ID, evs[0].ID), WebhookID: created.ID, UserID: "u1", Type: keys.EventWebhookCreated,
		EventID: evs[0].ID, EventAt: evs[0].At, Status: webhooks.StatusDeadLettered, Attempts: 8, CreatedAt: evs[0].At}
	body, err := webhooks.Body(dead.ID, dead.Type, dead.EventAt, evs[0])
	if err != nil {
		t.Fatal(err)
	}
	dead.Body = string(body)
	if err := st.PutDelivery(ctx, dead); err != nil {
		t.Fatal(err)
	}
	if out := e.mustRun(t, "webhook", "retry", "u1", created.ID, dead.ID); !strings.Contains(out, dead.ID) {
		t.Errorf("retry: got %q, want the delivery id", out)
	}
	got, err := st.FindDelivery(ctx, "u1", created.ID, dead.ID)
	if err != nil || got.Status != webhooks.StatusPending || got.Attempts != 0 {
		t.Errorf("after retry: got %+v, %v, want pending with no attempts", got, err)
	}
	if r := e.run(t, "webhook", "retry", "u1", created.ID, dead.ID); r.code == 0 || !strings.Contains(r.stderr, "pending") {
		t.Errorf("retry of a pending delivery: exit %d, %q, want a failure naming its status", r.code, r.stderr)
	}
	if out := e.mustRun(t, "audit", "ls", "u1", "--type", "webhook.delivery_retried"); !strings.Contains(out, "webhook.delivery_retried") {
		t.Errorf("audit ls: got %q, want the retry", out)
	}
	for _, tt := range []struct {
		flag string
		want string
	}{
		{"--enabled=false", "enabled        false"},
		{"--enabled=true", "enabled        true"},
	} {
		t.Run(tt.flag, func(t *testing.T) {
			out := e.mustRun(t, "webhook", "update", "u1", created.ID, tt.flag)
			if got := strings.Join(strings.Fields(out), " "); !strings.Contains(got, strings.Join(strings.Fields(tt.want), " ")) {
				t.Errorf("got %q, want %q", out, tt.want)
			}
		})
	}
}
