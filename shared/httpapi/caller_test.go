package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/access"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
	"keygate/shared/routes"
)

// callerRecorder serves every route of a function with a handler that
// records the callers it was given.
type callerRecorder struct {
	calls []access.Caller
}

func (c *callerRecorder) handlers(function string) map[string]httpapi.KeyHandlerFunc {
	hs := map[string]httpapi.KeyHandlerFunc{}
	for _, rt := range routes.Of(function) {
		hs[rt.Pattern()] = func(w http.ResponseWriter, _ *http.Request, caller access.Caller) error {
			c.calls = append(c.calls, caller)
			httpapi.NoContent(w)
			return nil
		}
	}
	return hs
}

// newLambda serves handlers as function's routes, logging into the
// returned builder.
func newLambda[H httpapi.Handler](tb testing.TB, function string, handlers map[string]H) (httpapi.Lambda, *strings.Builder) {
	tb.Helper()
	logs := &strings.Builder{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	mux, err := httpapi.NewMux(function, handlers, logger)
	if err != nil {
		tb.Fatal(err)
	}
	return httpapi.NewLambda(mux, httpapi.Options{Logger: logger}), logs
}

// whoamiEvent is GET /open/auth/whoami as API Gateway passes it, with the
// authorizer context auth.
func whoamiEvent(auth map[string]any) events.APIGatewayProxyRequest {
	return events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/open/auth/whoami", Resource: "/open/auth/whoami",
		RequestContext: events.APIGatewayProxyRequestContext{RequestID: "req-1", Authorizer: auth,
			Identity: events.APIGatewayRequestIdentity{SourceIP: "203.0.113.9", UserAgent: "curl/8.5.0"}}}
}

// validContext is the context the authorizer gives alice's key.
func validContext() map[string]any {
	return map[string]any{"principalId": "alice", access.KeyUserID: "alice", access.KeyKeyID: "key1",
		access.KeyScopes: "read,admin", access.KeyWorkspaces: "ws1:owner"}
}

// TestCallerResolvedOnce: the mux turns the authorizer's context into the
// caller the handler receives, with the request's address, user agent and
// id.
func TestCallerResolvedOnce(t *testing.T) {
	rec := &callerRecorder{}
	l, _ := newLambda(t, routes.IdentityFunction, rec.handlers(routes.IdentityFunction))
	resp, err := l.Handle(context.Background(), whoamiEvent(validContext()))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("Handle: got %d %s (%v), want 204", resp.StatusCode, resp.Body, err)
	}
	want := access.Caller{
		Identity: access.Identity{UserID: "alice", KeyID: "key1", Scopes: []keys.Scope{keys.ScopeRead, keys.ScopeAdmin},
			Workspaces: []access.WorkspaceRole{{WorkspaceID: "ws1", Role: keys.RoleOwner}}},
		SourceIP: "203.0.113.9", UserAgent: "curl/8.5.0", RequestID: "req-1",
	}
	if len(rec.calls) != 1 || !reflect.DeepEqual(rec.calls[0], want) {
		t.Fatalf("handler calls: got %+v, want one with %+v", rec.calls, want)
	}
	wantKeys := keys.Caller{UserID: "alice", KeyID: "key1", Scopes: want.Scopes, SourceIP: "203.0.113.9", UserAgent: "curl/8.5.0", RequestID: "req-1"}
	if got := rec.calls[0].Keys(); !reflect.DeepEqual(got, wantKeys) {
		t.Errorf("Keys: got %+v, want %+v", got, wantKeys)
	}
}

// TestCallerRefused: a key route without a valid authorizer context never
// reaches its handler, whatever the handler's kind; it is answered once, in
// the documented envelope (500 INTERNAL_SERVER_ERROR "Internal server
// error"), and logged once with the reason.
func TestCallerRefused(t *testing.T) {
	with := func(k string, v any) map[string]any {
		m := validContext()
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name string
		auth map[string]any
	}{
		{"no authorizer context", nil},
		{"an empty context", map[string]any{}},
		{"a Deny's context", with(access.KeyReason, "KEY_EXPIRED")},
		{"no userId", with(access.KeyUserID, nil)},
		{"an invalid userId", with(access.KeyUserID, "a b")},
		{"a principalId of another user", with("principalId", "bob")},
		{"a malformed scope", with(access.KeyScopes, "read,r\"oot")},
		{"a userId not a string", with(access.KeyUserID, 7)},
		{"a malformed workspaces entry", with(access.KeyWorkspaces, "ws1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &callerRecorder{}
			l, logs := newLambda(t, routes.IdentityFunction, rec.handlers(routes.IdentityFunction))
			resp, err := l.Handle(context.Background(), whoamiEvent(tt.auth))
			if err != nil {
				t.Fatal(err)
			}
			wantRefused(t, resp.StatusCode, resp.Body, logs.String())
			if len(rec.calls) != 0 {
				t.Errorf("handler calls: got %d, want none", len(rec.calls))
			}
		})
	}
	t.Run("over plain HTTP, without API Gateway's request context", func(t *testing.T) {
		rec := &callerRecorder{}
		l, logs := newLambda(t, routes.IdentityFunction, rec.handlers(routes.IdentityFunction))
		w := httptest.NewRecorder()
		l.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/open/auth/whoami", nil))
		wantRefused(t, w.Code, w.Body.String(), logs.String())
		if len(rec.calls) != 0 {
			t.Errorf("handler calls: got %d, want none", len(rec.calls))
		}
	})
	t.Run("a key route served by a HandlerFunc", func(t *testing.T) {
		calls := 0
		hs := map[string]httpapi.HandlerFunc{}
		for _, rt := range routes.Of(routes.IdentityFunction) {
			hs[rt.Pattern()] = func(w http.ResponseWriter, _ *http.Request) error { calls++; return nil }
		}
		l, logs := newLambda(t, routes.IdentityFunction, hs)
		resp, err := l.Handle(context.Background(), whoamiEvent(nil))
		if err != nil {
			t.Fatal(err)
		}
		wantRefused(t, resp.StatusCode, resp.Body, logs.String())
		if calls != 0 {
			t.Errorf("handler calls: got %d, want none", calls)
		}
	})
}

// wantRefused checks the answer to a request without a valid context.
func wantRefused(tb testing.TB, status int, body, logs string) {
	tb.Helper()
	if status != http.StatusInternalServerError {
		tb.Errorf("status: got %d, want 500", status)
	}
	var env httpapi.ErrorBody
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		tb.Fatalf("body %q: %v", body, err)
	}
	if want := (httpapi.ErrorDetail{Code: apperr.Internal, Message: "Internal server error"}); env.Error != want {
		tb.Errorf("envelope: got %+v, want %+v", env.Error, want)
	}
	if got := strings.Count(logs, `"msg":"request failed"`); got != 1 {
		tb.Errorf("request failed log lines: got %d, want 1:\n%s", got, logs)
	}
	if !strings.Contains(logs, access.ErrContext.Error()) {
		tb.Errorf("log: got %s, want the reason (%v)", logs, access.ErrContext)
	}
}

// TestKeyHandlerOnPublicRoute: a public route has no caller, so NewMux
// refuses a KeyHandlerFunc for one.
func TestKeyHandlerOnPublicRoute(t *testing.T) {
	rec := &callerRecorder{}
	hs := rec.handlers(routes.ConfigFunction)
	if len(hs) == 0 {
		t.Fatal("ConfigFunction has no routes")
	}
	_, err := httpapi.NewMux(routes.ConfigFunction, hs, slog.Default())
	if err == nil || !strings.Contains(err.Error(), "public route") {
		t.Errorf("NewMux: got %v, want an error naming a public route", err)
	}
	// The same routes with HandlerFuncs are fine.
	plain := map[string]httpapi.HandlerFunc{}
	for p := range maps.Keys(hs) {
		plain[p] = func(http.ResponseWriter, *http.Request) error { return nil }
	}
	if _, err := httpapi.NewMux(routes.ConfigFunction, plain, slog.Default()); err != nil {
		t.Errorf("NewMux with HandlerFuncs: %v", err)
	}
}
