package webhooks

import (
	"context"
	"encoding/json"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// Replay: the user queues a failed delivery again (POST
// /open/webhooks/{id}/deliveries/{deliveryId}/retry). Its log entry goes
// back to pending with no attempts, and a trigger is written that the
// table's stream hands to the delivery pipeline as it does a ping: the
// same delivery id (receivers dedupe on it), the same body (kept in the
// log entry: Delivery.Body), a new series of attempts. The request is
// audited (webhook.delivery_retried).

// Replay is a retried delivery's trigger.
type Replay struct {
	// ID names the trigger (not the delivery, whose id is unchanged).
	ID string
	// Delivery is the log entry as read: the write is conditioned on its
	// status.
	Delivery Delivery
	// Data is the body's data as first sent: the audit event as the API
	// shows it, or a ping's {"webhookId"}.
	Data json.RawMessage
	At   time.Time
}

// ReplayStore reads what a retry needs and queues it.
type ReplayStore interface {
	// FindDelivery returns the endpoint's delivery log entry with
	// deliveryID: NotFound when there is none.
	FindDelivery(ctx context.Context, userID, webhookID, deliveryID string) (Delivery, error)
	// PutReplay sets r's log entry to pending with no attempts and writes
	// r's trigger and ev, in one transaction conditioned on the entry's
	// status being still r.Delivery.Status: Conflict otherwise.
	PutReplay(ctx context.Context, r Replay, ev *keys.Event) error
}

// stuckAfter is how long past its due time a pending or retrying delivery
// must be before it counts as stuck: its message is gone (the queue's
// redrive moved it to the dead-letter queue after an outage of the table or
// the queue), and only a retry delivers it.
const stuckAfter = time.Hour

// Retryable reports whether d may be retried at now: it failed for good
// (dead-lettered), was skipped (its endpoint disabled), or is stuck — pending
// or retrying, and stuckAfter past when its next attempt was due (its last
// update, for a pending one). A delivered one was received; one under way
// is left to its attempts.
func Retryable(d Delivery, now time.Time) bool {
	switch d.Status {
	case StatusDeadLettered, StatusSkipped, "failed":
		return true
	case StatusPending, StatusRetrying:
		due := d.NextRetryAt
		if due.IsZero() {
			due = d.UpdatedAt
		}
		return !due.IsZero() && now.Sub(due) > stuckAfter
	}
	return false
}

// Retry queues the caller's delivery deliveryID to endpoint webhookID
// again and returns its log entry as it now stands (pending, no attempts).
// NotFound when either is not the caller's; Conflict when the delivery is
// not Retryable, the endpoint is disabled, or its body was not kept (a
// delivery logged before Delivery.Body was).
func (s *Service) Retry(ctx context.Context, c keys.Caller, webhookID, deliveryID string) (Delivery, error) {
	if err := authorize(c); err != nil {
		return Delivery{}, err
	}
	if err := keys.CheckID("webhook", webhookID); err != nil {
		return Delivery{}, err
	}
	if err := keys.CheckID("delivery", deliveryID); err != nil {
		return Delivery{}, err
	}
	w, err := s.store.GetWebhook(ctx, c.UserID, webhookID)
	if err != nil {
		return Delivery{}, err
	}
	d, err := s.store.FindDelivery(ctx, c.UserID, webhookID, deliveryID)
	if err != nil {
		return Delivery{}, err
	}
	now := s.now()
	if !Retryable(d, now) {
		return Delivery{}, apperr.Errorf(apperr.Conflict, "delivery %s is %s: only a dead-lettered, skipped or stuck (an hour past due) delivery can be retried", deliveryID, d.Status)
	}
	if w.Disabled() {
		return Delivery{}, apperr.Errorf(apperr.Conflict, "webhook %s is disabled: enable it first (PATCH {\"enabled\":true})", webhookID)
	}
	raw, err := bodyData(d)
	if err != nil {
		return Delivery{}, err
	}
	changes := map[string]any{"webhookId": webhookID, "deliveryId": deliveryID, "eventId": d.EventID, "type": string(d.Type),
		"status": map[string]any{"from": string(d.Status), "to": string(StatusPending)}}
	r := Replay{ID: newID("rpl_", 12), Delivery: d, Data: raw, At: now}
	if err := s.store.PutReplay(ctx, r, s.event(c, keys.EventWebhookDeliveryRetried, changes, now)); err != nil {
		return Delivery{}, err
	}
	d.Status, d.Attempts, d.NextRetryAt, d.UpdatedAt = StatusPending, 0, time.Time{}, now
	return d, nil
}

// bodyData is the "data" of the body d was sent with, from its log entry;
// a ping's, which is known, when the entry has no body.
func bodyData(d Delivery) (json.RawMessage, error) {
	if d.Body == "" {
		if d.Type == EventPing {
			return json.Marshal(map[string]string{"webhookId": d.WebhookID})
		}
		return nil, apperr.Errorf(apperr.Conflict, "delivery %s was logged without its body (before retries were kept): it cannot be retried", d.ID)
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal([]byte(d.Body), &env); err != nil || len(env.Data) == 0 {
		return nil, apperr.Errorf(apperr.Internal, "webhooks: delivery %s: a kept body without data", d.ID)
	}
	return env.Data, nil
}
