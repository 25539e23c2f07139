package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"keygate/shared/keys"
)

// clock is a time the test moves; every read is the same instant until it
// does, so a burst of requests falls inside one window exactly.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// limitedKey creates a key of alice with the limits in body (JSON fields of
// POST /open/apikeys) through the API and returns its token and id.
func limitedKey(t *testing.T, s *stack, srv server, admin, limits string) (string, string) {
	t.Helper()
	r := srv.do(t, "POST", "/open/apikeys", admin, `{"name":"limited",`+limits+`}`)
	if r.status != 201 {
		t.Fatalf("create: got %d %s", r.status, r.body)
	}
	var k keyJSON
	r.decode(t, &k)
	s.tokens = append(s.tokens, k.APIKey)
	return k.APIKey, k.ID
}

// storm sends n GETs of whoami from 64 concurrent clients and counts the
// statuses, checking every 429's envelope and Retry-After.
func storm(t *testing.T, srv server, token string, n int, wantCode string) map[int]int {
	t.Helper()
	var mu sync.Mutex
	got := map[int]int{}
	jobs := make(chan struct{}, n)
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				r := srv.do(t, "GET", "/open/auth/whoami", token, "")
				mu.Lock()
				got[r.status]++
				mu.Unlock()
				if r.status == http.StatusTooManyRequests {
					var env struct {
						Error struct{ Code, Message string } `json:"error"`
					}
					if err := json.Unmarshal([]byte(r.body), &env); err != nil || env.Error.Code != wantCode {
						t.Errorf("429 body %q: want the envelope with code %s", r.body, wantCode)
					}
					if r.header.Get("Retry-After") == "" {
						t.Errorf("429 without Retry-After")
					}
				}
			}
		}()
	}
	wg.Wait()
	return got
}

// TestRateLimitThroughTheGateway: a key limited to 10 per second, 64
// concurrent clients sending 100 requests inside one second: exactly 10 get
// 200 and 90 get 429 RATE_LIMITED with Retry-After; the next second admits
// 10 again; usageCount counts exactly the admitted ones.
func TestRateLimitThroughTheGateway(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	admin := s.key(t, "alice")
	c := newClock(time.Now().Truncate(time.Second))
	srv := s.gatewayAt(t, c.now, nil)
	token, id := limitedKey(t, s, srv, admin, `"rateLimit":{"limit":10,"windowSeconds":1,"burst":10}`)
	for window := range 2 {
		got := storm(t, srv, token, 100, "RATE_LIMITED")
		if got[200] != 10 || got[429] != 90 {
			t.Errorf("second %d: got %v, want 10 × 200 and 90 × 429", window, got)
		}
		c.add(time.Second)
	}
	var k keyJSON
	srv.do(t, "GET", "/open/apikeys/"+id, admin, "").decode(t, &k)
	if k.UsageCount != 20 {
		t.Errorf("usageCount: got %d, want 20 (throttled requests are not counted)", k.UsageCount)
	}
	// A limited key's responses carry the IETF draft RateLimit headers.
	r := srv.do(t, "GET", "/open/auth/whoami", token, "")
	if r.status != 200 || !strings.Contains(r.header.Get("RateLimit-Policy"), `"rate";q=10;w=1`) || !strings.Contains(r.header.Get("RateLimit"), `"rate";r=9`) {
		t.Errorf("got %d with RateLimit-Policy %q and RateLimit %q", r.status, r.header.Get("RateLimit-Policy"), r.header.Get("RateLimit"))
	}
}

// TestQuotaThroughTheGateway: a quota of 5 per day gives 5 × 200, then 429
// QUOTA_EXCEEDED until the next UTC day.
func TestQuotaThroughTheGateway(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	admin := s.key(t, "alice")
	c := newClock(time.Date(2030, 5, 6, 23, 0, 0, 0, time.UTC))
	srv := s.gatewayAt(t, c.now, nil)
	token, _ := limitedKey(t, s, srv, admin, `"quota":{"limit":5,"period":"day"}`)
	if got := storm(t, srv, token, 20, "QUOTA_EXCEEDED"); got[200] != 5 || got[429] != 15 {
		t.Errorf("day 1: got %v, want 5 × 200 and 15 × 429", got)
	}
	c.add(time.Hour) // past midnight UTC
	if got := storm(t, srv, token, 8, "QUOTA_EXCEEDED"); got[200] != 5 || got[429] != 3 {
		t.Errorf("day 2: got %v, want 5 × 200 and 3 × 429", got)
	}
}

// TestLimitsWithTheCacheOn shows what limits mean when API Gateway caches
// the authorizer's answer: it does not call the authorizer again within the
// TTL, so cached requests are neither counted nor limited, and a cached
// 429 lasts the TTL too (docs/ratelimits.md).
func TestLimitsWithTheCacheOn(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	admin := s.key(t, "alice")
	c := newClock(time.Now().Truncate(time.Second))
	srv := s.gatewayAt(t, c.now, map[string]string{"AuthorizerCacheTtl": "300"})
	token, id := limitedKey(t, s, srv, admin, `"rateLimit":{"limit":1,"windowSeconds":60,"burst":1}`)
	for i := range 5 {
		if r := srv.do(t, "GET", "/open/auth/whoami", token, ""); r.status != 200 {
			t.Errorf("request %d: got %d, want 200 (the first answer is cached)", i, r.status)
		}
	}
	var k keyJSON
	srv.do(t, "GET", "/open/apikeys/"+id, admin, "").decode(t, &k)
	if k.UsageCount != 1 {
		t.Errorf("usageCount: got %d, want 1 (one authorization per TTL)", k.UsageCount)
	}
	srv.gw.FlushAuthorizerCache(t.Context(), "", "")
	if r := srv.do(t, "GET", "/open/auth/whoami", token, ""); r.status != 429 {
		t.Errorf("after a flush: got %d, want 429 (the authorizer runs again)", r.status)
	}
	c.add(2 * time.Minute) // the rate limit has refilled, but the 429 is cached
	if r := srv.do(t, "GET", "/open/auth/whoami", token, ""); r.status != 429 {
		t.Errorf("a cached 429: got %d, want 429 until the TTL ends", r.status)
	}
}
