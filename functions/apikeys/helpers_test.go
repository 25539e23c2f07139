package apikeys_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/dev/testkit/testlog"
	"keygate/functions/apikeys"
	"keygate/shared/keys"
	"keygate/shared/openapi/openapitest"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// Users of every test table: alice calls, bob is someone else.
const (
	alice = "alice"
	bob   = "bob"
)

// fakeFlusher records authorizer cache flushes (it stands in for API
// Gateway, not for DynamoDB).
type fakeFlusher struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (f *fakeFlusher) FlushAuthorizerCache(_ context.Context, restAPIID, stage string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, restAPIID+"/"+stage)
	return f.err
}

func (f *fakeFlusher) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// env is one function over a fresh DynamoDB Local table.
type env struct {
	client    *dynamodb.Client
	table     string
	st        *store.Store // for seeding and checking, not recorded
	fnStore   *store.Store // the function's, recorded by calls
	fn        *apikeys.Function
	calls     *iamcheck.Recorder // the function's DynamoDB requests
	flusher   *fakeFlusher
	logs      *testlog.Buffer
	validator *openapitest.Validator
	now       time.Time
	// bodies holds every response body, to search for leaked tokens.
	bodies []string
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	e := &env{client: client, table: table, flusher: &fakeFlusher{}, calls: &iamcheck.Recorder{},
		now: time.Now().UTC().Truncate(time.Millisecond)}
	clock := func() time.Time { return e.now }
	e.st = store.New(client, table).WithClock(clock)
	fntest.Seed(tb, e.st, alice, "ws1", keys.RoleOwner)
	fntest.Seed(tb, e.st, bob, "ws2", keys.RoleOwner)
	fntest.SeedCallerKey(tb, e.st, alice)
	fntest.SeedCallerKey(tb, e.st, bob)
	logger, logs := testlog.New()
	e.logs = logs
	e.fnStore = store.New(e.calls.Client(client), table)
	e.fn = e.newFunction(tb, testConfig(logger, clock))
	e.validator = openapitest.New(tb)
	return e
}

// testCursorKey authenticates the cursors of the tests' functions.
var testCursorKey = []byte("test-cursor-key-0123456789abcdef-0123456789")

// testConfig is the function's configuration in these tests.
func testConfig(logger *slog.Logger, clock func() time.Time) apikeys.Config {
	return apikeys.Config{AllowOrigin: "*", KeyPrefix: "sk", Logger: logger, CursorKey: testCursorKey, Now: clock}
}

// newFunction builds the function on the recorded store with cfg.
func (e *env) newFunction(tb testing.TB, cfg apikeys.Config) *apikeys.Function {
	tb.Helper()
	fn, err := apikeys.New(cfg, e.fnStore, e.flusher)
	if err != nil {
		tb.Fatalf("apikeys.New: %v", err)
	}
	return fn
}

// as returns the authorizer context of a key of user with scopes.
func as(tb testing.TB, user string, scopes ...keys.Scope) map[string]interface{} {
	tb.Helper()
	if len(scopes) == 0 {
		scopes = keys.AllScopes
	}
	return fntest.Authorizer(tb, user, fntest.CallerKeyID(user), scopes)
}

// do sends r through Handle (the api-proxy adapter) and checks what every
// response must have: CORS, JSON (or no body) and a match with the OpenAPI
// document.
func (e *env) do(tb testing.TB, r fntest.Request) events.APIGatewayProxyResponse {
	tb.Helper()
	req := r.Event()
	resp, err := e.fn.Handle(context.Background(), req)
	if err != nil {
		tb.Fatalf("Handle %s %s: %v", r.Method, r.Path, err)
	}
	e.bodies = append(e.bodies, resp.Body)
	if got := fntest.Header(resp, "Access-Control-Allow-Origin"); got != "*" {
		tb.Errorf("%s %s: Access-Control-Allow-Origin: got %q, want *", r.Method, r.Path, got)
	}
	if resp.StatusCode == http.StatusNoContent {
		if resp.Body != "" {
			tb.Errorf("204 with a body: %q", resp.Body)
		}
	} else if !json.Valid([]byte(resp.Body)) {
		tb.Errorf("%s %s: body is not JSON: %q", r.Method, r.Path, resp.Body)
	}
	e.validator.Proxy(tb, req, resp)
	return resp
}

// keyJSON is the key view the API answers with (keys.View), and the
// token of a create or rotation; the OpenAPI validator of do checks every
// answer against the documented shape independently.
type keyJSON = keys.IssuedView

type listJSON struct {
	Items      []keyJSON `json:"items"`
	NextCursor *string   `json:"nextCursor"`
}

func decode[T any](tb testing.TB, resp events.APIGatewayProxyResponse, wantStatus int) T {
	tb.Helper()
	if resp.StatusCode != wantStatus {
		tb.Fatalf("status: got %d, want %d (body %s)", resp.StatusCode, wantStatus, resp.Body)
	}
	var v T
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		tb.Fatalf("decode %s: %v", resp.Body, err)
	}
	return v
}

// create makes a key for user through the API and returns the response.
func (e *env) create(tb testing.TB, user, body string) keyJSON {
	tb.Helper()
	resp := e.do(tb, fntest.Request{Method: "POST", Path: "/open/apikeys", Body: body, Authorizer: as(tb, user)})
	return decode[keyJSON](tb, resp, http.StatusCreated)
}

// errFlush is what a failing flusher returns.
var errFlush = errors.New("TooManyRequestsException: rate exceeded for secret-internal-host")
