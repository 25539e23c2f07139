package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"keygate/dev/testkit/wait"
	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// holdingTarpit accepts connections and never answers: it counts the
// connections open at once (the most, and now) and those the client gave
// up on.
type holdingTarpit struct {
	ln                net.Listener
	mu                sync.Mutex
	open, most, ended int
}

func startHoldingTarpit(tb testing.TB) *holdingTarpit {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tp := &holdingTarpit{ln: ln}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tp.mu.Lock()
			tp.open++
			tp.most = max(tp.most, tp.open)
			tp.mu.Unlock()
			go func() {
				_, _ = io.Copy(io.Discard, c) // until the client hangs up
				c.Close()
				tp.mu.Lock()
				tp.open--
				tp.ended++
				tp.mu.Unlock()
			}()
		}
	}()
	return tp
}

func (tp *holdingTarpit) counts() (open, most, ended int) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.open, tp.most, tp.ended
}

// TestWebhookTenantCannotStallAnother is the isolation scenario through the
// local stack: tenant A registers five endpoints on a closed port and five
// on a tarpit (accepts, never answers), and makes ten key changes — a
// hundred deliveries, the tarpit's attempts each holding a worker for the
// attempt timeout. While every one of those attempts is still hanging,
// tenant B's five key changes are each delivered to B's receiver; A's
// attempts in flight at once never exceed MaxInFlightPerUser.
func TestWebhookTenantCannotStallAnother(t *testing.T) {
	s := newStack(t)
	s.user(t, "tenant-a", map[string]keys.Role{"wsa": keys.RoleOwner})
	s.user(t, "tenant-b", map[string]keys.Role{"wsb": keys.RoleOwner})
	tokenA, tokenB := s.key(t, "tenant-a"), s.key(t, "tenant-b")
	srv := s.gateway(t, nil)
	// Attempts hang up to 25 s: longer than the test needs for B, within
	// the worker's 30 s timeout.
	s.deliveries(t, webhooks.DeliverConfig{AttemptTimeout: 25 * time.Second})

	tarpit := startHoldingTarpit(t)
	var mu sync.Mutex
	arrived := map[string]time.Time{}
	recvB := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Data struct {
				Changes struct {
					Name struct {
						To string `json:"to"`
					} `json:"name"`
				} `json:"changes"`
			} `json:"data"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		arrived[body.Data.Changes.Name.To] = time.Now()
		mu.Unlock()
	}))
	t.Cleanup(recvB.Close)
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()

	subscribe := func(token, url string) {
		t.Helper()
		r := srv.do(t, "POST", "/open/webhooks", token, `{"url":"`+url+`","events":["key.updated"]}`)
		if r.status != http.StatusCreated {
			t.Fatalf("create webhook %s: %d %s", url, r.status, r.body)
		}
		var created struct {
			Secret string `json:"secret"`
		}
		r.decode(t, &created)
		s.tokens = append(s.tokens, created.Secret)
	}
	for i := range 5 {
		subscribe(tokenA, fmt.Sprintf("http://%s/dead-%d", deadAddr, i))
		subscribe(tokenA, fmt.Sprintf("http://%s/tarpit-%d", tarpit.ln.Addr(), i))
	}
	subscribe(tokenB, recvB.URL+"/hook")
	keyOf := func(token string) string {
		var list struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		srv.do(t, "GET", "/open/apikeys", token, "").decode(t, &list)
		if len(list.Items) == 0 {
			t.Fatal("no key listed")
		}
		return list.Items[0].ID
	}
	keyA, keyB := keyOf(tokenA), keyOf(tokenB)
	rename := func(token, keyID, name string) {
		t.Helper()
		if r := srv.do(t, "PATCH", "/open/apikeys/"+keyID, token, `{"name":"`+name+`"}`); r.status != http.StatusOK {
			t.Fatalf("rename: %d %s", r.status, r.body)
		}
	}
	for i := range 10 {
		rename(tokenA, keyA, fmt.Sprintf("a-%d", i))
	}
	wait.Eventually(t, 30*time.Second, func() (bool, string) {
		open, _, _ := tarpit.counts()
		return open >= 5, fmt.Sprintf("%d of A's tarpit attempts hanging, want at least 5", open)
	})
	for i := range 5 {
		rename(tokenB, keyB, fmt.Sprintf("b-%d", i))
	}
	wait.Eventually(t, 20*time.Second, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(arrived) == 5, fmt.Sprintf("B's deliveries arrived: %v, want 5", arrived)
	})
	open, most, ended := tarpit.counts()
	if ended != 0 {
		t.Errorf("%d of A's tarpit attempts had ended when B's deliveries were all in: B waited behind them", ended)
	}
	if open == 0 || most > webhooks.MaxInFlightPerUser {
		t.Errorf("A's tarpit attempts: %d open now, at most %d at once; want some, and never more than %d (MaxInFlightPerUser)",
			open, most, webhooks.MaxInFlightPerUser)
	}
}
