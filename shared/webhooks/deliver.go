package webhooks

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"keygate/shared/metrics"
)

// DefaultAttemptTimeout bounds one attempt: connection, request and the
// receiver's answer.
const DefaultAttemptTimeout = 10 * time.Second

// maxResponseRead is how much of a receiver's answer is read (and
// discarded) before the connection is reused.
const maxResponseRead = 64 << 10

// Trigger is one stream record that asks for deliveries: an audit event to
// every endpoint that subscribes to its type, or a ping to one endpoint.
type Trigger struct {
	UserID  string
	EventID string
	Type    EventType
	At      time.Time
	// Data is the body's "data": the audit event as the API shows it.
	Data any
	// WebhookID is the one endpoint of a ping ("" for an audit event).
	WebhookID string
}

// DeadLetter is a delivery whose last attempt failed, as the dead-letter
// queue receives it: enough to redeliver it, no secret.
type DeadLetter struct {
	DeliveryID string    `json:"deliveryId"`
	WebhookID  string    `json:"webhookId"`
	UserID     string    `json:"userId"`
	Type       EventType `json:"type"`
	EventID    string    `json:"eventId"`
	Attempts   int       `json:"attempts"`
	LastError  string    `json:"lastError"`
	Body       string    `json:"body"`
}

// DeadLetters receives dead letters: the template's WebhookDeadLetterQueue
// (deliveryqueue.DeadLetters), on AWS and in the local stack alike.
type DeadLetters interface {
	Send(ctx context.Context, d DeadLetter) error
}

// Clock is the delivery pipeline's time. QueueDelay is how long the queue
// holds a task back for a wait d of this clock: d for the wall clock; a
// test's clock that runs faster shortens it, so the day-long RetrySchedule
// runs through a real queue in seconds.
type Clock interface {
	Now() time.Time
	QueueDelay(d time.Duration) time.Duration
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// QueueDelay is d.
func (RealClock) QueueDelay(d time.Duration) time.Duration { return d }

// DeliverConfig configures a Deliverer; zero fields take the defaults.
type DeliverConfig struct {
	// Schedule is the wait after each failed attempt before the next
	// (default RetrySchedule): a delivery gets len(Schedule)+1 attempts.
	Schedule       []time.Duration
	AttemptTimeout time.Duration
	Clock          Clock
	// AllowLoopback lets deliveries reach loopback addresses (the local
	// stack only); every other non-public address is refused always.
	AllowLoopback bool
	// Transport, when set, replaces the SSRF-guarded transport (tests that
	// count connections).
	Transport http.RoundTripper
	Logger    *slog.Logger
	// DisableAfter and AuditRetention configure endpoint health
	// (Health: zero DisableAfter is DefaultDisableAfter).
	DisableAfter, AuditRetention time.Duration
	// RiskyAttempts bounds the attempts in flight to failing or slow
	// endpoints across the deployment (0: DefaultRiskyAttempts).
	RiskyAttempts int
	// MetricsNamespace, when set, makes every outcome line a CloudWatch
	// metric (shared/metrics): deliveries and latencyMs by outcome.
	MetricsNamespace string
}

// Deliverer makes single delivery attempts — a signed POST through the
// SSRF-guarded client, bounded by AttemptTimeout — and keeps what they
// leave: the delivery log, the endpoint's health, the dead letters. The
// Worker decides when to attempt.
type Deliverer struct {
	store  Store
	dlq    DeadLetters
	cfg    DeliverConfig
	client *http.Client
	health Health
}

// NewDeliverer returns a Deliverer on st and dlq.
func NewDeliverer(st Store, dlq DeadLetters, cfg DeliverConfig) *Deliverer {
	if cfg.Schedule == nil {
		cfg.Schedule = RetrySchedule
	}
	if cfg.RiskyAttempts <= 0 {
		cfg.RiskyAttempts = DefaultRiskyAttempts
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = DefaultAttemptTimeout
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	tr := cfg.Transport
	if tr == nil {
		tr = &http.Transport{
			Proxy:                 nil, // never through an environment proxy: the guard checks the real peer
			DialContext:           Dialer(cfg.AttemptTimeout, cfg.AllowLoopback).DialContext,
			TLSHandshakeTimeout:   cfg.AttemptTimeout,
			ResponseHeaderTimeout: cfg.AttemptTimeout,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       30 * time.Second,
		}
	}
	client := &http.Client{
		Transport: tr,
		Timeout:   cfg.AttemptTimeout,
		// A redirect is not followed: it could lead anywhere, the guard
		// notwithstanding, and the receiver's URL is what was registered.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Deliverer{store: st, dlq: dlq, cfg: cfg, client: client,
		health: Health{Store: st, DisableAfter: cfg.DisableAfter, AuditRetention: cfg.AuditRetention}}
}

// attempt POSTs body once. why is "" on a 2xx answer, else a short reason
// for the log (never the URL, which may carry a token of the receiver's).
func (d *Deliverer) attempt(ctx context.Context, w Webhook, id string, body []byte) (code int, latency time.Duration, why string) {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytesReader(body))
	if err != nil {
		return 0, 0, "invalid url"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "keygate-webhooks/1")
	for k, v := range w.SignedHeaders(id, d.cfg.Clock.Now(), body) {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := d.client.Do(req)
	latency = time.Since(start)
	if err != nil {
		return 0, latency, failure(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseRead))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, latency, ""
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, latency, "redirect not followed"
	}
	return resp.StatusCode, latency, "status " + strconv.Itoa(resp.StatusCode)
}

// failure names a transport error without its URL.
func failure(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, ErrAddress):
		return "address not public"
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return "timeout"
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return "connection failed: " + oe.Op
	}
	return "request failed"
}

// The outcomes of an attempt, as its line and its metric name them.
const (
	outcomeDelivered    = "delivered"
	outcomeFailed       = "failed"
	outcomeDeadLettered = "deadLettered"
	outcomeSkipped      = "skipped"
)

// outcomeMetrics are the outcome line's: one delivery attempt, and its
// latencyMs, by outcome.
var outcomeMetrics = metrics.Spec{
	Dimensions: [][]string{{"outcome"}},
	Metrics:    []metrics.Metric{{Name: "deliveries", Unit: metrics.Count}, {Name: "latencyMs", Unit: metrics.Milliseconds}},
}

func (d *Deliverer) log(level slog.Level, msg, outcome string, w Webhook, dl Delivery) {
	attrs := []slog.Attr{
		slog.String("deliveryId", dl.ID), slog.String("webhookId", w.ID), slog.String("userId", w.UserID),
		slog.String("type", string(dl.Type)), slog.Int("attempt", dl.Attempts), slog.Int("status", dl.LastStatusCode),
		slog.String("error", dl.LastError), slog.Int64("latencyMs", dl.LatencyMillis), slog.String("outcome", outcome),
	}
	if d.cfg.MetricsNamespace != "" {
		spec := outcomeMetrics
		spec.Namespace = d.cfg.MetricsNamespace
		attrs = append(attrs, spec.Attr(time.Now()), slog.Int("deliveries", 1))
	}
	d.cfg.Logger.LogAttrs(context.Background(), level, msg, attrs...)
}
