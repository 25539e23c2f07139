// Package lambdarun runs real Lambda bootstrap binaries on this machine under
// an implementation of the Lambda Runtime API, as the Lambda service (or
// `sam local invoke` in Docker) would: it serves
//
//	GET  /2018-06-01/runtime/invocation/next
//	POST /2018-06-01/runtime/invocation/{id}/response
//	POST /2018-06-01/runtime/invocation/{id}/error
//	POST /2018-06-01/runtime/init/error
//
// on a loopback port, execs the binary with AWS_LAMBDA_RUNTIME_API pointing
// at it and the function's environment, hands it events one at a time with
// the request-id, deadline, function-ARN and trace-id headers, and returns
// what the function answers. It measures the time from exec to the first
// `next` (init) and to the first response, for cold-start benchmarks, and it
// stops exactly the process it started.
//
// Build compiles a function's bootstrap for this machine (host GOOS/GOARCH,
// CGO off, -tags lambda.norpc, -trimpath), the way the Makefile builds it
// for Lambda.
package lambdarun
