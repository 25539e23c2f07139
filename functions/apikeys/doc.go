// Package apikeys is the Lambda behind /open/apikeys: create, list, read,
// rename, delete and rotate the caller's API keys.
//
// Every route needs a key with the admin scope, and only ever touches the
// caller's own keys: another user's key id is NOT_FOUND, so its existence is
// not revealed. A token is returned once, by create and rotate, and never
// stored (only its SHA-256) or logged. Delete and rotate flush the stage's
// authorizer cache through a CacheFlusher so a revoked key stops working at
// once, not only when the cached policy expires.
//
// The handlers are a net/http ServeMux; Handle adapts API Gateway proxy events
// to it with aws-lambda-go-api-proxy.
package apikeys
