// Package faults runs fake DynamoDB endpoints that fail in the ways a real
// network and a real DynamoDB can: a port nobody listens on (Down), a server
// that accepts requests and never answers (Hang), throttling errors
// (Throttle), 500s (ServerError) and a 200 whose body is not JSON (Garbage).
//
// The servers speak just enough of DynamoDB's JSON 1.0 protocol (status,
// Content-Type application/x-amz-json-1.0, x-amzn-RequestId, an error body
// with __type and message) for the AWS SDK to classify the failure as it would
// classify AWS's own. Each counts the requests it received, per operation
// (X-Amz-Target), so tests can check that retries stay bounded.
//
// They listen on 127.0.0.1 only. Point a client at one with
//
//	client, _ := store.NewClient(ctx, store.ClientOptions{Endpoint: srv.URL})
//
// Failing only chosen calls of a real DynamoDB Local is the job of API, a
// store.API wrapper, in failapi.go.
package faults
