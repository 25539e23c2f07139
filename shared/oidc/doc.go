// Package oidc verifies JWT access tokens (RFC 9068, OAuth 2.0 bearer
// tokens) of one OpenID provider: the signature against the provider's
// JWKS, with asymmetric algorithms only and only those the JWKS's keys
// name; the issuer; the audience (aud, or Cognito's client_id); exp and
// nbf with a small leeway. The JWKS is read at start and again only when a
// token names a kid it does not hold, at most every MinRefetch, or in the
// background when it has aged past MaxAge: never while a request waits on
// a known key.
//
// A verification's outcome is a Result value (the claims keygate reads, or
// the Refusal that explains a 401 in the log); only a failure to reach the
// provider when the JWKS must be refetched is an error, which the
// authorizer answers 500 (fail closed). The package knows nothing of
// keygate's users or store: shared/keys turns the Claims into a decision.
package oidc
