package webhooks

import (
	"encoding/json"
	"fmt"
	"time"
)

// Task is one delivery — one event to one endpoint — as the delivery
// queue carries it: everything an attempt needs except the endpoint's URL
// and secret, which are read at each attempt (a changed URL or a rotated
// secret applies to the next attempt; a deleted endpoint ends the task).
// It holds no secret.
type Task struct {
	DeliveryID string    `json:"deliveryId"`
	WebhookID  string    `json:"webhookId"`
	UserID     string    `json:"userId"`
	Type       EventType `json:"type"`
	EventID    string    `json:"eventId"`
	EventAt    time.Time `json:"eventAt"`
	// Body is the exact body every attempt sends (and signs).
	Body string `json:"body"`
	// Attempt is the attempt this message is for (0 or 1: the first). A
	// message whose attempt the delivery log has already recorded is a
	// stale copy and does nothing.
	Attempt int `json:"attempt,omitempty"`
	// NotBefore is when the attempt is due (zero: at once). The queue
	// delays a message at most 15 minutes, so a longer wait is a chain of
	// messages, each sent again until it is due.
	NotBefore time.Time `json:"notBefore,omitzero"`
	// Busy counts the times the task found its endpoint's or its user's
	// attempt slots all taken: the wait doubles with it (BusyWait).
	Busy int `json:"busy,omitempty"`
	// Chain names the series of messages a failed attempt started (random,
	// recorded in the delivery log): a later attempt's message whose chain
	// is not the log's is a copy's, and does nothing, so copies of one
	// message never double a delivery's retries.
	Chain string `json:"chain,omitempty"`
}

// RetrySchedule is the wait after each failed attempt before the next, as
// Svix's: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over
// 27 h 35 min 5 s, so a receiver down for a deploy, a night or most of a
// day still gets the event. A wait is a delayed message, not a hidden one
// (Queue.Requeue): waiting deliveries are not in flight, so they never
// count against SQS's in-flight quota of a standard queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
var RetrySchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// MaxAttempts is how many attempts a delivery gets with RetrySchedule: the
// first, then one after each wait.
var MaxAttempts = len(RetrySchedule) + 1

// EncodeTask is the queue message of t.
func EncodeTask(t Task) (string, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return "", fmt.Errorf("webhooks: encode task %s: %w", t.DeliveryID, err)
	}
	return string(b), nil
}

// DecodeTask reads a queue message; a message that is not a task is an
// error (the worker sends it to the dead-letter queue).
func DecodeTask(body string) (Task, error) {
	var t Task
	if err := json.Unmarshal([]byte(body), &t); err != nil {
		return Task{}, fmt.Errorf("webhooks: not a delivery task: %w", err)
	}
	if t.DeliveryID == "" || t.WebhookID == "" || t.UserID == "" || t.Body == "" {
		return Task{}, fmt.Errorf("webhooks: a delivery task without its delivery, endpoint, user or body")
	}
	return t, nil
}
