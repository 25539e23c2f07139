package reliability

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/testlog"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// env is one test's stack: a fresh table, the seeded principal, the stack in
// front of it, and its logs, scanned for secrets when the test ends.
type env struct {
	client *dynamodb.Client
	table  string
	st     *store.Store
	alice  Principal
	stack  *Stack
	logs   *testlog.Buffer
	http   *http.Client

	mu      sync.Mutex
	secrets []string
}

// newEnv creates a table, seeds alice (owner of ws-alice, a key with every
// scope) and starts a stack with opts (Table and Logs are set, API and
// AuthorizerAPI filled in when empty).
func newEnv(tb testing.TB, opts Options) *env {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	return newEnvOn(tb, client, table, opts)
}

// newEnvOn is newEnv on an existing table. The authorizer uses client unless
// opts.AuthorizerAPI says otherwise.
func newEnvOn(tb testing.TB, client *dynamodb.Client, table string, opts Options) *env {
	tb.Helper()
	e := &env{client: client, table: table, st: store.New(client, table), logs: &testlog.Buffer{}}
	alice, err := Seed(context.Background(), e.st, "alice", "")
	if err != nil {
		tb.Fatalf("seed: %v", err)
	}
	e.alice = alice
	e.addSecrets(alice.Secrets()...)

	opts.Table = table
	if opts.API == nil {
		opts.API = client
	}
	if opts.AuthorizerAPI == nil {
		opts.AuthorizerAPI = client
	}
	// Every line down to debug, so the secret scan sees all of them.
	opts.Logs, opts.LogLevel = e.logs, slog.LevelDebug
	s, err := Start(context.Background(), opts)
	if err != nil {
		tb.Fatalf("start stack: %v", err)
	}
	e.stack = s
	e.http = &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128},
	}
	tb.Cleanup(func() {
		e.http.CloseIdleConnections()
		s.Close()
		checkLogs(tb, e.logs, e.allSecrets())
	})
	return e
}

// addSecrets records tokens, secret parts and hashes the logs must not hold.
func (e *env) addSecrets(s ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.secrets = append(e.secrets, s...)
}

func (e *env) allSecrets() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.secrets...)
}

// checkLogs fails the test if a log line holds a token or a hash. It also
// fails when nothing was logged: then the capture is broken, not clean.
func checkLogs(tb testing.TB, logs *testlog.Buffer, secrets []string) {
	tb.Helper()
	if len(logs.Lines()) == 0 {
		tb.Errorf("logs: got no lines, want the components' log lines captured")
	}
	logs.AssertNoSecrets(tb, secrets...)
}

// response is one HTTP answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends one request to the stack; token "" sends no Authorization header.
func (e *env) do(tb testing.TB, method, path, token, body string) response {
	tb.Helper()
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		h.Set("Content-Type", "application/json")
	}
	return e.doHeader(tb, method, path, h, body)
}

// doHeader sends one request with exactly the given headers.
func (e *env) doHeader(tb testing.TB, method, path string, h http.Header, body string) response {
	tb.Helper()
	resp, err := e.send(method, path, h, body)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// send is do without a testing.TB, for use from goroutines.
func (e *env) send(method, path string, h http.Header, body string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.stack.URL+path, rd)
	if err != nil {
		return response{}, err
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// bearer returns the header set of an authorized request.
func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// errorCode returns the code of an error envelope, failing the test when the
// body is not exactly {"error":{"code":string,"message":string}}.
func errorCode(tb testing.TB, body []byte) string {
	tb.Helper()
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil || len(env) != 1 || env["error"] == nil {
		tb.Errorf("body %q: got no error envelope, want {\"error\":{...}}", truncate(body))
		return ""
	}
	var inner map[string]any
	if err := json.Unmarshal(env["error"], &inner); err != nil {
		tb.Errorf("body %q: error is not an object", truncate(body))
		return ""
	}
	code, ok1 := inner["code"].(string)
	msg, ok2 := inner["message"].(string)
	if !ok1 || !ok2 || len(inner) != 2 || code == "" || msg == "" {
		tb.Errorf("body %q: got error %v, want exactly a code and a message", truncate(body), inner)
	}
	return code
}

// truncate shortens a body for messages.
func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

// snapshot returns every item of the table as canonical JSON, sorted,
// without the usage counters the authorizer moves: two equal snapshots mean
// the table did not change.
func (e *env) snapshot(tb testing.TB) []string {
	tb.Helper()
	return fntest.Snapshot(tb, e.client, e.table, "usageCount", "lastUsedAt", "lastUseId")
}

// sameSnapshot fails the test when two snapshots differ.
func sameSnapshot(tb testing.TB, before, after []string) {
	tb.Helper()
	if strings.Join(before, "\n") == strings.Join(after, "\n") {
		return
	}
	b := map[string]bool{}
	for _, s := range before {
		b[s] = true
	}
	a := map[string]bool{}
	for _, s := range after {
		a[s] = true
		if !b[s] {
			tb.Errorf("table: item added or changed: %s", s)
		}
	}
	for _, s := range before {
		if !a[s] {
			tb.Errorf("table: item removed or changed: %s", s)
		}
	}
}
