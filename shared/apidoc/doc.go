// Package apidoc is the team's API as keygate protects it: the operations
// of its OpenAPI document, each with the security requirements that admit
// a key (alternatives, each a set of scopes that must all be held), the
// path parameter that carries a keygate workspace, and the scope
// vocabulary the document declares.
//
// The Lambdas read a compiled Document (JSON, written by
// apidoc/compile from the team's OpenAPI 3.0 or 3.1 document at build), so
// no YAML or OpenAPI parser is linked into them.
package apidoc
