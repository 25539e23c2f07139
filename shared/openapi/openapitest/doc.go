// Package openapitest checks, in tests, that real responses match keygate's
// OpenAPI document: the route and status must be documented and the body
// must validate against its schema (kin-openapi's openapi3filter).
package openapitest
