// Package assertion signs keygate's identity assertion: the short-lived JWT
// the authorizer puts in its context and API Gateway forwards to the
// upstream as X-Keygate-Assertion, so that the upstream can trust who is
// calling without trusting the network in between.
//
// The token is a compact JWS, EdDSA over Ed25519 (RFC 8037), with the
// claims iss, aud, sub (the user id), keyId, scopes, workspaces (id to
// role), iat and exp, and a kid header naming the signing key. Public keys
// are published as a JWKS (RFC 7517) whose kids are RFC 7638 thumbprints.
//
// The signing keys live in one KeySet document, kept in AWS Secrets Manager
// (locally: a file in the data folder). CloudFormation generates its first
// seed, so no person handles key material; keygate signing-key rotate adds
// a new one. A Holder reads the set once at start and again, in the
// background, at most once per RefreshInterval, never on a request's path.
package assertion
