package keys_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"keygate/shared/keys"
)

// restriction is one dimension of containment as the tests exercise it: a
// caller restricted in it, a request beyond it, and a change that would
// lift it (nil where keys cannot change that dimension).
type restriction struct {
	name string
	// restrict makes the caller's key restricted in the dimension.
	restrict func(f *fixture, req *keys.CreateRequest)
	// beyond asks for a child beyond the restriction.
	beyond func(f *fixture, req *keys.CreateRequest)
	// lift changes a key to hold more than the restriction.
	lift   *keys.KeyChanges
	reason keys.Reason
}

var restrictions = []restriction{
	{
		name:     "scopes",
		restrict: func(_ *fixture, r *keys.CreateRequest) { r.Scopes = []keys.Scope{keys.ScopeRead, keys.ScopeAdmin} },
		beyond:   func(_ *fixture, r *keys.CreateRequest) { r.Scopes = []keys.Scope{keys.ScopeWrite} },
		reason:   keys.ReasonScopeNotHeld,
	},
	{
		name: "allowed networks",
		restrict: func(_ *fixture, r *keys.CreateRequest) {
			r.AllowedCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		},
		beyond: func(_ *fixture, r *keys.CreateRequest) {
			r.AllowedCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		},
		lift:   &keys.KeyChanges{SetAllowedCIDRs: true, AllowedCIDRs: nil},
		reason: keys.ReasonCIDRsBeyondCaller,
	},
	{
		name: "rate limit",
		restrict: func(_ *fixture, r *keys.CreateRequest) {
			r.RateLimit = &keys.RateLimit{Limit: 5, Window: time.Minute, Burst: 5}
		},
		beyond: func(_ *fixture, r *keys.CreateRequest) {
			r.RateLimit = &keys.RateLimit{Limit: 6, Window: time.Minute, Burst: 6}
		},
		lift:   &keys.KeyChanges{SetRateLimit: true, RateLimit: nil},
		reason: keys.ReasonLimitsBeyondCaller,
	},
	{
		name:     "quota",
		restrict: func(_ *fixture, r *keys.CreateRequest) { r.Quota = &keys.Quota{Limit: 4, Period: keys.QuotaMonth} },
		// 4 a day is ~31 times 4 a month.
		beyond: func(_ *fixture, r *keys.CreateRequest) { r.Quota = &keys.Quota{Limit: 4, Period: keys.QuotaDay} },
		lift:   &keys.KeyChanges{SetQuota: true, Quota: &keys.Quota{Limit: 4, Period: keys.QuotaDay}},
		reason: keys.ReasonLimitsBeyondCaller,
	},
	{
		name:     "expiry",
		restrict: func(f *fixture, r *keys.CreateRequest) { r.ExpiresAt = ptr(f.now.Add(time.Minute)) },
		beyond:   func(f *fixture, r *keys.CreateRequest) { r.ExpiresAt = ptr(f.now.Add(time.Hour)) },
		reason:   keys.ReasonExpiryBeyondCaller,
	},
}

// Finding 8's escalation path: a key rotating the page's session key, or a
// pending sign-in link, would obtain a key that stands for the whole user.
func TestKeysCannotManageWhatStandsForTheUser(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	caller, _ := f.create(t, keys.CreateRequest{Name: "read+admin", Scopes: []keys.Scope{keys.ScopeRead, keys.ScopeAdmin}})
	_, session := f.create(t, keys.CreateRequest{Name: "page session", Scopes: []keys.Scope{keys.ScopeAdmin}, Session: true, ExpiresAt: ptr(f.now.Add(time.Hour))})
	ops := []struct {
		name string
		do   func() error
	}{
		{"rotate", func() error { _, err := f.svc.Rotate(ctx, caller, session.ID, 0, nil); return err }},
		{"PATCH", func() error {
			_, err := f.svc.Update(ctx, caller, session.ID, keys.KeyChanges{Name: ptr("mine")})
			return err
		}},
		{"revoke", func() error { _, err := f.svc.Revoke(ctx, caller, session.ID, nil); return err }},
	}
	for _, op := range ops {
		t.Run(op.name+" of a session key", func(t *testing.T) {
			wantRefusal(t, op.do(), keys.ReasonKeyOutranksCaller)
		})
	}
	t.Run("an operator may", func(t *testing.T) {
		if _, err := f.svc.Rotate(ctx, operator, session.ID, 0, nil); err != nil {
			t.Errorf("operator rotate: %v", err)
		}
	})
	t.Run("a sign-in link is held only by the user's own authority", func(t *testing.T) {
		link := keys.Key{ID: "link", SignInLink: true, ExpiresAt: ptr(f.now.Add(time.Minute))}
		if _, ok := keys.Within(keys.Key{ID: "admin", Scopes: keys.AllScopes}, link); ok {
			t.Errorf("a stored key holds a sign-in link")
		}
		if _, ok := keys.Within(keys.Key{Scopes: keys.AllScopes}, link); !ok {
			t.Errorf("the user's own authority does not hold a sign-in link")
		}
	})
}

// TestNoKeyObtainsMoreThanItHolds is the containment rule over every
// operation one key performs on another × every dimension: a caller
// restricted in a dimension can neither make, change, rotate nor revoke a
// key that is not, and what it makes or changes stays within it.
func TestNoKeyObtainsMoreThanItHolds(t *testing.T) {
	ctx := context.Background()
	for _, d := range restrictions {
		t.Run(d.name, func(t *testing.T) {
			f := newFixture(t)
			restricted := keys.CreateRequest{Name: "restricted", Scopes: []keys.Scope{keys.ScopeRead, keys.ScopeWrite, keys.ScopeAdmin, keys.ScopeWebhook}}
			d.restrict(f, &restricted)
			caller, callerKey := f.create(t, restricted)
			// A sibling with the caller's scopes but not its restriction
			// (for the scopes dimension: every scope).
			_, sibling := f.create(t, keys.CreateRequest{Name: "sibling"})
			// A key the caller made: within it in every dimension,
			// its lineage included.
			peerIssued, err := f.svc.Create(ctx, caller, keys.CreateRequest{Name: "peer"})
			if err != nil {
				t.Fatal(err)
			}
			peer := peerIssued.Key

			t.Run("create beyond is refused", func(t *testing.T) {
				req := keys.CreateRequest{Name: "child"}
				d.beyond(f, &req)
				_, err := f.svc.Create(ctx, caller, req)
				wantRefusal(t, err, d.reason)
			})
			t.Run("create inheriting stays within", func(t *testing.T) {
				got, err := f.svc.Create(ctx, caller, keys.CreateRequest{Name: "child"})
				if err != nil {
					t.Fatal(err)
				}
				if reason, ok := keys.Within(callerKey, got.Key); !ok {
					t.Errorf("child exceeds its creator: %s", reason)
				}
			})
			t.Run("rotate of a sibling beyond is refused", func(t *testing.T) {
				_, err := f.svc.Rotate(ctx, caller, sibling.ID, 0, nil)
				wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
			})
			t.Run("PATCH of a sibling beyond is refused", func(t *testing.T) {
				_, err := f.svc.Update(ctx, caller, sibling.ID, keys.KeyChanges{Name: ptr("mine")})
				wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
			})
			t.Run("revoke of a sibling beyond is refused", func(t *testing.T) {
				_, err := f.svc.Revoke(ctx, caller, sibling.ID, nil)
				wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
			})
			t.Run("the sibling is untouched", func(t *testing.T) {
				got, err := f.st.GetKey(ctx, "alice", sibling.ID)
				if err != nil || got.Name != "sibling" || got.ReplacedBy != "" {
					t.Errorf("got %+v, %v; want the key as created", got, err)
				}
			})
			if d.lift != nil {
				t.Run("PATCH lifting its own restriction is refused", func(t *testing.T) {
					_, err := f.svc.Update(ctx, caller, callerKey.ID, *d.lift)
					wantRefusal(t, err, d.reason)
				})
				t.Run("PATCH lifting a peer's restriction is refused", func(t *testing.T) {
					_, err := f.svc.Update(ctx, caller, peer.ID, *d.lift)
					wantRefusal(t, err, d.reason)
				})
			}
			t.Run("rotating a peer within keeps the restriction", func(t *testing.T) {
				got, err := f.svc.Rotate(ctx, caller, peer.ID, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				if reason, ok := keys.Within(callerKey, got.Key); !ok {
					t.Errorf("successor exceeds the caller: %s", reason)
				}
			})
		})
	}
}

// create makes a key of alice as an operator and returns its Caller.
func (f *fixture) create(tb testing.TB, req keys.CreateRequest) (keys.Caller, keys.Key) {
	tb.Helper()
	issued, err := f.svc.Create(context.Background(), operator, req)
	if err != nil {
		tb.Fatalf("create %s: %v", req.Name, err)
	}
	return keys.Caller{UserID: "alice", KeyID: issued.Key.ID, Scopes: issued.Key.Scopes}, issued.Key
}

func TestWithinComparesQuotasByAllowance(t *testing.T) {
	day := func(n int64) *keys.Quota { return &keys.Quota{Limit: n, Period: keys.QuotaDay} }
	month := func(n int64) *keys.Quota { return &keys.Quota{Limit: n, Period: keys.QuotaMonth} }
	tests := []struct {
		name          string
		bound, quota  *keys.Quota
		want          bool
		allowanceNote string
	}{
		{"no bound", nil, nil, true, ""},
		{"unlimited under a bound", month(4), nil, false, ""},
		{"same period, smaller", day(10), day(9), true, ""},
		{"same period, larger", month(10), month(11), false, ""},
		{"daily under monthly: 31 days fit", month(124), day(4), true, "31×4 = 124"},
		{"daily under monthly: 31 days do not fit", month(123), day(4), false, "31×4 > 123"},
		{"daily under monthly of its size", month(4), day(4), false, "the old rule's hole: 31× the allowance"},
		{"monthly under daily: fits in one day", day(10), month(10), true, ""},
		{"monthly under daily: spendable in one day", day(10), month(11), false, "all 11 on one day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := keys.Within(keys.Key{Quota: tt.bound}, keys.Key{Quota: tt.quota})
			if got != tt.want {
				t.Errorf("Within(%v, %v) = %v, want %v %s", tt.bound, tt.quota, got, tt.want, tt.allowanceNote)
			}
		})
	}
}

func TestWithinComparesRatesAndBursts(t *testing.T) {
	rate := func(n int64, w time.Duration, burst int64) *keys.RateLimit {
		return &keys.RateLimit{Limit: n, Window: w, Burst: burst}
	}
	tests := []struct {
		name        string
		bound, rate *keys.RateLimit
		want        bool
	}{
		{"no bound", nil, nil, true},
		{"unlimited under a bound", rate(5, time.Minute, 5), nil, false},
		{"same rate", rate(5, time.Minute, 5), rate(5, time.Minute, 5), true},
		{"slower over a longer window", rate(5, time.Minute, 5), rate(10, 3*time.Minute, 5), true},
		{"faster over a longer window", rate(5, time.Minute, 10), rate(11, 2*time.Minute, 5), false},
		{"larger burst", rate(5, time.Minute, 5), rate(1, time.Minute, 6), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := keys.Within(keys.Key{RateLimit: tt.bound}, keys.Key{RateLimit: tt.rate})
			if got != tt.want {
				t.Errorf("Within(%v, %v) = %v, want %v", tt.bound, tt.rate, got, tt.want)
			}
		})
	}
}
