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

// Subscribable are the event types an endpoint may subscribe to.
var Subscribable = []EventType{keys.EventKeyCreated, keys.EventKeyUpdated, keys.EventKeyRotated, keys.EventKeyRevoked}

// Webhook is one registered endpoint.
type Webhook struct {
	ID          string
	UserID      string
	URL         string
	Description string
	Events      []EventType
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Secret signs its deliveries. It is shown once, when the endpoint is
	// created, and never listed or logged.
	Secret string
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
}

// Changes are the fields PATCH may change; nil leaves one as it is.
type Changes struct {
	URL         *string
	Description *string
	Events      []EventType // nil: unchanged
}

// Ping asks for a test delivery to one endpoint. Storing it is what
// triggers the delivery (the table's stream).
type Ping struct {
	ID        string
	UserID    string
	WebhookID string
	At        time.Time
}

// Store is what the webhook use cases and the Deliverer read and write;
// shared/store implements it on the table.
type Store interface {
	CreateWebhook(ctx context.Context, w Webhook, max int) error
	ListWebhooks(ctx context.Context, userID string) ([]Webhook, error)
	GetWebhook(ctx context.Context, userID, id string) (Webhook, error)
	UpdateWebhook(ctx context.Context, userID, id string, ch Changes, at time.Time) (Webhook, error)
	DeleteWebhook(ctx context.Context, userID, id string) error
	PutPing(ctx context.Context, p Ping) error
	// GetDelivery reads the log entry of d's UserID, WebhookID, EventAt
	// and ID; false when there is none yet.
	GetDelivery(ctx context.Context, d Delivery) (Delivery, bool, error)
	PutDelivery(ctx context.Context, d Delivery) error
	ListDeliveries(ctx context.Context, userID, webhookID string, limit int) ([]Delivery, error)
}
