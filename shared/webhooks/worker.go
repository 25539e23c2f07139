package webhooks

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// MaxInFlight is how many attempts to one endpoint may be in flight at
// once, across every worker: a slow or dead endpoint holds at most this
// many of the worker's invocations, so it cannot take the concurrency
// other endpoints' deliveries need.
const MaxInFlight = 4

// busyRetry is when a task whose endpoint has MaxInFlight attempts in
// flight is tried again. It is not an attempt: the delivery log counts
// attempts, not receipts.
const busyRetry = 2 * time.Second

// leaseMargin keeps an attempt's lease a little past the attempt's own
// bound, so a slow release never lets a fifth attempt start early; a worker
// that dies mid-attempt frees its slot when the lease ends.
const leaseMargin = 5 * time.Second

// Leases bound the attempts in flight per endpoint (MaxInFlight), shared
// by every worker.
type Leases interface {
	// AcquireAttempt takes one of the endpoint's attempt slots for holder
	// until until and names it; false when every slot is held by a live
	// lease at now.
	AcquireAttempt(ctx context.Context, userID, webhookID, holder string, now, until time.Time) (slot int, ok bool, err error)
	// ReleaseAttempt frees holder's slot (nothing when another holds it
	// now).
	ReleaseAttempt(ctx context.Context, userID, webhookID, holder string, slot int) error
}

// Outcome is what the queue does with a task after an attempt: finished
// (delivered, dead-lettered, or nothing left to deliver) or Retry after
// RetryIn, which the queue's visibility timeout schedules.
type Outcome struct {
	Retry   bool
	RetryIn time.Duration
}

// Worker makes one attempt of a task per call, with the Deliverer's
// guarded client, store and dead-letter queue: at least once, the same
// delivery id on every attempt, the delivery log preventing a resend after
// success, RetrySchedule between attempts, and after the last the delivery
// dead-lettered (failed in the user's log, the task in the operators'
// dead-letter queue).
type Worker struct {
	d      *Deliverer
	leases Leases
}

// NewWorker returns a Worker sending with d and bounding endpoints with
// leases.
func NewWorker(d *Deliverer, leases Leases) *Worker { return &Worker{d: d, leases: leases} }

// Attempt makes t's next attempt. An error is an infrastructure failure
// (the store, the dead-letter queue): the task is retried as it stands,
// and its log says which attempt comes next.
func (wk *Worker) Attempt(ctx context.Context, t Task) (Outcome, error) {
	d := wk.d
	w, err := d.store.GetWebhook(ctx, t.UserID, t.WebhookID)
	switch {
	case isNotFound(err):
		return Outcome{}, nil // deleted since: nothing to deliver
	case err != nil:
		return Outcome{}, err
	}
	fresh := Delivery{ID: t.DeliveryID, WebhookID: w.ID, UserID: w.UserID, Type: t.Type, EventID: t.EventID,
		EventAt: t.EventAt, Status: StatusPending, CreatedAt: d.cfg.Clock.Now().UTC()}
	dl, found, err := d.store.GetDelivery(ctx, fresh)
	if err != nil {
		return Outcome{}, err
	}
	if found && (dl.Status == StatusDelivered || dl.Status == StatusDeadLettered || dl.Status == StatusSkipped) {
		return Outcome{}, nil // a task received again: done before
	}
	if !found {
		dl = fresh
	}
	dl.Body = t.Body // kept for a retry (replay.go)
	if w.Disabled() {
		return Outcome{}, d.skipDisabled(ctx, w, dl) // health.go
	}
	now := d.cfg.Clock.Now()
	holder := t.DeliveryID + "#" + strconv.Itoa(dl.Attempts+1)
	slot, ok, err := wk.leases.AcquireAttempt(ctx, w.UserID, w.ID, holder, now, now.Add(d.cfg.AttemptTimeout+leaseMargin))
	if err != nil {
		return Outcome{}, err
	}
	if !ok {
		return Outcome{Retry: true, RetryIn: busyRetry}, nil
	}
	defer func() {
		// Best effort: an unreleased slot frees itself when its lease ends.
		_ = wk.leases.ReleaseAttempt(context.WithoutCancel(ctx), w.UserID, w.ID, holder, slot)
	}()
	code, latency, why := d.attempt(ctx, w, t.DeliveryID, []byte(t.Body))
	disabled := d.recordHealth(ctx, w, why == "") // health.go: this attempt may disable the endpoint
	now = d.cfg.Clock.Now().UTC()
	dl.Attempts++
	dl.LastStatusCode, dl.LastError, dl.LatencyMillis, dl.UpdatedAt, dl.NextRetryAt = code, why, latency.Milliseconds(), now, time.Time{}
	switch {
	case why == "":
		dl.Status = StatusDelivered
		d.log(slog.LevelInfo, "webhook delivered", w, dl)
		return Outcome{}, d.store.PutDelivery(ctx, dl)
	case dl.Attempts >= MaxAttempts || disabled:
		dead := DeadLetter{DeliveryID: t.DeliveryID, WebhookID: w.ID, UserID: w.UserID, Type: t.Type, EventID: t.EventID,
			Attempts: dl.Attempts, LastError: why, Body: t.Body}
		if err := d.dlq.Send(ctx, dead); err != nil {
			return Outcome{}, fmt.Errorf("webhooks: dead-letter %s: %w", t.DeliveryID, err)
		}
		dl.Status = StatusDeadLettered
		d.log(slog.LevelError, "webhook dead-lettered", w, dl)
		return Outcome{}, d.store.PutDelivery(ctx, dl)
	}
	wait := RetrySchedule[dl.Attempts-1]
	dl.Status, dl.NextRetryAt = StatusRetrying, now.Add(wait)
	d.log(slog.LevelWarn, "webhook attempt failed", w, dl)
	if err := d.store.PutDelivery(ctx, dl); err != nil {
		return Outcome{}, err
	}
	return Outcome{Retry: true, RetryIn: wait}, nil
}
