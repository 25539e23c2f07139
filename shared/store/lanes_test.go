package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/keys"
	"keygate/shared/store"
)

// lanedKey creates alice's key with the given limits and lanes.
func lanedKey(t *testing.T, st *store.Store, id string, rate *keys.RateLimit, quota *keys.Quota, lanes int) keys.Key {
	t.Helper()
	k := testKey(id, "alice", time.Now().Add(-time.Hour))
	k.RateLimit, k.Quota = rate, quota
	if err := st.CreateKey(context.Background(), k, nil); err != nil {
		t.Fatal(err)
	}
	got, err := st.SetLanes(context.Background(), "alice", k.ID, lanes, nil)
	if err != nil {
		t.Fatalf("SetLanes(%d): %v", lanes, err)
	}
	if got.Lanes != lanes {
		t.Fatalf("lanes: got %d, want %d", got.Lanes, lanes)
	}
	return k
}

// verifyAll sends one verification of k per time in at, concurrently, from
// instances stores (each a Lambda instance with its own lane cache), and
// returns the times admitted.
func verifyAll(t *testing.T, stores []*store.Store, k keys.Key, at []time.Time) []time.Time {
	t.Helper()
	var mu sync.Mutex
	var admitted []time.Time
	var wg sync.WaitGroup
	for i, when := range at {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := stores[i%len(stores)].Verify(context.Background(), k.ID, k.Hash, when)
			if err != nil {
				t.Errorf("verify: %v", err)
				return
			}
			if v.Result == keys.VerifyValid {
				mu.Lock()
				admitted = append(admitted, when)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(admitted, func(a, b time.Time) int { return a.Compare(b) })
	return admitted
}

// instances is n stores on one table, as n Lambda instances.
func instances(st *store.Store, n int) []*store.Store {
	out := []*store.Store{st}
	for range n - 1 {
		out = append(out, st.Fresh())
	}
	return out
}

// TestLanesNeverOverAdmit is the property lanes rest on: over lane counts
// and arrival patterns, no span of time admits more than the key's own
// GCRA would (its burst plus one request per emission interval), and no
// quota period more than the quota — whichever lanes the requests land on.
func TestLanesNeverOverAdmit(t *testing.T) {
	rate := keys.RateLimit{Limit: 64, Window: time.Second, Burst: 32}
	quota := keys.Quota{Limit: 40, Period: keys.QuotaDay}
	patterns := map[string]func(t0 time.Time) []time.Time{
		"all at one instant": func(t0 time.Time) []time.Time {
			return repeatAt(t0.Add(time.Second), 200)
		},
		"steady, twice the rate": func(t0 time.Time) []time.Time {
			var at []time.Time
			for i := range 256 {
				at = append(at, t0.Add(time.Duration(i)*time.Second/128))
			}
			return at
		},
		"bursts with pauses": func(t0 time.Time) []time.Time {
			var at []time.Time
			for b := range 4 {
				at = append(at, repeatAt(t0.Add(time.Duration(b)*700*time.Millisecond), 60)...)
			}
			return at
		},
	}
	for _, lanes := range []int{2, 3, 7, 16, 32} {
		withQuota := lanes%2 == 1
		for name, pattern := range patterns {
			t.Run(fmt.Sprintf("%d lanes/%s/quota %v", lanes, name, withQuota), func(t *testing.T) {
				st, _, _ := newStore(t)
				seedUser(t, st, "alice", "")
				var q *keys.Quota
				if withQuota {
					q = &quota
				}
				k := lanedKey(t, st, "lanedkey00000001", &rate, q, lanes)
				admitted := verifyAll(t, instances(st, 4), k, pattern(time.Now()))
				if i, j, ok := overGCRA(admitted, rate); !ok {
					t.Errorf("admitted %d between %s and %s, more than burst %d + one per %s",
						j-i+1, admitted[i].Format("15:04:05.000"), admitted[j].Format("15:04:05.000"), rate.Burst, rate.Interval())
				}
				t.Logf("admitted %d", len(admitted))
				if withQuota && int64(len(admitted)) > quota.Limit {
					t.Errorf("admitted %d, over the quota of %d", len(admitted), quota.Limit)
				}
				got, err := st.GetKey(context.Background(), "alice", k.ID)
				if err != nil || got.UsageCount != int64(len(admitted)) {
					t.Errorf("usageCount: got %d (%v), want the %d admitted", got.UsageCount, err, len(admitted))
				}
			})
		}
	}
}

// pkOf is an item's partition key.
func pkOf(item map[string]types.AttributeValue) string {
	s, _ := item["pk"].(*types.AttributeValueMemberS)
	if s == nil {
		return ""
	}
	return s.Value
}

func repeatAt(at time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = at
	}
	return out
}

// overGCRA checks sorted admission times against the bound of the key's
// own limit: between any two admissions, at most burst + elapsed/T.
func overGCRA(admitted []time.Time, r keys.RateLimit) (int, int, bool) {
	for i := range admitted {
		for j := i; j < len(admitted); j++ {
			allowed := r.Burst + int64(admitted[j].Sub(admitted[i])/r.Interval())
			if int64(j-i+1) > allowed {
				return i, j, false
			}
		}
	}
	return 0, 0, true
}

// TestLanedKeyCountsExactly: every use of a laned key is counted once on
// one lane, and the key's count — read, listed, or folded back — is their
// sum at once; folding removes the lanes and the key counts on its item.
func TestLanedKeyCountsExactly(t *testing.T) {
	st, client, table := newStore(t)
	seedUser(t, st, "alice", "")
	k := lanedKey(t, st, "lanedkey00000002", nil, nil, 8)
	at := repeatAt(time.Now(), 200)
	if got := verifyAll(t, instances(st, 4), k, at); len(got) != 200 {
		t.Fatalf("admitted %d of 200, want all (no limits)", len(got))
	}
	used := 0
	for _, item := range scan(t, client, table) {
		if strings.HasPrefix(pkOf(item), "KEY#"+k.ID+"#") {
			used++
		}
	}
	if used != 8 {
		t.Errorf("lane items: got %d, want 8", used)
	}
	got, err := st.GetKey(context.Background(), "alice", k.ID)
	if err != nil || got.UsageCount != 200 || got.LastUsedAt == nil {
		t.Fatalf("GetKey: usage %d, last used %v (%v), want 200 and a time", got.UsageCount, got.LastUsedAt, err)
	}
	list, _, err := st.ListKeys(context.Background(), "alice", 10, "")
	if err != nil || len(list) != 1 || list[0].UsageCount != 200 || list[0].Lanes != 8 {
		t.Fatalf("ListKeys: %+v (%v), want the key with usage 200 and 8 lanes", list, err)
	}
	folded, err := st.SetLanes(context.Background(), "alice", k.ID, 1, nil)
	if err != nil || folded.Lanes != 0 || folded.UsageCount != 200 {
		t.Fatalf("fold: lanes %d usage %d (%v), want 0 and 200", folded.Lanes, folded.UsageCount, err)
	}
	for _, item := range scan(t, client, table) {
		if pk := pkOf(item); strings.HasPrefix(pk, "KEY#"+k.ID+"#") {
			t.Errorf("lane %s left after the fold", pk)
		}
	}
	if got := verifyAll(t, instances(st, 2), k, repeatAt(time.Now(), 3)); len(got) != 3 {
		t.Errorf("after the fold: admitted %d of 3", len(got))
	}
	if got, _ := st.GetKey(context.Background(), "alice", k.ID); got.UsageCount != 203 {
		t.Errorf("after the fold: usage %d, want 203", got.UsageCount)
	}
}

// TestLanedKeyRevocation: deleting a laned key closes its lanes, so every
// instance refuses it at its next request, however recently it read the
// key; a change that does not touch the lanes (the user disabled) reaches
// every instance within keys.LaneRefresh.
func TestLanedKeyRevocation(t *testing.T) {
	ctx := context.Background()
	t.Run("deleted: refused at once", func(t *testing.T) {
		st, _, _ := newStore(t)
		seedUser(t, st, "alice", "")
		k := lanedKey(t, st, "lanedkey00000003", nil, nil, 4)
		other := st.Fresh()
		for _, s := range []*store.Store{st, other} {
			if v, err := s.Verify(ctx, k.ID, k.Hash, time.Now()); err != nil || v.Result != keys.VerifyValid || !v.Laned {
				t.Fatalf("before: %v laned %v (%v), want valid on a lane", v.Result, v.Laned, err)
			}
		}
		if err := st.DeleteKey(ctx, "alice", k.ID, nil); err != nil {
			t.Fatal(err)
		}
		for i, s := range []*store.Store{st, other} {
			if v, err := s.Verify(ctx, k.ID, k.Hash, time.Now()); err != nil || v.Result != keys.VerifyNotFound {
				t.Errorf("instance %d after the delete: %v (%v), want not found", i, v.Result, err)
			}
		}
	})
	t.Run("user disabled: refused within LaneRefresh", func(t *testing.T) {
		st, _, _ := newStore(t)
		seedUser(t, st, "alice", "")
		k := lanedKey(t, st, "lanedkey00000004", nil, nil, 4)
		if v, err := st.Verify(ctx, k.ID, k.Hash, time.Now()); err != nil || v.Result != keys.VerifyValid {
			t.Fatalf("before: %v (%v)", v.Result, err)
		}
		disabled := time.Now()
		if _, err := st.SetUserDisabled(ctx, "alice", true); err != nil {
			t.Fatal(err)
		}
		time.Sleep(keys.LaneRefresh - time.Since(disabled))
		if v, err := st.Verify(ctx, k.ID, k.Hash, time.Now()); err != nil || v.Result != keys.VerifyUserDisabled {
			t.Errorf("LaneRefresh after disabling: %v (%v), want user disabled", v.Result, err)
		}
	})
}

// TestLanesFollowTheKey: a rotation carries the lanes to the successor
// with the quota already used, a key drawing on a laned key draws on its
// lanes within the laned key's limits, and SetLanes refuses counts the
// limits cannot split and another user's key.
func TestLanesFollowTheKey(t *testing.T) {
	ctx := context.Background()
	st, _, _ := newStore(t)
	seedUser(t, st, "alice", "")
	seedUser(t, st, "bob", "")
	quota := keys.Quota{Limit: 20, Period: keys.QuotaDay}
	parent := lanedKey(t, st, "lanedkey00000005", nil, &quota, 4)
	if got := verifyAll(t, instances(st, 1), parent, repeatAt(time.Now(), 5)); len(got) != 5 {
		t.Fatalf("parent: admitted %d of 5", len(got))
	}

	child := testKey("lanedchild000001", "alice", time.Now())
	child.Draws = []string{parent.ID}
	if err := st.CreateKey(ctx, child, nil); err != nil {
		t.Fatal(err)
	}
	admitted := 0
	for range 30 {
		v, err := st.Verify(ctx, child.ID, child.Hash, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if v, err = st.DrawLineage(ctx, v, time.Now()); err != nil {
			t.Fatal(err)
		}
		if v.Result == keys.VerifyValid {
			admitted++
		}
	}
	if admitted > 15 || admitted == 0 {
		t.Errorf("child admitted %d of 30, want some and at most the parent's 15 left", admitted)
	}
	got, err := st.GetKey(ctx, "alice", parent.ID)
	if err != nil || got.QuotaState.Used != 5+int64(admitted) {
		t.Errorf("parent's quota used: %d (%v), want its 5 and the child's %d", got.QuotaState.Used, err, admitted)
	}

	t.Run("rotation keeps the lanes and the quota used", func(t *testing.T) {
		old, err := st.GetKey(ctx, "alice", parent.ID)
		if err != nil {
			t.Fatal(err)
		}
		next := testKey("lanedkey00000006", "alice", time.Now())
		next.Quota, next.QuotaState, next.Lanes, next.Dependents = &quota, old.QuotaState, old.Lanes, true
		if err := st.RotateKey(ctx, "alice", parent.ID, next, nil); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetKey(ctx, "alice", next.ID)
		if err != nil || got.Lanes != 4 || got.QuotaState.Used != old.QuotaState.Used {
			t.Errorf("successor: lanes %d, used %d (%v), want 4 and %d", got.Lanes, got.QuotaState.Used, err, old.QuotaState.Used)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		small := testKey("lanedkey00000007", "alice", time.Now())
		small.Quota = &keys.Quota{Limit: 3, Period: keys.QuotaDay}
		if err := st.CreateKey(ctx, small, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetLanes(ctx, "alice", small.ID, 4, nil); err == nil {
			t.Error("4 lanes for a quota of 3: got no error")
		}
		if _, err := st.SetLanes(ctx, "bob", small.ID, 2, nil); err == nil {
			t.Error("bob set the lanes of alice's key")
		}
	})
}
