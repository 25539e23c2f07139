package apikeys_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"keygate/dev/testkit/fntest"
	"keygate/shared/apperr"
	"keygate/shared/keys"
)

func TestLimitsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	k := e.create(t, alice, `{"name":"metered","rateLimit":{"limit":100,"windowSeconds":1,"burst":200},"quota":{"limit":10000,"period":"day"}}`)
	if k.RateLimit == nil || k.RateLimit.Limit != 100 || k.RateLimit.WindowSeconds != 1 || k.RateLimit.Burst != 200 {
		t.Errorf("rateLimit: got %+v", k.RateLimit)
	}
	midnight := time.Date(e.now.Year(), e.now.Month(), e.now.Day()+1, 0, 0, 0, 0, time.UTC).Format(keys.TimeFormat)
	if k.Quota == nil || k.Quota.Limit != 10000 || k.Quota.Period != "day" || k.Quota.Used != 0 || k.Quota.ResetsAt != midnight {
		t.Errorf("quota: got %+v, want 10000/day, 0 used, resetting at %s", k.Quota, midnight)
	}
	path := "/open/apikeys/" + k.ID
	patched := decode[keyJSON](t, e.do(t, fntest.Request{Method: "PATCH", Path: path, Body: `{"rateLimit":null,"quota":{"limit":5,"period":"month"}}`, Authorizer: as(t, alice)}), http.StatusOK)
	if patched.RateLimit != nil || patched.Quota == nil || patched.Quota.Period != "month" {
		t.Errorf("patch: got rateLimit %+v quota %+v", patched.RateLimit, patched.Quota)
	}
	before := fntest.Snapshot(t, e.client, e.table)
	for _, body := range []string{
		`{"name":"x","rateLimit":{"limit":0,"windowSeconds":1,"burst":1}}`,
		`{"name":"x","rateLimit":{"limit":-5,"windowSeconds":1,"burst":1}}`,
		`{"name":"x","rateLimit":{"limit":1.5,"windowSeconds":1,"burst":2}}`,
		`{"name":"x","rateLimit":{"limit":"10","windowSeconds":1,"burst":10}}`,
		`{"name":"x","rateLimit":{"limit":10,"windowSeconds":0,"burst":10}}`,
		`{"name":"x","rateLimit":{"limit":10,"windowSeconds":86401,"burst":10}}`,
		`{"name":"x","rateLimit":{"limit":10,"windowSeconds":1,"burst":5}}`,
		`{"name":"x","rateLimit":{"limit":10,"windowSeconds":1}}`,
		`{"name":"x","rateLimit":{"limit":100000,"windowSeconds":1,"burst":100000}}`,
		`{"name":"x","rateLimit":{"limit":10,"windowSeconds":1,"burst":10,"extra":1}}`,
		`{"name":"x","quota":{"limit":0,"period":"day"}}`,
		`{"name":"x","quota":{"limit":10,"period":"week"}}`,
		`{"name":"x","quota":{"limit":10}}`,
		`{"name":"x","quota":{"limit":10000000000,"period":"month"}}`,
		`{"name":"x","quota":"10/day"}`,
	} {
		fntest.AssertError(t, e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys", Body: body, Authorizer: as(t, alice)}), 400, apperr.BadRequest)
		fntest.AssertError(t, e.do(t, fntest.Request{Method: "PATCH", Path: path, Body: "{" + body[len(`{"name":"x",`):], Authorizer: as(t, alice)}), 400, apperr.BadRequest)
	}
	if after := fntest.Snapshot(t, e.client, e.table); !slices.Equal(before, after) {
		t.Errorf("table changed by refused requests")
	}
}

// TestLimitsNeverExceedTheCaller: a limited key creates keys within its
// own limits, inherits them by default, and cannot lift them.
func TestLimitsNeverExceedTheCaller(t *testing.T) {
	e := newEnv(t)
	limited := e.create(t, alice, `{"name":"limited","rateLimit":{"limit":10,"windowSeconds":1,"burst":20},"quota":{"limit":1000,"period":"month"}}`)
	caller := fntest.Authorizer(t, alice, limited.ID, keys.AllScopes)
	child := decode[keyJSON](t, e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"child"}`, Authorizer: caller}), 201)
	if child.RateLimit == nil || child.RateLimit.Burst != 20 || child.Quota == nil || child.Quota.Limit != 1000 {
		t.Errorf("inherited limits: got %+v %+v, want the creator's", child.RateLimit, child.Quota)
	}
	for _, body := range []string{
		`{"name":"x","rateLimit":{"limit":11,"windowSeconds":1,"burst":20}}`,
		`{"name":"x","rateLimit":{"limit":10,"windowSeconds":1,"burst":21}}`,
		`{"name":"x","quota":{"limit":1001,"period":"month"}}`,
		`{"name":"x","quota":{"limit":10,"period":"month"},"rateLimit":{"limit":1,"windowSeconds":1,"burst":1}}`,
	} {
		r := e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys", Body: body, Authorizer: caller})
		if body == `{"name":"x","quota":{"limit":10,"period":"month"},"rateLimit":{"limit":1,"windowSeconds":1,"burst":1}}` {
			decode[keyJSON](t, r, 201) // within both: allowed
			continue
		}
		fntest.AssertError(t, r, 403, apperr.Forbidden)
		if got := fntest.Header(r, "X-Keygate-Reason"); got != "LIMITS_BEYOND_CALLER" {
			t.Errorf("%s: reason %q, want LIMITS_BEYOND_CALLER", body, got)
		}
	}
	r := e.do(t, fntest.Request{Method: "PATCH", Path: "/open/apikeys/" + child.ID, Body: `{"rateLimit":null}`, Authorizer: caller})
	fntest.AssertError(t, r, 403, apperr.Forbidden)
}
