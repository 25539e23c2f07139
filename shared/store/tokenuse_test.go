package store_test

import (
	"testing"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// TestTokenUse: a user's access tokens share one budget, created on the
// first use, counted and limited as a key's; a change of the stack's limits
// applies from the next use; no key route reaches the item and no key
// token verifies against it.
func TestTokenUse(t *testing.T) {
	st, _, _ := newStore(t)
	seedUser(t, st, "alice", "")
	ctx := t.Context()
	at := time.Now().UTC().Truncate(time.Second)
	twoPerMinute := keys.TokenLimits{RateLimit: &keys.RateLimit{Limit: 2, Window: time.Minute, Burst: 2}}

	t.Run("limited as a key", func(t *testing.T) {
		var got []keys.VerifyResult
		for range 3 {
			v, err := st.VerifyTokenUse(ctx, "alice", twoPerMinute, at)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v.Result)
		}
		want := []keys.VerifyResult{keys.VerifyValid, keys.VerifyValid, keys.VerifyThrottled}
		if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("the stack's new limits apply from the next use, its state continuing", func(t *testing.T) {
		wider := keys.TokenLimits{RateLimit: &keys.RateLimit{Limit: 100, Window: time.Minute, Burst: 100}}
		if _, err := st.VerifyTokenUse(ctx, "alice", wider, at); err != nil {
			t.Fatal(err)
		}
		// The two uses admitted under 2/min spent a minute of the new
		// limit's budget too (GCRA's arrival time carries over): its
		// next admission is one interval (0.6 s) on.
		v, err := st.VerifyTokenUse(ctx, "alice", wider, at.Add(time.Second))
		if err != nil || v.Result != keys.VerifyValid || v.Key.RateLimit == nil || v.Key.RateLimit.Limit != 100 {
			t.Errorf("got %+v, %v; want valid under the new limit", v, err)
		}
	})
	t.Run("unreachable as a key", func(t *testing.T) {
		id := keys.TokenUseID("alice")
		if _, err := st.GetKey(ctx, "alice", id); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("GetKey: got %v, want NotFound", err)
		}
		if _, err := st.UpdateKey(ctx, "alice", id, keys.KeyChanges{Name: ptr("mine")}, nil); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("UpdateKey: got %v, want NotFound", err)
		}
		list, _, err := st.ListKeys(ctx, "alice", 100, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range list {
			if k.ID == id {
				t.Errorf("the token-use item is in the user's key list")
			}
		}
		if v, err := st.Verify(ctx, id, keys.TokenUseID("x"), at); err != nil || v.Result != keys.VerifyNotFound {
			t.Errorf("a key token against it: got %v, %v, want not found", v.Result, err)
		}
	})
}
