package faults

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// CapacityProxy is a DynamoDB endpoint in front of a real one (DynamoDB
// Local) that models DynamoDB's per-item write ceiling: an item lives in
// one partition, and a partition serves at most 1,000 write units per
// second, so one item takes at most that many writes a second whatever the
// table's capacity. The proxy gives every item a bucket of WritesPerSecond
// units, refilled continuously and holding at most one second's worth, and
// answers a write that finds its item's bucket empty as DynamoDB answers a
// throttled request (400 ThrottlingException) without forwarding it; the
// SDK retries it as it would AWS's. Every item written is charged one unit
// (keygate's items are under 1 KB; DynamoDB rounds each write up to 1 KB).
// Reads are forwarded as they are (3,000 read units per partition: not
// what limits a hot key).
type CapacityProxy struct {
	// URL is the endpoint to give the SDK.
	URL string
	// WritesPerSecond is the per-item capacity, scaled down from
	// DynamoDB's 1,000 so that in-process load reaches it.
	WritesPerSecond float64

	srv   *httptest.Server
	proxy *httputil.ReverseProxy
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	throttled map[string]int
	written   map[string]int
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewCapacityProxy starts a proxy to target (a DynamoDB endpoint URL) with
// writesPerSecond per item; it stops with the test.
func NewCapacityProxy(tb testing.TB, target string, writesPerSecond float64) *CapacityProxy {
	tb.Helper()
	p, err := StartCapacityProxy(target, writesPerSecond)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	return p
}

// StartCapacityProxy is NewCapacityProxy outside a test (make bench);
// Close stops it.
func StartCapacityProxy(target string, writesPerSecond float64) (*CapacityProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	p := &CapacityProxy{WritesPerSecond: writesPerSecond, proxy: httputil.NewSingleHostReverseProxy(u), now: time.Now,
		buckets: map[string]*bucket{}, throttled: map[string]int{}, written: map[string]int{}}
	p.srv = httptest.NewServer(p)
	p.URL = p.srv.URL
	return p, nil
}

// Close stops the proxy.
func (p *CapacityProxy) Close() { p.srv.Close() }

// ServeHTTP charges a write's items and forwards it, or throttles it.
func (p *CapacityProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := r.Header.Get("X-Amz-Target")
	op = op[strings.LastIndexByte(op, '.')+1:]
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if items := writtenItems(op, body); len(items) > 0 && !p.charge(items) {
		writeError(w, http.StatusBadRequest, "com.amazon.coral.availability#ThrottlingException",
			"Throughput exceeds the current capacity for one or more items (the per-partition write limit)")
		return
	}
	p.proxy.ServeHTTP(w, r)
}

// charge takes one unit from each item's bucket, all or none.
func (p *CapacityProxy) charge(items []string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now() // under the lock: no caller sees time go back
	for _, it := range items {
		b, ok := p.buckets[it]
		if !ok {
			b = &bucket{tokens: p.WritesPerSecond, at: now}
			p.buckets[it] = b
		}
		b.tokens = min(p.WritesPerSecond, b.tokens+now.Sub(b.at).Seconds()*p.WritesPerSecond)
		b.at = now
	}
	for _, it := range items {
		if p.buckets[it].tokens < 1 {
			p.throttled[it]++
			return false
		}
	}
	for _, it := range items {
		p.buckets[it].tokens--
		p.written[it]++
	}
	return true
}

// Throttled is the number of writes throttled on item ("pk|sk").
func (p *CapacityProxy) Throttled(item string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.throttled[item]
}

// Written is the number of writes forwarded to item ("pk|sk").
func (p *CapacityProxy) Written(item string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.written[item]
}

// writtenItems are the items ("pk|sk") a write request writes: its Key or
// Item, every item of a transaction or a batch write.
func writtenItems(op string, body []byte) []string {
	// Only the key attributes are read: an item's other attributes may be
	// of any type.
	type key = map[string]json.RawMessage
	type part struct {
		Key  key
		Item key
	}
	var in struct {
		Key           key
		Item          key
		TransactItems []map[string]part
		RequestItems  map[string][]map[string]part
	}
	switch op {
	case "UpdateItem", "PutItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem":
	default:
		return nil
	}
	if json.Unmarshal(body, &in) != nil {
		return nil
	}
	str := func(raw json.RawMessage) string {
		var v struct{ S string }
		_ = json.Unmarshal(raw, &v)
		return v.S
	}
	name := func(k key) string { return str(k["pk"]) + "|" + str(k["sk"]) }
	var out []string
	add := func(p part) {
		switch {
		case p.Key != nil:
			out = append(out, name(p.Key))
		case p.Item != nil:
			out = append(out, name(p.Item))
		}
	}
	add(part{Key: in.Key, Item: in.Item})
	for _, t := range in.TransactItems {
		for _, p := range t {
			add(p)
		}
	}
	for _, reqs := range in.RequestItems {
		for _, rq := range reqs {
			for _, p := range rq {
				add(p)
			}
		}
	}
	return out
}
