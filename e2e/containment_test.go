package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"keygate/shared/keys"
)

// wantRefused checks a 403 with the spec's body and the reason header.
func wantRefused(tb testing.TB, r response, reason string) {
	tb.Helper()
	if r.status != 403 {
		tb.Fatalf("got %d %s, want 403", r.status, r.body)
	}
	var env struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	r.decode(tb, &env)
	if env.Error.Code != "FORBIDDEN" || env.Error.Message != "Insufficient access" {
		tb.Errorf("got 403 body %s, want the spec's FORBIDDEN body", r.body)
	}
	if got := r.header.Get("X-Keygate-Reason"); got != reason {
		tb.Errorf("got X-Keygate-Reason %q, want %q", got, reason)
	}
}

// aliceStack is a stack with user alice, an unlimited admin key of hers,
// and a gateway whose clock stands still, so a test's requests all fall in
// one window.
func aliceStack(t *testing.T) (*stack, server, string) {
	t.Helper()
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	admin := s.key(t, "alice")
	return s, s.gatewayAt(t, newClock(time.Now()).now, nil), admin
}

// created creates a key through the API as token and returns it.
func created(tb testing.TB, s *stack, srv server, token, body string) keyJSON {
	tb.Helper()
	r := srv.do(tb, "POST", "/open/apikeys", token, body)
	if r.status != 201 {
		tb.Fatalf("create %s: got %d %s", body, r.status, r.body)
	}
	var k keyJSON
	r.decode(tb, &k)
	s.tokens = append(s.tokens, k.APIKey)
	return k
}

// count sends GET whoami n times with each token in turn and counts the 200s.
func count(tb testing.TB, srv server, n int, tokens ...string) int {
	tb.Helper()
	ok := 0
	for range n {
		for _, tok := range tokens {
			switch r := srv.do(tb, "GET", "/open/auth/whoami", tok, ""); r.status {
			case 200:
				ok++
			case 429:
			default:
				tb.Fatalf("got %d %s, want 200 or 429", r.status, r.body)
			}
		}
	}
	return ok
}

// Findings 1–3: a restricted key rotated an unrestricted sibling and got
// an unrestricted token.
func TestRestrictedKeyCannotRotateAnUnrestrictedSibling(t *testing.T) {
	s, srv, admin := aliceStack(t)
	expiry := time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	tests := []struct {
		name, restriction string
	}{
		{"limited to 5/min and 10/day", `"rateLimit":{"limit":5,"windowSeconds":60,"burst":5},"quota":{"limit":10,"period":"day"}`},
		{"allowed only from 127.0.0.1", `"allowedCidrs":["127.0.0.1/32"]`},
		{"expiring in 60 s", `"expiresAt":"` + expiry + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			restricted := created(t, s, srv, admin, `{"name":"restricted",`+tt.restriction+`}`)
			sibling := created(t, s, srv, admin, `{"name":"sibling"}`)
			r := srv.do(t, "POST", "/open/apikeys/"+sibling.ID+"/rotate", restricted.APIKey, `{}`)
			wantRefused(t, r, "KEY_OUTRANKS_CALLER")
			// The sibling's token still works: nothing was rotated.
			if r := srv.do(t, "GET", "/open/auth/whoami", sibling.APIKey, ""); r.status != 200 {
				t.Errorf("sibling after the refused rotation: got %d, want 200", r.status)
			}
		})
	}
}

// Finding 4: self-rotation refilled a rate limit.
func TestSelfRotationDoesNotRefillARateLimit(t *testing.T) {
	s, srv, admin := aliceStack(t)
	k := created(t, s, srv, admin, `{"name":"five a minute","rateLimit":{"limit":5,"windowSeconds":60,"burst":5}}`)
	admitted, token := 0, k.APIKey
	for range 6 {
		admitted += count(t, srv, 4, token)
		r := srv.do(t, "POST", "/open/apikeys/"+k.ID+"/rotate", token, `{}`)
		if r.status == 429 {
			continue
		}
		if r.status != 201 {
			t.Fatalf("rotate: got %d %s", r.status, r.body)
		}
		admitted++
		r.decode(t, &k)
		token = k.APIKey
	}
	if admitted != 5 {
		t.Errorf("admitted %d requests in one minute (rotations included), want 5", admitted)
	}
}

// Finding 5: a grace rotation doubled a quota.
func TestGraceRotationSharesTheQuota(t *testing.T) {
	s, srv, admin := aliceStack(t)
	old := created(t, s, srv, admin, `{"name":"five a day","quota":{"limit":5,"period":"day"}}`)
	used := count(t, srv, 3, old.APIKey)
	r := srv.do(t, "POST", "/open/apikeys/"+old.ID+"/rotate", old.APIKey, `{"gracePeriodSeconds":600}`)
	if r.status != 201 {
		t.Fatalf("rotate: got %d %s", r.status, r.body)
	}
	used++
	var next keyJSON
	r.decode(t, &next)
	used += count(t, srv, 5, old.APIKey, next.APIKey)
	if used != 5 {
		t.Errorf("old and new admitted %d in the day, want the quota's 5", used)
	}
}

// Finding 6: a 4/month key reset its count by changing its period.
func TestChangingAQuotaPeriodDoesNotResetIt(t *testing.T) {
	s, srv, admin := aliceStack(t)
	k := created(t, s, srv, admin, `{"name":"four a month","quota":{"limit":4,"period":"month"}}`)
	r := srv.do(t, "PATCH", "/open/apikeys/"+k.ID, k.APIKey, `{"quota":{"limit":4,"period":"day"}}`)
	wantRefused(t, r, "LIMITS_BEYOND_CALLER")
	used := 1 // the refused PATCH was a request of the key
	for _, period := range []string{"day", "month", "day"} {
		used += count(t, srv, 4, k.APIKey)
		// The unlimited admin key may change it; the count stays.
		if r := srv.do(t, "PATCH", "/open/apikeys/"+k.ID, admin, `{"quota":{"limit":4,"period":"`+period+`"}}`); r.status != 200 {
			t.Fatalf("PATCH to %s: got %d %s", period, r.status, r.body)
		}
	}
	if used != 4 {
		t.Errorf("admitted %d across period changes, want 4", used)
	}
}

// Finding 7: children multiplied their parent's limit.
func TestChildrenShareTheirParentsLimit(t *testing.T) {
	s, srv, admin := aliceStack(t)
	parent := created(t, s, srv, admin, `{"name":"parent","rateLimit":{"limit":5,"windowSeconds":60,"burst":5}}`)
	tokens := []string{parent.APIKey}
	for i := range 3 {
		tokens = append(tokens, created(t, s, srv, parent.APIKey, fmt.Sprintf(`{"name":"child %d"}`, i)).APIKey)
	}
	// Three creates were three of the parent's five.
	if got := count(t, srv, 5, tokens...); got != 2 {
		t.Errorf("four keys admitted %d of 20 in the minute, want the 2 the parent had left", got)
	}
}

// Finding 10: a limited key answered 500 under contention.
func TestConcurrentFirstRequestsGet200Or429(t *testing.T) {
	s, srv, admin := aliceStack(t)
	for burst := range 5 {
		k := created(t, s, srv, admin, `{"name":"fresh","rateLimit":{"limit":5,"windowSeconds":60,"burst":5}}`)
		var mu sync.Mutex
		got := map[int]int{}
		var wg sync.WaitGroup
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := srv.do(t, "GET", "/open/auth/whoami", k.APIKey, "")
				mu.Lock()
				got[r.status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if got[200] != 5 || got[429] != 59 {
			t.Errorf("burst %d: got %v, want 5 × 200 and 59 × 429", burst, got)
		}
	}
}
