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
	// UsageKey is the usageIdentifierKey: with ApiKeySource AUTHORIZER, the
	// API key whose usage plan applies (cached with the rest).
	UsageKey string
}

type cacheEntry struct {
	result  authResult
	expires time.Time
}

// authCache caches authorizer results per identity-source value for a TTL,
// like API Gateway's authorizer cache. A TTL of 0 turns it off.
//
// As in API Gateway, a result is stored when its authorizer call returns,
// even if the cache was flushed while the call ran: an Allow computed just
// before a key was revoked can outlive the revocation's flush. The apikeys
// function closes that window by flushing a second time (see its flush).
type authCache struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cacheEntry
}

func newAuthCache(ttl time.Duration, now func() time.Time) *authCache {
	return &authCache{ttl: ttl, now: now, entries: make(map[string]cacheEntry)}
}

// enabled reports whether results are cached at all.
func (c *authCache) enabled() bool { return c.ttl > 0 }

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

// put caches r for key.
func (c *authCache) put(key string, r authResult) {
	if !c.enabled() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
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

// flush drops every cached result.
func (c *authCache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

// len returns the number of cached entries (expired ones included).
func (c *authCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
