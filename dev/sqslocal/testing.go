package sqslocal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"keygate/dev/samtemplate"
)

// SharedEndpointEnv names the variable through which `make test` hands every
// test binary the one goaws it started (dev/testrun).
const SharedEndpointEnv = "KEYGATE_TEST_SQS_ENDPOINT"

// EndpointEnv points tests (and nothing else) at an SQS server of the
// user's instead of starting one.
const EndpointEnv = "SQS_ENDPOINT"

// The one server of a test binary: make test's (SharedEndpointEnv), the
// user's (EndpointEnv), or one started for this binary.
var shared struct {
	once     sync.Once
	server   *Server
	endpoint string
	err      error
}

// setUp finds or starts the test binary's goaws, once, installing it first
// when it is missing (the first go test ./... in a fresh clone needs only
// Go and the module proxy).
func setUp() {
	shared.once.Do(func() {
		for _, name := range []string{SharedEndpointEnv, EndpointEnv} {
			if ep := os.Getenv(name); ep != "" {
				shared.endpoint = ep
				if !ping(&http.Client{Timeout: 5 * time.Second}, ep) {
					shared.err = fmt.Errorf("%s=%s (set in the environment) does not answer: unset it and the tests start goaws themselves", name, ep)
				}
				return
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if _, ok := Installed(); !ok {
			if _, err := Install(ctx, os.Stderr); err != nil {
				shared.err = fmt.Errorf("%w\ninstall it with: %s", err, InstallHint)
				return
			}
		}
		s, err := Start(ctx, Options{})
		if err != nil {
			shared.err = err
			return
		}
		shared.server = s
		shared.endpoint = s.Endpoint()
		fmt.Fprintf(os.Stderr, "sqslocal: goaws started at %s (pid %d)\n", s.Endpoint(), s.PID())
	})
}

// Endpoint returns the SQS endpoint tests use: make test's shared server,
// $SQS_ENDPOINT, or a goaws started once for this test binary. It fails the
// test when there is none.
func Endpoint(tb testing.TB) string {
	tb.Helper()
	setUp()
	if shared.err != nil {
		tb.Fatalf("goaws: %v", shared.err)
	}
	return shared.endpoint
}

// Run calls run (a TestMain's m.Run) with the test binary's SQS server
// available, stops the server if it started one, and returns run's exit
// code. When no server can be had it says why once and returns 1 without
// calling run. A package that needs DynamoDB Local too:
//
//	func TestMain(m *testing.M) { os.Exit(dynamolocal.Run(func() int { return sqslocal.Run(m.Run) })) }
func Run(run func() int) int {
	setUp()
	if shared.err != nil {
		fmt.Fprintf(os.Stderr, "sqslocal: no SQS server for these tests: %s\n", strings.TrimPrefix(shared.err.Error(), "sqslocal: "))
		return 1
	}
	code := run()
	if shared.server != nil && code != 0 {
		// What goaws said (errors only, and a handler's panic) helps
		// tell its failures from the tests'.
		if out := strings.TrimSpace(shared.server.output.String()); out != "" {
			fmt.Fprintf(os.Stderr, "sqslocal: goaws's output:\n%s\n", out)
		}
	}
	if shared.server != nil {
		if err := shared.server.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "sqslocal: stop: %v\n", err)
		}
	}
	return code
}

// Main runs the tests of a package that needs SQS and exits: call it from
// TestMain.
func Main(m *testing.M) { os.Exit(Run(m.Run)) }

// NewTestClient returns an SDK client for the test endpoint.
func NewTestClient(tb testing.TB) *sqs.Client {
	tb.Helper()
	return NewClient(Endpoint(tb))
}

// TestQueue is a queue made for one test, with the client that reaches it.
type TestQueue struct {
	Queue
	Client *sqs.Client
	Name   string
}

// testName is a unique queue name for one test: keygate-test-<random>.
func testName() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails: it crashes the program instead
	return "keygate-test-" + hex.EncodeToString(b[:])
}

// NewTestTemplateQueues creates the template's queues
// (CreateTemplateQueues) under a unique prefix, so tests can run in
// parallel, and deletes them when the test ends.
func NewTestTemplateQueues(tb testing.TB, queues map[string]samtemplate.SQSQueue) map[string]Queue {
	tb.Helper()
	client := NewTestClient(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	qs, err := CreateTemplateQueues(ctx, client, queues, testName())
	if err != nil {
		tb.Fatalf("create the template's queues: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, q := range qs {
			_, _ = client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: &q.URL})
		}
	})
	return qs
}

// NewTestQueue creates a queue under a unique name (keygate-test-<random>)
// with its dead-letter queue, as CreateQueue does with opts, and deletes
// both when the test ends, so tests can run in parallel.
func NewTestQueue(tb testing.TB, opts QueueOptions) TestQueue {
	tb.Helper()
	client := NewTestClient(tb)
	name := testName()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := CreateQueue(ctx, client, name, opts)
	if err != nil {
		tb.Fatalf("create queue %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = DeleteQueue(ctx, client, q)
	})
	return TestQueue{Queue: q, Client: client, Name: name}
}
