package keys

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"keygate/shared/apperr"
)

// EventType names a change recorded in the audit log.
type EventType string

// The audit event types of key changes.
const (
	EventKeyCreated EventType = "key.created"
	EventKeyUpdated EventType = "key.updated"
	EventKeyRotated EventType = "key.rotated"
	EventKeyRevoked EventType = "key.revoked"
)

// The audit event types of webhook endpoint changes (shared/webhooks).
const (
	EventWebhookCreated EventType = "webhook.created"
	EventWebhookUpdated EventType = "webhook.updated"
	EventWebhookDeleted EventType = "webhook.deleted"
	// EventWebhookDisabled: keygate disabled an endpoint whose every
	// delivery failed for webhooks.DefaultDisableAfter.
	EventWebhookDisabled EventType = "webhook.disabled"
	// EventWebhookDeliveryRetried: a failed delivery was queued again
	// (POST /open/webhooks/{id}/deliveries/{deliveryId}/retry).
	EventWebhookDeliveryRetried EventType = "webhook.delivery_retried"
)

// The audit event types of membership changes (Memberships): a user given
// a role in a workspace, their role changed, or taken out.
const (
	EventMembershipAdded   EventType = "membership.added"
	EventMembershipUpdated EventType = "membership.updated"
	EventMembershipRemoved EventType = "membership.removed"
)

// KeyEventTypes are the event types of key changes, in the order above.
var KeyEventTypes = []EventType{EventKeyCreated, EventKeyUpdated, EventKeyRotated, EventKeyRevoked}

// WebhookEventTypes are the event types of webhook endpoint changes.
var WebhookEventTypes = []EventType{EventWebhookCreated, EventWebhookUpdated, EventWebhookDeleted, EventWebhookDisabled, EventWebhookDeliveryRetried}

// MembershipEventTypes are the event types of membership changes.
var MembershipEventTypes = []EventType{EventMembershipAdded, EventMembershipUpdated, EventMembershipRemoved}

// EventTypes are every type the audit log records: key, webhook and
// membership changes, in that order.
var EventTypes = slices.Concat(KeyEventTypes, WebhookEventTypes, MembershipEventTypes)

// Event is one audit log entry: a change to one of a user's keys, webhook
// endpoints or workspace memberships, who made it and from where. It never
// holds a token, a hash, a webhook secret or any other secret: Changes
// names attributes and their public values only.
type Event struct {
	ID     string
	Type   EventType
	At     time.Time
	UserID string
	Actor  Actor
	// KeyID is the key changed ("" for events about no key: a webhook's
	// event names it in Changes as webhookId, a membership's its
	// workspaceId).
	KeyID string
	// Changes says what changed: for a create the new key's attributes, for
	// an update each changed attribute as {"from":…,"to":…}.
	Changes map[string]any
	// Expires is when the log forgets the event (Config.AuditRetention);
	// zero keeps it.
	Expires time.Time
}

// Actor is who made a change: an API key (KeyID) or an operator of the CLI
// (Operator), and the request's source address, user agent and id.
type Actor struct {
	KeyID     string
	Operator  string
	SourceIP  string
	UserAgent string
	RequestID string
}

// AuditStore reads the audit log; shared/store implements it. Events are
// written by the Store methods that make the changes, in the same
// transaction.
type AuditStore interface {
	ListEvents(ctx context.Context, userID string, q EventQuery, limit int, position string) ([]Event, string, error)
}

// EventQuery filters the audit log: by key and by type ("" for any).
type EventQuery struct {
	KeyID string
	Type  EventType
}

// EventPage is one page of audit events, newest first.
type EventPage struct {
	Events     []Event
	NextCursor string
}

// ParseEventType returns the known event type named s.
func ParseEventType(s string) (EventType, error) {
	for _, t := range EventTypes {
		if string(t) == s {
			return t, nil
		}
	}
	names := make([]string, len(EventTypes))
	for i, t := range EventTypes {
		names[i] = string(t)
	}
	return "", apperr.Errorf(apperr.BadRequest, "unknown event type %q: want one of %s", s, strings.Join(names, ", "))
}

// newEvent is the event of a change c makes to keyID now.
func (s *Service) newEvent(c Caller, t EventType, keyID string, changes map[string]any) *Event {
	return NewEvent(c, t, keyID, changes, s.Now(), s.cfg.AuditRetention)
}

// NewEvent is the audit event of a change of type t that c makes at now
// to keyID ("" for a change to no key), kept for retention (0: forever):
// the one constructor every use case that writes the log calls, so every
// event names its actor the same way. changes must hold no secret.
func NewEvent(c Caller, t EventType, keyID string, changes map[string]any, now time.Time, retention time.Duration) *Event {
	var b [10]byte
	_, _ = rand.Read(b[:]) // never fails: it crashes the program instead
	if changes == nil {
		changes = map[string]any{}
	}
	now = now.UTC().Truncate(TimePrecision)
	var expires time.Time
	if retention > 0 {
		expires = now.Add(retention)
	}
	return &Event{
		ID: "evt" + hex.EncodeToString(b[:]), Type: t, At: now, Expires: expires, UserID: c.UserID, KeyID: keyID,
		Actor:   Actor{KeyID: c.KeyID, Operator: c.Operator, SourceIP: c.SourceIP, UserAgent: c.UserAgent, RequestID: c.RequestID},
		Changes: changes,
	}
}

// Events returns a page of the caller's audit log, newest first; the
// caller must be allowed to manage keys. cursor is "" or a NextCursor this
// service issued for the same user.
func (s *Service) Events(ctx context.Context, c Caller, q EventQuery, limit int, cursor string) (EventPage, error) {
	m, err := s.manager(ctx, c)
	if err != nil {
		return EventPage{}, err
	}
	if q.KeyID != "" && !ValidID(q.KeyID) {
		return EventPage{}, apperr.Errorf(apperr.BadRequest, "keyId must match ^[A-Za-z0-9_-]{1,64}$")
	}
	position, err := s.cursors.open(m.UserID+"/audit", cursor)
	if err != nil {
		return EventPage{}, err
	}
	if s.audit == nil {
		return EventPage{}, apperr.Errorf(apperr.Internal, "keys: no audit store")
	}
	if limit <= 0 {
		limit = DefaultPageSize
	}
	evs, next, err := s.audit.ListEvents(ctx, m.UserID, q, min(limit, MaxPageSize), position)
	if err != nil {
		return EventPage{}, err
	}
	return EventPage{Events: evs, NextCursor: s.cursors.seal(m.UserID+"/audit", next)}, nil
}

// keyAttributes are the attributes of k a key.created event records: the
// settings of its View (a quota without its use, which is not set but
// counted), never a secret.
func keyAttributes(k Key) map[string]any {
	v := k.View(k.CreatedAt) // any time: the quota's use is left out
	out := map[string]any{"name": v.Name, "scopes": v.Scopes, "expiresAt": attribute(v.ExpiresAt),
		"rateLimit": attribute(v.RateLimit), "quota": nil}
	if v.AllowedCIDRs != nil {
		out["allowedCidrs"] = v.AllowedCIDRs
	} else {
		out["allowedCidrs"] = nil
	}
	if v.Quota != nil {
		out["quota"] = &v.Quota.QuotaSettingView
	}
	return out
}

// rateOrNil and quotaOrNil are limits as audit events record them: as the
// View shows them, the quota as set.
func rateOrNil(r *RateLimit) any { return attribute(rateView(r)) }

func quotaOrNil(q *Quota) any { return attribute(quotaSetting(q)) }

// attribute is v as an audit event's changes hold it: nil (JSON null) for
// none.
func attribute[T any](v *T) any {
	if v == nil {
		return nil
	}
	return v
}

func timeOrNil(t *time.Time) any { return attribute(formatTimePtr(t)) }
