package dynamolocal

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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/dev/testkit/wait"
	"keygate/shared/store"
)

// SharedEndpointEnv names the variable through which `make test` hands every
// test binary the one DynamoDB Local it started (dev/testrun).
const SharedEndpointEnv = "KEYGATE_TEST_DYNAMODB_ENDPOINT"

// The one server of a test binary: make test's (SharedEndpointEnv), the
// user's (DYNAMODB_ENDPOINT), or one started for this binary.
var shared struct {
	once     sync.Once
	server   *Server
	endpoint string
	err      error
}

// setUp finds or starts the test binary's DynamoDB Local, once, installing
// the emulator first when it is missing (the first run of go test ./... in
// a fresh clone needs nothing but Java and npm).
func setUp() {
	shared.once.Do(func() {
		for _, name := range []string{SharedEndpointEnv, "DYNAMODB_ENDPOINT"} {
			if ep := os.Getenv(name); ep != "" {
				shared.endpoint = ep
				if !answers(ep) {
					shared.err = fmt.Errorf("%s=%s (set in the environment) does not answer: unset it and the tests start DynamoDB Local themselves", name, ep)
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
		fmt.Fprintf(os.Stderr, "dynamolocal: DynamoDB Local started at %s (pid %d)\n", s.Endpoint(), s.PID())
	})
}

// answers reports whether anything answers HTTP at endpoint.
func answers(endpoint string) bool {
	return ping(&http.Client{Timeout: 5 * time.Second}, endpoint)
}

// Endpoint returns the DynamoDB endpoint tests use: make test's shared
// server, $DYNAMODB_ENDPOINT, or a DynamoDB Local started once for this test
// binary. It fails the test when there is none (Main has already said why,
// once).
func Endpoint(tb testing.TB) string {
	tb.Helper()
	setUp()
	if shared.err != nil {
		tb.Fatalf("DynamoDB Local: %v", shared.err)
	}
	return shared.endpoint
}

// Main runs the tests of a package that needs DynamoDB and then stops the
// DynamoDB Local they shared, if it started one. Call it from TestMain.
// When no DynamoDB can be had it says why once and runs no test.
func Main(m *testing.M) { os.Exit(Run(m.Run)) }

// Run is Main for a TestMain that needs another local server too: it calls
// run (m.Run, or another server's Run wrapping it) with DynamoDB available,
// stops the DynamoDB Local it started, and returns run's exit code (1
// without calling run when there is no DynamoDB):
//
//	func TestMain(m *testing.M) { os.Exit(dynamolocal.Run(func() int { return sqslocal.Run(m.Run) })) }
func Run(run func() int) int {
	setUp()
	if shared.err != nil {
		fmt.Fprintf(os.Stderr, "dynamolocal: no DynamoDB for these tests: %s\n", strings.TrimPrefix(shared.err.Error(), "dynamolocal: "))
		return 1
	}
	code := run()
	if shared.server != nil {
		if err := shared.server.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "dynamolocal: stop: %v\n", err)
		}
	}
	return code
}

// NewTestClient returns an SDK client for the test endpoint.
func NewTestClient(tb testing.TB) *dynamodb.Client {
	tb.Helper()
	client, err := store.NewClient(context.Background(), store.ClientOptions{Endpoint: Endpoint(tb)})
	if err != nil {
		tb.Fatalf("DynamoDB client: %v", err)
	}
	return client
}

// NewTestTable creates a table with keygate's schema under a unique name and
// deletes it when the test ends, so tests can run in parallel.
func NewTestTable(tb testing.TB) (*dynamodb.Client, string) {
	tb.Helper()
	client := NewTestClient(tb)
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails: it crashes the program instead
	name := "keygate-test-" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Without the stream: most tests do not read it, and every write would
	// feed it (the load it adds made contention tests slower on a shared
	// DynamoDB Local). Tests of deliveries call EnableStream.
	def := store.TableDefinition(name)
	def.StreamSpecification = nil
	if err := store.CreateTableFrom(ctx, client, def); err != nil {
		tb.Fatalf("create table %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return client, name
}

// EnableStream turns on the table's stream as template.yaml declares it
// (store.StreamView) and waits until DynamoDB Local reports its ARN.
func EnableStream(tb testing.TB, client *dynamodb.Client, table string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(table),
		StreamSpecification: store.TableDefinition(table).StreamSpecification}); err != nil {
		tb.Fatalf("enable the stream of %s: %v", table, err)
	}
	wait.Eventually(tb, 30*time.Second, func() (bool, string) {
		out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			tb.Fatalf("describe %s: %v", table, err)
		}
		return aws.ToString(out.Table.LatestStreamArn) != "", "the stream of " + table + " has no ARN yet"
	})
}
