package apikeys

import (
	"net/http"

	"keygate/shared/apperr"
	"keygate/shared/httpapi"
)

// renameRequest is the body of PATCH /open/apikeys/{keyId}.
type renameRequest struct {
	Name *string `json:"name"`
}

// rename handles PATCH /open/apikeys/{keyId}: a new name.
func (f *Function) rename(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	var in renameRequest
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Name == nil {
		return apperr.Errorf(apperr.BadRequest, "name is required")
	}
	k, err := f.keys.Rename(r.Context(), c, r.PathValue("keyId"), *in.Name)
	if err != nil {
		return err
	}
	httpapi.JSON(w, http.StatusOK, toKeyJSON(k))
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
func (f *Function) delete(w http.ResponseWriter, r *http.Request) error {
	c, err := caller(r)
	if err != nil {
		return err
	}
	keyID := r.PathValue("keyId")
	flush, err := f.keys.Revoke(r.Context(), c, keyID, f.stageCache(r))
	if err != nil {
		return err
	}
	f.logger.InfoContext(r.Context(), "api key deleted", "userId", c.UserID, "keyId", keyID, "byKeyId", c.KeyID, "cacheFlush", flush.String())
	w.Header().Set(FlushHeader, flush.String())
	httpapi.NoContent(w)
	return nil
}
