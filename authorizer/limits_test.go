package authorizer_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/shared/apikey"
	"keygate/shared/keys"
)

var testUsageKeys = authorizer.UsageKeys{Open: "usage-open-key-0000000000", Throttled: "usage-throttled-key-00000", Exhausted: "usage-exhausted-key-00000"}

// limitedKey stores a key of user with the limits.
func (f *fixture) limitedKey(userID string, rate *keys.RateLimit, quota *keys.Quota) apikey.Key {
	f.tb.Helper()
	k, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		f.tb.Fatal(err)
	}
	f.secrets = append(f.secrets, k.Token, k.Hash)
	err = f.seed.CreateKey(f.tb.Context(), keys.Key{ID: k.ID, UserID: userID, Name: "limited", Hash: k.Hash, Start: k.Start,
		Scopes: keys.AllScopes, CreatedAt: time.Now(), RateLimit: rate, Quota: quota}, nil)
	if err != nil {
		f.tb.Fatal(err)
	}
	return k
}

// TestLimitsPickTheUsagePlan: an Allow names the open plan's key while the
// key is within its limits, the throttled or exhausted plan's once it is
// not (API Gateway then answers 429), and carries the RateLimit fields; the
// DynamoDB calls stay 2 in the steady state, 3 for an idle key's first
// request.
func TestLimitsPickTheUsagePlan(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	f := newFixture(t, authorizer.Config{UsageKeys: testUsageKeys, Now: func() time.Time { return now }})
	f.user("alice", nil)
	plain := f.key("alice", keys.AllScopes, nil)
	rated := f.limitedKey("alice", &keys.RateLimit{Limit: 2, Window: time.Minute, Burst: 2}, nil)
	quota := f.limitedKey("alice", nil, &keys.Quota{Limit: 1, Period: keys.QuotaDay})
	tests := []struct {
		name      string
		token     string
		wantKey   string
		wantCalls []string
		wantRL    string // the rateLimit context value
	}{
		{"no limits", plain.Token, testUsageKeys.Open, []string{"UpdateItem", "Query"}, ""},
		{"rate: first request of an idle key", rated.Token, testUsageKeys.Open, []string{"UpdateItem", "UpdateItem", "Query"}, "rate;r=1;t=30"},
		{"rate: steady", rated.Token, testUsageKeys.Open, []string{"UpdateItem", "Query"}, "rate;r=0;t=60"},
		{"rate: over the limit", rated.Token, testUsageKeys.Throttled, []string{"UpdateItem", "Query"}, "rate;r=0;t=60"},
		{"quota: first of the day", quota.Token, testUsageKeys.Open, []string{"UpdateItem", "UpdateItem", "Query"}, "quota;r=0;t="},
		{"quota: used up", quota.Token, testUsageKeys.Exhausted, []string{"UpdateItem", "Query"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.calls.take()
			resp, err := f.h.Handle(t.Context(), request("Bearer "+tt.token))
			if got := decision(resp, err); got != "allow" {
				t.Fatalf("got %s (%v), want allow", got, err)
			}
			if resp.UsageIdentifierKey != tt.wantKey {
				t.Errorf("usageIdentifierKey: got %q, want %q", resp.UsageIdentifierKey, tt.wantKey)
			}
			if calls := f.calls.take(); !slices.Equal(calls, tt.wantCalls) {
				t.Errorf("DynamoDB calls: got %v, want %v", calls, tt.wantCalls)
			}
			if got, _ := resp.Context["rateLimit"].(string); tt.wantRL != "" && !strings.HasPrefix(got, tt.wantRL) {
				t.Errorf("rateLimit context: got %q, want %q…", got, tt.wantRL)
			}
		})
	}
}

// TestLimitedWithoutUsagePlansIsDenied: a stack without usage plans cannot
// answer 429, so a limited request is refused (403), never admitted.
func TestLimitedWithoutUsagePlansIsDenied(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", nil)
	k := f.limitedKey("alice", &keys.RateLimit{Limit: 1, Window: time.Hour, Burst: 1}, nil)
	if resp, err := f.h.Handle(t.Context(), request("Bearer "+k.Token)); decision(resp, err) != "allow" || resp.UsageIdentifierKey != "" {
		t.Fatalf("first: got %s usage key %q, want allow without a usage key", decision(resp, err), resp.UsageIdentifierKey)
	}
	resp, err := f.h.Handle(t.Context(), request("Bearer "+k.Token))
	if got := decision(resp, err); got != "deny" || resp.Context["reason"] != "RATE_LIMITED" {
		t.Errorf("second: got %s %v, want deny RATE_LIMITED", got, resp.Context)
	}
}
