package keys_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// countingFlusher counts authorizer cache flushes.
type countingFlusher struct{ n atomic.Int32 }

func (c *countingFlusher) FlushAuthorizerCache(context.Context) error {
	c.n.Add(1)
	return nil
}

// link makes a console link for alice and returns the Caller its key is,
// as the authorizer's context names it (no scope).
func (f *fixture) link(tb testing.TB) (keys.Caller, keys.Issued) {
	tb.Helper()
	issued, err := f.svc.CreateSignInLink(context.Background(), operator)
	if err != nil {
		tb.Fatalf("CreateSignInLink: %v", err)
	}
	return keys.Caller{UserID: "alice", KeyID: issued.Key.ID, Scopes: []keys.Scope{}}, issued
}

// listed reports whether keyID is in alice's key list.
func (f *fixture) listed(tb testing.TB, keyID string) bool {
	tb.Helper()
	page, err := f.svc.List(context.Background(), operator, keys.MaxPageSize, "")
	if err != nil {
		tb.Fatal(err)
	}
	return slices.ContainsFunc(page.Keys, func(k keys.Key) bool { return k.ID == keyID })
}

func TestCreateSignInLink(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, issued := f.link(t)
	k := issued.Key
	if !k.SignInLink || k.Session || len(k.Scopes) != 0 {
		t.Errorf("got link %v session %v scopes %v, want a link key without scopes", k.SignInLink, k.Session, k.Scopes)
	}
	if want := f.now.Add(keys.SignInLinkLifetime); k.ExpiresAt == nil || !k.ExpiresAt.Equal(want) {
		t.Errorf("expiresAt: got %v, want %v", k.ExpiresAt, want)
	}
	if f.listed(t, k.ID) {
		t.Errorf("the link key is listed")
	}
	admin, _ := f.key(t, "admin", keys.AllScopes, nil)
	for _, c := range []keys.Caller{admin, {UserID: "alice"}} {
		if _, err := f.svc.CreateSignInLink(ctx, c); !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("CreateSignInLink by %+v: got %v, want BadRequest (operators only)", c, err)
		}
	}
}

func TestExchangeSignInLink(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, link := f.link(t)
	flusher := &countingFlusher{}
	got, err := f.svc.ExchangeSignInLink(ctx, c, flusher)
	if err != nil {
		t.Fatalf("the first exchange: got %v, want a session", err)
	}
	s := got.Key
	checks := []struct {
		name      string
		got, want any
	}{
		{"session", s.Session, true},
		{"not a link", s.SignInLink, false},
		{"scopes: only what the page needs", slices.Equal(s.Scopes, []keys.Scope{keys.ScopeAdmin}), true},
		{"expiry: SessionLifetime", s.ExpiresAt != nil && s.ExpiresAt.Equal(f.now.Add(time.Hour)), true},
		{"a token", got.Token != "" && got.Token != link.Token, true},
		{"the link's id", got.LinkKeyID, link.Key.ID},
		{"the cache flushed", got.Flush, keys.FlushDone},
		{"flushes", flusher.n.Load(), int32(1)},
		{"listed", f.listed(t, s.ID), false},
	}
	for _, ch := range checks {
		t.Run(ch.name, func(t *testing.T) {
			if ch.got != ch.want {
				t.Errorf("got %v, want %v", ch.got, ch.want)
			}
		})
	}
	t.Run("the link key is gone", func(t *testing.T) {
		if _, err := f.svc.Get(ctx, operator, link.Key.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("got %v, want NotFound", err)
		}
	})
	t.Run("a second use is refused", func(t *testing.T) {
		_, err := f.svc.ExchangeSignInLink(ctx, c, flusher)
		wantRefusal(t, err, keys.ReasonSignInLinkUsed)
	})
	t.Run("audit: the link revoked, the session created", func(t *testing.T) {
		page, err := f.svc.Events(ctx, operator, keys.EventQuery{}, keys.MaxPageSize, "")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]keys.EventType{}
		for _, ev := range page.Events {
			if ev.Actor.KeyID == link.Key.ID {
				seen[ev.KeyID] = ev.Type
			}
		}
		if seen[link.Key.ID] != keys.EventKeyRevoked || seen[s.ID] != keys.EventKeyCreated {
			t.Errorf("events by the link key: got %v, want %s revoked and %s created", seen, link.Key.ID, s.ID)
		}
	})
	t.Run("the session stands for its user", func(t *testing.T) {
		sc := keys.Caller{UserID: "alice", KeyID: s.ID, Scopes: s.Scopes}
		later := f.now.AddDate(0, 0, 90)
		k, err := f.svc.Create(ctx, sc, keys.CreateRequest{Name: "made on the page", Scopes: []keys.Scope{keys.ScopeRead}, ExpiresAt: &later})
		if err != nil {
			t.Fatalf("a read key made with the session: got %v, want it made", err)
		}
		if _, err := f.svc.Update(ctx, sc, k.Key.ID, keys.KeyChanges{Name: ptr("renamed")}); err != nil {
			t.Errorf("renaming it with the session: got %v, want it renamed", err)
		}
	})
}

func TestExchangeSignInLinkRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	expired, _ := f.link(t)
	f.now = f.now.Add(keys.SignInLinkLifetime)
	plain, _ := f.key(t, "plain", keys.AllScopes, nil)
	tests := []struct {
		name   string
		caller keys.Caller
		want   keys.Reason
	}{
		{"an expired link", expired, keys.ReasonSignInLinkExpired},
		{"a key that is not a link", plain, keys.ReasonNotASignInLink},
		{"an operator", operator, keys.ReasonNotASignInLink},
		{"an unknown key", keys.Caller{UserID: "alice", KeyID: "neverexisted0001"}, keys.ReasonSignInLinkUsed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.ExchangeSignInLink(ctx, tt.caller, nil)
			wantRefusal(t, err, tt.want)
		})
	}
}

// TestExchangeSignInLinkOnce: of simultaneous exchanges of one link,
// exactly one signs in; every other is the 403 of a used link.
func TestExchangeSignInLinkOnce(t *testing.T) {
	f := newFixture(t)
	const n = 8
	c, _ := f.link(t)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = f.svc.ExchangeSignInLink(context.Background(), c, nil)
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		wantRefusal(t, err, keys.ReasonSignInLinkUsed)
	}
	if won != 1 {
		t.Errorf("exchanges that signed in: got %d, want 1", won)
	}
}
