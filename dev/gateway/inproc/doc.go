// Package inproc assembles keygate's local API Gateway: it reads
// template.yaml through dev/samtemplate, builds every function and the
// authorizer in-process with the Wire their Lambda mains call (their
// settings read by lambdaenv from the template's environment, as a Map; the
// DynamoDB client by store.Open unless a test injects one), and puts them
// behind a gateway.Gateway. Each invocation gets the deadline Lambda gives
// it (the function's Timeout). The apikeys function's CacheFlusher is the
// gateway itself, so revoking a key flushes the local authorizer cache.
// dev/localapi, the end-to-end tests and reliability use it.
package inproc
