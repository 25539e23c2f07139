package apikeys

import (
	"net/http"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/httpapi"
)

// rotateRequest is the optional body of POST /open/apikeys/{keyId}/rotate.
type rotateRequest struct {
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds"`
}

// rotate handles POST /open/apikeys/{keyId}/rotate: a new key with the old
// one's name, scopes and expiry; the old key is deleted (grace 0) or expires
// after the grace period, in the same transaction.
func (f *Function) rotate(w http.ResponseWriter, r *http.Request) {
	id, err := f.admin(r)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	var in rotateRequest
	if err := httpapi.DecodeOptionalJSON(r, &in); err != nil {
		f.fail(w, r, err)
		return
	}
	var grace int64
	if in.GracePeriodSeconds != nil {
		grace = *in.GracePeriodSeconds
		if grace < 0 || grace > MaxGracePeriodSeconds {
			f.fail(w, r, apperr.Errorf(apperr.BadRequest, "gracePeriodSeconds must be from 0 to %d", MaxGracePeriodSeconds))
			return
		}
	}
	now := f.st.Now()
	old, err := f.st.GetKey(r.Context(), id.UserID, r.PathValue("keyId"))
	if err != nil {
		f.fail(w, r, err)
		return
	}
	if err := withinScopes(old.Scopes, id.Scopes); err != nil {
		f.fail(w, r, err)
		return
	}
	if old.Expired(now) {
		f.fail(w, r, apperr.Errorf(apperr.Conflict, "the key has expired: create a new key instead"))
		return
	}
	k, token, err := f.newKey(id.UserID, old.Name, old.Scopes, now, old.ExpiresAt)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	var oldExpiresAt *time.Time
	if grace > 0 {
		t := now.Add(time.Duration(grace) * time.Second)
		if old.ExpiresAt != nil && old.ExpiresAt.Before(t) {
			t = *old.ExpiresAt
		}
		oldExpiresAt = &t
	}
	if err := f.st.RotateKey(r.Context(), id.UserID, old.ID, k, oldExpiresAt); err != nil {
		f.fail(w, r, err)
		return
	}
	f.logger.InfoContext(r.Context(), "api key rotated", "userId", id.UserID, "oldKeyId", old.ID,
		"keyId", k.ID, "gracePeriodSeconds", grace, "byKeyId", id.KeyID)
	f.flush(r.Context(), old.ID)
	httpapi.JSON(w, http.StatusCreated, createdKeyJSON{keyJSON: toKeyJSON(k), APIKey: token})
}
