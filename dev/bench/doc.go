// Command bench measures keygate against its targets and against the
// physical limits (a minimal Go Lambda, the DynamoDB round trips that cannot
// be avoided), prints one table and writes docs/benchmarks.md:
//
//   - the authorizer's non-I/O path (go test -bench), ns/op and allocs/op;
//   - cold start of each real bootstrap and of a hello-world bootstrap under
//     the Lambda Runtime API harness (dev/lambdarun), launched
//     alternately, median exec→first `next` and exec→first response;
//   - binary sizes of the linux/arm64 Lambda builds;
//   - peak RSS (VmHWM) of the authorizer over 1,000 warm invocations;
//   - throughput and p50/p99 latency of authorized GETs through the local API
//     Gateway with DynamoDB Local, at concurrency 1, 8 and 64, authorizer
//     cache off and on;
//   - DynamoDB calls per authorization, counted.
//
// Usage (`make bench`):
//
//	go run ./dev/bench -out docs/benchmarks.md
//
// It starts DynamoDB Local itself (or uses DYNAMODB_ENDPOINT) and stops
// exactly the processes it started.
package main
