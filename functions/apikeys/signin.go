package apikeys

import (
	"net/http"

	"keygate/shared/access"
	"keygate/shared/httpapi"
)

// signIn handles POST /open/console/session: the API Keys page exchanges
// the console link's key it was opened with (the caller; the authorizer
// admits such a key on this route only) for a session key, returned once.
// The link key is deleted in the same transaction, so a second use is a
// 403, and the authorizer cache is flushed as by delete.
func (f *Function) signIn(w http.ResponseWriter, r *http.Request, c access.Caller) error {
	in, err := f.keys.ExchangeSignInLink(r.Context(), c.Keys(), f.stageCache(r))
	if err != nil {
		return err
	}
	f.logger.InfoContext(r.Context(), "console signed in", "userId", c.UserID, "keyId", in.Key.ID,
		"linkKeyId", in.LinkKeyID, "cacheFlush", in.Flush.String())
	w.Header().Set(FlushHeader, in.Flush.String())
	httpapi.JSON(w, http.StatusCreated, in.Issued.View(f.keys.Now()))
	return nil
}
