package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// testEnv is a fresh table on the test DynamoDB and the environment that
// points the CLI at it.
type testEnv struct {
	client   *dynamodb.Client
	table    string
	endpoint string
	vars     map[string]string
}

func newTestEnv(tb testing.TB) *testEnv {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	endpoint := dynamolocal.Endpoint(tb)
	return &testEnv{client: client, table: table, endpoint: endpoint, vars: map[string]string{
		"KEYGATE_TABLE":     table,
		"DYNAMODB_ENDPOINT": endpoint,
	}}
}

// result is what one CLI invocation did.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the CLI in-process with the env's variables.
func (e *testEnv) run(tb testing.TB, args ...string) result {
	tb.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, func(k string) string { return e.vars[k] })
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// mustRun runs the CLI and fails the test unless it succeeded quietly.
func (e *testEnv) mustRun(tb testing.TB, args ...string) string {
	tb.Helper()
	r := e.run(tb, args...)
	if r.code != 0 || r.stderr != "" {
		tb.Fatalf("keygate %s: got exit %d, stderr %q, want 0 and no stderr", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// mustRunJSON runs the CLI with --json and decodes its output into v.
func (e *testEnv) mustRunJSON(tb testing.TB, v any, args ...string) {
	tb.Helper()
	out := e.mustRun(tb, append(args, "--json")...)
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		tb.Fatalf("keygate %s --json: decode %q: %v", strings.Join(args, " "), out, err)
	}
}

// scan returns every item of the table as sorted canonical JSON lines.
func (e *testEnv) scan(tb testing.TB) []string {
	tb.Helper()
	return fntest.Snapshot(tb, e.client, e.table)
}

// seed creates user u1, workspace ws1 and u1's owner membership of ws1.
func (e *testEnv) seed(tb testing.TB) {
	tb.Helper()
	e.mustRun(tb, "user", "put", "u1", "--name", "Alice", "--email", "alice@example.com")
	e.mustRun(tb, "workspace", "put", "ws1", "--name", "Marketing")
	e.mustRun(tb, "member", "put", "u1", "ws1", "--role", "owner")
}
