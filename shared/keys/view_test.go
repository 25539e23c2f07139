package keys_test

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"keygate/shared/keys"
)

// TestViewJSON pins the documented key shape byte for byte (docs/api.md):
// field names and order, null for what is absent, times in TimeFormat, the
// quota's use in the period of now, and never the hash.
func TestViewJSON(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 30, 0, 0, time.UTC)
	created := time.Date(2026, 11, 1, 8, 0, 0, 123_000_000, time.UTC)
	expires := time.Date(2027, 1, 2, 15, 4, 5, 0, time.UTC)
	used := time.Date(2026, 11, 24, 12, 29, 59, 999_000_000, time.UTC)
	plain := keys.Key{ID: "AAAAAAAAAAAAAAAA", UserID: "alice", Name: "ci", Hash: "hash-must-not-show", Start: "sk_AAAAAAAA",
		Scopes: []keys.Scope{keys.ScopeRead}, CreatedAt: created}
	full := plain
	full.ExpiresAt, full.LastUsedAt, full.UsageCount = &expires, &used, 42
	full.AllowedCIDRs = []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::1/128")}
	full.RateLimit = &keys.RateLimit{Limit: 100, Window: time.Second, Burst: 200}
	full.Quota = &keys.Quota{Limit: 10000, Period: keys.QuotaDay}
	full.QuotaState = keys.QuotaState{Period: "2026-11-24", Used: 7}
	stale := full
	stale.Quota = &keys.Quota{Limit: 5, Period: keys.QuotaMonth}
	stale.QuotaState = keys.QuotaState{Period: "2026-10", Used: 5}
	noScopes := plain
	noScopes.Scopes = nil

	const head = `{"id":"AAAAAAAAAAAAAAAA","name":"ci","start":"sk_AAAAAAAA",`
	tests := []struct {
		name string
		key  keys.Key
		want string
	}{
		{"nothing optional", plain, head + `"scopes":["read"],"createdAt":"2026-11-01T08:00:00.123Z","expiresAt":null,` +
			`"lastUsedAt":null,"usageCount":0,"allowedCidrs":null,"rateLimit":null,"quota":null}`},
		{"no scopes is an empty list", noScopes, head + `"scopes":[],"createdAt":"2026-11-01T08:00:00.123Z","expiresAt":null,` +
			`"lastUsedAt":null,"usageCount":0,"allowedCidrs":null,"rateLimit":null,"quota":null}`},
		{"everything set", full, head + `"scopes":["read"],"createdAt":"2026-11-01T08:00:00.123Z","expiresAt":"2027-01-02T15:04:05.000Z",` +
			`"lastUsedAt":"2026-11-24T12:29:59.999Z","usageCount":42,"allowedCidrs":["203.0.113.0/24","2001:db8::1/128"],` +
			`"rateLimit":{"limit":100,"windowSeconds":1,"burst":200},` +
			`"quota":{"limit":10000,"period":"day","used":7,"resetsAt":"2026-11-25T00:00:00.000Z"}}`},
		{"a quota used in an earlier period", stale, head + `"scopes":["read"],"createdAt":"2026-11-01T08:00:00.123Z","expiresAt":"2027-01-02T15:04:05.000Z",` +
			`"lastUsedAt":"2026-11-24T12:29:59.999Z","usageCount":42,"allowedCidrs":["203.0.113.0/24","2001:db8::1/128"],` +
			`"rateLimit":{"limit":100,"windowSeconds":1,"burst":200},` +
			`"quota":{"limit":5,"period":"month","used":0,"resetsAt":"2026-12-01T00:00:00.000Z"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.key.View(now))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("View:\n got %s\nwant %s", got, tt.want)
			}
			issued, err := json.Marshal(keys.Issued{Key: tt.key, Token: "sk_token"}.View(now))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.TrimSuffix(tt.want, "}") + `,"apiKey":"sk_token"}`; string(issued) != want {
				t.Errorf("Issued.View:\n got %s\nwant %s", issued, want)
			}
			if strings.Contains(string(issued), tt.key.Hash) {
				t.Errorf("the view shows the hash: %s", issued)
			}
		})
	}
}
