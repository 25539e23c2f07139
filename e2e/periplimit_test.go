package e2e

import (
	"net/http"
	"testing"
)

// TestPerIPLimit: with PerIpRateLimit, the stage's web ACL answers an
// anonymous caller past the limit with 429 in the envelope (the THROTTLED
// body), before API Gateway. Counted: requests without Authorization and
// every request to a public route — a made-up header does not get past it —
// but not CORS preflights, nor keyed calls of protected routes.
func TestPerIPLimit(t *testing.T) {
	s := newStack(t)
	s.user(t, "alice", nil)
	srv := s.gateway(t, map[string]string{"PerIpRateLimit": "10"})
	key := s.key(t, "alice")
	preflight := func() int {
		req, err := http.NewRequestWithContext(t.Context(), "OPTIONS", srv.url+"/open/global/config", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "https://app.example.com")
		req.Header.Set("Access-Control-Request-Method", "GET")
		return send(t, req).status
	}
	var statuses []int
	var last response
	for i := range 11 {
		auth := ""
		if i%2 == 1 {
			auth = "Bearer made-up" // a public route: counted all the same
		}
		last = srv.doAuth(t, "GET", "/open/global/config", auth, "")
		statuses = append(statuses, last.status)
		if r := srv.do(t, "GET", "/open/auth/whoami", key, ""); r.status != http.StatusOK {
			t.Fatalf("a keyed call of a protected route: got %d, want 200 (not counted)", r.status)
		}
		if st := preflight(); st == http.StatusTooManyRequests {
			t.Fatalf("a CORS preflight: got 429, want it not counted")
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
	if r := srv.do(t, "GET", "/open/workspace/x", "", ""); r.status != http.StatusTooManyRequests {
		t.Errorf("another anonymous request: got %d, want still 429", r.status)
	}
}
