package apikeys

import (
	"net/http"

	"keygate/shared/access"
	"keygate/shared/apidoc"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// scopeJSON is one scope a key may hold.
type scopeJSON struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Source is "keygate" for keygate's own, "api" for the API document's.
	Source string `json:"source"`
}

// scopeListJSON is GET /open/apikeys/scopes's answer.
type scopeListJSON struct {
	Scopes []scopeJSON `json:"scopes"`
}

// keygateScopes are keygate's own scopes and what each opens.
var keygateScopes = []scopeJSON{
	{string(keys.ScopeRead), "GET your workspaces (and, behind an upstream, their GET and HEAD routes)", "keygate"},
	{string(keys.ScopeWrite), "every method of your workspaces, within your role", "keygate"},
	{string(keys.ScopeAdmin), "manage API keys and read the audit log", "keygate"},
	{string(keys.ScopeWebhook), "manage webhook endpoints", "keygate"},
}

// scopeList is keygate's scopes, then the API document's (those not
// keygate's own), as the document describes them.
func scopeList(api []apidoc.Scope) scopeListJSON {
	out := scopeListJSON{Scopes: append([]scopeJSON{}, keygateScopes...)}
	for _, s := range api {
		if keys.Scope(s.Name).Valid() {
			continue
		}
		out.Scopes = append(out.Scopes, scopeJSON{Name: s.Name, Description: s.Description, Source: "api"})
	}
	return out
}

// scopeNames are the API document's scopes as keys.Config takes them.
func scopeNames(api []apidoc.Scope) []keys.Scope {
	out := make([]keys.Scope, 0, len(api))
	for _, s := range api {
		out = append(out, keys.Scope(s.Name))
	}
	return out
}

// scopes handles GET /open/apikeys/scopes: every scope a key may hold,
// for the API Keys page's create form.
func (f *Function) scopes(w http.ResponseWriter, _ *http.Request, _ access.Caller) error {
	httpapi.JSON(w, http.StatusOK, f.scopeList)
	return nil
}
