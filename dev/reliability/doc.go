// Package reliability holds keygate's reliability tests and the stack they
// (and `make bench`) run against: DynamoDB Local, the real authorizer and
// functions built from their configuration the way their Lambda mains build
// them, behind the local API Gateway engine configured from template.yaml, on
// a loopback HTTP server.
//
// The tests prove what a user of an authorizer needs most: it never lets a
// request through wrongly. They cover DynamoDB faults (down, hanging,
// throttling, 500s, garbage), load on one key, revocation racing in-flight
// requests under authorizer caching, a corpus of bad input, and the absence of
// tokens and hashes from every log line. Each test is bounded in request
// count and time and talks to loopback only. Speed is measured by `make
// bench` (dev/bench), never asserted here.
package reliability
