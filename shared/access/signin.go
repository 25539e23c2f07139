package access

import (
	"keygate/shared/keys"
	"keygate/shared/routes"
)

// signInResources are the routes a console sign-in link's key may call.
var signInResources = routes.SignInResources()

// AllowSignIn returns the Allow response of a console sign-in link's key
// (keys.Key.SignInLink) on the API stage base: its policy names the sign-in
// routes (routes.GrantSignIn) and nothing else — no user route, no
// workspace, no upstream — whatever scopes or memberships g lists, so the
// key can do nothing but be exchanged for a session key. The context names
// the user and the key, no scope and no workspace; no identity assertion
// is signed, as the key never reaches an upstream.
func AllowSignIn(base string, g Grant) (Result, error) {
	if !keys.ValidID(g.UserID) || !keys.ValidID(g.KeyID) {
		return Result{}, ErrGrant
	}
	resources := make([]string, len(signInResources))
	for i, r := range signInResources {
		resources[i] = base + "/" + r.Method + r.Path
	}
	ctx := map[string]interface{}{
		KeyUserID:     g.UserID,
		KeyKeyID:      g.KeyID,
		KeyScopes:     "",
		KeyWorkspaces: "",
	}
	if g.RateLimitPolicy != "" {
		ctx[KeyRateLimitPolicy], ctx[KeyRateLimit] = g.RateLimitPolicy, g.RateLimit
	}
	return Result{Response: allowResponse(g.UserID, resources, ctx, g.UsageKey), Mode: ModeExact}, nil
}
