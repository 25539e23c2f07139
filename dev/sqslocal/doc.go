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
//   - goaws listens on every interface (0.0.0.0), not only loopback: its
//     command has no listen-address option (the proxy in front of it
//     listens on 127.0.0.1).
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
//   - goaws reads its map of queues unlocked while CreateQueue and
//     DeleteQueue write it: with tests creating queues in parallel it died
//     ("concurrent map read and map write") or cut the answer to a
//     ReceiveMessage whose messages it had hidden. Start therefore puts a
//     proxy on the loopback interface in front of it (Endpoint is the
//     proxy's): it hands goaws one request at a time and answers a long
//     poll with short polls every 50 ms (JSON protocol, the SDK's). It
//     drops a queue's own ReceiveMessageWaitTimeSeconds (goaws would wait
//     holding the lock): pass WaitTimeSeconds on the receive, as
//     dev/sqsmapping does. Should a receive's
//     answer still be lost, its messages come back after their visibility
//     timeout, as on SQS; dev/sqsmapping never lets the SDK retry a
//     receive silently, and Run prints goaws's output when a test failed.
//   - Queue URLs are http://<region>.<host>:<port>/<account>/<name>; the SDK
//     never dials them (it sends every call to its endpoint with the URL in
//     the body), and goaws finds the queue by the URL's last segment.
package sqslocal
