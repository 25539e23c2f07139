package webhooks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultBackoff is the wait before each retry: 1 s doubling to 64 s, so
// eight attempts span a little over two minutes and a receiver down for a
// minute still gets the event.
var DefaultBackoff = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, 64 * time.Second}

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

// DeadLetters receives dead letters: the SQS queue on AWS, a file locally.
type DeadLetters interface {
	Send(ctx context.Context, d DeadLetter) error
}

// Clock is the Deliverer's time: tests skip the waits between attempts.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d or until ctx ends.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// DeliverConfig configures a Deliverer; zero fields take the defaults.
type DeliverConfig struct {
	Backoff        []time.Duration
	AttemptTimeout time.Duration
	Clock          Clock
	// AllowLoopback lets deliveries reach loopback addresses (the local
	// stack only); every other non-public address is refused always.
	AllowLoopback bool
	// Transport, when set, replaces the SSRF-guarded transport (tests that
	// count connections).
	Transport http.RoundTripper
	Logger    *slog.Logger
	// Concurrency bounds the deliveries in flight (default 16).
	Concurrency int
	// DisableAfter and AuditRetention configure endpoint health
	// (Health: zero DisableAfter is DefaultDisableAfter).
	DisableAfter, AuditRetention time.Duration
}

// Deliverer sends triggers to endpoints with retries: at least once, with
// DefaultBackoff between attempts, each attempt's outcome in the delivery
// log, and after the last one the dead-letter queue.
type Deliverer struct {
	store  Store
	dlq    DeadLetters
	cfg    DeliverConfig
	client *http.Client
	sem    chan struct{}
	health Health
}

// NewDeliverer returns a Deliverer on st and dlq.
func NewDeliverer(st Store, dlq DeadLetters, cfg DeliverConfig) *Deliverer {
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
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
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 16
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
	return &Deliverer{store: st, dlq: dlq, cfg: cfg, client: client, sem: make(chan struct{}, cfg.Concurrency),
		health: Health{Store: st, DisableAfter: cfg.DisableAfter, AuditRetention: cfg.AuditRetention}}
}

// Deliver sends t to its endpoints, concurrently, and returns when each has
// been delivered or dead-lettered. An error means the store or the
// dead-letter queue failed (or ctx ended): the caller retries t, and
// deliveries already completed are not sent again (the log says so).
func (d *Deliverer) Deliver(ctx context.Context, t Trigger) error {
	var targets []Webhook
	if t.WebhookID != "" {
		w, err := d.store.GetWebhook(ctx, t.UserID, t.WebhookID)
		if err != nil {
			if isNotFound(err) {
				return nil // deleted since: nothing to deliver
			}
			return err
		}
		targets = []Webhook{w}
	} else {
		all, err := d.store.ListWebhooks(ctx, t.UserID)
		if err != nil {
			return err
		}
		for _, w := range all {
			if w.Wants(t.Type) {
				targets = append(targets, w)
			}
		}
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, w := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.sem <- struct{}{}
			defer func() { <-d.sem }()
			if err := d.deliver(ctx, w, t); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// deliver sends t to w until it is delivered or the attempts run out.
func (d *Deliverer) deliver(ctx context.Context, w Webhook, t Trigger) error {
	id := DeliveryID(w.ID, t.EventID)
	fresh := Delivery{ID: id, WebhookID: w.ID, UserID: w.UserID, Type: t.Type, EventID: t.EventID, EventAt: t.At,
		Status: StatusPending, CreatedAt: d.cfg.Clock.Now().UTC()}
	dl, found, err := d.store.GetDelivery(ctx, fresh)
	if err != nil {
		return err
	}
	if found && (dl.Status == StatusDelivered || dl.Status == StatusDeadLettered) {
		return nil // a redelivered stream record: done before
	}
	if !found {
		dl = fresh
	}
	body, err := Body(id, t.Type, t.At, t.Data)
	if err != nil {
		return fmt.Errorf("webhooks: encode %s: %w", id, err)
	}
	dl.Body = string(body) // kept for a retry (replay.go)
	if w.Disabled() {
		return d.skipDisabled(ctx, w, dl) // health.go
	}
	attempts := len(d.cfg.Backoff) + 1
	for dl.Attempts < attempts {
		code, latency, why := d.attempt(ctx, w, id, body)
		if d.recordHealth(ctx, w, why == "") { // health.go
			w.DisabledAt = d.cfg.Clock.Now() // this attempt disabled it: no more attempts
		}
		now := d.cfg.Clock.Now().UTC()
		dl.Attempts++
		dl.LastStatusCode, dl.LastError, dl.LatencyMillis, dl.UpdatedAt, dl.NextRetryAt = code, why, latency.Milliseconds(), now, time.Time{}
		if why == "" {
			dl.Status = StatusDelivered
			d.log(slog.LevelInfo, "webhook delivered", w, dl)
			return d.store.PutDelivery(ctx, dl)
		}
		if dl.Attempts >= attempts || w.Disabled() {
			break
		}
		wait := d.cfg.Backoff[dl.Attempts-1]
		dl.Status, dl.NextRetryAt = StatusRetrying, now.Add(wait)
		d.log(slog.LevelWarn, "webhook attempt failed", w, dl)
		if err := d.store.PutDelivery(ctx, dl); err != nil {
			return err
		}
		if err := d.cfg.Clock.Sleep(ctx, wait); err != nil {
			return err // the invocation ends: the stream redelivers, the log resumes
		}
	}
	dead := DeadLetter{DeliveryID: id, WebhookID: w.ID, UserID: w.UserID, Type: t.Type, EventID: t.EventID, Attempts: dl.Attempts, LastError: dl.LastError, Body: string(body)}
	if err := d.dlq.Send(ctx, dead); err != nil {
		return fmt.Errorf("webhooks: dead-letter %s: %w", id, err)
	}
	dl.Status = StatusDeadLettered
	d.log(slog.LevelError, "webhook dead-lettered", w, dl)
	return d.store.PutDelivery(ctx, dl)
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

func (d *Deliverer) log(level slog.Level, msg string, w Webhook, dl Delivery) {
	d.cfg.Logger.LogAttrs(context.Background(), level, msg,
		slog.String("deliveryId", dl.ID), slog.String("webhookId", w.ID), slog.String("userId", w.UserID),
		slog.String("type", string(dl.Type)), slog.Int("attempt", dl.Attempts), slog.Int("status", dl.LastStatusCode),
		slog.String("error", dl.LastError), slog.Int64("latencyMs", dl.LatencyMillis))
}
