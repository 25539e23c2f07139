// Package load is keygate's HTTP load generator: c clients send
// authorized GETs for a fixed time and the result is their throughput and
// latency. Command loadgen runs it in its own process, so that what it
// measures does not share a Go runtime with the server under test.
package load

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Result is one load cell.
type Result struct {
	Concurrency int
	Requests    int
	Errors      int // responses other than 200, and transport errors
	Seconds     float64
	Throughput  float64 // requests per second
	P50, P99    time.Duration
}

// Run sends GET url with "Authorization: Bearer token" (none when token is
// empty) from c clients for d, after a warm-up of 2c requests (connections,
// caches, the JIT of DynamoDB Local), and measures them.
func Run(ctx context.Context, url, token string, c int, d time.Duration) Result {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 2 * c, MaxIdleConnsPerHost: 2 * c}}
	defer client.CloseIdleConnections()
	one := func() (time.Duration, bool) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return time.Since(start), false
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start), resp.StatusCode == http.StatusOK
	}
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
			for time.Now().Before(stop) && ctx.Err() == nil {
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
	return Result{
		Concurrency: c, Requests: len(lats), Errors: errs, Seconds: elapsed.Seconds(),
		Throughput: float64(len(lats)) / elapsed.Seconds(),
		P50:        Percentile(lats, 50), P99: Percentile(lats, 99),
	}
}

// Percentile of a sorted sample (nearest rank).
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return sorted[i-1]
}
