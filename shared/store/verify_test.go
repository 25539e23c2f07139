package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/faults"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestVerifyOutcomes(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond) // near real time: DynamoDB Local applies TTL
	st = st.WithClock(func() time.Time { return now })
	seedUser(t, st, "alice", "")
	seedUser(t, st, "carol", "")

	valid := testKey("validkey00000001", "alice", now.Add(-time.Hour))
	expired := testKey("expiredkey000001", "alice", now.Add(-time.Hour))
	past := now.Add(-time.Second)
	expired.ExpiresAt = &past
	future := testKey("futurekey0000001", "alice", now.Add(-time.Hour))
	later := now.Add(time.Hour)
	future.ExpiresAt = &later
	disabled := testKey("carolkey00000001", "carol", now.Add(-time.Hour))
	for _, k := range []keys.Key{valid, expired, future, disabled} {
		if err := st.CreateKey(ctx, k, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.SetUserDisabled(ctx, "carol", true); err != nil {
		t.Fatal(err)
	}
	wrongHash := valid.Hash[:63] + "x"

	tests := []struct {
		name      string
		id, hash  string
		want      keys.VerifyResult
		wantUsage int64 // usageCount after the call
	}{
		{"valid key counts usage", valid.ID, valid.Hash, keys.VerifyValid, 1},
		{"valid key with future expiry", future.ID, future.Hash, keys.VerifyValid, 1},
		{"wrong secret is not found", valid.ID, wrongHash, keys.VerifyNotFound, 1},
		{"unknown key", "nosuchkey0000001", valid.Hash, keys.VerifyNotFound, -1},
		{"malformed id", "../x", valid.Hash, keys.VerifyNotFound, -1},
		{"expired key", expired.ID, expired.Hash, keys.VerifyExpired, 0},
		{"disabled user", disabled.ID, disabled.Hash, keys.VerifyUserDisabled, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Verify(ctx, tt.id, tt.hash, st.Now())
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.Result != tt.want {
				t.Errorf("result: got %v, want %v", got.Result, tt.want)
			}
			if tt.want == keys.VerifyValid {
				if got.Key.UserID != "alice" || got.Key.LastUsedAt == nil || !got.Key.LastUsedAt.Equal(now) {
					t.Errorf("key: got %+v, want alice's key used at %v", got.Key, now)
				}
			}
			if tt.wantUsage < 0 {
				return
			}
			owner := "alice"
			if tt.id == disabled.ID {
				owner = "carol"
			}
			k, err := st.GetKey(ctx, owner, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if k.UsageCount != tt.wantUsage {
				t.Errorf("usageCount: got %d, want %d", k.UsageCount, tt.wantUsage)
			}
			if tt.wantUsage == 0 && k.LastUsedAt != nil {
				t.Errorf("lastUsedAt after a refusal: got %v, want nil", k.LastUsedAt)
			}
		})
	}
}

func TestVerifyConcurrentUsageIsExact(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	k := testKey("concurrentkey001", "alice", st.Now())
	if err := st.CreateKey(ctx, k, nil); err != nil {
		t.Fatal(err)
	}
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := st.Verify(ctx, k.ID, k.Hash, st.Now())
			if err == nil && v.Result != keys.VerifyValid {
				t.Errorf("result: got %v, want valid", v.Result)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
	}
	got, err := st.GetKey(ctx, "alice", k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UsageCount != n {
		t.Errorf("usageCount: got %d, want %d", got.UsageCount, n)
	}
}

func TestVerifyFailsOnInfrastructureError(t *testing.T) {
	t.Parallel()
	client, err := store.NewClient(context.Background(), store.ClientOptions{Endpoint: "http://127.0.0.1:1", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(client, "any")
	got, err := st.Verify(context.Background(), "somekey000000001", "abc", st.Now())
	if err == nil {
		t.Fatalf("Verify against a dead endpoint: got %v and nil error, want an error", got.Result)
	}
}

// reEnables are the ways to enable a disabled user again: PutUser (which
// writes Disabled from its argument) and SetUserDisabled (what keygate user
// enable calls).
var reEnables = []struct {
	name     string
	reEnable func(ctx context.Context, st *store.Store, userID string) error
}{
	{"PutUser", func(ctx context.Context, st *store.Store, userID string) error {
		return st.PutUser(ctx, keys.User{ID: userID, Name: "User " + userID})
	}},
	{"SetUserDisabled", func(ctx context.Context, st *store.Store, userID string) error {
		_, err := st.SetUserDisabled(ctx, userID, false)
		return err
	}},
}

func TestReEnablingAUserClearsKeyMarks(t *testing.T) {
	t.Parallel()
	for _, tt := range reEnables {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, _, _ := newStore(t)
			ctx := context.Background()
			seedUser(t, st, "dave", "")
			k := testKey("davekey000000001", "dave", st.Now())
			if err := st.CreateKey(ctx, k, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := st.SetUserDisabled(ctx, "dave", true); err != nil {
				t.Fatal(err)
			}
			if err := tt.reEnable(ctx, st, "dave"); err != nil {
				t.Fatal(err)
			}
			v, err := st.Verify(ctx, k.ID, k.Hash, st.Now())
			if err != nil || v.Result != keys.VerifyValid {
				t.Errorf("after re-enabling: got %v, %v, want valid", v.Result, err)
			}
		})
	}
}

func TestRetriedReEnableRepairsKeyMarks(t *testing.T) {
	t.Parallel()
	for _, tt := range reEnables {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, table := dynamolocal.NewTestTable(t)
			ctx := context.Background()
			st := store.New(client, table)
			seedUser(t, st, "erin", "")
			var stored []keys.Key
			for i := range 3 {
				k := testKey(fmt.Sprintf("erinkey%09d", i), "erin", st.Now())
				if err := st.CreateKey(ctx, k, nil); err != nil {
					t.Fatal(err)
				}
				stored = append(stored, k)
			}
			if _, err := st.SetUserDisabled(ctx, "erin", true); err != nil {
				t.Fatal(err)
			}
			// The re-enable fails after the user item and one key were updated.
			failing := store.New(&faults.API{Next: client, Fail: func(op faults.Op, n int) bool {
				return op == faults.OpUpdateItem && n > 2
			}}, table)
			if err := tt.reEnable(ctx, failing, "erin"); err == nil {
				t.Fatalf("%s through the failing client: got nil error, want the injected failure", tt.name)
			}
			if err := tt.reEnable(ctx, st, "erin"); err != nil {
				t.Fatalf("retried %s: %v", tt.name, err)
			}
			for _, k := range stored {
				v, err := st.Verify(ctx, k.ID, k.Hash, st.Now())
				if err != nil || v.Result != keys.VerifyValid {
					t.Errorf("key %s after the retried enable: got %v, %v, want valid", k.ID, v.Result, err)
				}
			}
		})
	}
}
