package dynamolocal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/store"
)

// The one server shared by the tests of a test binary.
var shared struct {
	once     sync.Once
	server   *Server
	endpoint string
	err      error
}

// Endpoint returns the DynamoDB endpoint tests use: $DYNAMODB_ENDPOINT, or a
// DynamoDB Local started once for this test binary. It fails the test, with
// the command that installs what is missing, when it cannot start one.
func Endpoint(tb testing.TB) string {
	tb.Helper()
	shared.once.Do(func() {
		if ep := os.Getenv("DYNAMODB_ENDPOINT"); ep != "" {
			shared.endpoint = ep
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		s, err := Start(ctx, Options{})
		if err != nil {
			shared.err = err
			return
		}
		shared.server = s
		shared.endpoint = s.Endpoint()
		fmt.Fprintf(os.Stderr, "dynamolocal: DynamoDB Local started at %s (pid %d)\n", s.Endpoint(), s.PID())
	})
	if shared.err != nil {
		tb.Fatalf("DynamoDB Local: %v", shared.err)
	}
	return shared.endpoint
}

// Main runs the tests of a package and then stops the DynamoDB Local they
// shared. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if shared.server != nil {
		if err := shared.server.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "dynamolocal: stop: %v\n", err)
		}
	}
	os.Exit(code)
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
	if err := store.CreateTable(ctx, client, name); err != nil {
		tb.Fatalf("create table %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return client, name
}
