// Package routes is keygate's one route table: every route of the HTTP API,
// the Lambda that serves it, whether it needs a key, and the IAM resource of
// the authorizer's policy that covers it. The policy (shared/access), the
// functions' muxes (shared/httpapi.NewMux), the OpenAPI document's test and
// the template's test (dev/templatecheck) all read this table, so a route is
// declared once here and in template.yaml, which the tests hold to it; this
// package's tests hold docs/api.md and the API Keys page's app.js to it too.
package routes
