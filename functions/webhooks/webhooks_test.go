package webhooks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/dev/testkit/testlog"
	fn "keygate/functions/webhooks"
	"keygate/shared/keys"
	"keygate/shared/openapi/openapitest"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// TestRoutesAndGrants drives every route through the function on DynamoDB
// Local, checks each answer against the OpenAPI document, and each DynamoDB
// request against WebhooksFunction's statements in template.yaml, which it
// must use all of.
func TestRoutesAndGrants(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	seed := store.New(client, table)
	fntest.Seed(t, seed, "alice", "ws1", keys.RoleOwner)
	calls := &iamcheck.Recorder{}
	logger, logs := testlog.New()
	f, err := fn.New(fn.Config{AllowOrigin: "*", Logger: logger},
		webhooks.NewService(store.New(calls.Client(client), table), webhooks.ServiceConfig{}))
	if err != nil {
		t.Fatal(err)
	}
	validator := openapitest.New(t)
	auth := fntest.Authorizer(t, "alice", "key1", keys.AllScopes)
	do := func(t *testing.T, method, path, body string, want int) events.APIGatewayProxyResponse {
		t.Helper()
		req := fntest.Request{Method: method, Path: path, Body: body, Authorizer: auth}.Event()
		resp, err := f.Handle(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Fatalf("%s %s: got %d %s, want %d", method, path, resp.StatusCode, resp.Body, want)
		}
		validator.Proxy(t, req, resp)
		return resp
	}
	created := do(t, "POST", "/open/webhooks", `{"url":"https://hooks.example.com/k","events":["key.revoked","key.created"],"description":"ci"}`, http.StatusCreated)
	var w struct {
		ID, Secret string
		Events     []string
	}
	_ = json.Unmarshal([]byte(created.Body), &w)
	if !strings.HasPrefix(w.Secret, "whsec_") || strings.Join(w.Events, ",") != "key.created,key.revoked" {
		t.Errorf("created %s", created.Body)
	}
	// A dead-lettered delivery of the endpoint's webhook.created, to retry.
	evs, _, err := seed.ListEvents(context.Background(), "alice", keys.EventQuery{Type: keys.EventWebhookCreated}, 1, "")
	if err != nil || len(evs) != 1 {
		t.Fatalf("events: %v, %v", evs, err)
	}
	dead := webhooks.Delivery{ID: webhooks.DeliveryID(w.ID, evs[0].ID), WebhookID: w.ID, UserID: "alice", Type: evs[0].Type,
		EventID: evs[0].ID, EventAt: evs[0].At, Status: webhooks.StatusDeadLettered, Attempts: 8, CreatedAt: evs[0].At}
	body, err := webhooks.Body(dead.ID, dead.Type, dead.EventAt, evs[0])
	if err != nil {
		t.Fatal(err)
	}
	dead.Body = string(body)
	if err := seed.PutDelivery(context.Background(), dead); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/open/webhooks", "", 200},
		{"GET", "/open/webhooks/" + w.ID, "", 200},
		{"PATCH", "/open/webhooks/" + w.ID, `{"events":["key.rotated"]}`, 200},
		{"POST", "/open/webhooks/" + w.ID + "/test", "", 202},
		{"GET", "/open/webhooks/" + w.ID + "/deliveries", "", 200},
		{"POST", "/open/webhooks/" + w.ID + "/deliveries/" + dead.ID + "/retry", "", 202},
		{"POST", "/open/webhooks/" + w.ID + "/deliveries/" + dead.ID + "/retry", "", 409},
		{"PATCH", "/open/webhooks/" + w.ID, `{"enabled":false}`, 200},
		{"PATCH", "/open/webhooks/" + w.ID, `{"enabled":true}`, 200},
		{"DELETE", "/open/webhooks/" + w.ID, "", 204},
		{"GET", "/open/webhooks/" + w.ID, "", 404},
	} {
		resp := do(t, r.method, r.path, r.body, r.want)
		if strings.Contains(resp.Body, w.Secret) {
			t.Errorf("%s %s shows the secret", r.method, r.path)
		}
	}
	if strings.Contains(logs.String(), w.Secret) {
		t.Error("the logs hold the secret")
	}
	statements := iamcheck.Statements(t, "WebhooksFunction")
	reqs := calls.Take()
	iamcheck.AssertAllowed(t, statements, "WebhooksFunction", reqs)
	iamcheck.AssertAllUsed(t, statements, "WebhooksFunction", reqs, nil)

	t.Run("a key without the webhook scope is refused by the function too", func(t *testing.T) {
		req := fntest.Request{Method: "GET", Path: "/open/webhooks", Authorizer: fntest.Authorizer(t, "alice", "key1", []keys.Scope{keys.ScopeAdmin})}.Event()
		resp, _ := f.Handle(context.Background(), req)
		fntest.AssertError(t, resp, http.StatusForbidden, "FORBIDDEN")
		if got := fntest.Header(resp, "X-Keygate-Reason"); got != string(webhooks.ReasonWebhookScopeRequired) {
			t.Errorf("X-Keygate-Reason: got %q", got)
		}
	})
}
