package reliability

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/faults"
	"keygate/shared/keys"
)

// TestRevocationRace hammers a key from 32 clients with the authorizer cache
// on with a TTL of 300 s and deletes it through the API (with itself: keys
// are managed by their owner). Every request that starts after the DELETE response has returned must
// be refused (403), although the policy was cached for minutes.
func TestRevocationRace(t *testing.T) {
	const (
		clients   = 32
		warmup    = 300  // requests before the DELETE
		afterward = 1500 // requests started after the DELETE returned
		// giveUp bounds the run if requests stall. There is no cap on the
		// number of requests: with the cache on, the clients send tens of
		// thousands while the DELETE waits for its second flush.
		giveUp = 2 * time.Minute
	)
	client, table := dynamolocal.NewTestTable(t)
	calls := faults.Wrap(client) // counts the authorizer's DynamoDB calls
	e := newEnvOn(t, client, table, Options{CacheTTL: 300 * time.Second, AuthorizerAPI: calls})
	victim, err := Seed(t.Context(), e.st, "victim", "", keys.AllScopes...)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	e.addSecrets(victim.Secrets()...)

	type sample struct {
		start  time.Time
		status int
		err    error
	}
	var (
		mu       sync.Mutex
		samples  []sample
		deadline = time.Now().Add(giveUp)
		deleted  atomic.Pointer[time.Time]
		after    atomic.Int64
		warmDone = make(chan struct{})
		warmOnce sync.Once
		wg       sync.WaitGroup
	)
	h := bearer(victim.Token)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				start := time.Now()
				r, err := e.send(http.MethodGet, "/open/auth/whoami", h, "")
				mu.Lock()
				samples = append(samples, sample{start, r.Status, err})
				n := len(samples)
				mu.Unlock()
				if n >= warmup {
					warmOnce.Do(func() { close(warmDone) })
				}
				if d := deleted.Load(); d != nil && start.After(*d) {
					if after.Add(1) >= afterward {
						return
					}
				}
			}
		}()
	}

	<-warmDone
	r := e.do(t, http.MethodDelete, "/open/apikeys/"+victim.KeyID, victim.Token, "")
	returned := time.Now()
	deleted.Store(&returned)
	if r.Status != http.StatusNoContent && r.Status != http.StatusOK {
		t.Fatalf("DELETE: got status %d (body %s), want 204", r.Status, truncate(r.Body))
	}
	wg.Wait()

	var okBefore, refusedAfter int
	for _, s := range samples {
		if s.err != nil {
			t.Errorf("transport error: %v", s.err)
			continue
		}
		if !s.start.After(returned) {
			if s.status == http.StatusOK {
				okBefore++
			}
			continue
		}
		if s.status != http.StatusForbidden {
			t.Errorf("request started %v after the DELETE returned: got %d, want 403",
				s.start.Sub(returned), s.status)
			continue
		}
		refusedAfter++
	}
	if okBefore == 0 {
		t.Errorf("200s before the DELETE: got 0, want some (the race was not run)")
	}
	if refusedAfter < afterward {
		t.Errorf("requests after the DELETE: got %d, want at least %d", refusedAfter, afterward)
	}
	// The cache was really on: a verification per cache miss (the first
	// concurrent requests, and again after the flush), not per request.
	// At least one: otherwise the counter is not on the authorizer's client
	// and the bound proves nothing.
	if got, limit := calls.Calls()[faults.OpUpdateItem], 4*clients; got < 1 || got > limit {
		t.Errorf("authorizer verifications: got %d for %d requests, want 1 to %d (cache on)", got, len(samples), limit)
	}
	t.Logf("%d requests: %d allowed before the DELETE returned, %d refused after", len(samples), okBefore, refusedAfter)
}
