package webhooks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/functions/apikeys"
	fn "keygate/functions/webhooks"
	"keygate/shared/keys"
	"keygate/shared/openapi/openapitest"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// handler is what both functions are: an API Gateway proxy handler.
type handler interface {
	Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)
}

// api is the webhooks function and the apikeys function (GET /open/audit)
// on one DynamoDB Local table, with a clock the test moves.
type api struct {
	hooks, keys handler
	validator   *openapitest.Validator
	now         time.Time
	store       *store.Store
}

func newAPI(tb testing.TB, lim webhooks.PingLimit) *api {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	st := store.New(client, table)
	a := &api{now: time.Now().UTC().Truncate(time.Millisecond), validator: openapitest.New(tb)}
	clock := func() time.Time { return a.now }
	for _, user := range []string{"alice", "mallory"} {
		fntest.Seed(tb, st, user, "ws_"+user, keys.RoleOwner)
		fntest.SeedCallerKey(tb, st, user)
	}
	hooks, err := fn.New(fn.Config{AllowOrigin: "*"},
		webhooks.NewService(st, webhooks.ServiceConfig{Now: clock, PingLimit: lim, AuditRetention: time.Hour}))
	if err != nil {
		tb.Fatal(err)
	}
	ks, err := apikeys.New(apikeys.Config{AllowOrigin: "*", KeyPrefix: "sk",
		CursorKey: []byte("test-cursor-key-0123456789abcdef-0123456789"), Now: clock}, st, nil)
	if err != nil {
		tb.Fatal(err)
	}
	a.hooks, a.keys, a.store = hooks, ks, st
	return a
}

// call sends one request of user's key (every scope) to f and checks the
// answer's status and its match with the OpenAPI document.
func (a *api) call(tb testing.TB, f handler, user, method, path, body string, want int) events.APIGatewayProxyResponse {
	tb.Helper()
	r := fntest.Request{Method: method, Path: path, Body: body,
		Authorizer: fntest.Authorizer(tb, user, fntest.CallerKeyID(user), keys.AllScopes)}
	if p, q, ok := strings.Cut(path, "?"); ok {
		k, v, _ := strings.Cut(q, "=")
		r.Path, r.Query = p, map[string]string{k: v}
	}
	req := r.Event()
	resp, err := f.Handle(context.Background(), req)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode != want {
		tb.Fatalf("%s %s as %s: got %d %s, want %d", method, path, user, resp.StatusCode, resp.Body, want)
	}
	a.validator.Proxy(tb, req, resp)
	return resp
}

// createHook registers an endpoint for user and returns its id and secret.
func (a *api) createHook(tb testing.TB, user, url string) (id, secret string) {
	tb.Helper()
	var w struct{ ID, Secret string }
	resp := a.call(tb, a.hooks, user, "POST", "/open/webhooks", `{"url":"`+url+`","events":["key.created","webhook.deleted"]}`, http.StatusCreated)
	if err := json.Unmarshal([]byte(resp.Body), &w); err != nil {
		tb.Fatal(err)
	}
	return w.ID, w.Secret
}

// auditTypes is user's audit log through GET /open/audit, newest first:
// each event's type and webhookId.
func (a *api) auditTypes(tb testing.TB, user string) []string {
	tb.Helper()
	resp := a.call(tb, a.keys, user, "GET", "/open/audit", "", http.StatusOK)
	var page struct {
		Items []struct {
			Type    string         `json:"type"`
			KeyID   *string        `json:"keyId"`
			Changes map[string]any `json:"changes"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &page); err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, ev := range page.Items {
		out = append(out, ev.Type+" "+ev.Changes["webhookId"].(string))
	}
	return out
}

// TestWebhookEventsInTheAuditAPI: each change through the API is one event
// in the caller's GET /open/audit, without the secret; another tenant can
// neither touch the endpoint nor see its events.
func TestWebhookEventsInTheAuditAPI(t *testing.T) {
	a := newAPI(t, webhooks.DefaultPingLimit)
	id, secret := a.createHook(t, "alice", "https://hooks.example.com/k")
	steps := []struct {
		name, user, method, path, body string
		wantStatus                     int
		wantLog                        []string // alice's, newest first
	}{
		{"created", "alice", "GET", "/open/webhooks/" + id, "", 200, []string{"webhook.created " + id}},
		{"mallory cannot change it", "mallory", "PATCH", "/open/webhooks/" + id, `{"url":"https://evil.example.com/"}`, 404, []string{"webhook.created " + id}},
		{"mallory cannot ping it", "mallory", "POST", "/open/webhooks/" + id + "/test", "", 404, []string{"webhook.created " + id}},
		{"mallory cannot delete it", "mallory", "DELETE", "/open/webhooks/" + id, "", 404, []string{"webhook.created " + id}},
		{"updated", "alice", "PATCH", "/open/webhooks/" + id, `{"description":"ops"}`, 200,
			[]string{"webhook.updated " + id, "webhook.created " + id}},
		{"a ping is no change", "alice", "POST", "/open/webhooks/" + id + "/test", "", 202,
			[]string{"webhook.updated " + id, "webhook.created " + id}},
		{"deleted", "alice", "DELETE", "/open/webhooks/" + id, "", 204,
			[]string{"webhook.deleted " + id, "webhook.updated " + id, "webhook.created " + id}},
	}
	for _, tt := range steps {
		a.now = a.now.Add(time.Second)
		t.Run(tt.name, func(t *testing.T) {
			resp := a.call(t, a.hooks, tt.user, tt.method, tt.path, tt.body, tt.wantStatus)
			if strings.Contains(resp.Body, secret) {
				t.Errorf("the answer holds the secret: %s", resp.Body)
			}
			if got := a.auditTypes(t, "alice"); strings.Join(got, ",") != strings.Join(tt.wantLog, ",") {
				t.Errorf("alice's log: got %v, want %v", got, tt.wantLog)
			}
			if got := a.auditTypes(t, "mallory"); len(got) != 0 {
				t.Errorf("mallory's log: got %v, want nothing", got)
			}
		})
	}
	resp := a.call(t, a.keys, "alice", "GET", "/open/audit?type=webhook.deleted", "", http.StatusOK)
	if strings.Contains(resp.Body, secret) || strings.Contains(resp.Body, "/k") || !strings.Contains(resp.Body, `"url":"https://hooks.example.com"`) {
		t.Errorf("GET /open/audit?type=webhook.deleted: got %s, want the origin of the URL only and no secret", resp.Body)
	}
}

// TestPingCapThroughTheAPI: the (N+1)th ping within the window is a 429
// in the envelope with Retry-After; the window passing admits pings again;
// another tenant's pings use none of the cap.
func TestPingCapThroughTheAPI(t *testing.T) {
	lim := webhooks.PingLimit{PerEndpoint: 2, PerUser: 10, Window: time.Minute}
	a := newAPI(t, lim)
	alice, _ := a.createHook(t, "alice", "https://hooks.example.com/a")
	mallory, _ := a.createHook(t, "mallory", "https://hooks.example.com/m")
	start := a.now
	steps := []struct {
		name       string
		after      time.Duration
		user, hook string
		want       int
		wantRetry  string
	}{
		{"1st", 0, "alice", alice, 202, ""},
		{"mallory pings alice's endpoint", time.Second, "mallory", alice, 404, ""},
		{"mallory pings her own", 2 * time.Second, "mallory", mallory, 202, ""},
		{"2nd", 10 * time.Second, "alice", alice, 202, ""},
		{"3rd is one too many", 15 * time.Second, "alice", alice, 429, "45"},
		{"mallory's own cap is hers", 20 * time.Second, "mallory", mallory, 202, ""},
		{"a minute after the 1st", time.Minute, "alice", alice, 202, ""},
		{"the 2nd still holds its place, rounded up", time.Minute + 500*time.Millisecond, "alice", alice, 429, "10"},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			a.now = start.Add(tt.after)
			resp := a.call(t, a.hooks, tt.user, "POST", "/open/webhooks/"+tt.hook+"/test", "", tt.want)
			if got := fntest.Header(resp, "Retry-After"); got != tt.wantRetry {
				t.Errorf("Retry-After: got %q, want %q", got, tt.wantRetry)
			}
			if tt.want == 429 {
				fntest.AssertError(t, resp, http.StatusTooManyRequests, "RATE_LIMITED")
				if msg := fntest.ErrorOf(t, resp).Message; !strings.Contains(msg, "2 per endpoint") {
					t.Errorf("message: got %q, want it to name the cap", msg)
				}
			}
		})
	}
}
