// Package workspacerole is the worked example of docs/extend.md: your own
// Lambda behind keygate's authorizer. It serves
// GET /open/workspace/{workspaceId}/role, answering who the caller is in
// that workspace, from the identity the authorizer put in the request
// context. keygate's own template does not deploy it; the e2e tests build
// it and call it through the local gateway.
package workspacerole

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"keygate/shared/access"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
)

// Route is the example's one route, as template.yaml declares it.
const Route = "GET /open/workspace/{workspaceId}/role"

// Memberships looks a membership up when the authorizer's context could
// not carry the caller's workspaces (access.ModeOverflow). *store.Store
// implements it.
type Memberships interface {
	GetMembership(ctx context.Context, userID, workspaceID string) (keys.Membership, error)
}

// roleJSON is the answer.
type roleJSON struct {
	WorkspaceID string       `json:"workspaceId"`
	Role        keys.Role    `json:"role"`
	UserID      string       `json:"userId"`
	KeyID       string       `json:"keyId"`
	Scopes      []keys.Scope `json:"scopes"`
}

// New returns the function: a ServeMux with the one route, adapted to API
// Gateway's proxy events by httpapi (the error envelope, CORS, logging).
func New(m Memberships, logger *slog.Logger) httpapi.Lambda {
	mux := http.NewServeMux()
	mux.HandleFunc(Route, func(w http.ResponseWriter, r *http.Request) {
		if err := role(m, w, r); err != nil {
			httpapi.Error(w, r, logger, err)
		}
	})
	return httpapi.NewLambda(mux, httpapi.Options{Logger: logger})
}

// role answers the caller's role in the path's workspace. The
// authorizer's policy already refused callers who are not members; the
// function checks again, as every function behind the authorizer must,
// because a policy may be cached with a workspace wildcard
// (access.ModeWorkspaceWildcard).
func role(m Memberships, w http.ResponseWriter, r *http.Request) error {
	id, err := access.IdentityFromContext(r.Context())
	if err != nil {
		return err // not behind the authorizer: a 500, never an answer
	}
	ws := r.PathValue("workspaceId")
	role, ok := id.RoleIn(ws)
	if !ok && id.WorkspacesOverflow {
		mb, err := m.GetMembership(r.Context(), id.UserID, ws)
		switch {
		case apperr.CodeOf(err) == apperr.NotFound:
		case err != nil:
			return err
		default:
			role, ok = mb.Role, true
		}
	}
	if !ok {
		// The spec's 403 body; the reason goes to X-Keygate-Reason and the log.
		return apperr.ForbiddenBecause("NOT_A_MEMBER")
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(roleJSON{WorkspaceID: ws, Role: role, UserID: id.UserID, KeyID: id.KeyID, Scopes: id.Scopes})
}
