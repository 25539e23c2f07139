// Package identity is the Lambda behind GET /open/auth/whoami (who the
// calling key belongs to, its scopes and workspaces) and
// GET /open/workspace/{workspaceId} (a workspace and the caller's role in
// it). The workspace route repeats the membership check the authorizer's
// policy already made, so a policy mistake cannot expose a workspace.
package identity
