// Package inproc assembles keygate's local API Gateway: it reads
// template.yaml through internal/samtemplate, builds every function and the
// authorizer in-process with the same configuration path as their Lambda
// mains (ConfigFromEnv on the template's environment, store.NewClient,
// New), and puts them behind a gateway.Gateway. The apikeys function's
// CacheFlusher is the gateway itself, so revoking a key flushes the local
// authorizer cache. cmd/localapi and the end-to-end tests both use it.
package inproc
