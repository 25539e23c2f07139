package gateway

import (
	"testing"
	"time"
)

func TestAuthCache(t *testing.T) {
	now := time.Unix(1000, 0)
	clock := func() time.Time { return now }
	res := authResult{PrincipalID: "u1"}

	t.Run("ttl zero caches nothing", func(t *testing.T) {
		c := newAuthCache(0, clock)
		c.put("k", res)
		if _, ok := c.get("k"); ok {
			t.Error("got a cached result, want none")
		}
	})
	t.Run("hit until ttl", func(t *testing.T) {
		c := newAuthCache(300*time.Second, clock)
		c.put("k", res)
		if got, ok := c.get("k"); !ok || got.PrincipalID != "u1" {
			t.Fatalf("got %v %v, want u1 true", got.PrincipalID, ok)
		}
		if _, ok := c.get("other"); ok {
			t.Error("got a hit for another identity, want none")
		}
		now = now.Add(300 * time.Second)
		if _, ok := c.get("k"); ok {
			t.Error("got a hit at expiry, want none")
		}
	})
	t.Run("flush drops entries", func(t *testing.T) {
		c := newAuthCache(300*time.Second, clock)
		c.put("k", res)
		c.flush()
		if _, ok := c.get("k"); ok {
			t.Error("got a hit after flush, want none")
		}
	})
	t.Run("result computed before a flush is stored, as in API Gateway", func(t *testing.T) {
		c := newAuthCache(300*time.Second, clock)
		c.flush() // e.g. the key is revoked while the authorizer runs
		c.put("k", res)
		if _, ok := c.get("k"); !ok {
			t.Error("got no hit: API Gateway stores a result that returns after a flush")
		}
	})
	t.Run("bounded", func(t *testing.T) {
		c := newAuthCache(300*time.Second, clock)
		for i := range maxCacheEntries + 10 {
			c.put(time.Duration(i).String(), res)
		}
		if n := c.len(); n > maxCacheEntries {
			t.Errorf("got %d entries, want at most %d", n, maxCacheEntries)
		}
	})
}
