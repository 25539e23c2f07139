package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"keygate/dev/testkit/faults"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// limitedStore is a store whose calls are counted, on a table with user
// alice and one key of hers with the given limits.
func limitedStore(t *testing.T, rate *keys.RateLimit, quota *keys.Quota) (*store.Store, *faults.API, keys.Key) {
	t.Helper()
	_, client, table := newStore(t)
	counted := faults.Wrap(client)
	st := store.New(counted, table)
	seedUser(t, st, "alice", "")
	k := testKey("limitedkey000001", "alice", time.Now().Add(-time.Hour))
	k.RateLimit, k.Quota = rate, quota
	if err := st.CreateKey(context.Background(), k, nil); err != nil {
		t.Fatal(err)
	}
	return st, counted, k
}

// burstAt sends n verifications of k at the same instant, concurrently, and
// counts the results.
func burstAt(t *testing.T, st *store.Store, k keys.Key, at time.Time, n int) map[keys.VerifyResult]int {
	t.Helper()
	var mu sync.Mutex
	got := map[keys.VerifyResult]int{}
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := st.Verify(context.Background(), k.ID, k.Hash, at)
			if err != nil {
				t.Errorf("verify: %v", err)
				return
			}
			mu.Lock()
			got[v.Result]++
			mu.Unlock()
			if v.Result == keys.VerifyThrottled && v.RetryAfter <= 0 {
				t.Errorf("throttled with RetryAfter %v, want a positive wait", v.RetryAfter)
			}
		}()
	}
	wg.Wait()
	return got
}

// TestRateLimitIsExact: a key limited to 5 per second with a burst of 5
// admits exactly 5 of 40 concurrent requests at one instant, counts exactly
// those, and admits 5 again a second later; no double burst at the edge.
func TestRateLimitIsExact(t *testing.T) {
	st, _, k := limitedStore(t, &keys.RateLimit{Limit: 5, Window: time.Second, Burst: 5}, nil)
	t0 := time.Now().UTC().Truncate(time.Second)
	for i, at := range []time.Time{t0, t0.Add(time.Second), t0.Add(2 * time.Second)} {
		got := burstAt(t, st, k, at, 40)
		if got[keys.VerifyValid] != 5 || got[keys.VerifyThrottled] != 35 {
			t.Errorf("window %d: got %v, want 5 valid and 35 throttled", i, got)
		}
	}
	stored, err := st.GetKey(context.Background(), "alice", k.ID)
	if err != nil || stored.UsageCount != 15 {
		t.Errorf("usageCount: got %d (%v), want exactly the 15 admitted", stored.UsageCount, err)
	}
	// Half a window after a burst, half the burst is back: GCRA refills
	// continuously, it does not reset at a window edge.
	got := burstAt(t, st, k, t0.Add(2500*time.Millisecond), 10)
	if got[keys.VerifyValid] != 2 {
		t.Errorf("half a window later: got %v, want 2 valid (one per 200 ms)", got)
	}
}

// TestRateLimitCalls: in the steady state a limited key costs one
// UpdateItem; an idle key's first request (a rollover) one more.
func TestRateLimitCalls(t *testing.T) {
	st, counted, k := limitedStore(t, &keys.RateLimit{Limit: 100, Window: time.Second, Burst: 100}, nil)
	t0 := time.Now().UTC()
	counted.Reset()
	if v, err := st.Verify(context.Background(), k.ID, k.Hash, t0); err != nil || v.Result != keys.VerifyValid {
		t.Fatalf("first: %v %v", v.Result, err)
	}
	if got := counted.Calls()[faults.OpUpdateItem]; got != 2 {
		t.Errorf("first request of an idle key: got %d UpdateItems, want 2 (steady attempt + reset)", got)
	}
	// The second request at the same instant finds the limit current, not
	// idle as the first did: the hint's one switch of expression.
	if v, err := st.Verify(context.Background(), k.ID, k.Hash, t0); err != nil || v.Result != keys.VerifyValid {
		t.Fatalf("second: %v %v", v.Result, err)
	}
	counted.Reset()
	for i := range 10 {
		if v, err := st.Verify(context.Background(), k.ID, k.Hash, t0.Add(time.Duration(i)*time.Millisecond)); err != nil || v.Result != keys.VerifyValid {
			t.Fatalf("request %d: %v %v", i, v.Result, err)
		}
	}
	if got := counted.Calls()[faults.OpUpdateItem]; got != 10 {
		t.Errorf("10 steady requests: got %d UpdateItems, want 10", got)
	}
}

// TestQuotaRunsOutAndResets: a quota of 3 per day admits 3, refuses the
// rest until the next UTC day, and counts only what it admitted.
func TestQuotaRunsOutAndResets(t *testing.T) {
	st, _, k := limitedStore(t, nil, &keys.Quota{Limit: 3, Period: keys.QuotaDay})
	day := time.Date(2030, 5, 6, 22, 0, 0, 0, time.UTC)
	ctx := context.Background()
	var results []keys.VerifyResult
	for i := range 5 {
		v, err := st.Verify(ctx, k.ID, k.Hash, day.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, v.Result)
		if v.Result == keys.VerifyQuotaExceeded {
			if want := 2*time.Hour - time.Duration(i)*time.Minute; v.RetryAfter != want {
				t.Errorf("request %d: RetryAfter %v, want %v (midnight UTC)", i, v.RetryAfter, want)
			}
		}
	}
	want := []keys.VerifyResult{keys.VerifyValid, keys.VerifyValid, keys.VerifyValid, keys.VerifyQuotaExceeded, keys.VerifyQuotaExceeded}
	for i := range want {
		if results[i] != want[i] {
			t.Fatalf("results: got %v, want %v", results, want)
		}
	}
	v, err := st.Verify(ctx, k.ID, k.Hash, day.Add(3*time.Hour)) // the next day
	if err != nil || v.Result != keys.VerifyValid || v.Key.QuotaState.Used != 1 {
		t.Errorf("next day: got %v used %d (%v), want valid with 1 used", v.Result, v.Key.QuotaState.Used, err)
	}
	stored, _ := st.GetKey(ctx, "alice", k.ID)
	if stored.UsageCount != 4 {
		t.Errorf("usageCount: got %d, want 4 (refused requests are not counted)", stored.UsageCount)
	}
}

// TestLimitsAndQuotaTogether: the rate limit refuses first; a request it
// admits still counts against the quota.
func TestLimitsAndQuotaTogether(t *testing.T) {
	st, _, k := limitedStore(t, &keys.RateLimit{Limit: 2, Window: time.Second, Burst: 2}, &keys.Quota{Limit: 3, Period: keys.QuotaMonth})
	t0 := time.Now().UTC().Truncate(time.Second)
	if got := burstAt(t, st, k, t0, 5); got[keys.VerifyValid] != 2 || got[keys.VerifyThrottled] != 3 {
		t.Errorf("first second: got %v, want 2 valid, 3 throttled", got)
	}
	if got := burstAt(t, st, k, t0.Add(time.Second), 5); got[keys.VerifyValid] != 1 || got[keys.VerifyQuotaExceeded]+got[keys.VerifyThrottled] != 4 {
		t.Errorf("second second: got %v, want 1 valid (the quota's last) and 4 refused", got)
	}
}

// TestLimitsFailClosed: when DynamoDB fails while counting, Verify returns
// the error; it never reports a use it could not count.
func TestLimitsFailClosed(t *testing.T) {
	_, client, table := newStore(t)
	seed := store.New(client, table)
	seedUser(t, seed, "alice", "")
	k := testKey("limitedkey000002", "alice", time.Now().Add(-time.Hour))
	k.RateLimit = &keys.RateLimit{Limit: 1, Window: time.Second, Burst: 1}
	if err := seed.CreateKey(context.Background(), k, nil); err != nil {
		t.Fatal(err)
	}
	// The first UpdateItem (the steady attempt) passes; the reset fails.
	failing := store.New(&faults.API{Next: client, Fail: func(op faults.Op, n int) bool { return op == faults.OpUpdateItem && n > 1 }}, table)
	v, err := failing.Verify(context.Background(), k.ID, k.Hash, time.Now())
	if err == nil {
		t.Fatalf("got %v and no error, want the injected failure", v.Result)
	}
	stored, _ := seed.GetKey(context.Background(), "alice", k.ID)
	if stored.UsageCount != 0 {
		t.Errorf("usageCount: got %d, want 0", stored.UsageCount)
	}
}
