package main

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/authorizer"
	"keygate/dev/reliability"
	"keygate/dev/testkit/faults"
	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// The hot-key simulation: DynamoDB's per-item write ceiling (1,000 units a
// second) scaled down to hotKeyItemWrites, one key driven far past it by
// hotKeyInstances authorizer instances for hotKeyDuration.
const (
	hotKeyItemWrites = 100
	hotKeyInstances  = 8
	hotKeyWorkers    = 64
	hotKeyDuration   = 5 * time.Second
)

// hotKeyResult is one key driven past its item's write ceiling, uncached.
type hotKeyResult struct {
	ItemWrites   float64       // the modelled per-item capacity, writes a second
	Duration     time.Duration // the run
	Requests     int           // authorizations attempted
	Admitted     int           // Allows
	FailedClosed int           // errors (500s): throttled past the SDK's retries
	Throttles    int           // writes the item refused
	Written      int           // writes that reached the item
}

// Ratio is admitted per second ÷ the item's capacity.
func (h hotKeyResult) Ratio() float64 {
	return float64(h.Admitted) / h.Duration.Seconds() / h.ItemWrites
}

// measureHotKey drives one key through authorizer instances whose DynamoDB
// client goes through faults.CapacityProxy, as many requests as the workers
// can send for hotKeyDuration.
func measureHotKey(ctx context.Context, f *fixture) (hotKeyResult, error) {
	proxy, err := faults.StartCapacityProxy(f.endpoint, hotKeyItemWrites)
	if err != nil {
		return hotKeyResult{}, err
	}
	defer proxy.Close()
	seed := store.New(f.client, f.table)
	gen, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		return hotKeyResult{}, err
	}
	if err := seed.CreateKey(ctx, keys.NewKey(gen, "alice", "hot", keys.AllScopes, time.Now().UTC(), nil), nil); err != nil {
		return hotKeyResult{}, err
	}
	var handlers []*authorizer.Handler
	for range hotKeyInstances {
		client, err := store.NewClient(ctx, store.ClientOptions{Endpoint: proxy.URL})
		if err != nil {
			return hotKeyResult{}, err
		}
		// The deadline a Lambda invocation gives: retries end within it.
		handlers = append(handlers, authorizer.New(store.New(client, f.table), authorizer.Config{Timeout: time.Second}, nil))
	}
	ev := reliability.AuthorizerEvent(gen.Token)
	var mu sync.Mutex
	res := hotKeyResult{ItemWrites: hotKeyItemWrites}
	start := time.Now()
	stop := start.Add(hotKeyDuration)
	var wg sync.WaitGroup
	for w := range hotKeyWorkers {
		wg.Add(1)
		go func(h *authorizer.Handler) {
			defer wg.Done()
			for time.Now().Before(stop) {
				resp, err := h.Handle(ctx, ev)
				mu.Lock()
				res.Requests++
				switch {
				case err != nil:
					res.FailedClosed++
				case allowed(resp):
					res.Admitted++
				}
				mu.Unlock()
			}
		}(handlers[w%hotKeyInstances])
	}
	wg.Wait()
	res.Duration = time.Since(start)
	item := "KEY#" + gen.ID + "|KEY"
	res.Throttles, res.Written = proxy.Throttled(item), proxy.Written(item)
	return res, nil
}

func allowed(r events.APIGatewayCustomAuthorizerResponse) bool {
	return len(r.PolicyDocument.Statement) > 0 && r.PolicyDocument.Statement[0].Effect == "Allow"
}
