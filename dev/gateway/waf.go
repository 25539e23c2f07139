package gateway

import (
	"net/http"
	"sync"
	"time"
)

// RateRule is an AWS WAF rate-based rule on the stage: more than Limit
// requests from one source address within Window (those Counted, when it
// is set: the rule's scope-down statement) are blocked with the rule's
// custom response, before API Gateway sees them.
type RateRule struct {
	Name        string
	Limit       int
	Window      time.Duration
	Counted     func(*http.Request) bool
	Status      int
	Body        string
	ContentType string
	Headers     map[string]string
}

// rateCounter counts one rule's requests per address in one-second
// buckets over its window. AWS WAF evaluates its counts every few seconds,
// so it may let a few requests past the limit before it blocks; the local
// gateway blocks at once from the first request past it, the bound the
// tests can state.
type rateCounter struct {
	rule RateRule
	mu   sync.Mutex
	byIP map[string]*ipCount
}

type ipCount struct {
	buckets []int   // per second of the window, by second modulo its length
	seconds []int64 // the second each bucket counts
}

func newRateCounter(r RateRule) *rateCounter {
	if r.Window < time.Second {
		r.Window = 300 * time.Second
	}
	return &rateCounter{rule: r, byIP: map[string]*ipCount{}}
}

// admit counts a request from ip at now and reports whether the rule lets
// it through.
func (c *rateCounter) admit(r *http.Request, ip string, now time.Time) bool {
	if c.rule.Counted != nil && !c.rule.Counted(r) {
		return true
	}
	n := int(c.rule.Window / time.Second)
	sec := now.Unix()
	c.mu.Lock()
	defer c.mu.Unlock()
	ipc, ok := c.byIP[ip]
	if !ok {
		ipc = &ipCount{buckets: make([]int, n), seconds: make([]int64, n)}
		c.byIP[ip] = ipc
	}
	i := int(sec % int64(n))
	if ipc.seconds[i] != sec {
		ipc.seconds[i], ipc.buckets[i] = sec, 0
	}
	ipc.buckets[i]++
	total := 0
	for j, s := range ipc.seconds {
		if sec-s < int64(n) {
			total += ipc.buckets[j]
		}
	}
	return total <= c.rule.Limit
}

// block writes the rule's custom response.
func (c *rateCounter) block(w http.ResponseWriter) {
	for k, v := range c.rule.Headers {
		w.Header().Set(k, v)
	}
	if c.rule.ContentType != "" {
		w.Header().Set("Content-Type", c.rule.ContentType)
	}
	w.WriteHeader(c.rule.Status)
	_, _ = w.Write([]byte(c.rule.Body))
}
