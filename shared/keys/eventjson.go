package keys

import "encoding/json"

// eventJSON is an audit event as every transport shows it (GET /open/audit
// and `keygate audit ls --json`): absent ids null, times in TimeFormat.
type eventJSON struct {
	ID        string         `json:"id"`
	Type      EventType      `json:"type"`
	CreatedAt string         `json:"createdAt"`
	UserID    string         `json:"userId"`
	Actor     actorJSON      `json:"actor"`
	KeyID     *string        `json:"keyId"`
	Changes   map[string]any `json:"changes"`
}

// actorJSON is who made a change: a key or an operator, and from where.
type actorJSON struct {
	KeyID     *string `json:"keyId"`
	Operator  *string `json:"operator"`
	SourceIP  string  `json:"sourceIp"`
	UserAgent string  `json:"userAgent"`
	RequestID string  `json:"requestId"`
}

// MarshalJSON writes the event in the API's shape. Expires is not part of
// it: retention is the deployment's, not the event's.
func (e Event) MarshalJSON() ([]byte, error) {
	return json.Marshal(eventJSON{
		ID: e.ID, Type: e.Type, CreatedAt: FormatTime(e.At), UserID: e.UserID, KeyID: nullIfEmpty(e.KeyID),
		Actor: actorJSON{KeyID: nullIfEmpty(e.Actor.KeyID), Operator: nullIfEmpty(e.Actor.Operator),
			SourceIP: e.Actor.SourceIP, UserAgent: e.Actor.UserAgent, RequestID: e.Actor.RequestID},
		Changes: e.Changes,
	})
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
