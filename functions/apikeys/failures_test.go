package apikeys_test

import (
	"context"
	"strings"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/testlog"
	"keygate/functions/apikeys"
	"keygate/shared/apperr"
	"keygate/shared/store"
)

// TestInfrastructureErrorIsHidden: a DynamoDB failure (here a missing table)
// is a 500 with the generic message; the SDK error is only logged.
func TestInfrastructureErrorIsHidden(t *testing.T) {
	e := newEnv(t)
	logger, logs := testlog.New()
	fn, err := apikeys.New(testConfig(logger, nil), store.New(e.client, "no-such-table"), e.flusher)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []fntest.Request{
		{Method: "GET", Path: "/open/apikeys"},
		{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x"}`},
		{Method: "DELETE", Path: "/open/apikeys/AAAAAAAAAAAAAAAA"},
	} {
		r.Authorizer = as(t, alice)
		resp, err := fn.Handle(context.Background(), r.Event())
		if err != nil {
			t.Fatal(err)
		}
		fntest.AssertError(t, resp, 500, apperr.Internal)
		if strings.Contains(resp.Body, "no-such-table") || strings.Contains(resp.Body, "ResourceNotFound") {
			t.Errorf("internal error text leaked: %s", resp.Body)
		}
	}
	if !strings.Contains(logs.String(), "ResourceNotFound") {
		t.Errorf("the infrastructure error was not logged: %s", logs.String())
	}
	if e.flusher.count() != 0 {
		t.Errorf("flushed after a failed delete")
	}
}

// TestDisabledUserCannotCreate: a key of a user disabled since the
// authorizer's cached decision cannot create keys.
func TestDisabledUserCannotCreate(t *testing.T) {
	e := newEnv(t)
	if _, err := e.st.SetUserDisabled(context.Background(), alice, true); err != nil {
		t.Fatal(err)
	}
	before := fntest.Snapshot(t, e.client, e.table)
	resp := e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x"}`, Authorizer: as(t, alice)})
	fntest.AssertError(t, resp, 404, apperr.NotFound)
	after := fntest.Snapshot(t, e.client, e.table)
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("table changed")
	}
}
