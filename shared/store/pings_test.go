package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// pingItems counts the queued pings in the table (WHPING# items).
func pingItems(tb testing.TB, st *store.Store, items []map[string]types.AttributeValue) int {
	tb.Helper()
	n := 0
	for _, it := range items {
		if pk, ok := it[store.AttrPK].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, "WHPING#") {
			n++
		}
	}
	return n
}

// TestPingCap: pings are admitted up to the cap in any window, the next is
// a 429 saying when to retry, and admitted again once the oldest leaves
// the window; the clock is the test's, nothing sleeps.
func TestPingCap(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	seedUser(t, st, "alice", "")
	seedUser(t, st, "bob", "")
	ctx := context.Background()
	e := newHookEnv(t, st, webhooks.PingLimit{PerEndpoint: 3, PerUser: 5, Window: time.Minute})
	a1 := e.create(t, "alice", "https://hooks.example.com/1")
	a2 := e.create(t, "alice", "https://hooks.example.com/2")
	b1 := e.create(t, "bob", "https://hooks.example.com/b")
	start := e.now
	steps := []struct {
		name      string
		after     time.Duration // since start
		user, id  string
		wantRetry time.Duration // 0: admitted
	}{
		{"1st ping", 0, "alice", a1.ID, 0},
		{"2nd ping", 10 * time.Second, "alice", a1.ID, 0},
		{"3rd ping", 20 * time.Second, "alice", a1.ID, 0},
		{"4th ping within the window is refused until the 1st is a minute old", 30 * time.Second, "alice", a1.ID, 30 * time.Second},
		{"another user's endpoint has its own cap", 30 * time.Second, "bob", b1.ID, 0},
		{"another endpoint of the same user has its own cap", 31 * time.Second, "alice", a2.ID, 0},
		{"still refused a millisecond before the window ends", time.Minute - time.Millisecond, "alice", a1.ID, time.Millisecond},
		{"admitted when the 1st is a minute old", time.Minute, "alice", a1.ID, 0},
		{"refused again: the 2nd is not a minute old", time.Minute + time.Second, "alice", a1.ID, 9 * time.Second},
		{"the user's 5th ping in a minute, to a2", time.Minute + 2*time.Second, "alice", a2.ID, 0},
		{"the user's 6th is refused by the user's cap, though a2 has room", time.Minute + 3*time.Second, "alice", a2.ID, 7 * time.Second},
		{"bob is not held by alice's cap", time.Minute + 3*time.Second, "bob", b1.ID, 0},
		{"a whole window later everything is free", 3 * time.Minute, "alice", a1.ID, 0},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			e.now = start.Add(tt.after)
			before := pingItems(t, st, scan(t, client, table))
			id, err := e.svc.Test(ctx, keyCaller(tt.user), tt.id)
			after := pingItems(t, st, scan(t, client, table))
			if tt.wantRetry == 0 {
				if err != nil || !strings.HasPrefix(id, "whd_") || after != before+1 {
					t.Errorf("got %q, %v, %d pings queued, want a delivery id and one more ping", id, err, after-before)
				}
				return
			}
			if got := apperr.CodeOf(err); got != apperr.RateLimited {
				t.Fatalf("got %q (%v), want %q", got, err, apperr.RateLimited)
			}
			if got := apperr.RetryAfterOf(err); got != tt.wantRetry {
				t.Errorf("retry after: got %v, want %v", got, tt.wantRetry)
			}
			if after != before {
				t.Errorf("pings queued: got %d more, want none for a refused ping", after-before)
			}
		})
	}
}

// TestPingCapAcrossInstances: many Lambda instances (stores of their own)
// pinging one endpoint at once admit at most the cap, and every other
// answer is a 429, never an error.
func TestPingCapAcrossInstances(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	seedUser(t, st, "alice", "")
	lim := webhooks.PingLimit{PerEndpoint: 5, PerUser: 50, Window: time.Minute}
	w := newHookEnv(t, st, lim).create(t, "alice", "https://hooks.example.com/1")
	const instances = 16
	errs := make([]error, instances)
	var wg sync.WaitGroup
	for i := range instances {
		e := newHookEnv(t, store.New(client, table), lim)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.svc.Test(context.Background(), keyCaller("alice"), w.ID)
		}()
	}
	wg.Wait()
	admitted := 0
	for i, err := range errs {
		switch {
		case err == nil:
			admitted++
		case !apperr.Is(err, apperr.RateLimited):
			t.Errorf("instance %d: got %v, want success or %s", i, err, apperr.RateLimited)
		}
	}
	t.Logf("%d of %d concurrent pings admitted", admitted, instances)
	if queued := pingItems(t, st, scan(t, client, table)); admitted < 1 || admitted > lim.PerEndpoint || queued != admitted {
		t.Errorf("admitted %d, queued %d: want between 1 and %d, and the same", admitted, queued, lim.PerEndpoint)
	}
}

// TestPingLimitBounds: a cap the table cannot keep is an error, not a
// silently different cap.
func TestPingLimitBounds(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	p := webhooks.Ping{ID: "ping_x", UserID: "alice", WebhookID: "wh_x", At: time.Now()}
	for _, lim := range []webhooks.PingLimit{
		{PerEndpoint: 0, PerUser: 1, Window: time.Minute},
		{PerEndpoint: 1, PerUser: 51, Window: time.Minute},
		{PerEndpoint: 1, PerUser: 1},
	} {
		t.Run(fmt.Sprintf("%+v", lim), func(t *testing.T) {
			if err := st.PutPing(context.Background(), p, lim); apperr.CodeOf(err) != apperr.Internal {
				t.Errorf("got %v, want an internal error", err)
			}
		})
	}
}
