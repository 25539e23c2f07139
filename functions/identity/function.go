package identity

import (
	"context"
	"log/slog"
	"net/http"

	"keygate/shared/access"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
	"keygate/shared/routes"
)

// Directory is what the identity routes read of storage: memberships when
// the authorizer's context could not carry them, and workspaces.
// *store.Store implements it.
type Directory interface {
	ListMemberships(ctx context.Context, userID string) ([]keys.Membership, error)
	GetMembership(ctx context.Context, userID, workspaceID string) (keys.Membership, error)
	GetWorkspace(ctx context.Context, id string) (keys.Workspace, error)
}

// Function serves the identity routes.
type Function struct {
	st     Directory
	logger *slog.Logger
	httpapi.Lambda
}

// New builds the function once per Lambda instance.
func New(cfg Config, st Directory) (*Function, error) {
	f := &Function{st: st, logger: cfg.Logger}
	if f.logger == nil {
		f.logger = slog.Default()
	}
	mux, err := httpapi.NewMux(routes.IdentityFunction, map[string]httpapi.KeyHandlerFunc{
		"GET /open/auth/whoami":             f.whoami,
		"GET /open/workspace/{workspaceId}": f.workspace,
	}, f.logger)
	if err != nil {
		return nil, err
	}
	f.Lambda = httpapi.NewLambda(mux, httpapi.Options{AllowOrigin: cfg.AllowOrigin, Logger: f.logger})
	return f, nil
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

// workspaceRoleJSON is one membership in whoami.
type workspaceRoleJSON struct {
	WorkspaceID string    `json:"workspaceId"`
	Role        keys.Role `json:"role"`
}

// whoamiJSON is the answer of GET /open/auth/whoami.
type whoamiJSON struct {
	UserID     string              `json:"userId"`
	KeyID      string              `json:"keyId"`
	Scopes     []keys.Scope        `json:"scopes"`
	Workspaces []workspaceRoleJSON `json:"workspaces"`
}

// workspaceJSON is the answer of GET /open/workspace/{workspaceId}.
type workspaceJSON struct {
	WorkspaceID string    `json:"workspaceId"`
	Name        string    `json:"name"`
	Role        keys.Role `json:"role"`
}

// whoami handles GET /open/auth/whoami. When the authorizer left the
// memberships out (too many for its context), they are read from the store.
func (f *Function) whoami(w http.ResponseWriter, r *http.Request, id access.Caller) error {
	out := whoamiJSON{UserID: id.UserID, KeyID: id.KeyID, Scopes: id.Scopes, Workspaces: []workspaceRoleJSON{}}
	if out.Scopes == nil {
		out.Scopes = []keys.Scope{}
	}
	if id.WorkspacesOverflow {
		ms, err := f.st.ListMemberships(r.Context(), id.UserID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			out.Workspaces = append(out.Workspaces, workspaceRoleJSON{WorkspaceID: m.WorkspaceID, Role: m.Role})
		}
	} else {
		for _, ws := range id.Workspaces {
			out.Workspaces = append(out.Workspaces, workspaceRoleJSON{WorkspaceID: ws.WorkspaceID, Role: ws.Role})
		}
	}
	httpapi.JSON(w, http.StatusOK, out)
	return nil
}

// workspace handles GET /open/workspace/{workspaceId}: 404 for an unknown
// workspace, 403 when the caller is not a member or the key has neither the
// read nor the write scope (as the authorizer's policy already decides).
func (f *Function) workspace(w http.ResponseWriter, r *http.Request, id access.Caller) error {
	if !id.HasScope(keys.ScopeRead) && !id.HasScope(keys.ScopeWrite) {
		// The policy grants workspace routes to read or write keys only.
		return errNotMember
	}
	// Membership first: a non-member learns nothing about whether the
	// workspace exists, as under the authorizer's per-workspace policy,
	// where API Gateway answers 403 before this function runs.
	wsID := r.PathValue("workspaceId")
	if !keys.ValidID(wsID) {
		return errNotMember
	}
	role, err := f.roleIn(r.Context(), id.Identity, wsID)
	if err != nil {
		return err
	}
	ws, err := f.st.GetWorkspace(r.Context(), wsID)
	if err != nil {
		return err
	}
	httpapi.JSON(w, http.StatusOK, workspaceJSON{WorkspaceID: ws.ID, Name: ws.Name, Role: role})
	return nil
}

// roleIn returns the caller's role in the workspace, from the authorizer
// context or, when that overflowed, from the store; Forbidden for a
// non-member.
func (f *Function) roleIn(ctx context.Context, id access.Identity, wsID string) (keys.Role, error) {
	if !id.WorkspacesOverflow {
		if role, ok := id.RoleIn(wsID); ok {
			return role, nil
		}
		return "", errNotMember
	}
	m, err := f.st.GetMembership(ctx, id.UserID, wsID)
	if apperr.Is(err, apperr.NotFound) {
		return "", errNotMember
	}
	if err != nil {
		return "", err
	}
	return m.Role, nil
}

// errNotMember is the answer for a workspace the caller does not belong to.
var errNotMember = apperr.ForbiddenBecause(string(keys.ReasonNotAMember))
