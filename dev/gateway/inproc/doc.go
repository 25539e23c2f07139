// Package inproc assembles keygate's local API Gateway: it reads
// template.yaml through dev/samtemplate, builds every function and the
// authorizer in-process with the same configuration path as their Lambda
// mains (ConfigFromEnv on the template's environment, store.NewClient,
// New), and puts them behind a gateway.Gateway. Each invocation gets the
// deadline Lambda gives it (the function's Timeout); tests may inject the
// DynamoDB clients. The apikeys function's CacheFlusher is the gateway
// itself, so revoking a key flushes the local authorizer cache.
// dev/localapi, the end-to-end tests and reliability use it.
package inproc
