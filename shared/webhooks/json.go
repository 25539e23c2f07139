package webhooks

import (
	"encoding/json"
	"time"
)

// The one JSON shape of an endpoint and of a delivery, for every transport
// (the HTTP function, the CLI's --json).

// webhookJSON is an endpoint as the API shows it.
type webhookJSON struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
	CreatedAt   string   `json:"createdAt"`
	UpdatedAt   string   `json:"updatedAt"`
	// Health (health.go): enabled, and when not, since when and why;
	// failingSince is the first failed attempt since the last success.
	Enabled        bool    `json:"enabled"`
	DisabledAt     *string `json:"disabledAt"`
	DisabledReason *string `json:"disabledReason"`
	FailingSince   *string `json:"failingSince"`
}

func (w Webhook) view() webhookJSON {
	ev := make([]string, len(w.Events))
	for i, e := range w.Events {
		ev[i] = string(e)
	}
	v := webhookJSON{ID: w.ID, URL: w.URL, Description: w.Description, Events: ev, CreatedAt: apiTime(w.CreatedAt), UpdatedAt: apiTime(w.UpdatedAt),
		Enabled: !w.Disabled(), DisabledAt: optTime(w.DisabledAt), FailingSince: optTime(w.FailingSince)}
	if w.Disabled() {
		r := string(w.DisabledReason)
		v.DisabledReason = &r
	}
	return v
}

// MarshalJSON writes the endpoint as the API shows it: never its secret.
func (w Webhook) MarshalJSON() ([]byte, error) { return json.Marshal(w.view()) }

// Created is an endpoint as the answer to its creation shows it: with its
// secret, this once.
type Created struct{ Webhook }

// MarshalJSON writes the endpoint and its secret.
func (c Created) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		webhookJSON
		Secret string `json:"secret"`
	}{c.view(), c.Secret})
}

// MarshalJSON writes the delivery as GET .../deliveries shows it.
func (d Delivery) MarshalJSON() ([]byte, error) {
	out := struct {
		ID             string  `json:"id"`
		Type           string  `json:"type"`
		EventID        string  `json:"eventId"`
		Status         string  `json:"status"`
		Attempts       int     `json:"attempts"`
		LastStatusCode *int    `json:"lastStatusCode"`
		LastError      *string `json:"lastError"`
		LatencyMs      int64   `json:"latencyMs"`
		CreatedAt      string  `json:"createdAt"`
		UpdatedAt      *string `json:"updatedAt"`
		NextRetryAt    *string `json:"nextRetryAt"`
	}{ID: d.ID, Type: string(d.Type), EventID: d.EventID, Status: string(d.Status), Attempts: d.Attempts,
		LatencyMs: d.LatencyMillis, CreatedAt: apiTime(d.CreatedAt)}
	if d.LastStatusCode != 0 {
		out.LastStatusCode = &d.LastStatusCode
	}
	if d.LastError != "" {
		out.LastError = &d.LastError
	}
	if !d.UpdatedAt.IsZero() {
		s := apiTime(d.UpdatedAt)
		out.UpdatedAt = &s
	}
	if !d.NextRetryAt.IsZero() {
		s := apiTime(d.NextRetryAt)
		out.NextRetryAt = &s
	}
	return json.Marshal(out)
}

// optTime is t in the API's format, nil when zero.
func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := apiTime(t)
	return &s
}

// apiTime is the API's time format: RFC 3339, UTC, milliseconds.
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// MarshalJSON writes the rotation's answer: the endpoint's id, its new
// secret, this once, and when the replaced secrets stop signing (null:
// they already have).
func (r Rotated) MarshalJSON() ([]byte, error) {
	var until *string
	if !r.PreviousSecretValidUntil.IsZero() {
		s := apiTime(r.PreviousSecretValidUntil)
		until = &s
	}
	return json.Marshal(struct {
		ID                       string  `json:"id"`
		Secret                   string  `json:"secret"`
		PreviousSecretValidUntil *string `json:"previousSecretValidUntil"`
	}{r.ID, r.Secret, until})
}
