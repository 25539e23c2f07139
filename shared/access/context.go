package access

// The authorizer context keys. API Gateway passes the context to the functions
// in requestContext.authorizer; every value is a string.
const (
	// KeyUserID holds the caller's user id.
	KeyUserID = "userId"
	// KeyKeyID holds the id of the API key used.
	KeyKeyID = "keyId"
	// KeyScopes holds the key's scopes, comma separated in canonical order.
	KeyScopes = "scopes"
	// KeyWorkspaces holds the caller's memberships as "id:role,id:role".
	KeyWorkspaces = "workspaces"
	// KeyWorkspacesOverflow is "true" when the membership list did not fit
	// and was left out; functions then look memberships up in the store.
	KeyWorkspacesOverflow = "workspacesOverflow"
	// KeyAssertion holds the signed identity assertion (a JWT) when the
	// stack has an upstream: API Gateway forwards it as X-Keygate-Assertion.
	KeyAssertion = "assertion"
	// KeyCredential is "token" when the caller presented an access token
	// of the OpenID provider (its keyId is then the user's
	// keys.TokenUseID); absent for an API key.
	KeyCredential = "credential"
	// CredentialToken is KeyCredential's value for an access token.
	CredentialToken = "token"
	// KeyReason holds the reason of a Deny.
	KeyReason = "reason"
	// KeyRateLimitPolicy and KeyRateLimit describe a limited key's limits
	// and where it stands, as "name;q=..;w=.." and "name;r=..;t=.." items
	// separated by commas (RateLimitHeaders turns them into the IETF
	// draft's RateLimit-Policy and RateLimit headers).
	KeyRateLimitPolicy = "rateLimitPolicy"
	KeyRateLimit       = "rateLimit"
	// keyPrincipalID is added by API Gateway next to the context.
	keyPrincipalID = "principalId"
)

// AnonymousPrincipal is the principalId of a Deny whose user is unknown.
const AnonymousPrincipal = "anonymous"

// overflowTrue is the only value KeyWorkspacesOverflow takes.
const overflowTrue = "true"
