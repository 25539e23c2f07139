package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// ReasonWebhookScopeRequired: managing webhooks needs the webhook scope.
const ReasonWebhookScopeRequired keys.Reason = "WEBHOOK_SCOPE_REQUIRED"

// ServiceConfig configures a Service.
type ServiceConfig struct {
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// AllowLoopbackHTTP admits http:// URLs to loopback hosts: the local
	// stack only (WEBHOOK_ALLOW_LOOPBACK_HTTP).
	AllowLoopbackHTTP bool
	// AuditRetention is how long the audit events of endpoint changes are
	// kept (0: forever).
	AuditRetention time.Duration
	// PingLimit caps test pings (zero: DefaultPingLimit).
	PingLimit PingLimit
}

// Service is the webhook use cases: one for every transport (the HTTP
// function, the CLI).
type Service struct {
	store Store
	cfg   ServiceConfig
}

// NewService returns the use cases on st.
func NewService(st Store, cfg ServiceConfig) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PingLimit == (PingLimit{}) {
		cfg.PingLimit = DefaultPingLimit
	}
	return &Service{store: st, cfg: cfg}
}

// CreateInput is what POST /open/webhooks takes.
type CreateInput struct {
	URL         string
	Description string
	Events      []string
}

// UpdateInput is what PATCH takes; nil leaves a field as it is.
type UpdateInput struct {
	URL         *string
	Description *string
	Events      *[]string
	// Enabled true enables a disabled endpoint (and clears its health
	// record); false disables it.
	Enabled *bool
}

// authorize checks that c may manage its user's webhooks: an operator, or a
// key with the webhook scope.
func authorize(c keys.Caller) error {
	if err := keys.CheckID("user", c.UserID); err != nil {
		return err
	}
	if c.KeyID == "" && c.Operator == "" {
		return apperr.Errorf(apperr.Internal, "webhooks: a caller without key or operator")
	}
	if c.KeyID != "" && !slices.Contains(c.Scopes, keys.ScopeWebhook) {
		return apperr.ForbiddenBecause(string(ReasonWebhookScopeRequired))
	}
	return nil
}

// parseEvents checks a subscription: at least one type, every one known,
// no duplicates; returned in Subscribable's order.
func parseEvents(names []string) ([]EventType, error) {
	if len(names) == 0 {
		return nil, apperr.Errorf(apperr.BadRequest, "events: subscribe to at least one of %s", joinTypes(Subscribable))
	}
	seen := map[EventType]bool{}
	for _, n := range names {
		t := EventType(n)
		if !slices.Contains(Subscribable, t) {
			return nil, apperr.Errorf(apperr.BadRequest, "events: unknown event type %q: want %s", n, joinTypes(Subscribable))
		}
		if seen[t] {
			return nil, apperr.Errorf(apperr.BadRequest, "events: %q twice", n)
		}
		seen[t] = true
	}
	var out []EventType
	for _, t := range Subscribable {
		if seen[t] {
			out = append(out, t)
		}
	}
	return out, nil
}

func joinTypes(ts []EventType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func checkDescription(d string) error {
	if len(d) > MaxDescription || !utf8.ValidString(d) || strings.ContainsFunc(d, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return apperr.Errorf(apperr.BadRequest, "description: at most %d bytes of text without control characters", MaxDescription)
	}
	return nil
}

// newID returns a random id with prefix, from crypto/rand.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Create registers an endpoint and returns it with its secret, which is
// never shown again; its webhook.created event is written with it. Bad
// input, or a user at MaxPerUser, is a BadRequest and stores nothing.
func (s *Service) Create(ctx context.Context, c keys.Caller, in CreateInput) (Webhook, error) {
	if err := authorize(c); err != nil {
		return Webhook{}, err
	}
	if err := CheckURL(in.URL, s.cfg.AllowLoopbackHTTP); err != nil {
		return Webhook{}, err
	}
	if err := checkDescription(in.Description); err != nil {
		return Webhook{}, err
	}
	events, err := parseEvents(in.Events)
	if err != nil {
		return Webhook{}, err
	}
	now := s.now()
	w := Webhook{ID: newID("wh_", 12), UserID: c.UserID, URL: in.URL, Description: in.Description, Events: events,
		CreatedAt: now, UpdatedAt: now, Secret: NewSecret()}
	if err := s.store.CreateWebhook(ctx, w, MaxPerUser, s.event(c, keys.EventWebhookCreated, attributes(w), now)); err != nil {
		return Webhook{}, err
	}
	return w, nil
}

// List returns the caller's endpoints, without secrets.
func (s *Service) List(ctx context.Context, c keys.Caller) ([]Webhook, error) {
	if err := authorize(c); err != nil {
		return nil, err
	}
	ws, err := s.store.ListWebhooks(ctx, c.UserID)
	for i := range ws {
		ws[i].Secret = ""
	}
	return ws, err
}

// Get returns one endpoint, without its secret; NotFound when it is not
// the caller's.
func (s *Service) Get(ctx context.Context, c keys.Caller, id string) (Webhook, error) {
	if err := authorize(c); err != nil {
		return Webhook{}, err
	}
	if err := keys.CheckID("webhook", id); err != nil {
		return Webhook{}, err
	}
	w, err := s.store.GetWebhook(ctx, c.UserID, id)
	w.Secret = ""
	return w, err
}

// Update changes an endpoint's URL, description or events. The change and
// its webhook.updated event, which names each changed field with its old
// and new value, are written together; an update that changes nothing is
// no write and no event.
func (s *Service) Update(ctx context.Context, c keys.Caller, id string, in UpdateInput) (Webhook, error) {
	if err := authorize(c); err != nil {
		return Webhook{}, err
	}
	if err := keys.CheckID("webhook", id); err != nil {
		return Webhook{}, err
	}
	var ch Changes
	if in.URL != nil {
		if err := CheckURL(*in.URL, s.cfg.AllowLoopbackHTTP); err != nil {
			return Webhook{}, err
		}
		ch.URL = in.URL
	}
	if in.Description != nil {
		if err := checkDescription(*in.Description); err != nil {
			return Webhook{}, err
		}
		ch.Description = in.Description
	}
	if in.Events != nil {
		events, err := parseEvents(*in.Events)
		if err != nil {
			return Webhook{}, err
		}
		ch.Events = events
	}
	ch.Enabled = in.Enabled
	if ch.URL == nil && ch.Description == nil && ch.Events == nil && ch.Enabled == nil {
		return Webhook{}, apperr.Errorf(apperr.BadRequest, "nothing to change: give url, description, events or enabled")
	}
	var w Webhook
	err := s.againOnConflict(ctx, c.UserID, id, func(old Webhook) error {
		eff, changes := diff(old, ch)
		if len(changes) == 0 {
			w = old
			return nil
		}
		changes["webhookId"] = id
		// Strictly after the last update: updatedAt is what the next
		// update's condition compares.
		at := s.now()
		if !at.After(old.UpdatedAt) {
			at = old.UpdatedAt.Add(keys.TimePrecision)
		}
		var err error
		w, err = s.store.UpdateWebhook(ctx, old, eff, at, s.event(c, keys.EventWebhookUpdated, changes, at))
		return err
	})
	w.Secret = ""
	return w, err
}

// Delete removes an endpoint, with its webhook.deleted event; its delivery
// log ages out.
func (s *Service) Delete(ctx context.Context, c keys.Caller, id string) error {
	if err := authorize(c); err != nil {
		return err
	}
	if err := keys.CheckID("webhook", id); err != nil {
		return err
	}
	return s.againOnConflict(ctx, c.UserID, id, func(old Webhook) error {
		return s.store.DeleteWebhook(ctx, old, s.event(c, keys.EventWebhookDeleted, attributes(old), s.now()))
	})
}

// Test queues a ping to the endpoint and returns its delivery id: the
// delivery itself follows through the same path as every event. Pings are
// capped by PingLimit: one past it is RateLimited, with when to retry, and
// queues nothing.
func (s *Service) Test(ctx context.Context, c keys.Caller, id string) (string, error) {
	if err := authorize(c); err != nil {
		return "", err
	}
	if err := keys.CheckID("webhook", id); err != nil {
		return "", err
	}
	p := Ping{ID: newID("ping_", 12), UserID: c.UserID, WebhookID: id, At: s.now()}
	if err := s.store.PutPing(ctx, p, s.cfg.PingLimit); err != nil {
		return "", err
	}
	return DeliveryID(id, p.ID), nil
}

// Deliveries returns the endpoint's latest deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, c keys.Caller, id string) ([]Delivery, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return nil, err
	}
	return s.store.ListDeliveries(ctx, c.UserID, id, DeliveriesShown)
}

func isNotFound(err error) bool { return apperr.Is(err, apperr.NotFound) }
