package apikeys_test

import (
	"net/http"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
)

// TestTemplateGrantsEveryCall drives each route through its table writes
// and reads and checks every DynamoDB request, each item of a transaction
// on its own as IAM does, against ApiKeysFunction's statements in
// template.yaml. DynamoDB Local does not enforce IAM: on AWS a request
// outside them is AccessDenied, a 500 for the caller.
func TestTemplateGrantsEveryCall(t *testing.T) {
	statements := iamcheck.Statements(t, "ApiKeysFunction")
	e := newEnv(t)
	k := e.create(t, alice, `{"name":"first"}`)
	rotated := e.create(t, alice, `{"name":"to rotate"}`)
	path := "/open/apikeys/" + k.ID

	tests := []struct {
		name       string
		req        fntest.Request
		wantStatus int
	}{
		{"create", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"second"}`}, http.StatusCreated},
		{"list", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"limit": "1"}}, http.StatusOK},
		{"get", fntest.Request{Method: "GET", Path: path}, http.StatusOK},
		{"rename", fntest.Request{Method: "PATCH", Path: path, Body: `{"name":"renamed"}`}, http.StatusOK},
		{"spread over lanes", fntest.Request{Method: "PATCH", Path: path, Body: `{"lanes":4}`}, http.StatusOK},
		{"get, laned", fntest.Request{Method: "GET", Path: path}, http.StatusOK},
		{"usage", fntest.Request{Method: "GET", Path: path + "/usage", Query: map[string]string{"granularity": "day"}}, http.StatusOK},
		{"rotate with a grace period", fntest.Request{Method: "POST", Path: "/open/apikeys/" + rotated.ID + "/rotate", Body: `{"gracePeriodSeconds":60}`}, http.StatusCreated},
		{"update the allowlist and limits", fntest.Request{Method: "PATCH", Path: path, Body: `{"allowedCidrs":["10.0.0.0/8"],"rateLimit":{"limit":5,"windowSeconds":1,"burst":5}}`}, http.StatusOK},
		{"audit log", fntest.Request{Method: "GET", Path: "/open/audit"}, http.StatusOK},
		{"audit log of one key", fntest.Request{Method: "GET", Path: "/open/audit", Query: map[string]string{"keyId": k.ID}}, http.StatusOK},
		{"delete", fntest.Request{Method: "DELETE", Path: path}, http.StatusNoContent},
		{"get, deleted", fntest.Request{Method: "GET", Path: path}, http.StatusNotFound},
	}
	var all []iamcheck.Request
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.calls.Take()
			tt.req.Authorizer = as(t, alice)
			if resp := e.do(t, tt.req); resp.StatusCode != tt.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", resp.StatusCode, tt.wantStatus, resp.Body)
			}
			reqs := e.calls.Take()
			if len(reqs) == 0 {
				t.Fatal("no DynamoDB request recorded: the recorder is not on the function's client")
			}
			iamcheck.AssertAllowed(t, statements, "ApiKeysFunction", reqs)
			all = append(all, reqs...)
		})
	}
	iamcheck.AssertAllUsed(t, statements, "ApiKeysFunction", all, nil)
}
