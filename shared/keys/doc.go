// Package keys is keygate's domain: API keys, their scopes, the users who own
// them and the workspaces those users belong to, the rules every key obeys,
// the use cases that change keys (Create, Rename, Rotate, Revoke) and the
// verification pipeline the authorizer runs (Verify).
//
// The API (functions/apikeys), the admin CLI (cmd/keygate) and the authorizer
// are transports over this package: they turn requests into calls here and
// render the results, so a rule is written once. Storage is behind the small
// interfaces this package declares (Store, CacheFlusher); shared/store
// implements Store on DynamoDB. This package never imports a transport, the
// store or the AWS SDK.
//
// Errors are *apperr.Error values with codes (NOT_FOUND, FORBIDDEN, ...);
// a Forbidden error's message is always the spec's "Insufficient access" and
// its detail is a Reason, which transports put in a header and the log. A
// verification's outcome is a Decision value; only infrastructure failure is
// an error.
package keys
