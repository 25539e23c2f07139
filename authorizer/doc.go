// Package authorizer is keygate's API Gateway REQUEST authorizer.
//
// Handle reads "Authorization: Bearer <key>", rejects a missing or malformed
// header or token with the error "Unauthorized" (API Gateway answers 401)
// without touching DynamoDB, then verifies the key with one conditional
// UpdateItem (store.Verify) and reads the user's profile and memberships with
// one Query (keys.Principal). A verified key of an enabled user gets an Allow
// policy naming every route it may call (see package access); an unknown,
// expired or disabled one gets an explicit Deny with a reason (403). Any
// infrastructure error is returned as a different error (500): the authorizer
// fails closed and never allows on error.
//
// Each decision is logged as one JSON line with keyId, userId, decision,
// reason and durationMs. The token and its hash are never logged.
//
// The Lambda entry point is authorizer/bootstrap, which only wires the
// environment to New.
package authorizer
