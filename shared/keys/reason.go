package keys

// Reason says why a request was refused. It never reaches a response body
// (every 403 body is the spec's); transports put it in the X-Keygate-Reason
// header, the authorizer's context and the log.
type Reason string

// The reasons of the verification pipeline (Verify).
const (
	// ReasonTokenMalformed: the token fails the format check (no I/O).
	ReasonTokenMalformed Reason = "TOKEN_MALFORMED"
	// ReasonKeyInvalid: unknown or deleted key, or a wrong secret.
	ReasonKeyInvalid Reason = "KEY_INVALID"
	// ReasonKeyExpired: the key verified but its expiry has passed.
	ReasonKeyExpired Reason = "KEY_EXPIRED"
	// ReasonUserDisabled: the key's user is disabled or no longer exists.
	ReasonUserDisabled Reason = "USER_DISABLED"
	// ReasonIPNotAllowed: the request's source address is outside the
	// key's allowlist.
	ReasonIPNotAllowed Reason = "IP_NOT_ALLOWED"
)

// The reasons of the key-management rules.
const (
	// ReasonAdminScopeRequired: managing keys needs the admin scope.
	ReasonAdminScopeRequired Reason = "ADMIN_SCOPE_REQUIRED"
	// ReasonScopeNotHeld: a key may only grant scopes it holds itself.
	ReasonScopeNotHeld Reason = "SCOPE_NOT_HELD"
	// ReasonKeyOutranksCaller: the target key holds more than the caller in
	// some dimension (see Within).
	ReasonKeyOutranksCaller Reason = "KEY_OUTRANKS_CALLER"
	// ReasonCallerInGrace: the calling key was rotated and is in its grace
	// period; only its replacement may manage keys.
	ReasonCallerInGrace Reason = "CALLER_IN_GRACE_PERIOD"
	// ReasonCallerKeyGone: the calling key no longer exists or has expired
	// (an authorizer answer cached before its revocation).
	ReasonCallerKeyGone Reason = "CALLER_KEY_INVALID"
	// ReasonCIDRsBeyondCaller: a key's allowlist would reach addresses the
	// calling key's allowlist does not.
	ReasonCIDRsBeyondCaller Reason = "CIDRS_BEYOND_CALLER"
	// ReasonLimitsBeyondCaller: a key's rate limit or quota would exceed
	// the calling key's own.
	ReasonLimitsBeyondCaller Reason = "LIMITS_BEYOND_CALLER"
	// ReasonExpiryBeyondCaller: a key would outlive the calling key.
	ReasonExpiryBeyondCaller Reason = "EXPIRY_BEYOND_CALLER"
	// ReasonStandsForUser: the key is a sign-in link or a page session,
	// which stand for their user: only an operator or the page manages
	// them.
	ReasonStandsForUser Reason = "KEY_STANDS_FOR_USER"
	// ReasonLineageBeyondCaller: the key does not draw on every limited
	// key the calling key's requests count against, so it holds a budget
	// outside the caller's lineage.
	ReasonLineageBeyondCaller Reason = "LINEAGE_BEYOND_CALLER"
	// ReasonLineageTooDeep: a new key would draw on more limited ancestors
	// than MaxDraws.
	ReasonLineageTooDeep Reason = "LINEAGE_TOO_DEEP"
	// ReasonNotAMember: the caller has no role in the workspace asked for.
	ReasonNotAMember Reason = "NOT_A_MEMBER"
	// ReasonOperationNotAllowed: the key's scopes meet none of the API
	// document operation's requirements, or no membership admits it.
	ReasonOperationNotAllowed Reason = "OPERATION_NOT_ALLOWED"
)
