package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"keygate/shared/store"
)

// TestKeyUsageAndLanes: key usage prints the buckets the aggregator wrote,
// their total the key's uses; key lanes spreads a key and refuses a count
// its limits cannot split.
func TestKeyUsageAndLanes(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	var k keyView
	e.mustRunJSON(t, &k, "key", "create", "u1", "--name", "hot", "--rate", "100/s")
	now := time.Now().UTC()
	st := store.New(e.client, e.table)
	var changes []store.UsageChange
	for i := range 4 {
		changes = append(changes, store.UsageChange{KeyID: k.ID, Source: "key", Seq: fmt.Sprintf("%040d", i+1), Insert: i == 0, Count: int64(i), At: now})
	}
	if err := st.RecordUsage(t.Context(), changes, 24*time.Hour, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	var u usageView
	e.mustRunJSON(t, &u, "key", "usage", "u1", k.ID, "--granularity", "day")
	total := int64(0)
	for _, b := range u.Buckets {
		total += b.Count
	}
	if u.KeyID != k.ID || u.Granularity != "day" || len(u.Buckets) != 90 || total != 3 {
		t.Errorf("key usage --json: %s %s, %d buckets totalling %d; want %s's 90 days totalling 3", u.KeyID, u.Granularity, len(u.Buckets), total, k.ID)
	}
	if out := e.mustRun(t, "key", "usage", "u1", k.ID); !strings.Contains(out, "total  3 over 48 hours") {
		t.Errorf("key usage: got %q, want the 48 hours' total of 3", out)
	}
	var laned keyView
	e.mustRunJSON(t, &laned, "key", "lanes", "u1", k.ID, "8")
	if laned.Lanes != 8 {
		t.Errorf("key lanes: got %d lanes, want 8", laned.Lanes)
	}
	for _, args := range [][]string{
		{"key", "usage", "u1", k.ID, "--granularity", "minute"},
		{"key", "usage", "u1", k.ID, "--from", "yesterday"},
		{"key", "lanes", "u1", k.ID, "33"},
		{"key", "lanes", "u1", k.ID, "many"},
	} {
		if r := e.run(t, args...); r.code == 0 {
			t.Errorf("%v: got exit 0, want a refusal", args)
		}
	}
}
