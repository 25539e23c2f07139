package main

import (
	"testing"

	"keygate/shared/keys"
)

func TestKeyLimits(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	var k keyView
	e.mustRunJSON(t, &k, "key", "create", "u1", "--name", "metered", "--rate", "100/s", "--burst", "200", "--quota", "10000/day")
	wantRate := keys.RateLimitView{Limit: 100, WindowSeconds: 1, Burst: 200}
	wantQuota := keys.QuotaSettingView{Limit: 10000, Period: keys.QuotaDay}
	if k.RateLimit == nil || *k.RateLimit != wantRate || k.Quota == nil || k.Quota.QuotaSettingView != wantQuota || k.Quota.Used != 0 {
		t.Errorf("key create: got rate %+v quota %+v, want %+v and %+v unused", k.RateLimit, k.Quota, wantRate, wantQuota)
	}
	var u keyView
	e.mustRunJSON(t, &u, "key", "limits", "u1", k.ID, "--rate", "5/30s", "--no-quota")
	wantRate = keys.RateLimitView{Limit: 5, WindowSeconds: 30, Burst: 5}
	if u.RateLimit == nil || *u.RateLimit != wantRate || u.Quota != nil {
		t.Errorf("key limits: got rate %+v quota %+v, want %+v and no quota", u.RateLimit, u.Quota, wantRate)
	}
	for _, args := range [][]string{
		{"key", "create", "u1", "--name", "x", "--rate", "0/s"},
		{"key", "create", "u1", "--name", "x", "--rate", "10/fortnight"},
		{"key", "create", "u1", "--name", "x", "--rate", "1.5/s"},
		{"key", "create", "u1", "--name", "x", "--rate", "10/s", "--burst", "5"},
		{"key", "create", "u1", "--name", "x", "--burst", "5"},
		{"key", "create", "u1", "--name", "x", "--quota", "10/week"},
		{"key", "create", "u1", "--name", "x", "--rate", "1000000/s"},
		{"key", "limits", "u1", k.ID},
		{"key", "limits", "u1", k.ID, "--rate", "1/s", "--no-rate"},
	} {
		if r := e.run(t, args...); r.code != exitUsage {
			t.Errorf("%v: got exit %d (%s), want %d", args, r.code, r.stderr, exitUsage)
		}
	}
}
