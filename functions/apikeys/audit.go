package apikeys

import (
	"net/http"
	"strconv"

	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// eventJSON is an audit event as clients see it: never a token or hash.
type eventJSON struct {
	ID        string         `json:"id"`
	Type      keys.EventType `json:"type"`
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

// eventListJSON is a page of audit events.
type eventListJSON struct {
	Items      []eventJSON `json:"items"`
	NextCursor *string     `json:"nextCursor"`
}

// toEventJSON is an audit event in the API's shape.
func toEventJSON(ev keys.Event) eventJSON {
	return eventJSON{
		ID: ev.ID, Type: ev.Type, CreatedAt: formatTime(ev.At), UserID: ev.UserID, KeyID: nonEmpty(ev.KeyID),
		Actor: actorJSON{KeyID: nonEmpty(ev.Actor.KeyID), Operator: nonEmpty(ev.Actor.Operator),
			SourceIP: ev.Actor.SourceIP, UserAgent: ev.Actor.UserAgent, RequestID: ev.Actor.RequestID},
		Changes: ev.Changes,
	}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// audit handles GET /open/audit?keyId=&type=&limit=&cursor=: the caller's
// audit log, newest first.
func (f *Function) audit(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	q := keys.EventQuery{KeyID: qs.Get("keyId")}
	if t := qs.Get("type"); t != "" {
		if q.Type, err = keys.ParseEventType(t); err != nil {
			return err
		}
	}
	limit := keys.DefaultPageSize
	if s := qs.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > keys.MaxPageSize {
			return apperr.Errorf(apperr.BadRequest, "limit must be an integer from 1 to %d", keys.MaxPageSize)
		}
		limit = n
	}
	page, err := f.keys.Events(r.Context(), c, q, limit, qs.Get("cursor"))
	if err != nil {
		return err
	}
	out := eventListJSON{Items: make([]eventJSON, 0, len(page.Events))}
	for _, ev := range page.Events {
		out.Items = append(out.Items, toEventJSON(ev))
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	httpapi.JSON(w, http.StatusOK, out)
	return nil
}
