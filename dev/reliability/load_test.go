package reliability

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// TestLoadOneKey sends 5,000 authorized requests from 64 concurrent clients
// over real HTTP with the authorizer cache off, so every request is verified
// against DynamoDB Local: none may fail, and the key's usageCount must end at
// exactly 5,000 (no lost or doubled increment).
func TestLoadOneKey(t *testing.T) {
	const (
		requests = 5000
		clients  = 64
	)
	e := newEnv(t, Options{CacheTTL: -1})
	var (
		next     atomic.Int64
		mu       sync.Mutex
		statuses = map[int]int{}
		errs     []error
		wg       sync.WaitGroup
	)
	h := bearer(e.alice.Token)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= requests {
				r, err := e.send(http.MethodGet, "/open/auth/whoami", h, "")
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					statuses[r.Status]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	if len(errs) > 0 {
		t.Errorf("transport errors: got %d (first: %v), want 0", len(errs), errs[0])
	}
	if got := statuses[http.StatusOK]; got != requests {
		t.Errorf("200 answers: got %d (statuses %v), want %d", got, statuses, requests)
	}
	k, err := e.st.GetKey(t.Context(), e.alice.UserID, e.alice.KeyID)
	if err != nil {
		t.Fatalf("GetKey: %v", err)
	}
	if k.UsageCount != requests {
		t.Errorf("usageCount: got %d, want %d", k.UsageCount, requests)
	}
	if k.LastUsedAt == nil {
		t.Errorf("lastUsedAt: got nil, want set")
	}
}
