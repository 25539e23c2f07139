package webhooks

import (
	"context"
	"log/slog"
	"time"

	"keygate/shared/keys"
)

// Endpoint health: an endpoint whose every attempt has failed for
// DisableAfter is disabled, with a webhook.disabled audit event (which the
// user's other endpoints that subscribe to it receive); a disabled
// endpoint receives nothing — its deliveries are logged as skipped, not
// attempted — until PATCH {"enabled":true} enables it again, which clears
// the record. Whatever delivers calls Health.Record after each attempt.

// DisabledReason says why an endpoint is disabled.
type DisabledReason string

// The reasons an endpoint is disabled.
const (
	// DisabledFailing: every attempt failed for DisableAfter.
	DisabledFailing DisabledReason = "failing"
	// DisabledByUser: PATCH {"enabled":false}.
	DisabledByUser DisabledReason = "user"
)

// DefaultDisableAfter is how long every attempt to an endpoint must have
// failed before it is disabled: 5 days, as Svix. The retry schedule spans
// about a day, so this is several deliveries' worth of failures, never one
// bad event.
const DefaultDisableAfter = 5 * 24 * time.Hour

// HealthOperator is the actor of the webhook.disabled event: keygate
// itself, not a key or a person.
const HealthOperator = "keygate"

// Disabled reports whether w receives nothing until enabled.
func (w Webhook) Disabled() bool { return !w.DisabledAt.IsZero() }

// HealthStore keeps each endpoint's health record on its item.
type HealthStore interface {
	// RecordAttempt records an attempt's outcome at: a success clears
	// FailingSince, a failure sets it unless set. It returns FailingSince
	// as it stands after the write (zero after a success, or when the
	// endpoint is gone).
	RecordAttempt(ctx context.Context, userID, webhookID string, ok bool, at time.Time) (failingSince time.Time, err error)
	// DisableFailing disables the endpoint (DisabledFailing, at) with ev
	// in one transaction, on condition that it is enabled and has been
	// failing since exactly failingSince (no success came in between):
	// false, and nothing written, when the condition does not hold, so of
	// concurrent callers one disables it.
	DisableFailing(ctx context.Context, userID, webhookID string, failingSince, at time.Time, ev *keys.Event) (bool, error)
	// RecordPace sets the endpoint's SlowSince to at (slow: unless set)
	// or clears it.
	RecordPace(ctx context.Context, userID, webhookID string, slow bool, at time.Time) error
}

// Health records attempts' outcomes and disables endpoints that only fail.
type Health struct {
	Store HealthStore
	// DisableAfter is the period of only failures that disables an
	// endpoint (0: DefaultDisableAfter).
	DisableAfter time.Duration
	// AuditRetention is how long webhook.disabled events are kept (0:
	// forever).
	AuditRetention time.Duration
}

// Record records the outcome of one attempt to w made at (ok: a 2xx
// answer) and, when every attempt since w's FailingSince has failed and
// that is at least DisableAfter ago, disables w with its webhook.disabled
// event; disabled is true for the one call that did. w is the endpoint as
// read for the attempt. Call it after every attempt, whatever delivers.
func (h Health) Record(ctx context.Context, w Webhook, ok bool, at time.Time) (disabled bool, err error) {
	if w.Disabled() {
		return false, nil
	}
	at = at.UTC().Truncate(keys.TimePrecision)
	since := w.FailingSince
	// Only a change is written: a success when the record says failing, a
	// failure when it does not. A failure when it already says failing
	// writes nothing (the disabling write is conditioned on that very
	// FailingSince, so a stale read at worst delays it), nor does a
	// success when it says healthy (a failure that lands meanwhile is
	// cleared by the next success).
	if ok {
		if since.IsZero() {
			return false, nil
		}
		_, err := h.Store.RecordAttempt(ctx, w.UserID, w.ID, true, at)
		return false, err
	}
	if since.IsZero() {
		if since, err = h.Store.RecordAttempt(ctx, w.UserID, w.ID, false, at); err != nil {
			return false, err
		}
	}
	if since.IsZero() || at.Sub(since) < h.period() {
		return false, nil
	}
	changes := map[string]any{"webhookId": w.ID, "url": auditURL(w.URL), "reason": string(DisabledFailing),
		"failingSince": apiTime(since)}
	caller := keys.Caller{UserID: w.UserID, Operator: HealthOperator, UserAgent: "keygate-webhooks/1"}
	return h.Store.DisableFailing(ctx, w.UserID, w.ID, since, at, keys.NewEvent(caller, keys.EventWebhookDisabled, "", changes, at, h.AuditRetention))
}

// period is DisableAfter, or its default.
func (h Health) period() time.Duration {
	if h.DisableAfter <= 0 {
		return DefaultDisableAfter
	}
	return h.DisableAfter
}

// recordHealth is the Deliverer's call after an attempt: a health record
// that cannot be written is logged, never a reason to redeliver. A success
// also records the endpoint's pace (slow: it answered after half the
// attempt timeout), written only when it changes.
func (d *Deliverer) recordHealth(ctx context.Context, w Webhook, ok bool, latency time.Duration) (disabled bool) {
	if ok {
		if slow := latency >= d.cfg.AttemptTimeout/2; slow != !w.SlowSince.IsZero() {
			if err := d.store.RecordPace(ctx, w.UserID, w.ID, slow, d.cfg.Clock.Now()); err != nil {
				d.cfg.Logger.LogAttrs(ctx, slog.LevelError, "webhook pace not recorded", slog.String("webhookId", w.ID),
					slog.String("userId", w.UserID), slog.String("error", err.Error()))
			}
		}
	}
	disabled, err := d.health.Record(ctx, w, ok, d.cfg.Clock.Now())
	if err != nil {
		d.cfg.Logger.LogAttrs(ctx, slog.LevelError, "webhook health not recorded", slog.String("webhookId", w.ID),
			slog.String("userId", w.UserID), slog.String("error", err.Error()))
	}
	if disabled {
		d.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "webhook disabled: every attempt failed", slog.String("webhookId", w.ID),
			slog.String("userId", w.UserID), slog.Duration("after", d.health.period()))
	}
	return disabled
}

// skipDisabled logs dl, a delivery to the disabled endpoint w, as skipped
// without an attempt (unless the log already holds its outcome): the user
// sees it and may retry it once w is enabled.
func (d *Deliverer) skipDisabled(ctx context.Context, w Webhook, dl Delivery) error {
	if dl.Status == StatusDelivered || dl.Status == StatusDeadLettered || dl.Status == StatusSkipped {
		return nil
	}
	dl.Status, dl.LastError, dl.UpdatedAt, dl.NextRetryAt = StatusSkipped, "endpoint disabled", d.cfg.Clock.Now().UTC(), time.Time{}
	d.log(slog.LevelInfo, "webhook skipped: endpoint disabled", outcomeSkipped, w, dl)
	return d.putDelivery(ctx, dl)
}
