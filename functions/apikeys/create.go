package apikeys

import (
	"fmt"
	"net/http"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// createRequest is the body of POST /open/apikeys.
type createRequest struct {
	Name      *string   `json:"name"`
	Scopes    *[]string `json:"scopes"`
	ExpiresAt *string   `json:"expiresAt"`
}

// create handles POST /open/apikeys: a new key for the caller, its token
// returned this once.
func (f *Function) create(w http.ResponseWriter, r *http.Request) {
	id, err := f.admin(r)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	var in createRequest
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		f.fail(w, r, err)
		return
	}
	now := f.st.Now()
	name, err := validName(in.Name)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	scopes, err := grantScopes(in.Scopes, id.Scopes)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	expiresAt, err := validExpiry(in.ExpiresAt, now)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	k, token, err := f.newKey(id.UserID, name, scopes, now, expiresAt)
	if err != nil {
		f.fail(w, r, err)
		return
	}
	if err := f.st.CreateKey(r.Context(), k); err != nil {
		f.fail(w, r, err)
		return
	}
	f.logger.InfoContext(r.Context(), "api key created", "userId", id.UserID, "keyId", k.ID, "byKeyId", id.KeyID)
	httpapi.JSON(w, http.StatusCreated, createdKeyJSON{keyJSON: toKeyJSON(k), APIKey: token})
}

// newKey is the step create and rotate share: a fresh token and the key to
// store for it (its hash, never the token). The token is returned apart, for
// the one answer that shows it.
func (f *Function) newKey(userID, name string, scopes []keys.Scope, now time.Time, expiresAt *time.Time) (keys.Key, string, error) {
	gen, err := apikey.Generate(f.cfg.KeyPrefix)
	if err != nil {
		return keys.Key{}, "", fmt.Errorf("generate key: %w", err)
	}
	return keys.NewKey(gen, userID, name, scopes, now, expiresAt), gen.Token, nil
}
