package e2e

import (
	"net/http"
	"testing"
)

// TestPerIPLimit: with PerIpRateLimit, the stage's web ACL answers an
// anonymous caller past the limit with 429 in the envelope (the THROTTLED
// body), before API Gateway; callers with a key are not counted.
func TestPerIPLimit(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", nil)
	srv := s.gateway(t, map[string]string{"PerIpRateLimit": "10"})
	key := s.key(t, "alice")
	var statuses []int
	var last response
	for range 11 {
		last = srv.do(t, "GET", "/open/global/config", "", "")
		statuses = append(statuses, last.status)
		if r := srv.do(t, "GET", "/open/global/config", key, ""); r.status != http.StatusOK {
			t.Fatalf("a keyed caller: got %d, want 200 (not counted)", r.status)
		}
	}
	for i, st := range statuses[:10] {
		if st != http.StatusOK {
			t.Fatalf("anonymous request %d: got %d, want 200", i+1, st)
		}
	}
	want := "{\n  \"error\": {\n    \"code\": \"RATE_LIMITED\",\n    \"message\": \"Rate limit exceeded: retry later\"\n  }\n}"
	if last.status != http.StatusTooManyRequests || last.body != want || last.header.Get("Retry-After") == "" {
		t.Errorf("the 11th anonymous request: got %d %q (Retry-After %q), want 429 in the envelope", last.status, last.body, last.header.Get("Retry-After"))
	}
	if r := srv.do(t, "GET", "/open/global/config", "", ""); r.status != http.StatusTooManyRequests {
		t.Errorf("the next: got %d, want still 429", r.status)
	}
}
