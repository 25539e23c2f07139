package authorizer_test

import (
	"bufio"
	"context"
	"encoding/json"
	"hash/crc32"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"keygate/authorizer"
	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/iamcheck"
	"keygate/dev/testkit/testlog"
	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// testBase is the API stage of every test event's methodArn.
const testBase = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1"

// callCounter counts DynamoDB operations through a middleware on the SDK
// client, so the count is what really goes over the wire (retries aside).
type callCounter struct {
	mu   sync.Mutex
	ops  []string
	reqs []iamcheck.Request // what IAM evaluates of each call (iam_test.go)
}

func (c *callCounter) middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("keygateCountCalls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			op := awsmiddleware.GetOperationName(ctx)
			c.mu.Lock()
			c.ops = append(c.ops, op)
			c.reqs = append(c.reqs, iamcheck.Describe(op, in.Parameters)...)
			c.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// counting returns a copy of client whose calls c counts.
func (c *callCounter) counting(client *dynamodb.Client) *dynamodb.Client {
	return dynamodb.New(client.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), c.middleware)
	})
}

// take returns the operations counted since the last call and resets.
func (c *callCounter) take() []string {
	ops, _ := c.takeAll()
	return ops
}

// takeRequests returns the requests recorded since the last call and resets.
func (c *callCounter) takeRequests() []iamcheck.Request {
	_, reqs := c.takeAll()
	return reqs
}

func (c *callCounter) takeAll() ([]string, []iamcheck.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops, reqs := c.ops, c.reqs
	c.ops, c.reqs = nil, nil
	return ops, reqs
}

// fixture is a fresh table, a store for seeding it, and a handler whose
// DynamoDB client counts its calls and whose logs are captured.
type fixture struct {
	tb      testing.TB
	client  *dynamodb.Client
	table   string
	seed    *store.Store
	st      *store.Store // the handler's store, on the counting client
	calls   *callCounter
	logs    *testlog.Buffer
	h       *authorizer.Handler
	secrets []string // tokens and hashes that must never be logged
}

func newFixture(tb testing.TB, cfg authorizer.Config) *fixture {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	f := &fixture{tb: tb, client: client, table: table, seed: store.New(client, table), calls: &callCounter{}, logs: &testlog.Buffer{}}
	f.st = store.New(f.calls.counting(client), table)
	f.h = authorizer.New(f.st, cfg, slog.New(slog.NewJSONHandler(f.logs, nil)))
	tb.Cleanup(f.checkLogs)
	return f
}

// checkLogs asserts that every log line is one JSON decision with the agreed
// fields, and that no token or hash appears anywhere in the logs.
func (f *fixture) checkLogs() {
	logs := f.logs.String()
	for _, s := range f.secrets {
		if strings.Contains(logs, s) {
			f.tb.Errorf("logs contain a token or hash")
		}
		// The secret part alone must not leak either.
		if len(s) > 40 && strings.Contains(logs, s[len(s)-40:]) {
			f.tb.Errorf("logs contain part of a token or hash")
		}
	}
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			f.tb.Errorf("log line is not JSON: %v", err)
			continue
		}
		for _, k := range []string{"decision", "reason", "keyId", "userId", "durationMs"} {
			if _, ok := line[k]; !ok {
				f.tb.Errorf("log line %s: missing %s", sc.Text(), k)
			}
		}
	}
}

// user creates an enabled user with the given memberships.
func (f *fixture) user(id string, roles map[string]keys.Role) {
	f.tb.Helper()
	ctx := f.tb.Context()
	if err := f.seed.PutUser(ctx, keys.User{ID: id, Name: id, Email: id + "@example.com", CreatedAt: time.Now()}); err != nil {
		f.tb.Fatal(err)
	}
	for ws, role := range roles {
		if err := f.seed.PutWorkspace(ctx, keys.Workspace{ID: ws, Name: ws, CreatedAt: time.Now()}); err != nil {
			f.tb.Fatal(err)
		}
		if err := f.seed.PutMembership(ctx, keys.Membership{UserID: id, WorkspaceID: ws, Role: role, CreatedAt: time.Now()}); err != nil {
			f.tb.Fatal(err)
		}
	}
}

// key creates a key for userID and returns it with its token.
func (f *fixture) key(userID string, scopes []keys.Scope, expiresAt *time.Time) apikey.Key {
	f.tb.Helper()
	k, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		f.tb.Fatal(err)
	}
	f.storeKey(userID, k, scopes, expiresAt)
	return k
}

// storeKey stores a given token's key for userID.
func (f *fixture) storeKey(userID string, k apikey.Key, scopes []keys.Scope, expiresAt *time.Time) {
	f.tb.Helper()
	f.secrets = append(f.secrets, k.Token, k.Hash)
	err := f.seed.CreateKey(f.tb.Context(), keys.Key{ID: k.ID, UserID: userID, Name: "test", Hash: k.Hash, Start: k.Start,
		Scopes: scopes, CreatedAt: time.Now(), ExpiresAt: expiresAt}, nil)
	if err != nil {
		f.tb.Fatal(err)
	}
}

// stored returns the stored key.
func (f *fixture) stored(userID, keyID string) keys.Key {
	f.tb.Helper()
	k, err := f.seed.GetKey(f.tb.Context(), userID, keyID)
	if err != nil {
		f.tb.Fatal(err)
	}
	return k
}

// deleteUserItem removes a user's profile item, as an operator sync that
// deleted the user would, leaving their keys behind.
func (f *fixture) deleteUserItem(userID string) {
	f.tb.Helper()
	_, err := f.client.DeleteItem(f.tb.Context(), &dynamodb.DeleteItemInput{
		TableName: aws.String(f.table),
		Key: map[string]types.AttributeValue{
			store.AttrPK: &types.AttributeValueMemberS{Value: "USER#" + userID},
			store.AttrSK: &types.AttributeValueMemberS{Value: "USER"},
		},
	})
	if err != nil {
		f.tb.Fatal(err)
	}
}

// request is a REQUEST event for GET /open/auth/whoami with the given
// Authorization header (none when empty), in headers and multiValueHeaders as
// API Gateway sends it.
func request(auth string) events.APIGatewayCustomAuthorizerRequestTypeRequest {
	req := events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type:              "REQUEST",
		MethodArn:         testBase + "/GET/open/auth/whoami",
		Resource:          "/open/auth/whoami",
		Path:              "/open/auth/whoami",
		HTTPMethod:        "GET",
		Headers:           map[string]string{"Accept": "application/json"},
		MultiValueHeaders: map[string][]string{"Accept": {"application/json"}},
	}
	if auth != "" {
		req.Headers["Authorization"] = auth
		req.MultiValueHeaders["Authorization"] = []string{auth}
	}
	return req
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// forgeToken builds a well-formed token (valid checksum) from an id and a
// secret, e.g. a stored key's id with a wrong secret.
func forgeToken(id, secret string) string {
	body := apikey.DefaultPrefix + "_" + id + secret
	crc := crc32.ChecksumIEEE([]byte(body))
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = base62[crc%62]
		crc /= 62
	}
	return body + string(out[:])
}

// decision classifies a Handle result for assertions.
func decision(resp events.APIGatewayCustomAuthorizerResponse, err error) string {
	switch {
	case err != nil && err.Error() == "Unauthorized":
		return "unauthorized"
	case err != nil:
		return "error"
	case len(resp.PolicyDocument.Statement) == 1 && resp.PolicyDocument.Statement[0].Effect == "Allow":
		return "allow"
	case len(resp.PolicyDocument.Statement) == 1 && resp.PolicyDocument.Statement[0].Effect == "Deny":
		return "deny"
	}
	return "invalid response"
}

func ptr[T any](v T) *T { return &v }
