package gateway

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// The spec's bodies, as keygate's template renders them.
const (
	body401 = `{"error":{"code":"UNAUTHORIZED","message":"Authorization not provided"}}`
	body403 = `{"error":{"code":"FORBIDDEN","message":"Insufficient access"}}`
)

func testResponses() map[string]Response {
	cors := map[string]string{"Access-Control-Allow-Origin": "'*'"}
	return map[string]Response{
		ResponseUnauthorized:          {StatusCode: 401, Headers: cors, Body: body401},
		ResponseAccessDenied:          {StatusCode: 403, Headers: cors, Body: body403},
		ResponseMissingAuthToken:      {StatusCode: 404, Headers: cors, Body: `{"error":{"code":"NOT_FOUND","message":"No route for $context.httpMethod $context.path"}}`},
		ResponseAuthorizerConfigError: {StatusCode: 500, Headers: cors, Body: `{"error":{"code":"INTERNAL_SERVER_ERROR","message":"Authorizer failed","requestId":"$context.requestId"}}`},
		ResponseDefault5XX:            {Headers: cors, Body: `{"error":{"code":"INTERNAL_SERVER_ERROR","message":$context.error.messageString}}`},
		ResponseDefault4XX:            {Headers: cors, Body: `{"error":{"code":"BAD_REQUEST","message":$context.error.messageString}}`},
	}
}

// recorder is a fake function that records the event it got.
type recorder struct {
	calls atomic.Int32
	last  atomic.Pointer[events.APIGatewayProxyRequest]
	resp  *events.APIGatewayProxyResponse // nil: 200 {"ok":true}
	err   error
}

func (f *recorder) handle(_ context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	f.calls.Add(1)
	f.last.Store(&ev)
	if f.err != nil {
		return events.APIGatewayProxyResponse{}, f.err
	}
	if f.resp == nil {
		return events.APIGatewayProxyResponse{StatusCode: 200, Body: `{"ok":true}`, Headers: map[string]string{"Content-Type": "application/json"}}, nil
	}
	return *f.resp, nil
}

// fakeAuth is a fake authorizer that counts calls and records events.
type fakeAuth struct {
	calls atomic.Int32
	last  atomic.Pointer[events.APIGatewayCustomAuthorizerRequestTypeRequest]
	fn    func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error)
}

func (a *fakeAuth) handle(_ context.Context, ev events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	a.calls.Add(1)
	a.last.Store(&ev)
	return a.fn(ev)
}

func allow(principal string, ctx map[string]interface{}, resources ...string) events.APIGatewayCustomAuthorizerResponse {
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: principal,
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
			{Effect: "Allow", Action: []string{"execute-api:Invoke"}, Resource: resources},
		}},
		Context: ctx,
	}
}

type harness struct {
	gw   *Gateway
	srv  *httptest.Server
	fn   *recorder
	auth *fakeAuth
}

func newHarness(tb testing.TB, ttl time.Duration, authFn func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error)) *harness {
	tb.Helper()
	h := &harness{fn: &recorder{}, auth: &fakeAuth{fn: authFn}}
	gw, err := New(Config{
		Region: "eu-west-1", AccountID: "111122223333", APIID: "abc123defg", Stage: "Prod",
		Routes: []Route{
			{Method: "GET", Path: "/open/global/config", FunctionID: "Config"},
			{Method: "GET", Path: "/open/auth/whoami", FunctionID: "Identity", Authorized: true},
			{Method: "GET", Path: "/open/workspace/{workspaceId}", FunctionID: "Identity", Authorized: true},
			{Method: "POST", Path: "/open/apikeys", FunctionID: "Keys", Authorized: true},
		},
		Functions:      map[string]Function{"Config": h.fn.handle, "Identity": h.fn.handle, "Keys": h.fn.handle},
		Authorizer:     &AuthorizerConfig{Name: "KeygateAuthorizer", IdentityHeader: "Authorization", TTL: ttl, Handler: h.auth.handle},
		Responses:      testResponses(),
		StageVariables: map[string]string{"env": "test"},
		MaxBodyBytes:   1024,
	})
	if err != nil {
		tb.Fatal(err)
	}
	h.gw = gw
	h.srv = httptest.NewServer(gw)
	tb.Cleanup(h.srv.Close)
	return h
}

// do sends a request and returns status, headers and body.
func (h *harness) do(tb testing.TB, method, path, token, body string) (int, http.Header, string) {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), method, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

const testARN = "arn:aws:execute-api:eu-west-1:111122223333:abc123defg/Prod/"

func TestAuthorizerEvent(t *testing.T) {
	h := newHarness(t, 0, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		return allow("u1", nil, testARN+"*"), nil
	})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", h.srv.URL+"/open/workspace/w%201?a=1&a=2&b=x", nil)
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Add("X-Multi", "one")
	req.Header.Add("X-Multi", "two")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ev := h.auth.last.Load()
	if ev == nil {
		t.Fatal("authorizer not called")
	}
	checks := []struct{ name, got, want string }{
		{"type", ev.Type, "REQUEST"},
		{"methodArn", ev.MethodArn, testARN + "GET/open/workspace/w 1"},
		{"resource", ev.Resource, "/open/workspace/{workspaceId}"},
		{"path", ev.Path, "/open/workspace/w 1"},
		{"httpMethod", ev.HTTPMethod, "GET"},
		{"header", ev.Headers["Authorization"], "Bearer tok"},
		{"header last value", ev.Headers["X-Multi"], "two"},
		{"multiValueHeaders", strings.Join(ev.MultiValueHeaders["X-Multi"], ","), "one,two"},
		{"query last value", ev.QueryStringParameters["a"], "2"},
		{"multi query", strings.Join(ev.MultiValueQueryStringParameters["a"], ","), "1,2"},
		{"pathParameters", ev.PathParameters["workspaceId"], "w 1"},
		{"stageVariables", ev.StageVariables["env"], "test"},
		{"rc.stage", ev.RequestContext.Stage, "Prod"},
		{"rc.path", ev.RequestContext.Path, "/Prod/open/workspace/w 1"},
		{"rc.resourcePath", ev.RequestContext.ResourcePath, "/open/workspace/{workspaceId}"},
		{"rc.resourceId", ev.RequestContext.ResourceID, resourceID("/open/workspace/{workspaceId}")},
		{"rc.httpMethod", ev.RequestContext.HTTPMethod, "GET"},
		{"rc.apiId", ev.RequestContext.APIID, "abc123defg"},
		{"rc.accountId", ev.RequestContext.AccountID, "111122223333"},
		{"rc.sourceIp", ev.RequestContext.Identity.SourceIP, "127.0.0.1"},
		{"requestId matches header", ev.RequestContext.RequestID, resp.Header.Get("x-amzn-RequestId")},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

// TestMissingIdentitySourceWithCacheOn: with caching on, API Gateway answers
// a request without its identity source 401 without calling the authorizer.
func TestMissingIdentitySourceWithCacheOn(t *testing.T) {
	for _, token := range []string{"", "   "} {
		h := newHarness(t, 300*time.Second, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
			return allow("u1", nil, "*"), nil
		})
		status, _, body := h.do(t, "GET", "/open/workspace/w1", token, "")
		if status != 401 || body != body401 {
			t.Errorf("token %q: got %d %s, want 401 %s", token, status, body, body401)
		}
		if n := h.auth.calls.Load(); n != 0 {
			t.Errorf("token %q: authorizer called %d times, want 0", token, n)
		}
	}
}

func TestAuthorizerOutcomes(t *testing.T) {
	deny := events.APIGatewayCustomAuthorizerResponse{PrincipalID: "u1", PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
		Version: "2012-10-17", Statement: []events.IAMPolicyStatement{{Effect: "Deny", Action: []string{"execute-api:Invoke"}, Resource: []string{testARN + "*"}}},
	}, Context: map[string]interface{}{"reason": "not_found"}}
	tests := []struct {
		name       string
		token      string
		resp       events.APIGatewayCustomAuthorizerResponse
		err        error
		panics     bool
		wantStatus int
		wantBody   string
		wantCalled bool
	}{
		// With caching off API Gateway does not validate identity sources:
		// the authorizer runs and answers the missing header itself.
		{"missing header, cache off", "", events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized"), false, 401, body401, true},
		{"blank header, cache off", "   ", events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized"), false, 401, body401, true},
		{"Unauthorized error", "Bearer x", events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized"), false, 401, body401, true},
		{"other error", "Bearer x", events.APIGatewayCustomAuthorizerResponse{}, errors.New("dynamodb down"), false, 500, "", true},
		{"panic", "Bearer x", events.APIGatewayCustomAuthorizerResponse{}, nil, true, 500, "", true},
		{"no principal", "Bearer x", allow("", nil, "*"), nil, false, 500, "", true},
		{"object in context", "Bearer x", allow("u1", map[string]interface{}{"m": map[string]string{"a": "b"}}, "*"), nil, false, 500, "", true},
		{"list in context", "Bearer x", allow("u1", map[string]interface{}{"l": []string{"a"}}, "*"), nil, false, 500, "", true},
		{"empty policy", "Bearer x", events.APIGatewayCustomAuthorizerResponse{PrincipalID: "u1"}, nil, false, 500, "", true},
		{"explicit deny", "Bearer x", deny, nil, false, 403, body403, true},
		{"allow elsewhere", "Bearer x", allow("u1", nil, testARN+"GET/open/workspace/other"), nil, false, 403, body403, true},
		{"allow", "Bearer x", allow("u1", nil, testARN+"GET/open/workspace/w1"), nil, false, 200, `{"ok":true}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 0, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
				if tt.panics {
					panic("boom")
				}
				return tt.resp, tt.err
			})
			status, hdr, body := h.do(t, "GET", "/open/workspace/w1", tt.token, "")
			if status != tt.wantStatus {
				t.Errorf("got status %d, want %d (body %s)", status, tt.wantStatus, body)
			}
			if tt.wantBody != "" && body != tt.wantBody {
				t.Errorf("got body %s, want %s", body, tt.wantBody)
			}
			if called := h.auth.calls.Load() > 0; called != tt.wantCalled {
				t.Errorf("authorizer called: got %v, want %v", called, tt.wantCalled)
			}
			if fnCalled := h.fn.calls.Load() > 0; fnCalled != (tt.wantStatus == 200) {
				t.Errorf("function called: got %v, want %v", fnCalled, tt.wantStatus == 200)
			}
			if status != 200 && hdr.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("got Access-Control-Allow-Origin %q, want *", hdr.Get("Access-Control-Allow-Origin"))
			}
		})
	}
}

func TestProxyEventAuthorizerContext(t *testing.T) {
	h := newHarness(t, 0, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		return allow("user-1", map[string]interface{}{"keyId": "k1", "n": 42, "f": 1.5, "ok": true, "gone": nil}, testARN+"*"), nil
	})
	status, _, _ := h.do(t, "POST", "/open/apikeys?x=1", "Bearer x", `{"name":"a"}`)
	if status != 200 {
		t.Fatalf("got status %d, want 200", status)
	}
	ev := h.fn.last.Load()
	want := map[string]string{"principalId": "user-1", "keyId": "k1", "n": "42", "f": "1.5", "ok": "true"}
	for k, w := range want {
		if got, _ := ev.RequestContext.Authorizer[k].(string); got != w {
			t.Errorf("authorizer[%s]: got %#v, want %q", k, ev.RequestContext.Authorizer[k], w)
		}
	}
	if _, ok := ev.RequestContext.Authorizer["gone"]; ok {
		t.Error("authorizer[gone]: got a value for null, want none")
	}
	if ev.Body != `{"name":"a"}` || ev.HTTPMethod != "POST" || ev.Resource != "/open/apikeys" || ev.QueryStringParameters["x"] != "1" {
		t.Errorf("got event %+v, want body, method, resource and query passed through", ev)
	}
	if ev.RequestContext.Stage != "Prod" || ev.RequestContext.RequestID == "" || ev.RequestContext.Identity.SourceIP != "127.0.0.1" {
		t.Errorf("got requestContext %+v, want stage, requestId and sourceIp", ev.RequestContext)
	}
	rc := ev.RequestContext
	for _, c := range []struct{ name, got, want string }{
		{"rc.path", rc.Path, "/Prod/open/apikeys"},
		{"rc.resourceId", rc.ResourceID, resourceID("/open/apikeys")},
		{"rc.requestTime", rc.RequestTime, time.UnixMilli(rc.RequestTimeEpoch).UTC().Format(requestTimeLayout)},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestAuthorizerCache(t *testing.T) {
	// The policy allows whoami and workspace w1 only, like keygate's.
	authFn := func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		return allow("u1", nil, testARN+"GET/open/auth/whoami", testARN+"GET/open/workspace/w1"), nil
	}
	t.Run("ttl 300 calls once per identity and evaluates each route", func(t *testing.T) {
		h := newHarness(t, 300*time.Second, authFn)
		steps := []struct {
			path, token string
			want        int
			wantCalls   int32
		}{
			{"/open/auth/whoami", "Bearer a", 200, 1},
			{"/open/workspace/w1", "Bearer a", 200, 1},
			{"/open/workspace/w2", "Bearer a", 403, 1},
			{"/open/auth/whoami", "Bearer b", 200, 2},
		}
		for _, s := range steps {
			if status, _, _ := h.do(t, "GET", s.path, s.token, ""); status != s.want {
				t.Errorf("GET %s: got %d, want %d", s.path, status, s.want)
			}
			if got := h.auth.calls.Load(); got != s.wantCalls {
				t.Errorf("GET %s: got %d authorizer calls, want %d", s.path, got, s.wantCalls)
			}
		}
		if err := h.gw.FlushAuthorizerCache(t.Context(), "abc123defg", "Prod"); err != nil {
			t.Fatal(err)
		}
		h.do(t, "GET", "/open/auth/whoami", "Bearer a", "")
		if got := h.auth.calls.Load(); got != 3 {
			t.Errorf("after flush: got %d authorizer calls, want 3", got)
		}
	})
	t.Run("ttl 0 calls every time", func(t *testing.T) {
		h := newHarness(t, 0, authFn)
		for range 3 {
			h.do(t, "GET", "/open/auth/whoami", "Bearer a", "")
		}
		if got := h.auth.calls.Load(); got != 3 {
			t.Errorf("got %d authorizer calls, want 3", got)
		}
	})
	t.Run("errors are not cached", func(t *testing.T) {
		h := newHarness(t, 300*time.Second, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
			return events.APIGatewayCustomAuthorizerResponse{}, errors.New("Unauthorized")
		})
		h.do(t, "GET", "/open/auth/whoami", "Bearer a", "")
		h.do(t, "GET", "/open/auth/whoami", "Bearer a", "")
		if got := h.auth.calls.Load(); got != 2 {
			t.Errorf("got %d authorizer calls, want 2", got)
		}
	})
}

func TestRoutingAndResponses(t *testing.T) {
	h := newHarness(t, 0, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
		return allow("u1", nil, "*"), nil
	})
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantBody                 string
	}{
		{"public route", "GET", "/open/global/config", "", 200, `{"ok":true}`},
		{"stage prefix accepted", "GET", "/Prod/open/global/config", "", 200, `{"ok":true}`},
		{"unknown route", "GET", "/nope", "", 404, `{"error":{"code":"NOT_FOUND","message":"No route for GET /Prod/nope"}}`},
		{"unknown method", "DELETE", "/open/global/config", "", 404, `{"error":{"code":"NOT_FOUND","message":"No route for DELETE /Prod/open/global/config"}}`},
		{"too large: API Gateway's own body, customizations are inert", "POST", "/open/apikeys", strings.Repeat("x", 2000), 413, `{"message":"Request Too Long"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body := h.do(t, tt.method, tt.path, "Bearer x", tt.body)
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", status, body, tt.wantStatus, tt.wantBody)
			}
			if hdr.Get("x-amzn-RequestId") == "" {
				t.Error("got no x-amzn-RequestId header, want one")
			}
		})
	}
	t.Run("requestId rendered in body", func(t *testing.T) {
		h := newHarness(t, 0, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
			return events.APIGatewayCustomAuthorizerResponse{}, errors.New("boom")
		})
		_, hdr, body := h.do(t, "GET", "/open/auth/whoami", "Bearer x", "")
		if want := `"requestId":"` + hdr.Get("x-amzn-RequestId") + `"`; !strings.Contains(body, want) {
			t.Errorf("got body %s, want it to contain %s", body, want)
		}
	})
}

func TestBuiltinResponsesWithoutTemplate(t *testing.T) {
	gw, err := New(Config{Stage: "Prod", Routes: []Route{{Method: "GET", Path: "/a", FunctionID: "f"}},
		Functions: map[string]Function{"f": (&recorder{}).handle}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	gw.ServeHTTP(rec, httptest.NewRequest("GET", "/b", nil))
	if rec.Code != 403 || rec.Body.String() != `{"message":"Missing Authentication Token"}` {
		t.Errorf("got %d %s, want API Gateway's default 403 Missing Authentication Token", rec.Code, rec.Body.String())
	}
}

func TestFunctionResponses(t *testing.T) {
	tests := []struct {
		name       string
		resp       events.APIGatewayProxyResponse
		err        error
		wantStatus int
		wantBody   string
		wantHeader []string
	}{
		{"headers merged", events.APIGatewayProxyResponse{StatusCode: 201, Body: "made",
			Headers:           map[string]string{"X-One": "1", "Set-Cookie": "ignored"},
			MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}}}, nil, 201, "made", []string{"a=1", "b=2"}},
		{"function error", events.APIGatewayProxyResponse{}, errors.New("crash"), 502, `{"error":{"code":"INTERNAL_SERVER_ERROR","message":"Internal server error"}}`, nil},
		{"no status code", events.APIGatewayProxyResponse{Body: "x"}, nil, 502, `{"error":{"code":"INTERNAL_SERVER_ERROR","message":"Internal server error"}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 0, nil)
			h.fn.resp, h.fn.err = &tt.resp, tt.err
			status, hdr, body := h.do(t, "GET", "/open/global/config", "", "")
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", status, body, tt.wantStatus, tt.wantBody)
			}
			if tt.wantHeader != nil && !slices.Equal(hdr.Values("Set-Cookie"), tt.wantHeader) {
				t.Errorf("got Set-Cookie %v, want %v", hdr.Values("Set-Cookie"), tt.wantHeader)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	fn := (&recorder{}).handle
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no stage", Config{}},
		{"missing function", Config{Stage: "s", Routes: []Route{{Method: "GET", Path: "/a", FunctionID: "f"}}}},
		{"authorized without authorizer", Config{Stage: "s", Routes: []Route{{Method: "GET", Path: "/a", FunctionID: "f", Authorized: true}},
			Functions: map[string]Function{"f": fn}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}

func TestEmptyStageVariablesAreNull(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
	}{
		{"nil", nil},
		{"empty", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := &recorder{}
			gw, err := New(Config{Stage: "s", StageVariables: tt.vars,
				Routes: []Route{{Method: "GET", Path: "/a", FunctionID: "f"}}, Functions: map[string]Function{"f": fn.handle}})
			if err != nil {
				t.Fatal(err)
			}
			gw.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a", nil))
			ev := fn.last.Load()
			if ev == nil {
				t.Fatal("function not called")
			}
			if got := ev.StageVariables; got != nil {
				t.Errorf("got stageVariables %#v, want nil", got)
			}
		})
	}
}
