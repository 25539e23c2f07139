package apikeys

import (
	"net/http"
	"strconv"

	"keygate/shared/access"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// eventListJSON is a page of audit events, each in keys.Event's JSON.
type eventListJSON struct {
	Items      []keys.Event `json:"items"`
	NextCursor *string      `json:"nextCursor"`
}

// audit handles GET /open/audit?keyId=&type=&limit=&cursor=: the caller's
// audit log, newest first.
func (f *Function) audit(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	qs := r.URL.Query()
	q := keys.EventQuery{KeyID: qs.Get("keyId")}
	if t := qs.Get("type"); t != "" {
		typ, err := keys.ParseEventType(t)
		if err != nil {
			return err
		}
		q.Type = typ
	}
	limit := keys.DefaultPageSize
	if s := qs.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > keys.MaxPageSize {
			return apperr.Errorf(apperr.BadRequest, "limit must be an integer from 1 to %d", keys.MaxPageSize)
		}
		limit = n
	}
	page, err := f.keys.Events(r.Context(), c.Keys(), q, limit, qs.Get("cursor"))
	if err != nil {
		return err
	}
	out := eventListJSON{Items: page.Events}
	if out.Items == nil {
		out.Items = []keys.Event{}
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	httpapi.JSON(w, http.StatusOK, out)
	return nil
}
