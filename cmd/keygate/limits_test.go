package main

import (
	"testing"
)

func TestKeyLimits(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	var k keyView
	e.mustRunJSON(t, &k, "key", "create", "u1", "--name", "metered", "--rate", "100/s", "--burst", "200", "--quota", "10000/day")
	if k.RateLimit == nil || *k.RateLimit != "100/1s burst 200" || k.Quota == nil || *k.Quota != "10000/day" {
		t.Errorf("key create: got rate %v quota %v", k.RateLimit, k.Quota)
	}
	var u keyView
	e.mustRunJSON(t, &u, "key", "limits", "u1", k.ID, "--rate", "5/30s", "--no-quota")
	if u.RateLimit == nil || *u.RateLimit != "5/30s burst 5" || u.Quota != nil {
		t.Errorf("key limits: got rate %v quota %v", u.RateLimit, u.Quota)
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
