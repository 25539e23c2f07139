package webhooks

import (
	"context"
	"slices"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// Secret rotation: a new secret signs every delivery at once; the replaced
// one keeps signing too, beside it in webhook-signature, until the overlap
// ends, so a receiver that verifies with the standard's libraries switches
// without losing a delivery.
const (
	// DefaultOverlap is how long a replaced secret keeps signing when the
	// rotation names no overlap.
	DefaultOverlap = 24 * time.Hour
	// MaxOverlap bounds it.
	MaxOverlap = 7 * 24 * time.Hour
	// MaxPreviousSecrets bounds the replaced secrets still signing: a
	// rotation past it ends the oldest one's overlap at once.
	MaxPreviousSecrets = 3
)

// Rotated is an endpoint whose secret was just rotated, as the answer
// shows it: with its new secret, this once, and when the replaced one
// stops signing (zero: at once).
type Rotated struct {
	Webhook
	PreviousSecretValidUntil time.Time
}

// RotateSecret gives the endpoint a new secret and returns it, shown this
// once. The replaced secret keeps signing deliveries, beside the new one
// in webhook-signature, for overlap (nil: DefaultOverlap; at most
// MaxOverlap; 0: every replaced secret stops at once, for a leaked one);
// X-Webhook-Signature, which holds one signature, is the new secret's from
// now on. The change is written with
// its webhook.updated event, which says the secret was rotated and until
// when the old one signs, never a secret.
func (s *Service) RotateSecret(ctx context.Context, c keys.Caller, id string, overlap *time.Duration) (Rotated, error) {
	if err := authorize(c); err != nil {
		return Rotated{}, err
	}
	if err := keys.CheckID("webhook", id); err != nil {
		return Rotated{}, err
	}
	o := DefaultOverlap
	if overlap != nil {
		o = *overlap
	}
	if o < 0 || o > MaxOverlap || o%time.Second != 0 {
		return Rotated{}, apperr.Errorf(apperr.BadRequest, "overlapSeconds: whole seconds from 0 to %d (7 days)", int(MaxOverlap/time.Second))
	}
	secret := NewSecret()
	var out Rotated
	err := s.againOnConflict(ctx, c.UserID, id, func(old Webhook) error {
		at := s.now()
		if !at.After(old.UpdatedAt) {
			at = old.UpdatedAt.Add(keys.TimePrecision)
		}
		previous, until := previousSecrets(old, at, o)
		changes := map[string]any{"webhookId": id, "secret": map[string]any{"rotated": true, "overlapSeconds": int64(o / time.Second),
			"previousValidUntil": eventTime(until)}}
		w, err := s.store.UpdateWebhook(ctx, old, Changes{Secret: &secret, PreviousSecrets: previous}, at,
			s.event(c, keys.EventWebhookUpdated, changes, at))
		out = Rotated{Webhook: w, PreviousSecretValidUntil: until}
		return err
	})
	if err != nil {
		return Rotated{}, err
	}
	out.PreviousSecrets = nil
	return out, nil
}

// previousSecrets are old's secrets that sign beside a new one from at,
// the latest ending first: every secret the rotation replaces — old's
// current one and its previous ones still signing — until at+overlap at
// the latest (a previous one whose own overlap ends sooner, then), at most
// MaxPreviousSecrets; none when overlap is 0. until is at+overlap: from
// then on only the new secret signs (zero when overlap is 0).
func previousSecrets(old Webhook, at time.Time, overlap time.Duration) ([]PreviousSecret, time.Time) {
	out := []PreviousSecret{} // not nil: the rotation replaces the list
	if overlap == 0 {
		return out, time.Time{}
	}
	until := at.Add(overlap)
	out = append(out, PreviousSecret{Secret: old.Secret, Until: until})
	for _, p := range old.PreviousSecrets {
		if p.Until.After(until) {
			p.Until = until
		}
		if at.Before(p.Until) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b PreviousSecret) int { return b.Until.Compare(a.Until) })
	if len(out) > MaxPreviousSecrets {
		out = out[:MaxPreviousSecrets]
	}
	return out, until
}

// eventTime is t as the audit event shows it (nil for the zero time).
func eventTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return apiTime(t)
}
