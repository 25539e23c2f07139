// Package jwks is the Lambda behind GET /open/.well-known/jwks.json: the
// public keys that verify keygate's identity assertions, as a JSON Web Key
// Set. The route is public and cacheable. The function reads only the
// table's SIGNING partition, where the authorizer and keygate signing-key
// rotate record public keys; it never sees the signing secret.
package jwks
