package apikeys

import (
	"net/http"
	"time"

	"keygate/shared/access"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// rotateRequest is the optional body of POST /open/apikeys/{keyId}/rotate.
type rotateRequest struct {
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds"`
}

// maxGraceSeconds is keys.MaxGracePeriod in the API's unit.
const maxGraceSeconds = int64(keys.MaxGracePeriod / time.Second)

// rotate handles POST /open/apikeys/{keyId}/rotate: a new key with the old
// one's attributes; the old key is deleted (grace 0) or expires after the
// grace period, in the same transaction. The cache is flushed as by delete.
func (f *Function) rotate(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	var in rotateRequest
	if err := httpapi.DecodeOptionalJSON(r, &in); err != nil {
		return err
	}
	var grace time.Duration
	if in.GracePeriodSeconds != nil {
		// Out-of-range values are refused by keys.CheckGrace; clamp first
		// so a huge number cannot overflow into a valid duration.
		grace = time.Duration(min(max(*in.GracePeriodSeconds, -1), maxGraceSeconds+1)) * time.Second
	}
	rot, err := f.keys.Rotate(r.Context(), c.Keys(), r.PathValue("keyId"), grace, f.stageCache(r))
	if err != nil {
		return err
	}
	f.logger.InfoContext(r.Context(), "api key rotated", "userId", c.UserID, "oldKeyId", rot.OldKeyID,
		"keyId", rot.Key.ID, "gracePeriodSeconds", int64(grace/time.Second), "byKeyId", c.KeyID, "cacheFlush", rot.Flush.String())
	w.Header().Set(FlushHeader, rot.Flush.String())
	httpapi.JSON(w, http.StatusCreated, rot.Issued.View(f.keys.Now()))
	return nil
}
