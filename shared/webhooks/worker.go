package webhooks

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"keygate/shared/apperr"
)

// MaxInFlight is how many attempts to one endpoint may be in flight at
// once, across every worker: a slow endpoint holds at most this many of
// the worker's invocations, so it cannot take the concurrency other
// endpoints' deliveries need. A failing endpoint (one whose last attempt
// failed: FailingSince is set) gets MaxInFlightFailing: a dead or tarpit
// endpoint is tried one delivery at a time until it answers again. And all
// of one user's endpoints together get MaxInFlightPerUser, so a user's
// endpoints — failing, tarpits, or slow but answering — hold at most that
// many of the worker's invocations, whatever they do, and never stall
// another user's deliveries.
const (
	MaxInFlight        = 4
	MaxInFlightFailing = 1
	MaxInFlightPerUser = 8
)

// DefaultRiskyAttempts is how many attempts to failing or slow endpoints
// may be in flight at once across the deployment, every user together,
// when DeliverConfig.RiskyAttempts is unset: half the worker's default
// concurrency (50), so however many users' endpoints fail or crawl, prompt
// endpoints always have the other half of the worker.
const DefaultRiskyAttempts = 25

// risky reports whether w's last attempt failed or its last success was
// slow: such an endpoint is tried one delivery at a time, and its attempts
// share the deployment's RiskyAttempts.
func risky(w Webhook) bool { return !w.FailingSince.IsZero() || !w.SlowSince.IsZero() }

// inFlight is how many attempts w may have in flight.
func inFlight(w Webhook) int {
	if risky(w) {
		return MaxInFlightFailing
	}
	return MaxInFlight
}

// BusyWait is when a task whose endpoint or user has every attempt slot
// taken is tried again, the busy-th time it found them taken (1 the
// first): 2 s doubling to 15 min. It is not an attempt — the delivery log
// counts attempts — and the doubling keeps a backlog behind a slow
// endpoint from spinning through the queue.
func BusyWait(busy int) time.Duration {
	wait := busyFirst
	for i := 1; i < busy && wait < busyMax; i++ {
		wait *= 2
	}
	return min(wait, busyMax)
}

const (
	busyFirst = 2 * time.Second
	busyMax   = 15 * time.Minute
)

// releaseTimeout bounds the release of an attempt's slots.
const releaseTimeout = 2 * time.Second

// leaseMargin keeps an attempt's lease a little past the attempt's own
// bound, so a slow release never lets a fifth attempt start early; a worker
// that dies mid-attempt frees its slot when the lease ends.
const leaseMargin = 5 * time.Second

// Lease is an attempt's hold on one slot of a scope: one endpoint's
// (WebhookID set), its user's across all their endpoints (WebhookID ""),
// or the deployment's attempts to risky endpoints (UserID "" too).
type Lease struct {
	UserID, WebhookID string
	// Holder names the attempt (the delivery id and attempt number: a
	// worker that takes the task again after dying mid-attempt holds the
	// same slot).
	Holder string
	// Slots is how many slots the scope has.
	Slots int
	// Now is when it is taken; Until when it ends, if not released.
	Now, Until time.Time
}

// Leases bound the attempts in flight (MaxInFlight, MaxInFlightPerUser),
// shared by every worker.
type Leases interface {
	// AcquireAttempt takes a free one of the scope's l.Slots slots for
	// l.Holder until l.Until and names it; false when every one is held by
	// a live lease at l.Now.
	AcquireAttempt(ctx context.Context, l Lease) (slot int, ok bool, err error)
	// ReleaseAttempt frees l.Holder's slot (nothing when another holds it
	// now).
	ReleaseAttempt(ctx context.Context, l Lease, slot int) error
}

// Queue is where a task waits for its next attempt.
type Queue interface {
	// Requeue sends t again, delivered after delay (at most the queue's
	// largest delay: t.NotBefore says when it is really due).
	Requeue(ctx context.Context, t Task, delay time.Duration) error
}

// Outcome is what an attempt did with its task: finished (delivered,
// dead-lettered, stale, or nothing left to deliver), or Retry — Next was
// queued to come back after RetryIn (the clock's QueueDelay of the wait).
type Outcome struct {
	Retry   bool
	RetryIn time.Duration
	Next    Task
}

// Worker makes one attempt of a task per call, with the Deliverer's
// guarded client, store and dead-letter queue: at least once, the same
// delivery id on every attempt, the delivery log preventing a resend after
// success, the configured Schedule (RetrySchedule) between attempts, and after the last the delivery
// dead-lettered (failed in the user's log, the task in the operators'
// dead-letter queue).
type Worker struct {
	d      *Deliverer
	leases Leases
	queue  Queue
}

// NewWorker returns a Worker sending with d, bounding attempts in flight
// with leases and queueing the next attempt on q.
func NewWorker(d *Deliverer, leases Leases, q Queue) *Worker {
	return &Worker{d: d, leases: leases, queue: q}
}

// requeue queues next to come back after the wait (clock time).
func (wk *Worker) requeue(ctx context.Context, next Task, wait time.Duration) (Outcome, error) {
	delay := wk.d.cfg.Clock.QueueDelay(wait)
	if err := wk.queue.Requeue(ctx, next, delay); err != nil {
		return Outcome{}, fmt.Errorf("webhooks: requeue %s: %w", next.DeliveryID, err)
	}
	return Outcome{Retry: true, RetryIn: delay, Next: next}, nil
}

// Attempt makes t's attempt, once it is due. A failed attempt's next one
// is queued before the log records the failure, so a failure to queue it
// leaves the message to come back as it stands. An error is an
// infrastructure failure (the store, the queues): the message comes back
// after the queue's visibility timeout, and the log says which attempt is
// next.
func (wk *Worker) Attempt(ctx context.Context, t Task) (Outcome, error) {
	d := wk.d
	if now := d.cfg.Clock.Now(); t.NotBefore.After(now) {
		return wk.requeue(ctx, t, t.NotBefore.Sub(now)) // a link of a long wait: no read
	}
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
	switch {
	case t.Attempt > 0 && dl.Attempts >= t.Attempt:
		return Outcome{}, nil // a stale copy: the log has this attempt
	case t.Attempt > 1 && dl.Attempts < t.Attempt-1:
		// Queued before the log recorded the attempt before it (the log is
		// written after the next message is sent): wait for the log, never
		// drop on a record that is not there yet.
		next := t
		next.Busy++
		return wk.requeue(ctx, next, BusyWait(next.Busy))
	case t.Attempt > 1 && t.Chain != dl.Chain:
		return Outcome{}, nil // another message carries the retries on (a copy's)
	}
	dl.Body = t.Body // kept for a retry (replay.go)
	if w.Disabled() {
		return Outcome{}, d.skipDisabled(ctx, w, dl) // health.go
	}
	// The holder is this receipt's own: two copies of one message never
	// share a slot, so the bounds hold for them too.
	release, ok, err := wk.acquire(ctx, w, t.DeliveryID+"#"+strconv.Itoa(dl.Attempts+1)+"#"+newID("", 8))
	if err != nil {
		return Outcome{}, err
	}
	if !ok {
		next := t
		next.Busy++
		return wk.requeue(ctx, next, BusyWait(next.Busy))
	}
	code, latency, why := d.attempt(ctx, w, t.DeliveryID, []byte(t.Body))
	release()                                              // the slots bound the request, not the writes after it
	disabled := d.recordHealth(ctx, w, why == "", latency) // health.go: this attempt may disable the endpoint
	now := d.cfg.Clock.Now().UTC()
	dl.Attempts++
	dl.LastStatusCode, dl.LastError, dl.LatencyMillis, dl.UpdatedAt, dl.NextRetryAt = code, why, latency.Milliseconds(), now, time.Time{}
	switch {
	case why == "":
		dl.Status = StatusDelivered
		d.log(slog.LevelInfo, "webhook delivered", outcomeDelivered, w, dl)
		return Outcome{}, d.putDelivery(ctx, dl)
	case dl.Attempts > len(d.cfg.Schedule) || disabled:
		dead := DeadLetter{DeliveryID: t.DeliveryID, WebhookID: w.ID, UserID: w.UserID, Type: t.Type, EventID: t.EventID,
			Attempts: dl.Attempts, LastError: why, Body: t.Body}
		if err := d.dlq.Send(ctx, dead); err != nil {
			return Outcome{}, fmt.Errorf("webhooks: dead-letter %s: %w", t.DeliveryID, err)
		}
		dl.Status = StatusDeadLettered
		d.log(slog.LevelError, "webhook dead-lettered", outcomeDeadLettered, w, dl)
		return Outcome{}, d.putDelivery(ctx, dl)
	}
	wait := d.cfg.Schedule[dl.Attempts-1]
	dl.Status, dl.NextRetryAt = StatusRetrying, now.Add(wait)
	next := t
	next.Attempt, next.NotBefore, next.Busy, next.Chain = dl.Attempts+1, dl.NextRetryAt, 0, newID("", 8)
	dl.Chain = next.Chain
	out, err := wk.requeue(ctx, next, wait)
	if err != nil {
		return Outcome{}, err
	}
	d.log(slog.LevelWarn, "webhook attempt failed", outcomeFailed, w, dl)
	return out, d.putDelivery(ctx, dl)
}

// acquire takes one of w's own slots (inFlight), then, when w is risky
// (failing or slow), one of the deployment's RiskyAttempts, then one of its
// user's. ok is false, and nothing held, when any scope is full; the
// narrowest first, so a busy endpoint's backlog never touches the slots
// the user's other endpoints, or other users, share. release frees them
// all, on a context of its own: a slot not released frees itself when its
// lease ends, within one attempt's bound.
func (wk *Worker) acquire(ctx context.Context, w Webhook, holder string) (release func(), ok bool, err error) {
	now := wk.d.cfg.Clock.Now()
	until := now.Add(wk.d.cfg.AttemptTimeout + leaseMargin)
	scopes := []Lease{{UserID: w.UserID, WebhookID: w.ID, Holder: holder, Slots: inFlight(w), Now: now, Until: until}}
	if risky(w) {
		scopes = append(scopes, Lease{Holder: holder, Slots: wk.d.cfg.RiskyAttempts, Now: now, Until: until})
	}
	scopes = append(scopes, Lease{UserID: w.UserID, Holder: holder, Slots: MaxInFlightPerUser, Now: now, Until: until})
	var held []func(context.Context)
	release = func() {
		// A release gets a deadline of its own: a slot not released ends
		// with its lease, and a slow table must not hold the batch.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer cancel()
		for i := len(held) - 1; i >= 0; i-- {
			held[i](rctx)
		}
	}
	for _, l := range scopes {
		slot, ok, err := wk.leases.AcquireAttempt(ctx, l)
		if err != nil || !ok {
			release()
			return nil, false, err
		}
		held = append(held, func(rctx context.Context) { _ = wk.leases.ReleaseAttempt(rctx, l, slot) })
	}
	return release, true, nil
}

// putDelivery writes dl to the log; a log already past it (a stale copy
// of this attempt finished first) keeps its own outcome, and dl's is
// dropped.
func (d *Deliverer) putDelivery(ctx context.Context, dl Delivery) error {
	err := d.store.PutDelivery(ctx, dl)
	if apperr.Is(err, apperr.Conflict) {
		d.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "webhook attempt outcome dropped: the log is past it", slog.String("deliveryId", dl.ID),
			slog.Int("attempt", dl.Attempts))
		return nil
	}
	return err
}
