package apikeys

import (
	"fmt"
	"net/http"

	"keygate/shared/apikey"
	"keygate/shared/httpapi"
	"keygate/shared/store"
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
	now := f.now()
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
	gen, err := apikey.Generate(f.cfg.KeyPrefix)
	if err != nil {
		f.fail(w, r, fmt.Errorf("generate key: %w", err))
		return
	}
	k := store.Key{
		ID: gen.ID, UserID: id.UserID, Name: name, Hash: gen.Hash, Start: gen.Start,
		Scopes: scopes, CreatedAt: now, ExpiresAt: expiresAt,
	}
	if err := f.st.CreateKey(r.Context(), k); err != nil {
		f.fail(w, r, err)
		return
	}
	f.logger.InfoContext(r.Context(), "api key created", "userId", id.UserID, "keyId", k.ID, "byKeyId", id.KeyID)
	httpapi.JSON(w, http.StatusCreated, createdKeyJSON{keyJSON: toKeyJSON(k), APIKey: gen.Token})
}
