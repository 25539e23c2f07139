// Package openapi holds keygate's OpenAPI 3 document, one file describing
// every route, body and error, embedded in the binaries that serve it
// (GET /open/_document). Package openapitest validates real responses
// against it in tests.
package openapi
