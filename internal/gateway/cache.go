package gateway

import (
	"sync"
	"time"
)

// maxCacheEntries bounds the authorizer cache; when it is full, expired
// entries are dropped and, if that is not enough, the whole cache.
const maxCacheEntries = 10000

// authResult is a validated authorizer response: what API Gateway caches.
type authResult struct {
	PrincipalID string
	Policy      Policy
	Context     map[string]string // stringified, as passed to integrations
}

type cacheEntry struct {
	result  authResult
	expires time.Time
}

// authCache caches authorizer results per identity-source value for a TTL,
// like API Gateway's authorizer cache. A TTL of 0 turns it off.
//
// Every Flush bumps a generation. A result is stored only if no flush
// happened since its authorizer call started, so an Allow computed before a
// key was revoked can never be cached after the revocation's flush.
type authCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	gen     uint64
	entries map[string]cacheEntry
}

func newAuthCache(ttl time.Duration, now func() time.Time) *authCache {
	return &authCache{ttl: ttl, now: now, entries: make(map[string]cacheEntry)}
}

// enabled reports whether results are cached at all.
func (c *authCache) enabled() bool { return c.ttl > 0 }

// generation returns the current flush generation; pass it to put.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the unexpired result cached for key.
func (c *authCache) get(key string) (authResult, bool) {
	if !c.enabled() {
		return authResult{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return authResult{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, key)
		return authResult{}, false
	}
	return e.result, true
}

// put caches r for key unless the cache was flushed after gen was read.
func (c *authCache) put(key string, r authResult, gen uint64) {
	if !c.enabled() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	now := c.now()
	if len(c.entries) >= maxCacheEntries {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCacheEntries {
			clear(c.entries)
		}
	}
	c.entries[key] = cacheEntry{result: r, expires: now.Add(c.ttl)}
}

// flush drops every cached result and invalidates in-flight authorizations.
func (c *authCache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// len returns the number of cached entries (expired ones included).
func (c *authCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
