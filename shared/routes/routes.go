package routes

import (
	"slices"
	"strings"

	"keygate/shared/keys"
)

// The functions of template.yaml that serve HTTP routes, by logical id.
const (
	ConfigFunction   = "ConfigFunction"
	IdentityFunction = "IdentityFunction"
	ApiKeysFunction  = "ApiKeysFunction"
	JwksFunction     = "JwksFunction"
	WebhooksFunction = "WebhooksFunction"
)

// Auth tells whether a route needs a key.
type Auth int

// The kinds of route.
const (
	// Key routes run behind the REQUEST authorizer.
	Key Auth = iota
	// Public routes need no key (Auth: NONE in the template).
	Public
)

// Grant is how the authorizer's Allow policy names a key route.
type Grant int

// The grants.
const (
	// GrantNone: a public route, not in any policy.
	GrantNone Grant = iota
	// GrantUser: named once for every key that holds Scope, with Resource.
	GrantUser
	// GrantWorkspace: named per workspace of the caller, with the method
	// the caller's role and scopes allow (see shared/access).
	GrantWorkspace
	// GrantSignIn: named, with Resource, in the policy of a console sign-in
	// link key (keys.Key.SignInLink) only; that policy names nothing else,
	// and no other key's names it.
	GrantSignIn
)

// Route is one method and path of the API.
type Route struct {
	// Method and Path are as API Gateway and template.yaml write them
	// ({name} for a path parameter).
	Method, Path string
	// Function is the logical id of the function that serves it.
	Function string
	// Auth tells whether it needs a key.
	Auth Auth
	// Grant and Scope say how the Allow policy covers it: a GrantUser
	// route is in the policy of every key that holds Scope ("" for any
	// key), under Resource (method and path after the stage, IAM
	// wildcards allowed).
	Grant    Grant
	Scope    keys.Scope
	Resource Resource
}

// Resource is the method and path part of an execute-api resource ARN,
// after "<api>/<stage>/".
type Resource struct {
	Method, Path string
}

// Pattern is the route as a net/http ServeMux pattern ("GET /open/x/{id}").
func (r Route) Pattern() string { return r.Method + " " + r.Path }

var (
	whoami       = Resource{"GET", "/open/auth/whoami"}
	apikeys      = Resource{"*", "/open/apikeys"}
	apikeysItems = Resource{"*", "/open/apikeys/*"}
	audit        = Resource{"GET", "/open/audit"}
	webhooks     = Resource{"*", "/open/webhooks"}
	webhookItems = Resource{"*", "/open/webhooks/*"}
	signIn       = Resource{"POST", "/open/console/session"}
)

// table is the route table. Order matters only for the policy: user
// resources are named in the order they first appear.
var table = []Route{
	{Method: "GET", Path: "/open/global/config", Function: ConfigFunction, Auth: Public},
	{Method: "GET", Path: "/open/_document", Function: ConfigFunction, Auth: Public},
	// The API Keys page: public files; the page calls the API with a key.
	{Method: "GET", Path: "/open/console", Function: ConfigFunction, Auth: Public},
	{Method: "GET", Path: "/open/console/app.js", Function: ConfigFunction, Auth: Public},
	{Method: "GET", Path: "/open/console/app.css", Function: ConfigFunction, Auth: Public},
	// What the page needs to sign in with the OpenID provider, when configured.
	{Method: "GET", Path: "/open/console/signin.json", Function: ConfigFunction, Auth: Public},
	// The page's sign-in: a console link's key exchanged, once, for a session key.
	{Method: "POST", Path: "/open/console/session", Function: ApiKeysFunction, Grant: GrantSignIn, Resource: signIn},
	// The public keys of the identity assertion (an upstream behind keygate).
	{Method: "GET", Path: "/open/.well-known/jwks.json", Function: JwksFunction, Auth: Public},
	{Method: "GET", Path: "/open/auth/whoami", Function: IdentityFunction, Grant: GrantUser, Resource: whoami},
	{Method: "GET", Path: "/open/workspace/{workspaceId}", Function: IdentityFunction, Grant: GrantWorkspace},
	{Method: "GET", Path: "/open/apikeys", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: apikeys},
	{Method: "POST", Path: "/open/apikeys", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: apikeys},
	{Method: "GET", Path: "/open/apikeys/scopes", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: apikeysItems},
	{Method: "GET", Path: "/open/apikeys/{keyId}", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: apikeysItems},
	{Method: "PATCH", Path: "/open/apikeys/{keyId}", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: apikeysItems},
	{Method: "DELETE", Path: "/open/apikeys/{keyId}", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: apikeysItems},
	{Method: "POST", Path: "/open/apikeys/{keyId}/rotate", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: apikeysItems},
	{Method: "GET", Path: "/open/apikeys/{keyId}/usage", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: apikeysItems},
	{Method: "GET", Path: "/open/audit", Function: ApiKeysFunction, Grant: GrantUser, Scope: keys.ScopeAdmin, Resource: audit},
	{Method: "GET", Path: "/open/webhooks", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhooks},
	{Method: "POST", Path: "/open/webhooks", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhooks},
	{Method: "GET", Path: "/open/webhooks/{webhookId}", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhookItems},
	{Method: "PATCH", Path: "/open/webhooks/{webhookId}", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhookItems},
	{Method: "DELETE", Path: "/open/webhooks/{webhookId}", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhookItems},
	{Method: "POST", Path: "/open/webhooks/{webhookId}/test", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhookItems},
	{Method: "GET", Path: "/open/webhooks/{webhookId}/deliveries", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhookItems},
	{Method: "POST", Path: "/open/webhooks/{webhookId}/deliveries/{deliveryId}/retry", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhookItems},
	{Method: "POST", Path: "/open/webhooks/{webhookId}/secret/rotate", Function: WebhooksFunction, Grant: GrantUser, Scope: keys.ScopeWebhook, Resource: webhookItems},
}

// All returns every route, in table order.
func All() []Route { return append([]Route(nil), table...) }

// Of returns the routes function serves, in table order.
func Of(function string) []Route {
	var out []Route
	for _, r := range table {
		if r.Function == function {
			out = append(out, r)
		}
	}
	return out
}

// UserResources returns the resources of the GrantUser routes, each once, in
// table order, with the scope each needs.
func UserResources() []ScopedResource {
	var out []ScopedResource
	seen := map[Resource]bool{}
	for _, r := range table {
		if r.Grant != GrantUser || seen[r.Resource] {
			continue
		}
		seen[r.Resource] = true
		out = append(out, ScopedResource{Resource: r.Resource, Scope: r.Scope})
	}
	return out
}

// SignInResources returns the resources of the GrantSignIn routes, each
// once, in table order: all a sign-in link key's policy names.
func SignInResources() []Resource {
	var out []Resource
	for _, r := range table {
		if r.Grant == GrantSignIn && !slices.Contains(out, r.Resource) {
			out = append(out, r.Resource)
		}
	}
	return out
}

// ScopedResource is a policy resource and the scope a key needs for it (""
// for any key).
type ScopedResource struct {
	Resource
	Scope keys.Scope
}

// WorkspacePrefix starts the path of every GrantWorkspace route; the policy
// names "<METHOD>/open/workspace/<id>" and ".../<id>/*" for each workspace.
const WorkspacePrefix = "/open/workspace/"

// Own reports whether resource (a route's path template) is keygate's:
// every route of the table, and the upstream's /open/workspace paths, is
// under /open; an API document may not use it (apidoc/compile).
func Own(resource string) bool { return resource == "/open" || strings.HasPrefix(resource, "/open/") }
