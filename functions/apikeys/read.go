package apikeys

import (
	"net/http"
	"strconv"
	"time"

	"keygate/shared/access"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// listJSON is a page of keys.
type listJSON struct {
	Items      []keys.View `json:"items"`
	NextCursor *string     `json:"nextCursor"`
}

// list handles GET /open/apikeys?limit=&cursor=: the caller's keys, newest
// first, a page at a time.
func (f *Function) list(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	q := r.URL.Query()
	limit := keys.DefaultPageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > keys.MaxPageSize {
			return apperr.Errorf(apperr.BadRequest, "limit must be an integer from 1 to %d", keys.MaxPageSize)
		}
		limit = n
	}
	page, err := f.keys.List(r.Context(), c.Keys(), limit, q.Get("cursor"))
	if err != nil {
		return err
	}
	out := listJSON{Items: make([]keys.View, 0, len(page.Keys))}
	for _, k := range page.Keys {
		out.Items = append(out.Items, k.View(f.keys.Now()))
	}
	if page.NextCursor != "" {
		out.NextCursor = &page.NextCursor
	}
	httpapi.JSON(w, http.StatusOK, out)
	return nil
}

// get handles GET /open/apikeys/{keyId}.
func (f *Function) get(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	k, err := f.keys.Get(r.Context(), c.Keys(), r.PathValue("keyId"))
	if err != nil {
		return err
	}
	httpapi.JSON(w, http.StatusOK, k.View(f.keys.Now()))
	return nil
}

// usageView is the body of GET /open/apikeys/{keyId}/usage.
type usageView struct {
	KeyID       string            `json:"keyId"`
	Granularity keys.Granularity  `json:"granularity"`
	Buckets     []usageBucketView `json:"buckets"`
}

type usageBucketView struct {
	Start string `json:"start"`
	Count int64  `json:"count"`
}

// usage handles GET /open/apikeys/{keyId}/usage?granularity=hour|day&from=&to=.
func (f *Function) usage(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	q := keys.UsageQuery{Granularity: keys.Hourly}
	params := r.URL.Query()
	if g := params.Get("granularity"); g != "" {
		q.Granularity = keys.Granularity(g)
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		name, dst := p.name, p.dst
		if v := params.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return apperr.Errorf(apperr.BadRequest, "%s must be an RFC 3339 time, e.g. 2026-12-07T10:00:00Z", name)
			}
			*dst = t
		}
	}
	u, err := f.keys.Usage(r.Context(), c.Keys(), r.PathValue("keyId"), q)
	if err != nil {
		return err
	}
	out := usageView{KeyID: u.KeyID, Granularity: u.Granularity, Buckets: make([]usageBucketView, len(u.Buckets))}
	for i, b := range u.Buckets {
		out.Buckets[i] = usageBucketView{Start: keys.FormatTime(b.Start), Count: b.Count}
	}
	httpapi.JSON(w, http.StatusOK, out)
	return nil
}
