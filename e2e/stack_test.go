package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"keygate/dev/dynamolocal"
	"keygate/dev/gateway"
	"keygate/dev/gateway/inproc"
	"keygate/dev/reliability"
	"keygate/dev/samtemplate"
	"keygate/dev/sqslocal"
	"keygate/dev/testkit/testlog"
	"keygate/shared/apidoc"
	"keygate/shared/apidoc/compile"
	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

func TestMain(m *testing.M) { os.Exit(dynamolocal.Run(func() int { return sqslocal.Run(m.Run) })) }

// templatePath is the repository's template, relative to this package.
const templatePath = "../template.yaml"

// The spec's gateway bodies, byte for byte as the spec prints them.
const (
	spec401 = "{\n  \"error\": {\n    \"code\": \"UNAUTHORIZED\",\n    \"message\": \"Authorization not provided\"\n  }\n}"
	spec403 = "{\n  \"error\": {\n    \"code\": \"FORBIDDEN\", \n    \"message\": \"Insufficient access\"\n  }\n}"
)

// stack is one table in DynamoDB Local; each gateway() call serves it.
type stack struct {
	endpoint, table string
	st              *store.Store
	client          *dynamodb.Client // for snapshots of the table
	logs            *testlog.Buffer
	tokens          []string // every token the test made, checked against the logs
	// signingKey is the identity assertion's key file, one per stack so
	// that every gateway of a test signs with the same keys.
	signingKey string
	// document is the team's compiled API document the functions get
	// (nil: none), as make run -openapi gives it.
	document *apidoc.Document
}

// newStack creates a fresh table and checks at cleanup that no log line
// holds a token, a hash or anything shaped like one.
func newStack(tb testing.TB) *stack {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	s := &stack{endpoint: dynamolocal.Endpoint(tb), table: table, st: store.New(client, table), client: client, logs: &testlog.Buffer{}}
	tb.Cleanup(func() {
		var secrets []string
		for _, tok := range s.tokens {
			secrets = append(secrets, reliability.Secrets(tok)...) // the token, its secret part, its hash
		}
		s.logs.AssertNoSecrets(tb, secrets...)
	})
	return s
}

// server is one local API Gateway on 127.0.0.1:0.
type server struct {
	url string // the stage's base URL, http://127.0.0.1:<port>/<stage>
	gw  *gateway.Gateway
}

// gateway serves the stack through the template with parameter overrides
// (e.g. AuthorizerCacheTtl=300) and optional routes that are not in the
// template.
func (s *stack) gateway(tb testing.TB, params map[string]string, extra ...gateway.Route) server {
	tb.Helper()
	return s.gatewayAt(tb, nil, params, extra...)
}

// gatewayAt is gateway with a clock for the authorizer and the functions
// (nil: time.Now).
func (s *stack) gatewayAt(tb testing.TB, now func() time.Time, params map[string]string, extra ...gateway.Route) server {
	tb.Helper()
	return s.serve(tb, now, params, nil, extra...)
}

// gatewayWith is gateway with handlers for the extra routes (by their
// FunctionID); a route without one answers with echo.
func (s *stack) gatewayWith(tb testing.TB, params map[string]string, fns map[string]gateway.Function, extra ...gateway.Route) server {
	tb.Helper()
	return s.serve(tb, nil, params, fns, extra...)
}

func (s *stack) serve(tb testing.TB, now func() time.Time, params map[string]string, fns map[string]gateway.Function, extra ...gateway.Route) server {
	tb.Helper()
	return s.serveEdited(tb, nil, now, params, fns, extra...)
}

// gatewayEdited is gateway on template.yaml as edit rewrites it (a lower
// integration timeout, say), for what parameters cannot change.
func (s *stack) gatewayEdited(tb testing.TB, edit func(string) string, params map[string]string) server {
	tb.Helper()
	return s.serveEdited(tb, edit, nil, params, nil)
}

func (s *stack) serveEdited(tb testing.TB, edit func(string) string, now func() time.Time, params map[string]string, fns map[string]gateway.Function, extra ...gateway.Route) server {
	tb.Helper()
	overrides := map[string]string{"KeysTable": s.table}
	for k, v := range params {
		overrides[k] = v
	}
	data, err := os.ReadFile(templatePath)
	if err != nil {
		tb.Fatal(err)
	}
	if edit != nil {
		edited := edit(string(data))
		if edited == string(data) {
			tb.Fatal("the template edit changed nothing")
		}
		data = []byte(edited)
	}
	if s.document != nil {
		// The template with the document's operations, as make build
		// composes it for sam build.
		if data, err = compile.ComposeTemplate(data, *s.document); err != nil {
			tb.Fatal(err)
		}
	}
	t, err := samtemplate.Parse(data, overrides)
	if err != nil {
		tb.Fatal(err)
	}
	logger := s.logs.Logger("")
	extraFns := map[string]gateway.Function{}
	for _, r := range extra {
		extraFns[r.FunctionID] = echo
		if fn, ok := fns[r.FunctionID]; ok {
			extraFns[r.FunctionID] = fn
		}
	}
	// The listener first: its URL is the stage's, the assertion's issuer.
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String() + "/" + t.Stage
	if s.signingKey == "" {
		s.signingKey = filepath.Join(tb.TempDir(), "signing-key.json")
	}
	gw, err := inproc.New(tb.Context(), inproc.Options{
		Template: t, Endpoint: s.endpoint, Table: s.table,
		GatewayLogger: logger, FunctionLogger: logger, Now: now,
		ExtraRoutes: extra, ExtraFunctions: extraFns, StrictStage: true,
		SigningKeyFile: s.signingKey, Issuer: base, Document: s.document,
	})
	if err != nil {
		tb.Fatal(err)
	}
	srv.Config.Handler = gw
	srv.Listener = gateway.GuardFraming(srv.Listener)
	srv.Start()
	tb.Cleanup(srv.Close)
	// Every e2e request goes to the stage's URL, as clients of the
	// deployed API do: the gateway is strict and serves nothing else.
	return server{url: base, gw: gw}
}

// echo is a test-only integration: it answers 200 with the method and path.
func echo(_ context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	b, _ := json.Marshal(map[string]string{"method": ev.HTTPMethod, "path": ev.Path})
	return events.APIGatewayProxyResponse{StatusCode: 200, Body: string(b), Headers: map[string]string{"Content-Type": "application/json"}}, nil
}

// user creates a user with roles in workspaces (workspaces are created).
func (s *stack) user(tb testing.TB, id string, roles map[string]keys.Role) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.st.PutUser(ctx, keys.User{ID: id, Name: id, Email: id + "@example.com", CreatedAt: time.Now()}); err != nil {
		tb.Fatal(err)
	}
	for ws, role := range roles {
		if err := s.st.PutWorkspace(ctx, keys.Workspace{ID: ws, Name: "Workspace " + ws, CreatedAt: time.Now()}); err != nil {
			tb.Fatal(err)
		}
		if err := s.st.PutMembership(ctx, keys.Membership{UserID: id, WorkspaceID: ws, Role: role, CreatedAt: time.Now()}); err != nil {
			tb.Fatal(err)
		}
	}
}

// key creates a key for userID with the scopes (all when none) through the
// store, as the CLI does, and returns its token.
func (s *stack) key(tb testing.TB, userID string, scopes ...keys.Scope) string {
	tb.Helper()
	if len(scopes) == 0 {
		scopes = keys.AllScopes
	}
	k, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		tb.Fatal(err)
	}
	err = s.st.CreateKey(tb.Context(), keys.Key{ID: k.ID, UserID: userID, Name: "test key", Hash: k.Hash, Start: k.Start, Scopes: scopes, CreatedAt: s.st.Now()}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	s.tokens = append(s.tokens, k.Token)
	return k.Token
}

// response is what a test needs of an HTTP response.
type response struct {
	status int
	header http.Header
	body   string
}

// decode unmarshals the body into v.
func (r response) decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		tb.Fatalf("decode %q: %v", r.body, err)
	}
}

// do sends a request with "Authorization: Bearer <token>" when token is set.
func (srv server) do(tb testing.TB, method, path, token, body string) response {
	tb.Helper()
	return srv.doAuth(tb, method, path, bearer(token), body)
}

func bearer(token string) string {
	if token == "" {
		return ""
	}
	return "Bearer " + token
}

// doAuth sends a request with a raw Authorization header ("" = none).
func (srv server) doAuth(tb testing.TB, method, path, authorization, body string) response {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(tb.Context(), method, srv.url+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return send(tb, req)
}

// send sends a prepared request (own headers, a raw path) and reads the
// response.
func send(tb testing.TB, req *http.Request) response {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// deliveryQueues are a stack's webhook queues on goaws: the template's,
// under a name of the test's own.
type deliveryQueues struct {
	client *sqs.Client
	queues map[string]sqslocal.Queue
	mu     sync.Mutex
	dead   []webhooks.DeadLetter
}

// deadLetters is every dead letter the worker has sent to
// WebhookDeadLetterQueue so far (received and deleted from it, kept here).
func (q *deliveryQueues) deadLetters(tb testing.TB) []webhooks.DeadLetter {
	tb.Helper()
	q.mu.Lock()
	defer q.mu.Unlock()
	url := q.queues["WebhookDeadLetterQueue"].URL
	for {
		out, err := q.client.ReceiveMessage(tb.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
		if err != nil {
			tb.Fatalf("receive dead letters: %v", err)
		}
		if len(out.Messages) == 0 {
			return append([]webhooks.DeadLetter(nil), q.dead...)
		}
		for _, m := range out.Messages {
			var d webhooks.DeadLetter
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &d); err != nil {
				tb.Fatalf("dead letter %s: %v", aws.ToString(m.Body), err)
			}
			q.dead = append(q.dead, d)
			if _, err := q.client.DeleteMessage(tb.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				tb.Fatalf("delete dead letter: %v", err)
			}
		}
	}
}

// deliveries starts the webhook deliveries of the stack — the stream
// poller into WebhookDeliveryFunction, the template's queues on goaws, and
// their mapping into WebhookWorkerFunction — with cfg, until the test ends.
func (s *stack) deliveries(tb testing.TB, cfg webhooks.DeliverConfig) *deliveryQueues {
	tb.Helper()
	return s.deliveriesWith(tb, cfg, 0, nil)
}

// deliveriesWith is deliveries with each invocation bounded by
// functionTimeout (0: the template's Timeout) and the template's queues as
// edit leaves them (nil: as written).
func (s *stack) deliveriesWith(tb testing.TB, cfg webhooks.DeliverConfig, functionTimeout time.Duration, edit func(map[string]samtemplate.SQSQueue)) *deliveryQueues {
	tb.Helper()
	dynamolocal.EnableStream(tb, s.client, s.table)
	t, err := samtemplate.Load(templatePath, map[string]string{"KeysTable": s.table})
	if err != nil {
		tb.Fatal(err)
	}
	if edit != nil {
		edit(t.SQSQueues)
	}
	q := &deliveryQueues{client: sqslocal.NewTestClient(tb), queues: sqslocal.NewTestTemplateQueues(tb, t.SQSQueues)}
	logger := s.logs.Logger("")
	stop, err := inproc.StartDeliveries(tb.Context(), inproc.Options{Template: t, Endpoint: s.endpoint, Table: s.table,
		GatewayLogger: logger, FunctionLogger: logger, FunctionTimeout: functionTimeout}, inproc.DeliveryOptions{SQSEndpoint: sqslocal.Endpoint(tb), Queues: q.queues,
		Deliver: cfg, PollInterval: 50 * time.Millisecond, RetryWait: 200 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	return q
}
