package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// TestLaneAttacks are a hostile key holder's moves against lanes, each of
// which must leave the key no more than it holds.
func TestLaneAttacks(t *testing.T) {
	ctx := context.Background()

	t.Run("new limits cannot land on lanes split from the old ones", func(t *testing.T) {
		st, _, _ := newStore(t)
		seedUser(t, st, "alice", "")
		k := lanedKey(t, st, "attackkey0000001", &keys.RateLimit{Limit: 1000, Window: time.Second, Burst: 1000}, nil, 8)
		low := keys.RateLimit{Limit: 10, Window: time.Second, Burst: 10}
		_, err := st.UpdateKey(ctx, "alice", k.ID, keys.KeyChanges{SetRateLimit: true, RateLimit: &low}, nil)
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("limits written on a laned key's item: got %v, want a Conflict (new limits go through ChangeLaned)", err)
		}
		got, err := st.ChangeLaned(ctx, "alice", k.ID, func(ctx context.Context) (int, *keys.Event, error) {
			_, err := st.UpdateKey(ctx, "alice", k.ID, keys.KeyChanges{SetRateLimit: true, RateLimit: &low}, nil)
			return 8, nil, err
		})
		if err != nil || got.Lanes != 8 || got.RateLimit == nil || *got.RateLimit != low {
			t.Fatalf("ChangeLaned: %+v (%v), want 8 lanes of 10/s", got, err)
		}
		// Every lane holds its share of the new limit: 1 or 2 a second.
		admitted := verifyAll(t, instances(st, 2), k, repeatAt(time.Now().Add(2*time.Second), 100))
		if len(admitted) > 10 {
			t.Errorf("admitted %d at one instant, more than the new burst of 10", len(admitted))
		}
	})

	t.Run("a lane change in progress locks out another", func(t *testing.T) {
		st, _, _ := newStore(t)
		seedUser(t, st, "alice", "")
		k := lanedKey(t, st, "attackkey0000002", nil, nil, 4)
		inside := make(chan struct{})
		release := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			_, err := st.ChangeLaned(ctx, "alice", k.ID, func(context.Context) (int, *keys.Event, error) {
				close(inside)
				<-release
				return 4, nil, nil
			})
			done <- err
		}()
		<-inside
		_, err := st.Fresh().SetLanes(ctx, "alice", k.ID, 2, nil)
		close(release)
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("SetLanes during another change: got %v, want a Conflict", err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})

	t.Run("revocation wins over lane changes in a loop", func(t *testing.T) {
		for _, dependents := range []bool{false, true} {
			st, client, table := newStore(t)
			seedUser(t, st, "alice", "")
			k := lanedKey(t, st, "attackkey0000003", nil, nil, 3)
			if dependents {
				child := testKey("attackchild00001", "alice", time.Now())
				child.Draws = []string{k.ID}
				if err := st.CreateKey(ctx, child, nil); err != nil {
					t.Fatal(err)
				}
			}
			attacker := st.Fresh()
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // the holder of k flips its lanes as fast as it can
				defer wg.Done()
				for n := 2; ; n = 5 - n {
					select {
					case <-stop:
						return
					default:
					}
					_, _ = attacker.SetLanes(ctx, "alice", k.ID, n, nil)
				}
			}()
			time.Sleep(50 * time.Millisecond)
			err := st.DeleteKey(ctx, "alice", k.ID, nil)
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatalf("dependents %v: revoke while the holder flips lanes: %v", dependents, err)
			}
			for _, s := range instances(st, 2) {
				if v, err := s.Verify(ctx, k.ID, k.Hash, time.Now()); err != nil || v.Result != keys.VerifyNotFound {
					t.Errorf("dependents %v: after the revocation: %v (%v), want not found", dependents, v.Result, err)
				}
			}
			if !dependents {
				for _, item := range scan(t, client, table) {
					if pk := pkOf(item); strings.HasPrefix(pk, "KEY#"+k.ID) {
						t.Errorf("%s left after the delete", pk)
					}
				}
			}
		}
	})

	t.Run("a revoked anchor's lanes refuse its own uses at once, its dependents still draw", func(t *testing.T) {
		st, _, _ := newStore(t)
		seedUser(t, st, "alice", "")
		parent := lanedKey(t, st, "attackkey0000004", nil, &keys.Quota{Limit: 100, Period: keys.QuotaDay}, 4)
		child := testKey("attackchild00002", "alice", time.Now())
		child.Draws = []string{parent.ID}
		if err := st.CreateKey(ctx, child, nil); err != nil {
			t.Fatal(err)
		}
		cached := st.Fresh()
		if v, err := cached.Verify(ctx, parent.ID, parent.Hash, time.Now()); err != nil || v.Result != keys.VerifyValid {
			t.Fatalf("before: %v (%v)", v.Result, err)
		}
		if err := st.DeleteKey(ctx, "alice", parent.ID, nil); err != nil {
			t.Fatal(err)
		}
		if v, err := cached.Verify(ctx, parent.ID, parent.Hash, time.Now()); err != nil || v.Result != keys.VerifyNotFound {
			t.Errorf("the revoked parent, from an instance that read it before: %v (%v), want not found", v.Result, err)
		}
		v, err := st.Verify(ctx, child.ID, child.Hash, time.Now())
		if err == nil {
			v, err = st.DrawLineage(ctx, v, time.Now())
		}
		if err != nil || v.Result != keys.VerifyValid {
			t.Errorf("the child after its parent's revocation: %v (%v), want valid, drawn on the parent's lanes", v.Result, err)
		}
	})

	t.Run("the page's sign-in keys get no lanes", func(t *testing.T) {
		for _, k := range []keys.Key{{SignInLink: true}, {Session: true}} {
			if err := keys.CheckLanes(k, 2); !apperr.Is(err, apperr.BadRequest) {
				t.Errorf("%+v: got %v, want a BadRequest", k, err)
			}
		}
	})
}
