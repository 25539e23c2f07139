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

// TestHotKeyOnLanesPassesTheItemCeiling: the same key with 32 lanes, offered
// ten times its item's ceiling (20/s modelled) by instances serving one
// request at a time as Lambda's do, is admitted every time: each use writes
// one lane, and no item takes more than its share.
func TestHotKeyOnLanesPassesTheItemCeiling(t *testing.T) {
	const perSecond, lanes, instances, requests = 20, 32, 8, 400
	const offered = 10 * perSecond
	f := newFixture(t, authorizer.Config{})
	f.user("alice", nil)
	k := f.key("alice", keys.AllScopes, nil)
	if _, err := f.seed.SetLanes(t.Context(), "alice", k.ID, lanes, nil); err != nil {
		t.Fatal(err)
	}
	proxy := faults.NewCapacityProxy(t, dynamolocal.Endpoint(t), perSecond)
	var mu sync.Mutex
	outcomes := map[string]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range instances {
		client, err := store.NewClient(context.Background(), store.ClientOptions{Endpoint: proxy.URL})
		if err != nil {
			t.Fatal(err)
		}
		h := authorizer.New(store.New(client, f.table), authorizer.Config{Timeout: time.Second}, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Instance i sends requests i, i+instances, ... at their time
			// in a steady pace of offered a second.
			for n := i; n < requests; n += instances {
				time.Sleep(time.Until(start.Add(time.Duration(n) * time.Second / offered)))
				got := decision(h.Handle(t.Context(), request("Bearer "+k.Token)))
				mu.Lock()
				outcomes[got]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if outcomes["allow"] != requests {
		t.Errorf("outcomes %v: want all %d allowed", outcomes, requests)
	}
	stored, err := f.seed.GetKey(t.Context(), "alice", k.ID)
	if err != nil || stored.UsageCount != requests {
		t.Errorf("usage count: %d (%v), want %d", stored.UsageCount, err, requests)
	}
	t.Logf("%d requests at %d/s (%.0f× the item's %d/s) over %d lanes in %s: %v; %d writes on the key's own item",
		requests, offered, float64(offered)/perSecond, perSecond, lanes, time.Since(start).Round(time.Millisecond), outcomes,
		proxy.Written("KEY#"+k.ID+"|KEY"))
}
