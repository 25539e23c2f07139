package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"keygate/dev/testkit/wait"
	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// usageBody is GET /open/apikeys/{keyId}/usage's body.
type usageBody struct {
	KeyID       string `json:"keyId"`
	Granularity string `json:"granularity"`
	Buckets     []struct {
		Start string `json:"start"`
		Count int64  `json:"count"`
	} `json:"buckets"`
}

func (u usageBody) sum() int64 {
	n := int64(0)
	for _, b := range u.Buckets {
		n += b.Count
	}
	return n
}

// TestUsageHistoryAddsUpToUsageCount: a key's uses reach its hourly and
// daily buckets through the table's stream and the usage aggregator, within
// 10 s, and the buckets add up to its usageCount — on its own item, on
// lanes, and across the fold that takes the lanes back; another user's key
// is a 404.
func TestUsageHistoryAddsUpToUsageCount(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	s.user(t, "bob", nil)
	admin := s.key(t, "alice")
	bobToken := s.key(t, "bob")
	srv := s.gateway(t, nil)
	s.deliveries(t, webhooks.DeliverConfig{})

	resp := srv.do(t, "POST", "/open/apikeys", admin, `{"name":"busy","scopes":["read"],"rateLimit":{"limit":1000,"windowSeconds":1,"burst":1000}}`)
	if resp.status != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.status, resp.body)
	}
	var created struct {
		ID     string `json:"id"`
		APIKey string `json:"apiKey"`
	}
	resp.decode(t, &created)
	s.tokens = append(s.tokens, created.APIKey)
	use := func(n int) {
		t.Helper()
		for range n {
			if r := srv.do(t, "GET", "/open/auth/whoami", created.APIKey, ""); r.status != http.StatusOK {
				t.Fatalf("use: %d %s", r.status, r.body)
			}
		}
	}
	patch := func(body string) {
		t.Helper()
		if r := srv.do(t, "PATCH", "/open/apikeys/"+created.ID, admin, body); r.status != http.StatusOK {
			t.Fatalf("PATCH %s: %d %s", body, r.status, r.body)
		}
	}
	use(5)
	patch(`{"lanes":4}`)
	use(7)
	patch(`{"lanes":1}`) // the fold: the lanes' counts move back to the key
	use(3)

	var key struct {
		UsageCount int64 `json:"usageCount"`
	}
	srv.do(t, "GET", "/open/apikeys/"+created.ID, admin, "").decode(t, &key)
	if key.UsageCount != 15 {
		t.Fatalf("usageCount: got %d, want 15", key.UsageCount)
	}
	usage := func(granularity string) usageBody {
		var u usageBody
		r := srv.do(t, "GET", "/open/apikeys/"+created.ID+"/usage?granularity="+granularity, admin, "")
		if r.status != http.StatusOK {
			t.Fatalf("usage: %d %s", r.status, r.body)
		}
		r.decode(t, &u)
		return u
	}
	start := time.Now()
	wait.Eventually(t, 10*time.Second, func() (bool, string) {
		u := usage("hour")
		return u.sum() == key.UsageCount, fmt.Sprintf("hourly buckets add up to %d", u.sum())
	})
	t.Logf("the buckets caught up with usageCount %d in %s", key.UsageCount, time.Since(start).Round(time.Millisecond))

	hourly, daily := usage("hour"), usage("day")
	if len(hourly.Buckets) != 48 || len(daily.Buckets) != 90 {
		t.Errorf("buckets: %d hourly and %d daily, want the 48 hours and 90 days up to now", len(hourly.Buckets), len(daily.Buckets))
	}
	if daily.sum() != key.UsageCount || daily.KeyID != created.ID || daily.Granularity != "day" {
		t.Errorf("daily: %+v, want %s's %d uses by day", daily, created.ID, key.UsageCount)
	}
	if last := hourly.Buckets[len(hourly.Buckets)-1]; !strings.HasPrefix(last.Start, time.Now().UTC().Format("2006-01-02T15")) &&
		!strings.HasPrefix(last.Start, time.Now().UTC().Add(-time.Minute).Format("2006-01-02T15")) {
		t.Errorf("the last hourly bucket starts %s, want this hour", last.Start)
	}

	t.Run("refusals", func(t *testing.T) {
		for _, tt := range []struct {
			name, token, query string
			want               int
		}{
			{"another user's key", bobToken, "", http.StatusNotFound},
			{"granularity", admin, "?granularity=minute", http.StatusBadRequest},
			{"time", admin, "?from=yesterday", http.StatusBadRequest},
			{"span", admin, "?granularity=hour&from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z", http.StatusBadRequest},
			{"past the year 9999 in UTC", admin, "?granularity=hour&from=9999-12-31T22:00:00Z&to=9999-12-31T23:00:00-01:00", http.StatusBadRequest},
			{"from after to", admin, "?from=2026-12-07T00:00:00Z&to=2026-12-01T00:00:00Z", http.StatusBadRequest},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if r := srv.do(t, "GET", "/open/apikeys/"+created.ID+"/usage"+tt.query, tt.token, ""); r.status != tt.want {
					t.Errorf("got %d %s, want %d", r.status, r.body, tt.want)
				}
			})
		}
	})
}
