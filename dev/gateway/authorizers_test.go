package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// TestPerRouteAuthorizer: a route names its authorizer; each authorizer has
// its own cache, keyed by its identity sources — with httpMethod and
// resourcePath, one answer per key and operation, shared by every value of
// the operation's path parameters; a flush empties every cache.
func TestPerRouteAuthorizer(t *testing.T) {
	fn := &recorder{}
	def := &fakeAuth{fn: func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		return allow("u1", nil, testARN+"*"), nil
	}}
	ops := &fakeAuth{fn: func(ev events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		return allow("u1", nil, testARN+"*"), nil
	}}
	gw, err := New(Config{
		Region: "eu-west-1", AccountID: "111122223333", APIID: "abc123defg", Stage: "Prod",
		Routes: []Route{
			{Method: "GET", Path: "/open/auth/whoami", FunctionID: "F", Authorized: true},
			{Method: "GET", Path: "/v2/projects/{id}", FunctionID: "F", Authorized: true, AuthorizerName: "operations"},
			{Method: "PUT", Path: "/v2/projects/{id}", FunctionID: "F", Authorized: true, AuthorizerName: "operations"},
			{Method: "GET", Path: "/v2/users", FunctionID: "F", Authorized: true, AuthorizerName: "operations"},
		},
		Functions:  map[string]Function{"F": fn.handle},
		Authorizer: &AuthorizerConfig{Name: "Keys", IdentityHeader: "Authorization", TTL: time.Minute, Handler: def.handle},
		Authorizers: map[string]*AuthorizerConfig{"operations": {Name: "Operations", IdentityHeader: "Authorization",
			IdentityContext: []string{"httpMethod", "resourcePath"}, TTL: time.Minute, Handler: ops.handle}},
		Responses: testResponses(),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	h := &harness{gw: gw, srv: srv, fn: fn, auth: def}
	steps := []struct {
		method, path           string
		wantDefault, wantCalls int32
	}{
		{"GET", "/open/auth/whoami", 1, 0},
		{"GET", "/open/auth/whoami", 1, 0}, // the default authorizer's cache
		{"GET", "/v2/projects/1", 1, 1},    // not the default's cache
		{"GET", "/v2/projects/2", 1, 1},    // the same operation: cached
		{"PUT", "/v2/projects/1", 1, 2},    // another method: another answer
		{"GET", "/v2/users", 1, 3},         // another resource path
	}
	for _, s := range steps {
		if status, _, body := h.do(t, s.method, s.path, "Bearer k1", ""); status != http.StatusOK {
			t.Fatalf("%s %s: got %d %s", s.method, s.path, status, body)
		}
		if got, got2 := def.calls.Load(), ops.calls.Load(); got != s.wantDefault || got2 != s.wantCalls {
			t.Errorf("after %s %s: default authorizer called %d times, operations %d; want %d and %d", s.method, s.path, got, got2, s.wantDefault, s.wantCalls)
		}
	}
	if ev := ops.last.Load(); ev == nil || ev.Resource != "/v2/users" || ev.HTTPMethod != "GET" {
		t.Errorf("the operations authorizer's last event: %+v, want GET /v2/users", ev)
	}
	if err := gw.FlushAuthorizerCache(t.Context(), "abc123defg", "Prod"); err != nil {
		t.Fatal(err)
	}
	h.do(t, "GET", "/v2/users", "Bearer k1", "")
	h.do(t, "GET", "/open/auth/whoami", "Bearer k1", "")
	if def.calls.Load() != 2 || ops.calls.Load() != 4 {
		t.Errorf("after a flush: default %d, operations %d calls; want both called again (2, 4)", def.calls.Load(), ops.calls.Load())
	}
}

// TestPathsThatBeginLikeTheStage: without StrictStage, a path served without
// the stage prefix may begin like the stage (stage v1, an API's
// /v1/status): it reaches its route, with the prefix and without.
func TestPathsThatBeginLikeTheStage(t *testing.T) {
	fn := &recorder{}
	gw, err := New(Config{Stage: "v1", Routes: []Route{{Method: "GET", Path: "/v1/status", FunctionID: "F"}},
		Functions: map[string]Function{"F": fn.handle}, Responses: testResponses()})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/v1/status", "/v1/v1/status"} {
		rec := httptest.NewRecorder()
		gw.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: got %d, want the /v1/status route", path, rec.Code)
		}
	}
}
