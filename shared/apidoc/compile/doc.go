// Package compile reads a team's OpenAPI 3.0 or 3.1 document (YAML or
// JSON) into the apidoc.Document keygate protects, with OpenAPI's own
// security semantics, and refuses what keygate cannot protect as written —
// each refusal naming the operation — at build and at make run, never on
// a request.
//
// It is build and local tooling: the Lambdas read the compiled JSON
// (apidoc.Decode) and never link this package or its YAML parser.
package compile
