// Package access builds the IAM policy and context that keygate's API Gateway
// authorizer returns, and reads that context back in the functions.
//
// The authorizer calls ParseMethodARN to get the base ARN of the API stage,
// then Allow or Deny. An Allow policy names every route the key may call, not
// just the incoming one, so a result cached by API Gateway is right for every
// route:
//
//	<base>/GET/open/auth/whoami                 any valid key
//	<base>/*/open/apikeys, <base>/*/open/apikeys/*   keys with the admin scope
//	<base>/<M>/open/workspace/<id>, .../<id>/*   per membership
//
// where M is "*" for owner and admin and "GET" for readOnly, narrowed by the
// key's scopes (write: every method the role allows; read: GET; neither: no
// workspace route). A workspace id is never a wildcard, except in the
// documented size fallback (see Mode) for users whose policy would exceed API
// Gateway's authorizer result size.
//
// The context holds strings only: userId, keyId, scopes ("read,write"),
// workspaces ("ws1:owner,ws2:readOnly"), and on Deny a reason. Functions read
// it back with IdentityFromContext or IdentityFromAuthorizer, which reject
// malformed context instead of returning a default identity; keygate's own
// functions get it as a Caller (with the request's address, user agent and
// id), which shared/httpapi resolves once per request (CallerFromContext).
package access
