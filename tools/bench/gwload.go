package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"keygate/e2e/reliability"
	"keygate/testkit/faults"
)

// loadResult is one cell of the gateway throughput table.
type loadResult struct {
	Cache       string
	Concurrency int
	Requests    int
	Errors      int
	Throughput  float64 // requests per second
	P50, P99    time.Duration
}

// gatewayLoad runs authorized GETs of path from c clients for d and
// measures them.
func gatewayLoad(ctx context.Context, baseURL, path, token string, c int, d time.Duration) loadResult {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 2 * c, MaxIdleConnsPerHost: 2 * c}}
	defer client.CloseIdleConnections()
	one := func() (time.Duration, bool) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return time.Since(start), false
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start), resp.StatusCode == http.StatusOK
	}
	// Warm up: connections, the authorizer cache when on, the JIT of
	// DynamoDB Local.
	for range 2 * c {
		one()
	}
	var (
		mu   sync.Mutex
		lats []time.Duration
		errs int
		wg   sync.WaitGroup
	)
	start := time.Now()
	stop := start.Add(d)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for time.Now().Before(stop) {
				lat, ok := one()
				mine = append(mine, lat)
				if !ok {
					bad++
				}
			}
			mu.Lock()
			lats = append(lats, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lats)
	return loadResult{
		Concurrency: c, Requests: len(lats), Errors: errs,
		Throughput: float64(len(lats)) / elapsed.Seconds(),
		P50:        percentile(lats, 50), P99: percentile(lats, 99),
	}
}

// percentile of a sorted sample (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return sorted[i-1]
}

// callsResult is the DynamoDB calls of one kind of authorization.
type callsResult struct {
	Case   string
	Status int
	Calls  map[faults.Op]int
	Total  int
	Want   int
}

// cacheStack is a stack with one authorizer cache setting, whose
// authorizer's DynamoDB client counts its calls.
type cacheStack struct {
	name  string // the setting, as the gateway table shows it
	stack *reliability.Stack
	calls *faults.API
}

// startCacheStacks starts the two stacks the calls and gateway sections
// measure: the authorizer cache off, and on for 300 s.
func startCacheStacks(ctx context.Context, opts reliability.Options) (off, on *cacheStack, err error) {
	start := func(name string, ttl time.Duration) (*cacheStack, error) {
		counter := faults.Wrap(opts.API)
		o := opts
		o.AuthorizerAPI, o.CacheTTL = counter, ttl
		st, err := reliability.Start(ctx, o)
		if err != nil {
			return nil, err
		}
		return &cacheStack{name: name, stack: st, calls: counter}, nil
	}
	if off, err = start("off", -1); err != nil {
		return nil, nil, err
	}
	if on, err = start("on (300 s)", 300*time.Second); err != nil {
		off.stack.Close()
		return nil, nil, err
	}
	return off, on, nil
}

// countCalls sends one request per case through the stack of the case's
// cache setting and counts its authorizer's DynamoDB calls.
func countCalls(ctx context.Context, off, on *cacheStack, token, limitedToken string) ([]callsResult, error) {
	type kase struct {
		name     string
		stack    *cacheStack
		warm     bool
		header   string
		want     int
		wantCode int
	}
	cases := []kase{
		{"uncached Allow (cache off)", off, false, "Bearer " + token, 2, 200},
		{"cached Allow (cache on, second request)", on, true, "Bearer " + token, 0, 200},
		{"rate-limited key, first request (the limits' reset)", off, false, "Bearer " + limitedToken, 3, 200},
		{"rate-limited key, steady state", off, false, "Bearer " + limitedToken, 2, 200},
		{"malformed token", off, false, "Bearer sk_notakey", 0, 401},
		{"missing header", off, false, "", 0, 401},
	}
	var out []callsResult
	for _, k := range cases {
		send := func() (int, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, k.stack.stack.URL+"/open/auth/whoami", nil)
			if k.header != "" {
				req.Header.Set("Authorization", k.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode, nil
		}
		if k.warm {
			if _, err := send(); err != nil {
				return nil, err
			}
		}
		k.stack.calls.Reset()
		code, err := send()
		if err != nil {
			return nil, err
		}
		if code != k.wantCode {
			return nil, fmt.Errorf("%s: got status %d, want %d", k.name, code, k.wantCode)
		}
		calls := k.stack.calls
		out = append(out, callsResult{Case: k.name, Status: code, Calls: calls.Calls(), Total: calls.Total(), Want: k.want})
	}
	return out, nil
}
