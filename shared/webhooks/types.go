package webhooks

import (
	"context"
	"time"

	"keygate/shared/keys"
)

// Limits of a webhook.
const (
	// MaxPerUser is how many endpoints one user may register.
	MaxPerUser = 10
	// MaxURLLength bounds an endpoint's URL.
	MaxURLLength = 2048
	// MaxDescription bounds its description, in bytes.
	MaxDescription = 200
	// DeliveriesShown is how many deliveries GET .../deliveries returns,
	// newest first.
	DeliveriesShown = 100
	// DeliveryRetention is how long the delivery log keeps an entry.
	DeliveryRetention = 30 * 24 * time.Hour
)

// EventType is what a delivery reports: one of the audit log's event types,
// or ping (POST /open/webhooks/{id}/test).
type EventType = keys.EventType

// EventPing is the test delivery's type; endpoints get it whatever they
// subscribe to.
const EventPing EventType = "ping"

// Subscribable are the event types an endpoint may subscribe to: every
// type of the audit log (key, webhook and membership changes).
var Subscribable = keys.EventTypes

// Webhook is one registered endpoint.
type Webhook struct {
	ID          string
	UserID      string
	URL         string
	Description string
	Events      []EventType
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Health: FailingSince is the first failed attempt since the last
	// success (zero: the last attempt succeeded, or none was made);
	// DisabledAt is when the endpoint was disabled (zero: enabled), for
	// DisabledReason. A disabled endpoint receives nothing until PATCH
	// enables it (health.go).
	FailingSince time.Time
	// SlowSince is the first of the successful attempts, up to the last,
	// that took half the attempt timeout or more (zero: the last success
	// was prompt): a slow endpoint is bounded as a failing one is.
	SlowSince      time.Time
	DisabledAt     time.Time
	DisabledReason DisabledReason
	// Secret signs its deliveries. It is shown once, when the endpoint is
	// created or its secret rotated, and never listed or logged.
	Secret string
	// PreviousSecrets are the secrets rotations replaced, each still
	// signing deliveries (beside Secret, in webhook-signature) until its
	// overlap ends; never shown.
	PreviousSecrets []PreviousSecret
}

// PreviousSecret is a replaced secret and the end of its overlap.
type PreviousSecret struct {
	Secret string
	Until  time.Time
}

// SigningSecrets are the secrets that sign a delivery attempted at: the
// current one first, then every previous one whose overlap has not ended.
func (w Webhook) SigningSecrets(at time.Time) []string {
	if w.Secret == "" {
		return nil
	}
	out := []string{w.Secret}
	for _, p := range w.PreviousSecrets {
		if at.Before(p.Until) {
			out = append(out, p.Secret)
		}
	}
	return out
}

// Wants reports whether w subscribes to t (every endpoint gets pings).
func (w Webhook) Wants(t EventType) bool {
	if t == EventPing {
		return true
	}
	for _, e := range w.Events {
		if e == t {
			return true
		}
	}
	return false
}

// Status is where a delivery stands.
type Status string

// The delivery statuses.
const (
	StatusPending      Status = "pending"
	StatusRetrying     Status = "retrying"
	StatusDelivered    Status = "delivered"
	StatusDeadLettered Status = "deadLettered"
	// StatusSkipped: not attempted, the endpoint being disabled; it may
	// be retried once the endpoint is enabled again.
	StatusSkipped Status = "skipped"
)

// Delivery is one event sent to one endpoint, with its attempts so far.
type Delivery struct {
	// ID is the X-Webhook-Id header: the same for every attempt.
	ID        string
	WebhookID string
	UserID    string
	Type      EventType
	// EventID is the audit event's id (the ping's for a test), EventAt
	// its time: with the ids it locates the log entry.
	EventID        string
	EventAt        time.Time
	Status         Status
	Attempts       int
	LastStatusCode int    // 0 when no response came
	LastError      string // why the last attempt failed, without secrets
	LatencyMillis  int64  // of the last attempt
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// NextRetryAt is when the next attempt is due (zero: none).
	NextRetryAt time.Time
	// Body is what every attempt sends, kept so that a retry sends it
	// again (replay.go); the API does not show it.
	Body string
	// Chain is the Task.Chain of the next attempt's message ("" when none
	// is queued); the API does not show it.
	Chain string
}

// Changes are the fields PATCH may change; nil leaves one as it is.
type Changes struct {
	URL         *string
	Description *string
	Events      []EventType // nil: unchanged
	// Enabled, when set, enables the endpoint (clearing its health
	// record) or disables it (DisabledByUser).
	Enabled *bool
	// Secret, when set, replaces the signing secret, and PreviousSecrets
	// the previous ones (a rotation sets both).
	Secret          *string
	PreviousSecrets []PreviousSecret
}

// PingLimit caps test pings, so that no one can use keygate to send
// requests at will: at most PerEndpoint pings to one endpoint, and
// PerUser by one user to all their endpoints, in any Window (a sliding
// window: no burst at a window's edge). Enforced by the table, in the
// transaction that queues the ping, so it holds across every Lambda
// instance. Each cap is from 1 to 50 (shared/store keeps one slot per
// ping).
type PingLimit struct {
	PerEndpoint int
	PerUser     int
	Window      time.Duration
}

// DefaultPingLimit is the cap of POST /open/webhooks/{id}/test: 5 pings to
// an endpoint, 20 by a user, in any minute.
var DefaultPingLimit = PingLimit{PerEndpoint: 5, PerUser: 20, Window: time.Minute}

// Ping asks for a test delivery to one endpoint. Storing it is what
// triggers the delivery (the table's stream).
type Ping struct {
	ID        string
	UserID    string
	WebhookID string
	At        time.Time
}

// Store is what the webhook use cases and the Deliverer read and write;
// shared/store implements it on the table. Each change of an endpoint is
// one transaction with its audit event ev.
type Store interface {
	// CreateWebhook stores w unless its user has max endpoints already.
	CreateWebhook(ctx context.Context, w Webhook, max int, ev *keys.Event) error
	ListWebhooks(ctx context.Context, userID string) ([]Webhook, error)
	GetWebhook(ctx context.Context, userID, id string) (Webhook, error)
	// UpdateWebhook applies ch to old as read, at: NotFound when it is
	// gone, Conflict when it changed since old was read.
	UpdateWebhook(ctx context.Context, old Webhook, ch Changes, at time.Time, ev *keys.Event) (Webhook, error)
	// DeleteWebhook deletes old as read: NotFound when it is gone,
	// Conflict when it changed since.
	DeleteWebhook(ctx context.Context, old Webhook, ev *keys.Event) error
	// PutPing queues p within lim: NotFound when the endpoint does not
	// exist, RateLimited (with when to retry) when p would pass lim.
	PutPing(ctx context.Context, p Ping, lim PingLimit) error
	// GetDelivery reads the log entry of d's UserID, WebhookID, EventAt
	// and ID; false when there is none yet.
	GetDelivery(ctx context.Context, d Delivery) (Delivery, bool, error)
	PutDelivery(ctx context.Context, d Delivery) error
	ListDeliveries(ctx context.Context, userID, webhookID string, limit int) ([]Delivery, error)
	HealthStore
	ReplayStore
}
