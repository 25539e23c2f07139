package authorizer_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/faults"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// TestHotKeyFailsClosedPastTheItemCeiling: every uncached verification
// writes the key's item, and DynamoDB serves one item at most 1,000 writes
// a second (modelled here at 20/s by the capacity proxy). Driven far past
// that by several authorizer instances at once, one key is admitted at
// most at the item's rate — and every request the store throttled beyond
// the SDK's retries fails closed (an error, API Gateway's 500), never an
// Allow and never a wrong Deny. This is the ceiling docs/authorizer.md
// states for keys without leases.
func TestHotKeyFailsClosedPastTheItemCeiling(t *testing.T) {
	const perSecond, requests, workers, instances = 20, 400, 32, 4
	f := newFixture(t, authorizer.Config{})
	f.user("alice", nil)
	k := f.key("alice", keys.AllScopes, nil)
	proxy := faults.NewCapacityProxy(t, dynamolocal.Endpoint(t), perSecond)
	var handlers []*authorizer.Handler
	for range instances {
		client, err := store.NewClient(context.Background(), store.ClientOptions{Endpoint: proxy.URL})
		if err != nil {
			t.Fatal(err)
		}
		// A short timeout bounds each request's retries, as the Lambda's
		// deadline does.
		handlers = append(handlers, authorizer.New(store.New(client, f.table), authorizer.Config{Timeout: 300 * time.Millisecond}, nil))
	}
	var mu sync.Mutex
	outcomes := map[string]int{}
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := handlers[w%instances]
			for range next {
				got := decision(h.Handle(t.Context(), request("Bearer "+k.Token)))
				mu.Lock()
				outcomes[got]++
				mu.Unlock()
			}
		}()
	}
	for i := range requests {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	ceiling := int(perSecond*elapsed.Seconds()) + perSecond // the rate over the run, plus one second's bucket
	if outcomes["allow"] > ceiling {
		t.Errorf("admitted %d in %s, above the item's ceiling of %d", outcomes["allow"], elapsed, ceiling)
	}
	if outcomes["allow"]+outcomes["error"] != requests {
		t.Errorf("outcomes %v: every request is an Allow or, throttled past the retries, an error", outcomes)
	}
	if outcomes["error"] < requests-ceiling {
		t.Errorf("outcomes %v: want at least %d failed closed", outcomes, requests-ceiling)
	}
	t.Logf("one key at %d requests through %d instances in %s: %d admitted (%.1f/s, item ceiling %d/s), %d failed closed, %d writes throttled",
		requests, instances, elapsed.Round(time.Millisecond), outcomes["allow"], float64(outcomes["allow"])/elapsed.Seconds(), perSecond,
		outcomes["error"], proxy.Throttled("KEY#"+k.ID+"|KEY"))
}
