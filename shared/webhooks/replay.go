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
// same delivery id (receivers dedupe on it), the same body, a new series
// of attempts. The request is audited (webhook.delivery_retried).

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
	// GetEvent reads the user's audit event id of time at; false when it
	// is gone (expired).
	GetEvent(ctx context.Context, userID, id string, at, now time.Time) (keys.Event, bool, error)
	// PutReplay sets r's log entry to pending with no attempts and writes
	// r's trigger and ev, in one transaction conditioned on the entry's
	// status being still r.Delivery.Status: Conflict otherwise.
	PutReplay(ctx context.Context, r Replay, ev *keys.Event) error
}

// Retryable reports whether a delivery in status s may be retried: it
// failed for good (dead-lettered) or was skipped, its endpoint being
// disabled. A delivered one was received, and a pending or retrying one is
// still under way.
func Retryable(s Status) bool {
	switch s {
	case StatusDeadLettered, StatusSkipped, "failed":
		return true
	}
	return false
}

// Retry queues the caller's delivery deliveryID to endpoint webhookID
// again and returns its log entry as it now stands (pending, no attempts).
// NotFound when either is not the caller's; Conflict when the delivery is
// not Retryable, the endpoint is disabled, or the event is no longer in
// the audit log.
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
	if !Retryable(d.Status) {
		return Delivery{}, apperr.Errorf(apperr.Conflict, "delivery %s is %s: only a dead-lettered or skipped delivery can be retried", deliveryID, d.Status)
	}
	if w.Disabled() {
		return Delivery{}, apperr.Errorf(apperr.Conflict, "webhook %s is disabled: enable it first (PATCH {\"enabled\":true})", webhookID)
	}
	now := s.now()
	var data any = map[string]string{"webhookId": webhookID}
	if d.Type != EventPing {
		ev, found, err := s.store.GetEvent(ctx, c.UserID, d.EventID, d.EventAt, now)
		if err != nil {
			return Delivery{}, err
		}
		if !found {
			return Delivery{}, apperr.Errorf(apperr.Conflict, "delivery %s: its event %s is no longer in the audit log", deliveryID, d.EventID)
		}
		data = ev
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return Delivery{}, apperr.Errorf(apperr.Internal, "webhooks: encode %s: %v", deliveryID, err)
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
