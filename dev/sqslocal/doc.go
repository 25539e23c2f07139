// Package sqslocal runs goaws, an SQS-compatible server written in Go, for
// keygate's tests and for `make run`, so queue code is exercised against a
// real SQS-protocol server through the real SDK (aws-sdk-go-v2/service/sqs,
// AWS's JSON protocol), without Docker or an AWS account.
//
// Install builds the pinned goaws (Module@Version) with `go install` into a
// git-ignored cache (.cache/goaws/<version>/bin under the module root, or
// $KEYGATE_CACHE_DIR/goaws/<version>/bin); the Go module proxy or the module
// cache is all it needs, and goaws never becomes a dependency of keygate's
// module. Start runs it on a free port with a generated config file and
// Stop ends exactly the process Start began.
//
// Tests use Endpoint, NewTestQueue and Main (or Run beside dynamolocal's):
// one server per test binary — or the one `make test` starts for every
// package (dev/testrun, SharedEndpointEnv) — and fresh, uniquely named
// queues per test, so tests can run in parallel. SQS_ENDPOINT points them at
// an existing server instead.
//
// What goaws v0.5.4 does differently from SQS, as the tests pin it:
//
//   - It listens on every interface (0.0.0.0), not only loopback: its
//     command has no listen-address option.
//   - A message whose visibility timeout ended becomes visible again on
//     goaws's once-a-second sweep, so up to a second late; a redrive to the
//     dead-letter queue happens in the same sweep, once a message has been
//     received maxReceiveCount times and its visibility ends.
//   - ApproximateReceiveCount is always "1" and SentTimestamp is the time of
//     the receive, not of the send: a consumer that needs the attempt number
//     carries it in the message (a body field or a message attribute).
//   - ApproximateNumberOfMessages counts every message of the queue, those
//     in flight too (SQS counts only the visible ones);
//     ApproximateNumberOfMessagesNotVisible counts those in flight.
//   - Now and then, with several clients at once, goaws cuts the answer to
//     a ReceiveMessage: the client reads a closed connection (goaws logs
//     "Invalid Request - ReceiveMessageV1" for a request beside it), and the
//     messages it took stay hidden until their visibility timeout ends. A
//     consumer must survive a lost receive — as on SQS, where an answer can
//     be lost too — so tests use short visibility timeouts, and
//     dev/sqsmapping never lets the SDK retry a receive silently. Run's
//     TestMain prints goaws's output when a test failed.
//   - Queue URLs are http://<region>.<host>:<port>/<account>/<name>; the SDK
//     never dials them (it sends every call to its endpoint with the URL in
//     the body), and goaws finds the queue by the URL's last segment.
package sqslocal
