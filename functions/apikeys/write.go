package apikeys

import (
	"net/http"

	"keygate/shared/httpapi"
)

// renameRequest is the body of PATCH /open/apikeys/{keyId}.
type renameRequest struct {
	Name *string `json:"name"`
}

// rename handles PATCH /open/apikeys/{keyId}: a new name.
func (f *Function) rename(w http.ResponseWriter, r *http.Request) {
	id, err := f.admin(r)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	var in renameRequest
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		f.fail(w, r, err)
		return
	}
	name, err := validName(in.Name)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	k, err := f.st.RenameKey(r.Context(), id.UserID, r.PathValue("keyId"), name)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	httpapi.JSON(w, http.StatusOK, toKeyJSON(k))
}

// delete handles DELETE /open/apikeys/{keyId}: the key is deleted, then the
// stage's authorizer cache is flushed so that it stops working at once.
func (f *Function) delete(w http.ResponseWriter, r *http.Request) {
	id, err := f.admin(r)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	keyID := r.PathValue("keyId")
	if err := f.st.DeleteKey(r.Context(), id.UserID, keyID); err != nil {
		f.fail(w, r, err)
		return
	}
	f.logger.InfoContext(r.Context(), "api key deleted", "userId", id.UserID, "keyId", keyID, "byKeyId", id.KeyID)
	f.flush(r.Context(), keyID)
	httpapi.NoContent(w)
}
