package access

import (
	"errors"
	"slices"
	"strings"

	"keygate/shared/apidoc"
	"keygate/shared/keys"
)

// ErrOperation is returned by AllowOperation when the key may not call the
// operation: its scopes meet none of the operation's requirements, or, for
// a workspace-scoped operation, no membership of the user admits the
// method. The authorizer answers it with the spec's 403.
var ErrOperation = errors.New("access: the key may not call this operation")

// safeMethods are the methods a readOnly member may call on a workspace.
var safeMethods = []string{"GET", "HEAD", "OPTIONS"}

// AllowOperation returns the Allow response for g calling op, an operation
// of the team's API document, on the stage base. Its policy names op only:
// the operations authorizer's cache key is the token, the method and the
// resource path (docs/extend.md), so a cached answer only ever serves
// requests routed to op. op's path parameters become "*", except its
// workspace parameter (x-keygate-workspace), which names each workspace
// whose membership admits the method — readOnly: GET, HEAD and OPTIONS —
// requested (the request's workspace) first. When they do not all fit
// SizeBudget, the policy names those that do, and a cached answer refuses
// the others until it expires (the cache off, every request names its
// own). The context is Allow's.
func AllowOperation(base string, g Grant, op apidoc.Operation, requested string) (Result, error) {
	names := make([]string, len(g.Scopes))
	for i, s := range g.Scopes {
		names[i] = string(s)
	}
	if !op.Allows(names) {
		return Result{}, ErrOperation
	}
	r, err := Allow(base, g)
	if err != nil {
		return Result{}, err
	}
	resources := []string{}
	if op.WorkspaceParam == "" {
		resources = append(resources, base+"/"+op.Method+pattern(op.Path, "", ""))
	} else {
		for _, ws := range operationWorkspaces(g.Memberships, op.Method, requested) {
			resources = append(resources, base+"/"+op.Method+pattern(op.Path, op.WorkspaceParam, ws))
		}
		if len(resources) == 0 {
			return Result{}, ErrOperation
		}
		// The context and the policy's other parts, as Allow sized them;
		// the resources in their place, as many as fit.
		room := SizeBudget - r.size + resourcesLen(r.Response.PolicyDocument.Statement[0].Resource)
		resources = fitting(resources, room)
	}
	r.Response.PolicyDocument.Statement[0].Resource = resources
	return r, nil
}

// operationWorkspaces are the workspaces whose membership admits method,
// requested first.
func operationWorkspaces(ms []keys.Membership, method, requested string) []string {
	var out []string
	for _, m := range ms {
		if !keys.ValidID(m.WorkspaceID) || !m.Role.Valid() || slices.Contains(out, m.WorkspaceID) {
			continue
		}
		if m.Role == keys.RoleReadOnly && !slices.Contains(safeMethods, method) {
			continue
		}
		out = append(out, m.WorkspaceID)
	}
	if i := slices.Index(out, requested); i > 0 {
		out[0], out[i] = out[i], out[0]
	}
	return out
}

// pattern is path with each {parameter} as "*", except param, which is
// value.
func pattern(path, param, value string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, "{"); ok {
			name = strings.TrimSuffix(strings.TrimSuffix(name, "}"), "+")
			if name == param {
				segs[i] = value
			} else {
				segs[i] = "*"
			}
		}
	}
	return strings.Join(segs, "/")
}

// resourcesLen is the JSON length of a resource list's items (quotes and
// commas).
func resourcesLen(rs []string) int {
	n := 0
	for _, r := range rs {
		n += len(r) + 3
	}
	return n
}

// fitting is the longest prefix of rs whose JSON fits room (at least one).
func fitting(rs []string, room int) []string {
	n := 0
	for i, r := range rs {
		if n += len(r) + 3; n > room && i > 0 {
			return rs[:i]
		}
	}
	return rs
}
