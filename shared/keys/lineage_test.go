package keys_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/faults"
	"keygate/dev/testkit/fntest"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// lineage is a Service whose DynamoDB calls are counted, on a fresh table
// with user alice, and a clock the test moves.
type lineage struct {
	*fixture
	calls *faults.API
}

func newLineage(tb testing.TB) *lineage {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	counted := faults.Wrap(client)
	f := &fixture{st: store.New(counted, table), now: time.Now().UTC().Truncate(time.Second), retention: keys.DefaultAuditRetention}
	fntest.Seed(tb, f.st, "alice", "ws1", keys.RoleOwner)
	svc, err := keys.NewService(f.st, keys.Config{Now: func() time.Time { return f.now }, CursorKey: []byte(strings.Repeat("k", 32)),
		AuditRetention: f.retention})
	if err != nil {
		tb.Fatal(err)
	}
	f.svc = svc
	return &lineage{fixture: f, calls: counted}
}

// use verifies k once at the fixture's time, as the Verifier's key check
// and lineage check do, and returns the result.
func (l *lineage) use(tb testing.TB, k keys.Key) keys.VerifyResult {
	tb.Helper()
	ctx := context.Background()
	v, err := l.st.Verify(ctx, k.ID, k.Hash, l.now)
	if err == nil {
		v, err = l.st.DrawLineage(ctx, v, l.now)
	}
	if err != nil {
		tb.Fatalf("verify %s: %v", k.Name, err)
	}
	return v.Result
}

// admitted uses each key n times, in turn, and counts the admissions.
func (l *lineage) admitted(tb testing.TB, n int, ks ...keys.Key) int {
	tb.Helper()
	got := 0
	for range n {
		for _, k := range ks {
			if l.use(tb, k) == keys.VerifyValid {
				got++
			}
		}
	}
	return got
}

// child creates a key as caller, inheriting everything.
func (l *lineage) child(tb testing.TB, caller keys.Caller, name string) keys.Key {
	tb.Helper()
	issued, err := l.svc.Create(context.Background(), caller, keys.CreateRequest{Name: name})
	if err != nil {
		tb.Fatalf("create %s: %v", name, err)
	}
	return issued.Key
}

var fivePerMinute = &keys.RateLimit{Limit: 5, Window: time.Minute, Burst: 5}

// Finding 7: children multiply a limit.
func TestChildrenDrawOnTheirParentsLimits(t *testing.T) {
	l := newLineage(t)
	ctx := context.Background()
	parent, parentKey := l.create(t, keys.CreateRequest{Name: "parent", RateLimit: fivePerMinute})
	kids := []keys.Key{parentKey}
	for _, name := range []string{"a", "b", "c"} {
		kids = append(kids, l.child(t, parent, name))
	}
	t.Run("four keys admit the parent's 5 per minute between them", func(t *testing.T) {
		if got := l.admitted(t, 5, kids...); got != 5 {
			t.Errorf("admitted %d of 20, want 5", got)
		}
	})
	t.Run("a refused child counts nowhere", func(t *testing.T) {
		for _, k := range kids[1:] {
			got, err := l.st.GetKey(ctx, "alice", k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.UsageCount > 2 {
				t.Errorf("%s: usageCount %d, want at most 2 (5 admitted over 4 keys in turn)", k.Name, got.UsageCount)
			}
		}
	})
	t.Run("a grandchild draws on both", func(t *testing.T) {
		l.now = l.now.Add(time.Minute)
		kidCaller := keys.Caller{UserID: "alice", KeyID: kids[1].ID, Scopes: kids[1].Scopes}
		grandchild := l.child(t, kidCaller, "grandchild")
		if len(grandchild.Draws) != 2 {
			t.Fatalf("draws: got %v, want the child and the parent", grandchild.Draws)
		}
		if got := l.admitted(t, 5, grandchild, parentKey); got != 5 {
			t.Errorf("admitted %d of 10, want 5", got)
		}
	})
	t.Run("the window refills the lineage", func(t *testing.T) {
		l.now = l.now.Add(2 * time.Minute)
		if got := l.admitted(t, 2, kids[2:]...); got != 4 {
			t.Errorf("admitted %d of 4, want 4", got)
		}
	})
}

// Finding 4: self-rotation refills a rate limit.
func TestRotationContinuesTheLimitsState(t *testing.T) {
	l := newLineage(t)
	ctx := context.Background()
	caller, k := l.create(t, keys.CreateRequest{Name: "admin", RateLimit: fivePerMinute, Quota: &keys.Quota{Limit: 8, Period: keys.QuotaDay}})
	if got := l.admitted(t, 4, k); got != 4 {
		t.Fatalf("admitted %d of 4 before rotating", got)
	}
	rotated, err := l.svc.Rotate(ctx, caller, k.ID, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	next := rotated.Key
	t.Run("the successor has the one request its predecessor left", func(t *testing.T) {
		if got := l.admitted(t, 5, next); got != 1 {
			t.Errorf("admitted %d of 5, want 1", got)
		}
	})
	t.Run("the quota's count carries over too", func(t *testing.T) {
		l.now = l.now.Add(time.Hour)
		if got := l.admitted(t, 5, next); got != 3 {
			t.Errorf("admitted %d of 5, want 3 (8 a day, 5 used)", got)
		}
	})
}

// Finding 5: a grace rotation doubles a quota.
func TestGracePeriodSharesOneBudget(t *testing.T) {
	l := newLineage(t)
	ctx := context.Background()
	caller, k := l.create(t, keys.CreateRequest{Name: "admin", Quota: &keys.Quota{Limit: 5, Period: keys.QuotaDay}})
	if got := l.admitted(t, 3, k); got != 3 {
		t.Fatalf("admitted %d of 3 before rotating", got)
	}
	rotated, err := l.svc.Rotate(ctx, caller, k.ID, 10*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.admitted(t, 5, k, rotated.Key); got != 2 {
		t.Errorf("old and new admitted %d of 10, want the 2 left of 5", got)
	}
}

// Finding 6: changing a quota's period resets its count.
func TestChangingAQuotaPeriodKeepsItsCount(t *testing.T) {
	l := newLineage(t)
	ctx := context.Background()
	caller, k := l.create(t, keys.CreateRequest{Name: "admin", Quota: &keys.Quota{Limit: 4, Period: keys.QuotaMonth}})
	if got := l.admitted(t, 4, k); got != 4 {
		t.Fatalf("admitted %d of 4", got)
	}
	t.Run("the key cannot raise itself to 4 a day", func(t *testing.T) {
		_, err := l.svc.Update(ctx, caller, k.ID, keys.KeyChanges{SetQuota: true, Quota: &keys.Quota{Limit: 4, Period: keys.QuotaDay}})
		wantRefusal(t, err, keys.ReasonLimitsBeyondCaller)
	})
	for _, q := range []keys.Quota{{Limit: 4, Period: keys.QuotaDay}, {Limit: 4, Period: keys.QuotaMonth}} {
		t.Run("an operator's change to "+string(q.Period)+" keeps the count", func(t *testing.T) {
			if _, err := l.svc.Update(ctx, operator, k.ID, keys.KeyChanges{SetQuota: true, Quota: &q}); err != nil {
				t.Fatal(err)
			}
			if got := l.admitted(t, 3, k); got != 0 {
				t.Errorf("admitted %d, want 0: 4 of 4 used", got)
			}
		})
	}
	t.Run("removing and setting the quota again keeps the count", func(t *testing.T) {
		if _, err := l.svc.Update(ctx, operator, k.ID, keys.KeyChanges{SetQuota: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := l.svc.Update(ctx, operator, k.ID, keys.KeyChanges{SetQuota: true, Quota: &keys.Quota{Limit: 5, Period: keys.QuotaMonth}}); err != nil {
			t.Fatal(err)
		}
		if got := l.admitted(t, 3, k); got != 1 {
			t.Errorf("admitted %d, want 1: 4 of 5 used", got)
		}
	})
}

// A parent's revocation or rotation leaves its children's budget in place.
func TestChildrenKeepTheirParentsBudget(t *testing.T) {
	for _, op := range []string{"revoke", "rotate", "rotate with grace"} {
		t.Run(op, func(t *testing.T) {
			l := newLineage(t)
			ctx := context.Background()
			parent, parentKey := l.create(t, keys.CreateRequest{Name: "parent", RateLimit: fivePerMinute})
			kid := l.child(t, parent, "kid")
			if got := l.admitted(t, 3, parentKey); got != 3 {
				t.Fatalf("parent admitted %d of 3", got)
			}
			var successor keys.Key
			switch op {
			case "revoke":
				if _, err := l.svc.Revoke(ctx, operator, parentKey.ID, nil); err != nil {
					t.Fatal(err)
				}
			default:
				grace := time.Duration(0)
				if op == "rotate with grace" {
					grace = time.Hour
				}
				r, err := l.svc.Rotate(ctx, operator, parentKey.ID, grace, nil)
				if err != nil {
					t.Fatal(err)
				}
				successor = r.Key
			}
			if op != "rotate with grace" {
				if _, err := l.st.GetKey(ctx, "alice", parentKey.ID); err == nil {
					t.Errorf("the old parent is still visible to its user")
				}
				if got := l.use(t, parentKey); got != keys.VerifyNotFound {
					t.Errorf("old parent's token: got %v, want not_found", got)
				}
			}
			l.calls.Reset()
			if got := l.admitted(t, 5, kid); got != 2 {
				t.Errorf("the child admitted %d of 5, want the 2 its parent left", got)
			}
			if successor.ID != "" {
				if got := l.use(t, successor); got != keys.VerifyThrottled {
					t.Errorf("successor after the child used the rest: got %v, want throttled", got)
				}
				// 12 s later (one interval of 5 a minute) each has room
				// again without a reset.
				l.now = l.now.Add(12 * time.Second)
				l.calls.Reset()
				if got := l.use(t, kid); got != keys.VerifyValid {
					t.Errorf("the child 12 s later: got %v, want valid", got)
				}
				if got := l.calls.Calls()[faults.OpUpdateItem]; got != 2 {
					t.Errorf("a healed child's verification: got %d UpdateItems, want 2 (its own, its parent's)", got)
				}
			}
		})
	}
}

// The cost of lineage: nothing for a key without limited ancestors, one
// UpdateItem per limited ancestor otherwise — whether requests come faster
// than the limit's interval (its state stays current) or slower (it is
// idle at each request).
func TestLineageCost(t *testing.T) {
	l := newLineage(t)
	_, plain := l.create(t, keys.CreateRequest{Name: "plain"})
	parent, limited := l.create(t, keys.CreateRequest{Name: "limited", RateLimit: &keys.RateLimit{Limit: 1000, Window: time.Second, Burst: 1000}})
	kid := l.child(t, parent, "kid")
	tests := []struct {
		name string
		key  keys.Key
		want int
	}{
		{"a key an operator made", plain, 1},
		{"a limited key an operator made", limited, 1},
		{"a child of a limited key", kid, 2},
	}
	for _, pace := range []time.Duration{0, time.Second} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s, %v apart", tt.name, pace), func(t *testing.T) {
				for range 2 { // learn the key's limits and pace (limitHints)
					l.now = l.now.Add(pace)
					l.use(t, tt.key)
				}
				l.now = l.now.Add(pace)
				l.calls.Reset()
				if got := l.use(t, tt.key); got != keys.VerifyValid {
					t.Fatalf("got %v, want valid", got)
				}
				if got := l.calls.Total(); got != tt.want {
					t.Errorf("calls: got %d (%v), want %d UpdateItems", got, l.calls.Calls(), tt.want)
				}
			})
		}
	}
}
