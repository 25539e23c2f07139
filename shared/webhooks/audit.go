package webhooks

import (
	"context"
	"net/url"
	"slices"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// changeAttempts bounds how often an update or delete is read and written
// again when a concurrent change beat it: each write is conditioned on the
// endpoint as read, so its event states exactly what changed.
const changeAttempts = 3

// now is the service's clock at the precision times are stored.
func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(keys.TimePrecision) }

// event is the audit event of a change c makes to one of its endpoints at
// now: in the log of c's user, with no key (changes name the endpoint).
func (s *Service) event(c keys.Caller, t keys.EventType, changes map[string]any, at time.Time) *keys.Event {
	return keys.NewEvent(c, t, "", changes, at, s.cfg.AuditRetention)
}

// againOnConflict reads the caller's endpoint id and runs change on it,
// again (on a fresh read) when the write reports a Conflict: the endpoint
// changed between the read and the write.
func (s *Service) againOnConflict(ctx context.Context, userID, id string, change func(old Webhook) error) error {
	for range changeAttempts {
		old, err := s.store.GetWebhook(ctx, userID, id)
		if err != nil {
			return err
		}
		if err = change(old); !apperr.Is(err, apperr.Conflict) {
			return err
		}
	}
	return apperr.Errorf(apperr.Conflict, "webhook %s changed concurrently: try again", id)
}

// attributes are the fields of w an audit event records: never its
// secret, and of its URL only the origin (auditURL).
func attributes(w Webhook) map[string]any {
	return map[string]any{"webhookId": w.ID, "url": auditURL(w.URL), "events": eventNames(w.Events), "description": w.Description}
}

// diff returns the changes of ch that differ from old, and each as the
// audit event records it: {"from":…,"to":…}. A URL counts as changed when
// any part of it does, though the event shows only the origins.
func diff(old Webhook, ch Changes) (Changes, map[string]any) {
	var eff Changes
	changes := map[string]any{}
	if ch.URL != nil && *ch.URL != old.URL {
		eff.URL = ch.URL
		changes["url"] = map[string]any{"from": auditURL(old.URL), "to": auditURL(*ch.URL)}
	}
	if ch.Description != nil && *ch.Description != old.Description {
		eff.Description = ch.Description
		changes["description"] = map[string]any{"from": old.Description, "to": *ch.Description}
	}
	if ch.Events != nil && !slices.Equal(ch.Events, old.Events) {
		eff.Events = ch.Events
		changes["events"] = map[string]any{"from": eventNames(old.Events), "to": eventNames(ch.Events)}
	}
	if ch.Enabled != nil && *ch.Enabled == old.Disabled() {
		eff.Enabled = ch.Enabled
		changes["enabled"] = map[string]any{"from": !old.Disabled(), "to": *ch.Enabled}
	}
	return eff, changes
}

// auditURL is an endpoint URL as the audit log records it: its origin
// (scheme, host and port) only. A path or query may carry a credential —
// Slack's and Discord's webhook URLs do — and the log, which admin keys
// read and deliveries carry, never holds one.
func auditURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

func eventNames(ts []EventType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}
