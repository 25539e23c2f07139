package identity_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/dev/testkit/testlog"
	"keygate/functions/identity"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
	"keygate/shared/openapi/openapitest"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

type env struct {
	client    *dynamodb.Client
	table     string
	st        *store.Store // for seeding and checking, not recorded
	fn        *identity.Function
	calls     *iamcheck.Recorder // the function's DynamoDB requests
	validator *openapitest.Validator
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	logger, _ := testlog.New()
	calls := &iamcheck.Recorder{}
	fnStore := store.New(calls.Client(client), table)
	fn, err := identity.New(identity.Config{AllowOrigin: "https://app.example.com", Logger: logger}, fnStore)
	if err != nil {
		tb.Fatalf("identity.New: %v", err)
	}
	return &env{
		client: client, table: table, st: store.New(client, table), calls: calls,
		fn: fn, validator: openapitest.New(tb),
	}
}

func (e *env) do(tb testing.TB, r fntest.Request) events.APIGatewayProxyResponse {
	tb.Helper()
	req := r.Event()
	resp, err := e.fn.Handle(context.Background(), req)
	if err != nil {
		tb.Fatalf("Handle: %v", err)
	}
	if got := fntest.Header(resp, "Access-Control-Allow-Origin"); got != "https://app.example.com" {
		tb.Errorf("Access-Control-Allow-Origin: got %q, want https://app.example.com", got)
	}
	e.validator.Proxy(tb, req, resp)
	return resp
}

type whoami struct {
	UserID     string   `json:"userId"`
	KeyID      string   `json:"keyId"`
	Scopes     []string `json:"scopes"`
	Workspaces []struct {
		WorkspaceID string `json:"workspaceId"`
		Role        string `json:"role"`
	} `json:"workspaces"`
}

type workspace struct {
	WorkspaceID string `json:"workspaceId"`
	Name        string `json:"name"`
	Role        string `json:"role"`
}

func decode[T any](tb testing.TB, resp events.APIGatewayProxyResponse) T {
	tb.Helper()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status: got %d, want 200 (%s)", resp.StatusCode, resp.Body)
	}
	var v T
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		tb.Fatalf("decode %s: %v", resp.Body, err)
	}
	return v
}

func TestWhoami(t *testing.T) {
	e := newEnv(t)
	m1 := fntest.Seed(t, e.st, "alice", "ws1", keys.RoleOwner)
	m2 := fntest.Seed(t, e.st, "alice", "ws2", keys.RoleReadOnly)
	auth := fntest.Authorizer(t, "alice", "key1", []keys.Scope{keys.ScopeRead, keys.ScopeAdmin}, m1, m2)
	w := decode[whoami](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/auth/whoami", Authorizer: auth}))
	if w.UserID != "alice" || w.KeyID != "key1" || !slices.Equal(w.Scopes, []string{"read", "admin"}) {
		t.Errorf("whoami: got %+v", w)
	}
	got := fmt.Sprint(w.Workspaces)
	if want := "[{ws1 owner} {ws2 readOnly}]"; got != want {
		t.Errorf("workspaces: got %s, want %s", got, want)
	}

	none := decode[whoami](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/auth/whoami", Authorizer: fntest.Authorizer(t, "bob", "key2", keys.AllScopes)}))
	if none.Workspaces == nil || len(none.Workspaces) != 0 {
		t.Errorf("no memberships: got %v, want []", none.Workspaces)
	}
}

// TestWhoamiOverflow: a user with too many workspaces for the authorizer
// context gets them from the store.
func TestWhoamiOverflow(t *testing.T) {
	e := newEnv(t)
	fntest.Seed(t, e.st, "carol", "", "")
	var ms []keys.Membership
	for i := range 120 {
		ws := fmt.Sprintf("workspace-with-a-long-identifier-%03d-%s", i, strings.Repeat("x", 20))
		ms = append(ms, fntest.Seed(t, e.st, "carol", ws, keys.RoleAdmin))
	}
	auth := fntest.Authorizer(t, "carol", "key3", keys.AllScopes, ms...)
	if auth["workspacesOverflow"] != "true" {
		t.Fatalf("authorizer context did not overflow; test needs more workspaces: %v", len(fmt.Sprint(auth)))
	}
	w := decode[whoami](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/auth/whoami", Authorizer: auth}))
	if len(w.Workspaces) != len(ms) {
		t.Errorf("workspaces: got %d, want %d", len(w.Workspaces), len(ms))
	}
	ws := decode[workspace](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/workspace/" + ms[7].WorkspaceID, Authorizer: auth}))
	if ws.Role != "admin" {
		t.Errorf("role via store: got %q, want admin", ws.Role)
	}
	fntest.Seed(t, e.st, "dave", "other-ws", keys.RoleOwner)
	fntest.AssertError(t, e.do(t, fntest.Request{Method: "GET", Path: "/open/workspace/other-ws", Authorizer: auth}), 403, apperr.Forbidden)
}

func TestWorkspace(t *testing.T) {
	e := newEnv(t)
	m := fntest.Seed(t, e.st, "alice", "ws1", keys.RoleReadOnly)
	fntest.Seed(t, e.st, "bob", "ws2", keys.RoleOwner)
	auth := fntest.Authorizer(t, "alice", "key1", keys.AllScopes, m)

	ws := decode[workspace](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/workspace/ws1", Authorizer: auth}))
	if ws != (workspace{WorkspaceID: "ws1", Name: "Workspace ws1", Role: "readOnly"}) {
		t.Errorf("workspace: got %+v", ws)
	}

	// A context that still lists a workspace the store no longer has, as a
	// cached authorizer result can.
	goneAuth := fntest.Authorizer(t, "alice", "key1", keys.AllScopes, m,
		keys.Membership{UserID: "alice", WorkspaceID: "gone", Role: keys.RoleOwner})

	before := fntest.Snapshot(t, e.client, e.table)
	tests := []struct {
		name       string
		req        fntest.Request
		wantStatus int
		wantCode   apperr.Code
	}{
		{"not a member", fntest.Request{Method: "GET", Path: "/open/workspace/ws2"}, 403, apperr.Forbidden},
		{"unknown workspace is not revealed to a non-member", fntest.Request{Method: "GET", Path: "/open/workspace/nope"}, 403, apperr.Forbidden},
		{"invalid id", fntest.Request{Method: "GET", Path: "/open/workspace/a.b"}, 403, apperr.Forbidden},
		{"workspace gone while still in the cached context", fntest.Request{Method: "GET", Path: "/open/workspace/gone", Authorizer: goneAuth}, 404, apperr.NotFound},
		{"traversal", fntest.Request{Method: "GET", Path: "/open/workspace/../workspace/ws2"}, 404, apperr.NotFound},
		{"encoded traversal", fntest.Request{Method: "GET", Path: "/open/workspace/ws1%2F..%2Fws2"}, 404, apperr.NotFound},
		{"sub-resource", fntest.Request{Method: "GET", Path: "/open/workspace/ws1/members"}, 404, apperr.NotFound},
		{"wrong method", fntest.Request{Method: "DELETE", Path: "/open/workspace/ws1"}, 404, apperr.NotFound},
		{"unknown route", fntest.Request{Method: "GET", Path: "/open/auth/whoareyou"}, 404, apperr.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.Authorizer == nil {
				tt.req.Authorizer = auth
			}
			fntest.AssertError(t, e.do(t, tt.req), tt.wantStatus, tt.wantCode)
		})
	}
	if after := fntest.Snapshot(t, e.client, e.table); !slices.Equal(before, after) {
		t.Errorf("table changed")
	}
}

func TestWorkspaceNeedsReadOrWrite(t *testing.T) {
	e := newEnv(t)
	m := fntest.Seed(t, e.st, "alice", "ws1", keys.RoleOwner)
	for _, tt := range []struct {
		scopes     []keys.Scope
		wantStatus int
	}{
		{[]keys.Scope{keys.ScopeAdmin}, 403},
		{[]keys.Scope{keys.ScopeRead}, 200},
		{[]keys.Scope{keys.ScopeWrite}, 200},
	} {
		auth := fntest.Authorizer(t, "alice", "key1", tt.scopes, m)
		resp := e.do(t, fntest.Request{Method: "GET", Path: "/open/workspace/ws1", Authorizer: auth})
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("scopes %v: got %d, want %d", tt.scopes, resp.StatusCode, tt.wantStatus)
		}
	}
}

func TestMissingContextIs500(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/open/auth/whoami", "/open/workspace/ws1"} {
		resp := e.do(t, fntest.Request{Method: "GET", Path: path})
		fntest.AssertError(t, resp, 500, apperr.Internal)
	}
}

// TestWireNeedsTable: the function does not start without its table, and
// says which variable is missing.
func TestWireNeedsTable(t *testing.T) {
	_, err := identity.Wire(t.Context(), lambdaenv.Deps{Env: lambdaenv.Map(nil)}, nil)
	if err == nil || !strings.Contains(err.Error(), "TABLE_NAME") {
		t.Errorf("got %v, want an error naming TABLE_NAME", err)
	}
}
