package apikeys

import (
	"net/http"

	"keygate/shared/access"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// updateRequest is the body of PATCH /open/apikeys/{keyId}: each field
// absent is left alone; allowedCidrs null removes the allowlist.
type updateRequest struct {
	Name         *string                            `json:"name"`
	AllowedCIDRs httpapi.Optional[[]string]         `json:"allowedCidrs"`
	RateLimit    httpapi.Optional[rateLimitRequest] `json:"rateLimit"`
	Quota        httpapi.Optional[quotaRequest]     `json:"quota"`
	// Lanes spreads a hot key's uses over that many items (1: none).
	Lanes *int `json:"lanes"`
}

// update handles PATCH /open/apikeys/{keyId}: a new name, a new allowlist.
func (f *Function) update(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	var in updateRequest
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Name == nil && !in.AllowedCIDRs.Set && !in.RateLimit.Set && !in.Quota.Set && in.Lanes == nil {
		return apperr.Errorf(apperr.BadRequest, "nothing to change: send name, allowedCidrs, rateLimit, quota or lanes")
	}
	ch := keys.KeyChanges{Name: in.Name, SetAllowedCIDRs: in.AllowedCIDRs.Set, SetRateLimit: in.RateLimit.Set, SetQuota: in.Quota.Set, Lanes: in.Lanes}
	if in.AllowedCIDRs.Set && !in.AllowedCIDRs.Null {
		cidrs, err := keys.ParseCIDRs(in.AllowedCIDRs.Value)
		if err != nil {
			return err
		}
		ch.AllowedCIDRs = cidrs
	}
	if in.RateLimit.Set && !in.RateLimit.Null {
		r, err := in.RateLimit.Value.toDomain()
		if err != nil {
			return err
		}
		ch.RateLimit = &r
	}
	if in.Quota.Set && !in.Quota.Null {
		q, err := in.Quota.Value.toDomain()
		if err != nil {
			return err
		}
		ch.Quota = &q
	}
	k, err := f.keys.Update(r.Context(), c.Keys(), r.PathValue("keyId"), ch)
	if err != nil {
		return err
	}
	httpapi.JSON(w, http.StatusOK, k.View(f.keys.Now()))
	return nil
}

// delete handles DELETE /open/apikeys/{keyId}: the key is deleted, then the
// stage's authorizer cache is flushed so that it stops working at once.
//
// A flush failure after the delete still answers 204, with
// X-Keygate-Cache-Flush: failed and an error log line to alert on: the key
// is gone from the table, so every uncached authorization of it fails; a
// 500 would tell the client the deletion failed when it did not, and a retry
// would find no key (404) and could not flush either.
func (f *Function) delete(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	keyID := r.PathValue("keyId")
	flush, err := f.keys.Revoke(r.Context(), c.Keys(), keyID, f.stageCache(r))
	if err != nil {
		return err
	}
	f.logger.InfoContext(r.Context(), "api key deleted", "userId", c.UserID, "keyId", keyID, "byKeyId", c.KeyID, "cacheFlush", flush.String())
	w.Header().Set(FlushHeader, flush.String())
	httpapi.NoContent(w)
	return nil
}
