package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestRateCounter: a rate-based rule blocks an address past its limit
// within the window, counts each address apart, leaves requests with the
// scoped-out header alone, and admits again once the window has passed.
func TestRateCounter(t *testing.T) {
	anonymousOnly := func(r *http.Request) bool { return r.Header.Get("Authorization") == "" }
	c := newRateCounter(RateRule{Name: "r", Limit: 3, Window: 10 * time.Second, Counted: anonymousOnly, Status: 429})
	start := time.Unix(1_800_000_000, 0)
	anonymous := httptest.NewRequest("GET", "/", nil)
	keyed := httptest.NewRequest("GET", "/", nil)
	keyed.Header.Set("Authorization", "Bearer x")
	var got []bool
	for i := range 4 {
		got = append(got, c.admit(anonymous, "10.0.0.1", start.Add(time.Duration(i)*time.Second)))
	}
	if want := []bool{true, true, true, false}; !equal(got, want) {
		t.Errorf("one address: got %v, want %v", got, want)
	}
	if !c.admit(anonymous, "10.0.0.2", start.Add(3*time.Second)) {
		t.Error("another address was blocked: counts are per address")
	}
	if !c.admit(keyed, "10.0.0.1", start.Add(3*time.Second)) {
		t.Error("a request with Authorization was blocked: the rule is scoped to anonymous callers")
	}
	if c.admit(anonymous, "10.0.0.1", start.Add(9*time.Second)) {
		t.Error("within the window: admitted, want blocked")
	}
	if !c.admit(anonymous, "10.0.0.1", start.Add(30*time.Second)) {
		t.Error("after the window: blocked, want admitted")
	}
}

func equal(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
