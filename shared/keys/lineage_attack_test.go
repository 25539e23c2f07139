package keys_test

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// A hostile tenant's attacks on the lineage rule, each kept as a test.

// token creates a key as caller and returns it with its token.
func (l *lineage) token(tb testing.TB, caller keys.Caller, req keys.CreateRequest) (keys.Key, string) {
	tb.Helper()
	issued, err := l.svc.Create(context.Background(), caller, req)
	if err != nil {
		tb.Fatalf("create %s: %v", req.Name, err)
	}
	return issued.Key, issued.Token
}

// decide runs the authorizer's verification of token from ip.
func (l *lineage) decide(tb testing.TB, token, ip string) keys.Decision {
	tb.Helper()
	d, err := keys.NewVerifier(l.st, "").Verify(context.Background(), token, keys.Facts{Now: l.now, SourceIP: ip})
	if err != nil {
		tb.Fatalf("verify: %v", err)
	}
	return d
}

// An ancestor refuses in a dimension the key itself lacks: the request is
// refused all the same (it was allowed before: the Verifier looked only at
// the key's own limits).
func TestAncestorRefusesWhereTheKeyHasNoLimit(t *testing.T) {
	l := newLineage(t)
	ctx := context.Background()
	parent, parentKey := l.create(t, keys.CreateRequest{Name: "parent", RateLimit: fivePerMinute})
	kid, kidToken := l.token(t, parent, keys.CreateRequest{Name: "kid"})
	// The operator gives the parent a quota of 1 a day, and the parent
	// spends it.
	if _, err := l.svc.Update(ctx, operator, parentKey.ID, keys.KeyChanges{SetQuota: true, Quota: &keys.Quota{Limit: 1, Period: keys.QuotaDay}}); err != nil {
		t.Fatal(err)
	}
	if got := l.use(t, parentKey); got != keys.VerifyValid {
		t.Fatalf("parent: got %v", got)
	}
	d := l.decide(t, kidToken, "198.51.100.7")
	if d.Outcome != keys.Allow || d.Limit.Limited != keys.QuotaExceeded {
		t.Errorf("kid with a spent parent quota: got %v limited %v, want a quota refusal", d.Outcome, d.Limit.Limited)
	}
	// Without a rate limit of its own, the parent's still binds it.
	if _, err := l.svc.Update(ctx, operator, kid.ID, keys.KeyChanges{SetRateLimit: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.svc.Update(ctx, operator, parentKey.ID, keys.KeyChanges{SetQuota: true}); err != nil {
		t.Fatal(err)
	}
	got := map[keys.Limited]int{}
	for range 10 {
		got[l.decide(t, kidToken, "198.51.100.7").Limit.Limited]++
	}
	if got[keys.WithinLimits] != 4 || got[keys.RateLimited] != 6 {
		t.Errorf("kid without a rate limit of its own: got %v, want 4 within (5 less the parent's 1) and 6 rate-limited", got)
	}
}

// A request refused for its source address drains no ancestor: a leaked
// child token cannot starve its lineage from outside its allowlist.
func TestRefusedAddressDrainsNoAncestor(t *testing.T) {
	l := newLineage(t)
	parent, parentKey := l.create(t, keys.CreateRequest{Name: "parent", RateLimit: fivePerMinute})
	_, kidToken := l.token(t, parent, keys.CreateRequest{Name: "kid", AllowedCIDRs: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	for range 10 {
		if d := l.decide(t, kidToken, "203.0.113.9"); d.Outcome != keys.Deny || d.Reason != keys.ReasonIPNotAllowed {
			t.Fatalf("from outside: got %v %v, want a deny", d.Outcome, d.Reason)
		}
	}
	if got := l.admitted(t, 5, parentKey); got != 5 {
		t.Errorf("parent after 10 refused requests of its child: admitted %d of 5, want 5", got)
	}
}

// A key in a lineage cannot hand out a budget outside it: not by rotating
// a sibling with the same settings, nor by taking over its parent.
func TestLimitedKeyCannotEscapeItsLineage(t *testing.T) {
	l := newLineage(t)
	ctx := context.Background()
	parent, parentKey := l.create(t, keys.CreateRequest{Name: "parent", RateLimit: fivePerMinute})
	kid := l.child(t, parent, "kid")
	kidCaller := keys.Caller{UserID: "alice", KeyID: kid.ID, Scopes: kid.Scopes}
	_, sibling := l.create(t, keys.CreateRequest{Name: "same settings, own budget", RateLimit: fivePerMinute})
	for _, target := range []keys.Key{sibling, parentKey} {
		t.Run("rotate "+target.Name, func(t *testing.T) {
			_, err := l.svc.Rotate(ctx, kidCaller, target.ID, 0, nil)
			wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
		})
		t.Run("revoke "+target.Name, func(t *testing.T) {
			_, err := l.svc.Revoke(ctx, kidCaller, target.ID, nil)
			wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
		})
		t.Run("PATCH "+target.Name, func(t *testing.T) {
			_, err := l.svc.Update(ctx, kidCaller, target.ID, keys.KeyChanges{Name: ptr("mine")})
			wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
		})
	}
	t.Run("the parent still manages its child after rotating itself", func(t *testing.T) {
		r, err := l.svc.Rotate(ctx, parent, parentKey.ID, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		next := keys.Caller{UserID: "alice", KeyID: r.Key.ID, Scopes: r.Key.Scopes}
		if _, err := l.svc.Update(ctx, next, kid.ID, keys.KeyChanges{Name: ptr("renamed by the successor")}); err != nil {
			t.Errorf("successor renaming the child: %v", err)
		}
	})
}

// A month's use cannot be carried into a daily quota by a caller bounded
// by a quota: 31 used of 31/month, changed to 1/day, gave 61 in a month.
func TestQuotaPeriodChangeNeedsAnUnboundedCaller(t *testing.T) {
	l := newLineage(t)
	ctx := context.Background()
	caller, k := l.create(t, keys.CreateRequest{Name: "monthly", Quota: &keys.Quota{Limit: 31, Period: keys.QuotaMonth}})
	_, err := l.svc.Update(ctx, caller, k.ID, keys.KeyChanges{SetQuota: true, Quota: &keys.Quota{Limit: 1, Period: keys.QuotaDay}})
	wantRefusal(t, err, keys.ReasonLimitsBeyondCaller)
	if _, err := l.svc.Update(ctx, caller, k.ID, keys.KeyChanges{SetQuota: true, Quota: &keys.Quota{Limit: 30, Period: keys.QuotaMonth}}); err != nil {
		t.Errorf("lowering within the same period: %v", err)
	}
}

// Lowering a rate limit never refills a burst: an exhausted 5/min key
// changed to 1/h (burst 5) still owes its five requests, now at an hour
// each.
func TestLoweringARateLimitKeepsWhatItOwes(t *testing.T) {
	l := newLineage(t)
	ctx := context.Background()
	caller, k := l.create(t, keys.CreateRequest{Name: "five a minute", RateLimit: fivePerMinute})
	if got := l.admitted(t, 5, k); got != 5 {
		t.Fatalf("admitted %d of 5", got)
	}
	if _, err := l.svc.Update(ctx, caller, k.ID, keys.KeyChanges{SetRateLimit: true, RateLimit: &keys.RateLimit{Limit: 1, Window: time.Hour, Burst: 5}}); err != nil {
		t.Fatal(err)
	}
	if got := l.admitted(t, 5, k); got != 0 {
		t.Errorf("admitted %d more at once after lowering, want 0", got)
	}
	l.now = l.now.Add(time.Hour)
	if got := l.admitted(t, 5, k); got != 1 {
		t.Errorf("an hour later: admitted %d, want 1", got)
	}
}

// The successor of a grace rotation is kept for the old key drawing on it:
// revoking or rotating it during the grace period never breaks the old
// token (it failed closed, a 500, before).
func TestGraceSuccessorIsKeptForItsPredecessor(t *testing.T) {
	for _, op := range []string{"revoke", "rotate"} {
		t.Run(op, func(t *testing.T) {
			l := newLineage(t)
			ctx := context.Background()
			_, k := l.create(t, keys.CreateRequest{Name: "daily", Quota: &keys.Quota{Limit: 5, Period: keys.QuotaDay}})
			r, err := l.svc.Rotate(ctx, operator, k.ID, time.Hour, nil)
			if err != nil {
				t.Fatal(err)
			}
			if op == "revoke" {
				_, err = l.svc.Revoke(ctx, operator, r.Key.ID, nil)
			} else {
				_, err = l.svc.Rotate(ctx, operator, r.Key.ID, 0, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := l.admitted(t, 6, k); got != 5 {
				t.Errorf("the old token in its grace period: admitted %d of 6, want the budget's 5", got)
			}
		})
	}
}

// doubleRefunds applies every refund twice, as an SDK retry after a lost
// response would.
type doubleRefunds struct{ store.API }

func (d doubleRefunds) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	if strings.Contains(aws.ToString(in.UpdateExpression), "lastRefundId") {
		_, _ = d.API.UpdateItem(ctx, in, o...)
	}
	return d.API.UpdateItem(ctx, in, o...)
}

// A refund is applied once however often it is sent.
func TestRefundsApplyOnce(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	l := newLineage(t)
	l.st = store.New(doubleRefunds{client}, table)
	fntest.Seed(t, l.st, "alice", "ws1", keys.RoleOwner)
	svc, err := keys.NewService(l.st, keys.Config{Now: func() time.Time { return l.now }, CursorKey: []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	l.svc = svc
	parent, parentKey := l.create(t, keys.CreateRequest{Name: "parent", Quota: &keys.Quota{Limit: 1, Period: keys.QuotaDay}})
	kid, _ := l.token(t, parent, keys.CreateRequest{Name: "kid", Quota: &keys.Quota{Limit: 1, Period: keys.QuotaDay}})
	if got := l.use(t, parentKey); got != keys.VerifyValid {
		t.Fatalf("parent: %v", got)
	}
	for range 5 { // each refused by the parent, each refunded (twice)
		l.use(t, kid)
	}
	stored, err := l.st.GetKey(context.Background(), "alice", kid.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.QuotaState.Used != 0 || stored.UsageCount != 0 {
		t.Errorf("kid after 5 refused requests: used %d, usageCount %d; want 0 and 0", stored.QuotaState.Used, stored.UsageCount)
	}
}

// Concurrent verifications with clocks of their own (every request its own
// now, as Lambda instances have) never fail: each is admitted or refused.
func TestConcurrentClocksNeverFail(t *testing.T) {
	l := newLineage(t)
	parent, parentKey := l.create(t, keys.CreateRequest{Name: "parent", RateLimit: &keys.RateLimit{Limit: 10, Window: time.Second, Burst: 10}})
	kid := l.child(t, parent, "kid")
	t0 := l.now
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[keys.VerifyResult]int{}
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := parentKey
			if i%2 == 1 {
				k = kid
			}
			at := t0.Add(time.Duration(i) * 3 * time.Millisecond)
			v, err := l.st.Verify(context.Background(), k.ID, k.Hash, at)
			if err == nil {
				v, err = l.st.DrawLineage(context.Background(), v, at)
			}
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			mu.Lock()
			got[v.Result]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	// 10 at once, then one per 100 ms: the requests span 189 ms.
	if got[keys.VerifyValid] > 12 || got[keys.VerifyValid]+got[keys.VerifyThrottled] != 64 {
		t.Errorf("got %v, want at most 12 admitted and every other request throttled", got)
	}
}
