package access

import (
	"context"
	"errors"
	"fmt"
	"keygate/shared/keys"
	"slices"
	"strings"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
)

// ErrContext is wrapped by every error reading an authorizer context: the
// context is missing or malformed, which is a configuration error (500), never
// an anonymous or default identity.
var ErrContext = errors.New("access: invalid authorizer context")

// WorkspaceRole is the caller's role in one workspace.
type WorkspaceRole struct {
	WorkspaceID string
	Role        keys.Role
}

// Identity is the caller as the authorizer described it.
type Identity struct {
	UserID     string
	KeyID      string
	Scopes     []keys.Scope // in canonical order, as keys.ParseScopes
	Workspaces []WorkspaceRole
	// WorkspacesOverflow is true when the user had too many workspaces for
	// the context (ModeOverflow): Workspaces is empty and callers must look
	// memberships up in the store.
	WorkspacesOverflow bool
	// RateLimitPolicy and RateLimit are the key's limits as the
	// authorizer saw them ("" for a key without limits).
	RateLimitPolicy, RateLimit string
	// Token is set when the caller presented an access token of the
	// OpenID provider rather than a key: KeyID is then the user's
	// keys.TokenUseID, which no key route reaches.
	Token bool
}

// HasScope reports whether the key carries scope s.
func (i Identity) HasScope(s keys.Scope) bool {
	return slices.Contains(i.Scopes, s)
}

// RoleIn returns the caller's role in workspace id from the context. With
// WorkspacesOverflow it always reports false: look the membership up instead.
func (i Identity) RoleIn(workspaceID string) (keys.Role, bool) {
	for _, w := range i.Workspaces {
		if w.WorkspaceID == workspaceID {
			return w.Role, true
		}
	}
	return "", false
}

// IdentityFromContext reads the identity from the API Gateway request context
// that aws-lambda-go-api-proxy stores in ctx.
func IdentityFromContext(ctx context.Context) (Identity, error) {
	rc, ok := core.GetAPIGatewayContextFromContext(ctx)
	if !ok {
		return Identity{}, fmt.Errorf("%w: no API Gateway request context", ErrContext)
	}
	return IdentityFromAuthorizer(rc.Authorizer)
}

// IdentityFromAuthorizer reads the identity from requestContext.authorizer.
// Every field is checked: ids must be keys.ValidID, scopes and roles known,
// no duplicates, a principalId (if present) equal to userId, and no Deny
// reason. Any violation is an error wrapping ErrContext.
func IdentityFromAuthorizer(m map[string]interface{}) (Identity, error) {
	if m == nil {
		return Identity{}, fmt.Errorf("%w: no authorizer context", ErrContext)
	}
	if _, ok := m[KeyReason]; ok {
		return Identity{}, fmt.Errorf("%w: context of a Deny", ErrContext)
	}
	var id Identity
	var err error
	if id.UserID, err = idField(m, KeyUserID); err != nil {
		return Identity{}, err
	}
	if id.KeyID, err = idField(m, KeyKeyID); err != nil {
		return Identity{}, err
	}
	if p, ok := m[keyPrincipalID]; ok {
		if s, isStr := p.(string); !isStr || s != id.UserID {
			return Identity{}, fmt.Errorf("%w: principalId differs from userId", ErrContext)
		}
	}
	scopes, err := stringField(m, KeyScopes, true)
	if err != nil {
		return Identity{}, err
	}
	if id.Scopes, err = parseScopes(scopes); err != nil {
		return Identity{}, err
	}
	for _, k := range []string{KeyRateLimitPolicy, KeyRateLimit} {
		if _, ok := m[k]; !ok {
			continue
		}
		v, err := stringField(m, k, false)
		if err != nil {
			return Identity{}, err
		}
		if k == KeyRateLimitPolicy {
			id.RateLimitPolicy = v
		} else {
			id.RateLimit = v
		}
	}
	if c, ok := m[KeyCredential]; ok {
		if s, isStr := c.(string); !isStr || s != CredentialToken {
			return Identity{}, fmt.Errorf("%w: %s must be %q", ErrContext, KeyCredential, CredentialToken)
		}
		id.Token = true
	}
	overflow, hasOverflow := m[KeyWorkspacesOverflow]
	list, hasList := m[KeyWorkspaces]
	switch {
	case hasOverflow && hasList && list != "":
		return Identity{}, fmt.Errorf("%w: both %s and %s", ErrContext, KeyWorkspaces, KeyWorkspacesOverflow)
	case hasOverflow:
		if s, ok := overflow.(string); !ok || s != overflowTrue {
			return Identity{}, fmt.Errorf("%w: %s must be \"true\"", ErrContext, KeyWorkspacesOverflow)
		}
		id.WorkspacesOverflow = true
	default:
		list, err := stringField(m, KeyWorkspaces, true)
		if err != nil {
			return Identity{}, err
		}
		if id.Workspaces, err = parseWorkspaces(list); err != nil {
			return Identity{}, err
		}
	}
	return id, nil
}

// stringField returns m[key], which must be a string; empty only if allowed.
func stringField(m map[string]interface{}, key string, emptyOK bool) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", fmt.Errorf("%w: missing %s", ErrContext, key)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: %s is not a string", ErrContext, key)
	}
	if s == "" && !emptyOK {
		return "", fmt.Errorf("%w: empty %s", ErrContext, key)
	}
	return s, nil
}

func idField(m map[string]interface{}, key string) (string, error) {
	s, err := stringField(m, key, false)
	if err != nil {
		return "", err
	}
	if !keys.ValidID(s) {
		return "", fmt.Errorf("%w: invalid %s", ErrContext, key)
	}
	return s, nil
}

// parseScopes reads "read,write,admin": known scopes (keys.ParseScopes), no
// duplicates.
func parseScopes(s string) ([]keys.Scope, error) {
	if s == "" {
		return []keys.Scope{}, nil
	}
	names := strings.Split(s, ",")
	scopes, err := keys.ParseScopes(names)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrContext, err)
	}
	if len(scopes) != len(names) {
		return nil, fmt.Errorf("%w: duplicate scope", ErrContext)
	}
	return scopes, nil
}

// parseWorkspaces reads "id:role,id:role": valid ids, known roles, no
// duplicate ids.
func parseWorkspaces(s string) ([]WorkspaceRole, error) {
	if s == "" {
		return []WorkspaceRole{}, nil
	}
	out := make([]WorkspaceRole, 0, strings.Count(s, ",")+1)
	seen := make(map[string]struct{}, cap(out))
	for part := range strings.SplitSeq(s, ",") {
		wsID, role, ok := strings.Cut(part, ":")
		if !ok || !keys.ValidID(wsID) || !keys.Role(role).Valid() {
			return nil, fmt.Errorf("%w: malformed workspaces entry", ErrContext)
		}
		if _, dup := seen[wsID]; dup {
			return nil, fmt.Errorf("%w: duplicate workspace", ErrContext)
		}
		seen[wsID] = struct{}{}
		out = append(out, WorkspaceRole{WorkspaceID: wsID, Role: keys.Role(role)})
	}
	return out, nil
}
