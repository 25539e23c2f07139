package apikeys

import (
	"net/http"
	"strconv"

	"keygate/shared/apperr"
	"keygate/shared/httpapi"
)

// list handles GET /open/apikeys?limit=&cursor=: the caller's keys, newest
// first, a page at a time.
func (f *Function) list(w http.ResponseWriter, r *http.Request) {
	id, err := f.admin(r)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	limit := defaultLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			f.fail(w, r, apperr.Errorf(apperr.BadRequest, "limit must be an integer from 1 to %d", maxLimit))
			return
		}
		limit = n
	}
	cursor := q.Get("cursor")
	if len(cursor) > maxCursorLen {
		f.fail(w, r, apperr.Errorf(apperr.BadRequest, "invalid cursor"))
		return
	}
	keys, next, err := f.st.ListKeys(r.Context(), id.UserID, limit, cursor)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	out := listJSON{Items: make([]keyJSON, 0, len(keys))}
	for _, k := range keys {
		out.Items = append(out.Items, toKeyJSON(k))
	}
	if next != "" {
		out.NextCursor = &next
	}
	httpapi.JSON(w, http.StatusOK, out)
}

// get handles GET /open/apikeys/{keyId}.
func (f *Function) get(w http.ResponseWriter, r *http.Request) {
	id, err := f.admin(r)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	k, err := f.st.GetKey(r.Context(), id.UserID, r.PathValue("keyId"))
	if err != nil {
		f.fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, toKeyJSON(k))
}
